use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::{Family, Flavor};

crate::declare_lint! {
    /// ## What it does
    /// Finds `tokio::task::spawn_local` called where no `LocalSet` or `LocalRuntime` runs the
    /// code: the body of `#[tokio::main]`/`#[tokio::test]` without `flavor = "local"`, futures
    /// given to `tokio::spawn` or to a runtime's `block_on`, and sync code without a runtime.
    /// The same for the other local spawners: `JoinSet::spawn_local`, tokio-util's
    /// `TaskTracker`, `JoinMap` and `JoinQueue` `spawn_local`, and `actix_rt::spawn` (which
    /// needs actix's `LocalSet`).
    ///
    /// ## Why is this bad?
    /// `spawn_local` puts the task on the current `LocalSet`; without one it panics:
    /// `` `spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime` ``.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() {
    ///     tokio::task::spawn_local(render_frames()).await.unwrap();
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() {
    ///     let local = tokio::task::LocalSet::new();
    ///     local.run_until(async { tokio::task::spawn_local(render_frames()).await.unwrap() }).await;
    /// }
    /// ```
    /// or `#[tokio::main(flavor = "local")]`.
    ///
    /// ## Known problems
    /// Code reached through calls is judged on each path from a runtime, with the chain shown:
    /// a helper run inside a `LocalSet` by one caller and on a multi-thread runtime by another
    /// is reported for the second. A chain is followed only through calls that resolve to one
    /// fn; through a call in a branch only from async code or where the chain starts, at warn
    /// level.
    pub static LINT = {
        name: "spawn_local_outside_local_set",
        level: Deny,
        summary: "`tokio::task::spawn_local` with no `LocalSet` or `LocalRuntime` (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks(SinkKind::SpawnLocal) {
        let (file, id) = (sink.file, sink.call);
        let call = &cx.files()[file].calls[id];
        // Known not to run in a `LocalSet`: a tokio runtime of a known flavor without one,
        // or a thread without any runtime.
        let Some(site) = cx.wrong_site(&sink, |k| match k {
            SiteKind::Async(r) => {
                r.family == Family::Tokio
                    && matches!(r.flavor, Flavor::CurrentThread | Flavor::MultiThread)
            }
            k => k.is_runtime_less(),
        }) else {
            continue;
        };
        let certainty = Certainty::of(sink.certain && site.certain);
        let label = Label::new(call.label_range.clone(), "no `LocalSet` runs this code");
        let message = match cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some()) {
            Some(path) => format!("`{path}` calls `spawn_local` and is called outside a `LocalSet`"),
            None => "`spawn_local` called outside a `LocalSet`".to_string(),
        };
        let mut d = cx.diagnostic(&LINT, certainty, message, label);
        cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
        for context in &mut d.secondary {
            if matches!(site.kind, SiteKind::Async(_)) {
                context.message = "this runs on a runtime without a `LocalSet`".into();
            }
        }
        d.notes.push("tokio panics with: `spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`".into());
        d.help.push("run this code inside a `LocalSet` (`local.run_until(async { .. }).await`), or use `#[tokio::main(flavor = \"local\")]`".into());
        cx.emit(file, d);
    }
}
