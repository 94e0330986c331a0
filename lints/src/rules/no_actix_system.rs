use super::{Certainty, LintCx};
use crate::census::{self, Need};
use crate::diagnostic::Label;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::{Family, Flavor};

crate::declare_lint! {
    /// ## What it does
    /// Finds actix calls that need the current actix `System` or `Arbiter`
    /// (`System::current()`, `Arbiter::new()`, `Arbiter::try_new()`, `Arbiter::with_tokio_rt`,
    /// `Arbiter::current()`) made where none is registered: in a plain tokio runtime
    /// (`#[tokio::main]`, `#[tokio::test]`, a tokio runtime's `block_on`), or in a plain
    /// `fn main`, `#[test]` or thread before any `System::new()` on that thread.
    ///
    /// ## Why is this bad?
    /// actix keeps its `System` in a thread-local that only actix's entry points
    /// (`#[actix_rt::main]`, `#[actix_web::main]`, `System::new()`) and arbiter threads set.
    /// Without one these calls panic: `System is not running` (`Arbiter::current()`:
    /// `Arbiter is not running.`).
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() {
    ///     let worker = actix_rt::Arbiter::new();
    ///     worker.spawn(async { process_jobs().await });
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// #[actix_rt::main]
    /// async fn main() {
    ///     let worker = actix_rt::Arbiter::new();
    ///     worker.spawn(async { process_jobs().await });
    /// }
    /// ```
    /// or check first: `actix_rt::System::try_current()`.
    ///
    /// ## Known problems
    /// A `System` registered by other code on the thread (`System::set_current` in a caller the
    /// model does not see) is not known; only calls made directly where the runtime or thread
    /// starts are reported at deny level.
    pub static LINT = {
        name: "no_actix_system",
        level: Deny,
        summary: "`actix_rt::System::current()`, `Arbiter::new()`... where no actix `System` runs (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks(SinkKind::NeedsActixSystem) {
        let (file, id) = (sink.file, sink.call);
        // A tokio runtime of a known flavor is tokio's own: actix's runtimes are local ones.
        let Some(site) = cx.wrong_site(&sink, |k| match k {
            SiteKind::Async(r) => {
                r.family == Family::Tokio
                    && matches!(r.flavor, Flavor::CurrentThread | Flavor::MultiThread)
            }
            k => k.is_runtime_less(),
        }) else {
            continue;
        };
        if cx.cm.actix_system_registered(file, id, &site) {
            continue;
        }
        let call = &cx.files()[file].calls[id];
        let dep = cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some());
        let name = dep.clone().unwrap_or_else(|| cx.cm.sink_text(file, id));
        let where_ = match site.kind {
            SiteKind::Async(_) => "on a tokio runtime without an actix `System`",
            _ => "where no actix `System` runs",
        };
        let certainty = Certainty::of(sink.certain && site.certain && site.direct());
        let mut d = cx.diagnostic(
            &LINT,
            certainty,
            match dep {
                Some(_) => format!("`{name}` needs an actix `System` and is called {where_}"),
                None => format!("`{name}` called {where_}"),
            },
            Label::new(call.label_range.clone(), "this panics: no actix `System` is registered on this thread"),
        );
        cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
        let message = cx
            .cm
            .target(file, id)
            .external()
            .and_then(|path| census::message_of(path, Need::ActixSystem))
            .unwrap_or("System is not running");
        d.notes.push(format!("actix panics with: {message}"));
        d.help.push("run this inside an actix `System` (`#[actix_rt::main]`, `#[actix_web::main]`, `actix_rt::System::new().block_on(..)`), or check with `actix_rt::System::try_current()`".into());
        cx.emit(file, d);
    }
}
