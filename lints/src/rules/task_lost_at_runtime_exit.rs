use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::{Driver, Exec, Target};
use crate::model::{paths, Callee, CallId, CtxId, CtxKind, Family, FileModel, ValueUse};

crate::declare_lint! {
    /// ## What it does
    /// Finds tasks spawned (`tokio::spawn`, `rt.spawn`, `handle.spawn`, or a crate fn that does
    /// so) whose `JoinHandle` is dropped in a body whose end shuts the runtime down — a
    /// `#[tokio::main]` or `#[tokio::test]` fn, the future given to `block_on` in sync code, or
    /// sync code that spawns on a runtime it then drops — with nothing after the spawn that
    /// waits: no `.await` (also inside `join!`/`select!`), no blocking wait (`thread::sleep`,
    /// `join`, `recv`), no later `block_on`, no call into the crate that might wait.
    ///
    /// ## Why is this bad?
    /// A dropped `JoinHandle` detaches its task. When the body returns, the runtime shuts down
    /// and drops every unfinished task at its next `.await`: the work, its output and its panics
    /// are silently lost. On a current-thread runtime the task may never have run at all.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() {
    ///     tokio::spawn(flush_metrics());
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() {
    ///     tokio::spawn(flush_metrics()).await.unwrap();
    /// }
    /// ```
    /// or collect the tasks in a `JoinSet` (`set.join_all().await`) or a `TaskTracker`
    /// (`tracker.close(); tracker.wait().await`).
    ///
    /// ## Known problems
    /// Any later wait counts as waiting for the task, even one for something else; and a task
    /// that ends before the runtime does is fine, which the model cannot know. A spawn through a
    /// crate fn is followed one call deep.
    pub static LINT = {
        name: "task_lost_at_runtime_exit",
        level: Warn,
        summary: "tasks spawned and never awaited before the runtime that runs them shuts down",
    };
}

const SPAWNS: &[&str] = &[
    "tokio::spawn",
    "tokio::runtime::Runtime::spawn",
    "tokio::runtime::Handle::spawn",
];

/// Names of calls that block the thread until something else happens.
const WAITS: &[&str] = &[
    "sleep",
    "join",
    "recv",
    "recv_timeout",
    "wait",
    "wait_timeout",
    "wait_while",
    "park",
    "park_timeout",
    "read_line",
    "block_on",
    "run",
    "run_until",
    "output",
    "status",
];

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            if call.in_macro || !handle_dropped(cx, file, id) {
                continue;
            }
            let (certainty, helper) = if is_spawn(cx, file, id) {
                (Certainty::Certain, None)
            } else if let Some(spawn) = spawning_helper(cx, file, id) {
                (Certainty::Uncertain, Some(spawn))
            } else {
                continue;
            };
            let Some(shutdown) = shutdown_after(cx, file, id) else {
                continue;
            };
            let label = match helper {
                None => "this task is detached: nothing waits for it",
                Some(_) => "this call spawns a task that nothing waits for",
            };
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                "spawned task is not awaited before the runtime shuts down",
                Label::new(call.label_range.clone(), label),
            );
            d.secondary.push(Label::new(shutdown.at, shutdown.why));
            if let Some((hf, hcall)) = helper {
                let hm = &cx.files()[hf];
                d.notes.push(format!(
                    "the task is spawned at {}:{} and its `JoinHandle` dropped",
                    hm.path,
                    hm.line_of(hm.calls[hcall].range.start)
                ));
            }
            d.notes.push("a dropped `JoinHandle` detaches its task; when the runtime shuts down, unfinished tasks are dropped at their next `.await`, and their work, output and panics are lost".into());
            d.help.push("keep the `JoinHandle` and `.await` it before the end, or collect tasks in a `JoinSet` and `join_all().await` it".into());
            cx.emit(file, d);
        }
    }
}

fn is_spawn(cx: &LintCx<'_>, file: usize, call: CallId) -> bool {
    cx.cm
        .target(file, call)
        .external()
        .is_some_and(|p| SPAWNS.contains(&p))
}

/// The call's value (a `JoinHandle`) is thrown away.
fn handle_dropped(cx: &LintCx<'_>, file: usize, call: CallId) -> bool {
    let m = &cx.files()[file];
    match m.calls[call].used_as {
        ValueUse::Discarded => true,
        ValueUse::Bound(b) => m.bindings[b].uses.is_empty(),
        ValueUse::Arg(outer) => cx.cm.target(file, outer).external() == Some("std::mem::drop"),
        // An async helper that spawns: `start().await;`
        ValueUse::Awaited => !is_spawn(cx, file, call),
        _ => false,
    }
}

/// A crate fn, called here, that spawns a task and drops its handle in its own body.
fn spawning_helper(cx: &LintCx<'_>, file: usize, call: CallId) -> Option<(usize, CallId)> {
    let Target::Fn {
        fn_ref,
        certain: true,
    } = *cx.cm.target(file, call)
    else {
        return None;
    };
    let def = cx.cm.fn_def(fn_ref);
    let awaited = cx.files()[file].calls[call].used_as == ValueUse::Awaited;
    // A helper that returns something (a client, a server handle) usually spawns the task that
    // drives it: that task is infrastructure, not work.
    if def.is_async != awaited || def.entry.is_some() || !def.returns_unit {
        return None;
    }
    let body = def.body?;
    let hf = fn_ref.0;
    let hm = &cx.files()[hf];
    // The helper must leave the task behind: nothing in it waits after the spawn.
    (0..hm.calls.len())
        .find(|&c| {
            hm.calls[c].ctx == body
                && !hm.calls[c].in_macro
                && is_spawn(cx, hf, c)
                && handle_dropped(cx, hf, c)
                && !hm.calls[c].in_loop
                && !match def.is_async {
                    true => waits_after(cx, hf, body, c),
                    false => waits_after_sync(cx, hf, body, c),
                }
        })
        .map(|c| (hf, c))
}

