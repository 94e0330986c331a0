use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::ValueUse;

crate::declare_lint! {
    /// ## What it does
    /// Finds tasks spawned (`tokio::spawn`, `rt.spawn`, `handle.spawn`,
    /// `async_std::task::spawn`) whose `JoinHandle` is dropped at once: the task is detached.
    /// Allowed by default; enable it in code bases that keep every task structured.
    ///
    /// ## Why is this bad?
    /// A `JoinHandle` is not `#[must_use]`: dropping it detaches the task, and its output and
    /// its panic are lost, and nothing can cancel or wait for it. Fire-and-forget tasks are
    /// idiomatic in many servers, hence the default level.
    ///
    /// ## Example
    /// ```rust,ignore
    /// tokio::spawn(refresh_cache());
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// tracker.spawn(refresh_cache()); // a `TaskTracker` or `JoinSet` that is waited for
    /// ```
    /// or make the detach explicit: `drop(tokio::spawn(refresh_cache()));`.
    ///
    /// ## Known problems
    /// A handle bound to a name and never used is reported too, as it is dropped at the end of
    /// its scope.
    pub static LINT = {
        name: "detached_spawn",
        level: Allow,
        summary: "a spawned task whose `JoinHandle` is dropped (detached)",
    };
}

const SPAWNS: &[&str] = &[
    "tokio::spawn",
    "tokio::runtime::Runtime::spawn",
    "tokio::runtime::Handle::spawn",
    "async_std::task::spawn",
];

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            let is_spawn = cx
                .cm
                .target(file, id)
                .external()
                .is_some_and(|p| SPAWNS.contains(&p));
            let dropped = match call.used_as {
                ValueUse::Discarded => true,
                ValueUse::Bound(b) => m.bindings[b].uses.is_empty(),
                _ => false,
            };
            if !is_spawn || !dropped || call.in_macro {
                continue;
            }
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                "spawned task is detached because its `JoinHandle` is dropped",
                Label::new(call.label_range.clone(), "the handle of this task is dropped"),
            );
            d.notes.push("the task's output and panic are lost, and nothing can wait for it or cancel it".into());
            d.help.push("keep the handle (or spawn into a `JoinSet`/`TaskTracker`) and wait for it; or write `drop(..)` around the spawn to make the detach explicit".into());
            cx.emit(file, d);
        }
    }
}
