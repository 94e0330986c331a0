use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::CtxKind;

crate::declare_lint! {
    /// ## What it does
    /// Finds a sync closure that only makes a future (`|| async { .. }`) passed to a function
    /// that runs closures on a blocking or new thread: `tokio::task::spawn_blocking`,
    /// `std::thread::spawn`, `thread::Builder::spawn`, `rayon::spawn`, `blocking::unblock`.
    ///
    /// ## Why is this bad?
    /// The closure runs, builds the future and returns it; nothing polls it there. The work in
    /// the async block never happens unless the caller awaits the returned future itself, which
    /// defeats the point of the spawn.
    ///
    /// ## Example
    /// ```rust,ignore
    /// tokio::task::spawn_blocking(move || async move {
    ///     db.vacuum().await;
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// tokio::spawn(async move {
    ///     db.vacuum().await;
    /// });
    /// ```
    ///
    /// ## Known problems
    /// A caller that awaits the returned future on purpose (`spawn_blocking(f).await?.await`)
    /// is reported too.
    pub static LINT = {
        name: "async_closure_in_blocking_spawn",
        level: Warn,
        summary: "`spawn_blocking(|| async { .. })` and the like: the future is never run",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for c in &m.ctxs {
            // An async block that is the whole body of its closure.
            if c.kind != CtxKind::AsyncBlock {
                continue;
            }
            let Some(parent) = c.parent else { continue };
            let closure = &m.ctxs[parent];
            if closure.kind != (CtxKind::Closure { is_async: false })
                || closure.range.end != c.range.end
            {
                continue;
            }
            let Some((call, idx)) = closure.arg_of else {
                continue;
            };
            if idx == usize::MAX {
                continue;
            }
            let Some(path) = cx.cm.target(file, call).external() else {
                continue;
            };
            let spawner = matches!(
                path,
                "tokio::task::spawn_blocking"
                    | "tokio::runtime::Runtime::spawn_blocking"
                    | "tokio::runtime::Handle::spawn_blocking"
                    | "std::thread::spawn"
                    | "std::thread::Builder::spawn"
                    | "std::thread::Scope::spawn"
                    | "rayon::spawn"
                    | "blocking::unblock"
                    | "async_std::task::spawn_blocking"
            );
            if !spawner {
                continue;
            }
            let name = cx.callee_text(file, call);
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                format!("closure passed to `{name}` returns a future that is never run"),
                Label::new(c.head.clone(), "this future is built and returned, not run"),
            );
            d.secondary.push(Label::new(
                m.calls[call].label_range.clone(),
                "the closure runs here, on a thread that does not poll futures",
            ));
            d.help.push("spawn async work as a task (`tokio::spawn(async move { .. })`), or remove `async` to do blocking work in the closure".into());
            cx.emit(file, d);
        }
    }
}