struct Shutdown {
    at: std::ops::Range<usize>,
    why: String,
}

/// Where the runtime running the spawned task shuts down with nothing waiting in between.
fn shutdown_after(cx: &LintCx<'_>, file: usize, call: CallId) -> Option<Shutdown> {
    let m = &cx.files()[file];
    let c = &m.calls[call];
    match cx.cm.exec(file, c.ctx) {
        Exec::Async { boundary, runtime } => {
            if runtime.family != Family::Tokio && runtime.family != Family::Unknown {
                return None;
            }
            let b = &m.ctxs[boundary];
            let end = b.range.end.saturating_sub(1)..b.range.end;
            match b.kind {
                CtxKind::Fn => {
                    let entry = m.fns[b.fn_id?].entry.as_ref()?;
                    if entry.family != Family::Tokio {
                        return None;
                    }
                    if waits_after(cx, file, boundary, call) {
                        return None;
                    }
                    Some(Shutdown {
                        at: end,
                        why: format!("`#[{}]` shuts the runtime down when this body returns", entry.attr),
                    })
                }
                _ => {
                    // The future given to `block_on` in sync code.
                    let (driver, idx) = b.arg_of?;
                    if idx == usize::MAX || cx.cm.driver(file, driver) != Some(Driver::TokioBlockOn) {
                        return None;
                    }
                    let outer = m.calls[driver].ctx;
                    if !matches!(cx.cm.exec(file, outer), Exec::Sync { .. }) {
                        return None;
                    }
                    if waits_after(cx, file, boundary, call) || waits_after_sync(cx, file, outer, driver) {
                        return None;
                    }
                    Some(Shutdown {
                        at: end,
                        why: "`block_on` returns when this future ends, and the runtime stops running tasks".into(),
                    })
                }
            }
        }
        Exec::Sync { fn_ref: Some(_), .. } => {
            // `rt.spawn(f)` in sync code on a runtime that is dropped with no `block_on` after.
            if cx.cm.target(file, call).external() != Some("tokio::runtime::Runtime::spawn") {
                return None;
            }
            let Callee::Method { receiver: crate::model::Prov::Local(rt), .. } = &c.callee else {
                return None;
            };
            let rt_binding = &m.bindings[*rt];
            let escapes = rt_binding.uses.iter().any(|u| {
                cx.cm.use_escapes(file, rt_binding, u, &["block_on", "enter", "spawn", "spawn_blocking", "handle", "metrics"])
            });
            if escapes || rt_binding.is_param || waits_after_sync(cx, file, c.ctx, call) {
                return None;
            }
            let end = rt_binding.scope_end;
            Some(Shutdown {
                at: end.saturating_sub(1)..end,
                why: format!("runtime `{}` is dropped here, and its unfinished tasks with it", rt_binding.name),
            })
        }
        _ => None,
    }
}

/// Something in the async `body` after `call` waits: an `.await` (a loop's `.await` before the
/// call too, since the loop comes back to it), a macro the model cannot read, a blocking wait,
/// a loop, or a call into the crate.
fn waits_after(cx: &LintCx<'_>, file: usize, body: CtxId, call: CallId) -> bool {
    let m = &cx.files()[file];
    let c = &m.calls[call];
    let after = |at: usize, ctx: CtxId| {
        (at > c.range.end || c.in_loop) && cx.cm.runs_inline(file, ctx, body)
    };
    // A macro the model cannot read may hide an `.await` (`within!(..)` expanding to one).
    m.awaits.iter().any(|a| after(a.range.start, a.ctx))
        || m.macros.iter().any(|s| after(s.range.start, s.ctx))
        || calls_wait(cx, m, file, body, c.range.end)
}

/// Something in sync `ctx` after `call` waits or blocks on the runtime again.
fn waits_after_sync(cx: &LintCx<'_>, file: usize, ctx: CtxId, call: CallId) -> bool {
    let m = &cx.files()[file];
    let c = &m.calls[call];
    if c.in_loop {
        return true;
    }
    calls_wait(cx, m, file, ctx, c.range.end)
}

fn calls_wait(cx: &LintCx<'_>, m: &FileModel, file: usize, body: CtxId, from: usize) -> bool {
    m.calls.iter().enumerate().any(|(id, later)| {
        if later.range.start <= from || !cx.cm.runs_inline(file, later.ctx, body) {
            return false;
        }
        let name = match &later.callee {
            Callee::Method { name, .. } => name.as_str(),
            Callee::Path { text, .. } => paths::last_segment(text),
        };
        // A loop after the spawn keeps the body busy for a time the model cannot know.
        later.in_loop
            || WAITS.contains(&name)
            || matches!(cx.cm.target(file, id), Target::Fn { .. })
            || cx.cm.driver(file, id).is_some_and(|d| d != Driver::Spawn)
    })
}
