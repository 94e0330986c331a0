use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::krate::{Exec, SyncRoot};
use crate::model::paths;

crate::declare_lint! {
    /// ## What it does
    /// Finds tokio functions that need a runtime context (`tokio::spawn`,
    /// `tokio::task::spawn_blocking`, `Handle::current()`, `tokio::time::sleep`/`interval`/
    /// `timeout`, `from_std` socket constructors, unix signals) called where provably no runtime
    /// is running: in a plain `fn main`, a plain `#[test]` fn, or a `std::thread::spawn` closure,
    /// before any live `rt.enter()` guard and outside any `block_on`.
    ///
    /// ## Why is this bad?
    /// They look up the current runtime in a thread-local and panic when there is none:
    /// `there is no reactor running, must be called from the context of a Tokio 1.x runtime`.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn main() {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     tokio::spawn(report_metrics());
    ///     rt.block_on(serve());
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn main() {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     rt.spawn(report_metrics());
    ///     rt.block_on(serve());
    /// }
    /// ```
    /// or enter the runtime first: `let _guard = rt.enter();`.
    ///
    /// ## Known problems
    /// Only places that provably have no runtime are checked; a sync helper called from such a
    /// place is not followed. `Handle::try_current()` and `handle.spawn(..)` on a handle passed
    /// in never need a context and are never reported.
    pub static LINT = {
        name: "tokio_call_outside_runtime",
        level: Deny,
        summary: "`tokio::spawn`, `Handle::current()`, tokio timers... where no runtime is running (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            let Some(path) = cx.cm.target(file, id).external() else {
                continue;
            };
            if !paths::needs_runtime_context(path) {
                continue;
            }
            // A runtime-less place, or a sync fn that only such places call.
            let (root, via) = match cx.cm.exec(file, call.ctx) {
                Exec::Sync {
                    root: Some(root), ..
                } if root.is_runtime_less() => (root, None),
                Exec::Sync {
                    fn_ref: Some(f),
                    root: None,
                } if cx.cm.runtime_less(f).is_some() => (SyncRoot::Main, Some(f)),
                _ => continue,
            };
            if cx.cm.entered_at(file, call.ctx, call.range.start) || cx.cm.inside_block_on(file, id)
            {
                continue;
            }
            let certainty = if call.in_macro || via.is_some() {
                Certainty::Uncertain
            } else {
                Certainty::Certain
            };
            let name = cx.callee_text(file, id);
            let label = Label::new(
                call.label_range.clone(),
                "this panics: no runtime has been entered on this thread",
            );
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                format!("`{name}` called where no tokio runtime is running"),
                label,
            );
            let where_label = match root {
                SyncRoot::Main => "`main` runs without a runtime",
                SyncRoot::Test => "a plain `#[test]` runs without a runtime",
                _ => "this closure runs on a new thread, outside any runtime",
            };
            match via {
                None => {
                    let root_ctx = innermost_root_ctx(cx, file, call.ctx);
                    d.secondary
                        .push(Label::new(m.ctxs[root_ctx].head.clone(), where_label));
                }
                Some(f) => {
                    d.notes.extend(cx.cm.runtime_less_notes(f));
                    d.notes.push("none of these callers has entered a runtime".into());
                }
            }
            d.notes.push("tokio panics with: there is no reactor running, must be called from the context of a Tokio 1.x runtime".into());
            let runtimes =
                cx.bindings_of_type(file, call.ctx, call.range.start, "tokio::runtime::Runtime");
            match runtimes.as_slice() {
                [rt] => {
                    let rt_name = &m.bindings[*rt].name;
                    d.secondary.push(Label::new(
                        m.bindings[*rt].range.clone(),
                        "this runtime exists but has not been entered",
                    ));
                    if path == "tokio::spawn" || path == "tokio::task::spawn_blocking" {
                        let method = if path == "tokio::spawn" { "spawn" } else { "spawn_blocking" };
                        d.suggestions.push(Suggestion {
                            message: format!("spawn on the runtime: `{rt_name}.{method}(..)`"),
                            edits: vec![Edit {
                                range: call.callee_range.clone(),
                                replacement: format!("{rt_name}.{method}"),
                            }],
                            applicability: Applicability::MaybeIncorrect,
                        });
                    }
                    d.help.push(format!("or enter the runtime first: `let _guard = {rt_name}.enter();`, or run this inside `{rt_name}.block_on(async {{ .. }})`"));
                }
                _ if via.is_some() => d.help.push(
                    "enter a runtime before calling this fn (`let _guard = rt.enter();`), or call it inside `rt.block_on(async { .. })`".into(),
                ),
                _ => d.help.push(match root {
                    SyncRoot::Main => "make `main` async with `#[tokio::main]`, or build a runtime and run this inside `rt.block_on(async { .. })`".into(),
                    SyncRoot::Test => "use `#[tokio::test]` on an async test fn, or build a runtime and run this inside `rt.block_on(async { .. })`".into(),
                    _ => "pass a `Handle` into the thread and use `handle.spawn(..)`, or enter it first: `let _guard = handle.enter();`".to_string(),
                }),
            }
            cx.emit(file, d);
        }
    }
}

/// The context that makes code runtime-less: the fn body or the thread closure (closures that
/// run in place, such as iterator adapters, are looked through).
fn innermost_root_ctx(cx: &LintCx<'_>, file: usize, mut ctx: usize) -> usize {
    let m = &cx.files()[file];
    while let Some(parent) = m.ctxs[ctx].parent {
        if cx.cm.exec(file, ctx) != cx.cm.exec(file, parent) {
            break;
        }
        ctx = parent;
    }
    ctx
}
