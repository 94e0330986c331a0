use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::Driver;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::{Family, ValueUse};

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime ended in a fn (`rt.shutdown_background()`,
    /// `rt.shutdown_timeout(..)`, `drop(rt)`) before a handle taken from it earlier
    /// (`let handle = rt.handle().clone();`) blocks on a future that awaits a tokio timer
    /// (`sleep`, `timeout`, `interval`, ...).
    ///
    /// ## Why is this bad?
    /// A `Handle` does not keep its runtime alive. Once the runtime is shut down, its timer
    /// driver is gone, and a timer polled through the handle panics:
    /// `A Tokio 1.x context was found, but it is being shutdown.`
    /// (IO through such a handle returns an error instead, and a task spawned through it is
    /// cancelled at once.)
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn main() {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     let handle = rt.handle().clone();
    ///     rt.shutdown_background();
    ///     handle.block_on(async { tokio::time::sleep(GRACE).await });
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn main() {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     rt.block_on(async { tokio::time::sleep(GRACE).await });
    ///     rt.shutdown_background();
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Only a runtime ended in the same fn as the handle's `block_on`, on every path before
    /// it, is seen; a runtime shut down by another thread or owner is not. Timers in async
    /// fns called from the future are reported at warn level.
    pub static LINT = {
        name: "runtime_used_after_shutdown",
        level: Deny,
        summary: "a timer run through a `Handle` after its runtime was shut down or dropped (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for sink in cx.sinks(SinkKind::NeedsTime) {
        let (file, id) = (sink.file, sink.call);
        let call = &cx.files()[file].calls[id];
        // A timer only panics when it is polled: made and awaited in the future.
        if call.used_as != ValueUse::Awaited || sink.dep.is_some() {
            continue;
        }
        let Some(site) = cx.wrong_site(&sink, |k| {
            matches!(k, SiteKind::Async(r) if r.family == Family::Tokio)
        }) else {
            continue;
        };
        let Some((df, driver)) = cx.cm.site_driver(file, id, &site) else {
            continue;
        };
        if df != file || cx.cm.driver(df, driver) != Some(Driver::TokioBlockOn) {
            continue;
        }
        let Some(ended) = cx.cm.runtime_ended_before(df, driver) else {
            continue;
        };
        if reported.contains(&(file, ended.end)) {
            continue;
        }
        reported.push((file, ended.end));
        let m = &cx.files()[file];
        let rt = &m.bindings[ended.runtime].name;
        let handle = &m.bindings[ended.handle].name;
        let certainty = Certainty::of(sink.certain && site.certain && site.direct());
        let mut d = cx.diagnostic(
            &LINT,
            certainty,
            format!("runtime `{rt}` is shut down here, and a timer runs through its handle `{handle}` afterwards"),
            Label::new(m.calls[ended.end].label_range.clone(), "the runtime ends here"),
        );
        d.secondary.push(Label::new(
            m.calls[driver].label_range.clone(),
            format!("`{handle}` still points at the runtime that ended"),
        ));
        d.secondary.push(Label::new(
            call.label_range.clone(),
            "this timer is polled after the runtime ended: it panics",
        ));
        if !site.direct() {
            d.notes.extend(cx.cm.site_notes(&site));
        }
        d.notes.push("a `Handle` does not keep its runtime alive".into());
        d.notes.push("tokio panics with: A Tokio 1.x context was found, but it is being shutdown.".into());
        d.help.push(format!("run the timers on `{rt}` before it ends (`{rt}.block_on(..)`), or end it after the last use of `{handle}`"));
        cx.emit(file, d);
    }
}
