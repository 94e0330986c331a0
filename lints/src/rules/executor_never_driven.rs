use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::{paths, Prov, UseKind};

crate::declare_lint! {
    /// ## What it does
    /// Finds a `tokio::task::LocalSet` that tasks are spawned on (`local.spawn_local(..)`) but
    /// that is never driven (`run_until`, `block_on`, or `.await` on it), and an
    /// `async_executor::Executor`/`LocalExecutor` that is spawned on but never run (`run`,
    /// `tick`, `try_tick`), when the executor does not leave the fn.
    ///
    /// ## Why is this bad?
    /// These executors run their tasks only while something drives them. Tasks spawned on one
    /// that is never driven never run, and are dropped with it: the work silently never happens.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let local = tokio::task::LocalSet::new();
    /// local.spawn_local(render_thumbnails());
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let local = tokio::task::LocalSet::new();
    /// local.spawn_local(render_thumbnails());
    /// local.await;
    /// ```
    ///
    /// ## Known problems
    /// An executor driven through a reference handed to another fn is assumed to be driven.
    pub static LINT = {
        name: "executor_never_driven",
        level: Warn,
        summary: "tasks spawned on a `LocalSet` or executor that is never driven, so they never run",
    };
}

/// Type, its spawning methods, the methods that drive it.
const EXECUTORS: &[(&str, &[&str], &[&str])] = &[
    (
        "tokio::task::LocalSet",
        &["spawn_local"],
        &["run_until", "block_on"],
    ),
    (
        "async_executor::Executor",
        &["spawn", "spawn_many"],
        &["run", "tick", "try_tick"],
    ),
    (
        "async_executor::LocalExecutor",
        &["spawn", "spawn_many"],
        &["run", "tick", "try_tick"],
    ),
];

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for b in &m.bindings {
            if b.is_param || !matches!(b.prov, Prov::Known(_)) {
                continue;
            }
            let Some(ty) = cx.cm.ty(file, &b.prov) else { continue };
            let Some(&(ty_name, spawns, drives)) = EXECUTORS.iter().find(|(t, ..)| ty.is(t)) else {
                continue;
            };
            let method = |u| m.method_call_on(u).map(|(_, name)| name);
            let spawned = b.uses.iter().any(|u| method(u).is_some_and(|n| spawns.contains(&n)));
            let driven = b.uses.iter().any(|u| {
                u.kind == UseKind::Awaited || method(u).is_some_and(|n| drives.contains(&n))
            });
            // Handed on (to a thread, a fn, a struct): it may be driven there.
            let escapes = b.uses.iter().any(|u| {
                cx.cm.use_escapes(file, b, u, spawns) || matches!(u.kind, UseKind::Arg(_))
            });
            let in_macro = m.macros.iter().any(|s| s.range.start > b.range.end && s.range.start < b.scope_end);
            if !spawned || driven || escapes || in_macro {
                continue;
            }
            let short = paths::last_segment(ty_name);
            let end = b.scope_end;
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                format!("tasks are spawned on `{}` but it is never driven", b.name),
                Label::new(b.range.clone(), format!("this `{short}` never runs its tasks")),
            );
            d.secondary.push(Label::new(end.saturating_sub(1)..end, "it is dropped here with its tasks unrun"));
            d.notes.push(format!("a `{short}` runs tasks only while it is driven ({})", drives.join(", ")));
            d.help.push(match short {
                "LocalSet" => format!("drive it: `{0}.run_until(fut).await`, `{0}.await`, or `{0}.block_on(&rt, fut)`", b.name),
                _ => format!("drive it: `{0}.run(fut).await`, or call `{0}.tick()` in a loop", b.name),
            });
            cx.emit(file, d);
        }
    }
}
