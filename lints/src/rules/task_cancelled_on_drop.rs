use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::{Prov, UseKind, ValueUse};

crate::declare_lint! {
    /// ## What it does
    /// Finds task handles whose drop cancels the task: an `async_task::Task` (from
    /// `smol::spawn`, `Executor::spawn`, `async_global_executor::spawn`) that is dropped at
    /// once (`let _ = smol::spawn(..)`, `drop(task)`, an unused binding), and a local
    /// `tokio::task::JoinSet` that tasks are spawned into and that is never joined, detached or
    /// handed on before it goes out of scope.
    ///
    /// ## Why is this bad?
    /// Dropping a `Task` cancels it; dropping a `JoinSet` aborts every task in it. The work is
    /// silently never done. rustc's `#[must_use]` warning covers only the bare statement
    /// `smol::spawn(f);`, not `let _ = ..` or a binding that is never used.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let _ = smol::spawn(flush_cache());
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// smol::spawn(flush_cache()).detach();
    /// ```
    /// and for a `JoinSet`: `while let Some(res) = set.join_next().await { .. }`.
    ///
    /// ## Known problems
    /// A `JoinSet` that is meant to abort its tasks at the end of the scope is reported too;
    /// call `set.abort_all()`, `set.shutdown().await` or `drop(set)` to say so. A set spawned
    /// into inside a `loop { .. }` is not reported (the loop may never end).
    pub static LINT = {
        name: "task_cancelled_on_drop",
        level: Warn,
        summary: "a smol/async-task `Task` or a `JoinSet` dropped unjoined, which cancels its tasks",
    };
}

const CANCEL_ON_DROP: &[&str] = &[
    "smol::spawn",
    "async_global_executor::spawn",
    "async_global_executor::spawn_local",
    "async_executor::Executor::spawn",
    "async_executor::LocalExecutor::spawn",
];

/// `JoinSet` methods that wait for, detach or deliberately abort its tasks.
const JOINS: &[&str] = &[
    "join_next",
    "join_next_with_id",
    "try_join_next",
    "try_join_next_with_id",
    "join_all",
    "detach_all",
    "shutdown",
    "abort_all",
    "poll_join_next",
];

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            let cancels = cx
                .cm
                .target(file, id)
                .external()
                .is_some_and(|p| CANCEL_ON_DROP.contains(&p));
            if !cancels || call.in_macro {
                continue;
            }
            let dropped = match call.used_as {
                ValueUse::Discarded => true,
                ValueUse::Bound(b) => m.bindings[b].uses.is_empty(),
                ValueUse::Arg(outer) => cx.cm.target(file, outer).external() == Some("std::mem::drop"),
                _ => false,
            };
            if !dropped {
                continue;
            }
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                "task is cancelled because its handle is dropped",
                Label::new(call.label_range.clone(), "the `Task` this returns is dropped, which cancels it"),
            );
            d.notes.push("dropping an `async_task::Task` cancels the task; it may never run at all".into());
            d.help.push("call `.detach()` on it to let it run in the background, or keep it and `.await` it".into());
            cx.emit(file, d);
        }

        for b in &m.bindings {
            if b.is_param || !matches!(b.prov, Prov::Known(_)) {
                continue;
            }
            if !cx.cm.ty(file, &b.prov).is_some_and(|t| t.is("tokio::task::JoinSet")) {
                continue;
            }
            let method = |u| m.method_call_on(u).map(|(_, name)| name);
            let spawned = b.uses.iter().any(|u| {
                method(u).is_some_and(|n| n.starts_with("spawn") || n == "build_task")
            });
            let joined = b.uses.iter().any(|u| {
                method(u).is_some_and(|n| JOINS.contains(&n)) || u.kind == UseKind::Awaited
            });
            let by_ref = [
                "spawn", "spawn_on", "spawn_local", "spawn_local_on", "spawn_blocking",
                "spawn_blocking_on", "len", "is_empty", "build_task",
            ];
            let escapes = b.uses.iter().any(|u| cx.cm.use_escapes(file, b, u, &by_ref));
            let in_macro = m.macros.iter().any(|s| s.range.start > b.range.end && s.range.start < b.scope_end);
            // `drop(set)` aborts on purpose; spawning in a `loop { .. }` (an accept loop that
            // never ends) may never reach the end of the scope.
            let dropped_on_purpose = b.uses.iter().any(|u| cx.cm.is_drop_use(file, u));
            let spawns_in_loop = b.uses.iter().any(|u| match u.kind {
                UseKind::Receiver(call) => m.calls[call].in_bare_loop,
                _ => false,
            });
            if !spawned || joined || escapes || in_macro || dropped_on_purpose || spawns_in_loop {
                continue;
            }
            let end = b.scope_end;
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                format!("`JoinSet` `{}` is dropped without being joined", b.name),
                Label::new(end.saturating_sub(1)..end, "dropped here, which aborts every task in it"),
            );
            d.secondary.push(Label::new(b.range.clone(), "tasks are spawned into this set"));
            d.notes.push("dropping a `JoinSet` aborts all of its tasks immediately".into());
            d.help.push(format!("wait for the tasks (`{0}.join_all().await` or `while let Some(res) = {0}.join_next().await {{ .. }}`), or `{0}.detach_all()` to let them run", b.name));
            cx.emit(file, d);
        }
    }
}
