use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::sites::SiteKind;
use crate::model::{UseKind, ValueUse};

crate::declare_lint! {
    /// ## What it does
    /// Finds misuse of the guard that `Runtime::enter` and `Handle::enter` return:
    /// a guard dropped at once (`let _ = rt.enter();` or `rt.enter();`), guards dropped out of
    /// the order they were made in (`drop(first)` while a later guard lives), and a guard held
    /// across an `.await`.
    ///
    /// ## Why is this bad?
    /// The runtime is entered only while the guard lives: `let _ = rt.enter();` enters nothing,
    /// and the next `tokio::spawn` panics with `there is no reactor running`. Guards must be
    /// dropped in reverse order, or tokio panics: `` `EnterGuard` values dropped out of order.
    /// Guards returned by `tokio::runtime::Handle::enter()` must be dropped in the reverse order
    /// as they were acquired. `` A guard held across an `.await` lets other tasks on the thread
    /// enter and leave in between, which can break that order.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let _ = rt.enter();
    /// tokio::spawn(work());
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let _guard = rt.enter();
    /// tokio::spawn(work());
    /// ```
    ///
    /// ## Known problems
    /// Guards stored in fields or passed to other fns are not followed.
    pub static LINT = {
        name: "enter_guard_misuse",
        level: Deny,
        summary: "a runtime `enter()` guard dropped at once, dropped out of order, or held across `.await`",
    };
}

const GUARD: &str = "tokio::runtime::EnterGuard";
const ORDER_PANIC: &str = "tokio panics with: `EnterGuard` values dropped out of order. Guards returned by `tokio::runtime::Handle::enter()` must be dropped in the reverse order as they were acquired.";

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        // A guard dropped at once.
        for (id, call) in m.calls.iter().enumerate() {
            if call.used_as != ValueUse::Discarded {
                continue;
            }
            let enters = matches!(
                cx.cm.target(file, id).external(),
                Some(
                    "tokio::runtime::Runtime::enter"
                        | "tokio::runtime::Handle::enter"
                        | "tokio::runtime::LocalRuntime::enter"
                )
            );
            if !enters {
                continue;
            }
            let certainty = if call.in_macro {
                Certainty::Uncertain
            } else {
                Certainty::Certain
            };
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                "runtime context guard is dropped at once",
                Label::new(
                    call.range.clone(),
                    "the guard is dropped at the end of this statement, so nothing after it runs inside the runtime",
                ),
            );
            d.notes.push("code after this that needs a runtime (`tokio::spawn`, `Handle::current()`, timers) panics: there is no reactor running, must be called from the context of a Tokio 1.x runtime".into());
            match &call.wild_let {
                Some(pat) => d.suggestions.push(Suggestion {
                    message: "bind the guard to a name so that it lives to the end of the scope".into(),
                    edits: vec![Edit {
                        range: pat.clone(),
                        replacement: "_guard".into(),
                    }],
                    applicability: Applicability::MachineApplicable,
                }),
                None => d.suggestions.push(Suggestion {
                    message: "bind the guard to a name so that it lives to the end of the scope".into(),
                    edits: vec![Edit {
                        range: call.range.start..call.range.start,
                        replacement: "let _guard = ".into(),
                    }],
                    applicability: Applicability::MachineApplicable,
                }),
            }
            cx.emit(file, d);
        }

        let guards: Vec<usize> = (0..m.bindings.len())
            .filter(|&id| {
                let b = &m.bindings[id];
                !b.is_param && cx.cm.ty(file, &b.prov).is_some_and(|t| t.is(GUARD))
            })
            .collect();
        let drop_at = |id: usize| {
            m.bindings[id]
                .uses
                .iter()
                .find(|u| cx.cm.is_drop_use(file, u))
                .map(|u| match u.kind {
                    UseKind::Arg(call) => m.calls[call].range.clone(),
                    _ => u.range.clone(),
                })
        };
        // Guards dropped out of order.
        for &first in &guards {
            let Some(dropped) = drop_at(first) else { continue };
            let a = &m.bindings[first];
            for &later in &guards {
                let b = &m.bindings[later];
                let live_at_drop = b.ctx == a.ctx
                    && b.range.start > a.range.end
                    && b.range.end < dropped.start
                    && b.scope_end > dropped.start
                    && drop_at(later).is_none_or(|r| r.start > dropped.start);
                if !live_at_drop {
                    continue;
                }
                let mut d = cx.diagnostic(
                    &LINT,
                    Certainty::Certain,
                    format!("guard `{}` is dropped while the later guard `{}` is alive", a.name, b.name),
                    Label::new(dropped.clone(), "this drops the older guard first"),
                );
                d.secondary.push(Label::new(a.range.clone(), "entered first"));
                d.secondary.push(Label::new(b.range.clone(), "entered second, still alive"));
                d.notes.push(ORDER_PANIC.into());
                d.help.push(format!("drop `{}` before `{}`", b.name, a.name));
                cx.emit(file, d);
                break;
            }
        }
        // A guard held across an `.await`.
        for &id in &guards {
            let b = &m.bindings[id];
            if !cx.cm.sites(file, b.ctx).iter().any(|s| matches!(s.kind, SiteKind::Async(_))) {
                continue;
            }
            let end = drop_at(id).map_or(b.scope_end, |r| r.start);
            let Some(await_point) = m
                .awaits
                .iter()
                .find(|a| a.ctx == b.ctx && a.range.start > b.range.end && a.range.end <= end)
            else {
                continue;
            };
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Uncertain,
                format!("runtime context guard `{}` is held across an `.await`", b.name),
                Label::new(await_point.range.clone(), "the task may be suspended here with the guard alive"),
            );
            d.secondary.push(Label::new(b.range.clone(), "the guard is made here"));
            d.notes.push("while the task is suspended, other tasks on this thread enter and leave runtimes, and the guards may then be dropped out of order".into());
            d.notes.push(ORDER_PANIC.into());
            d.help.push(format!("drop `{}` before the `.await`, or enter the runtime only in sync code", b.name));
            cx.emit(file, d);
        }
    }
}
