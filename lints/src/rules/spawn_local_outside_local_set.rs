use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::Exec;
use crate::model::{Family, Flavor};

crate::declare_lint! {
    /// ## What it does
    /// Finds `tokio::task::spawn_local` called where no `LocalSet` or `LocalRuntime` runs the
    /// code: the body of `#[tokio::main]`/`#[tokio::test]` without `flavor = "local"`, futures
    /// given to `tokio::spawn` or to a runtime's `block_on`, and sync code without a runtime.
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
    /// An async fn is judged by its callers only when all of them agree on where it runs; such
    /// findings are reported at warn level.
    pub static LINT = {
        name: "spawn_local_outside_local_set",
        level: Deny,
        summary: "`tokio::task::spawn_local` with no `LocalSet` or `LocalRuntime` (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            if cx.cm.target(file, id).external() != Some("tokio::task::spawn_local") {
                continue;
            }
            let (certain, context) = match cx.cm.exec(file, call.ctx) {
                Exec::Async { runtime, .. } => {
                    let known_not_local = runtime.family == Family::Tokio
                        && matches!(runtime.flavor, Flavor::CurrentThread | Flavor::MultiThread);
                    if !known_not_local {
                        continue;
                    }
                    (cx.cm.runtime_is_direct(file, call.ctx), cx.async_context_label(file, call.ctx))
                }
                Exec::Sync { root: Some(root), .. } if root.is_runtime_less() => {
                    if cx.cm.entered_at(file, call.ctx, call.range.start)
                        || cx.cm.inside_block_on(file, id)
                    {
                        continue;
                    }
                    (true, None)
                }
                _ => continue,
            };
            let certainty = if certain && !call.in_macro {
                Certainty::Certain
            } else {
                Certainty::Uncertain
            };
            let label = Label::new(call.label_range.clone(), "no `LocalSet` runs this code");
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                "`spawn_local` called outside a `LocalSet`",
                label,
            );
            if let Some(mut context) = context {
                context.message = "this runs on a runtime without a `LocalSet`".into();
                d.secondary.push(context);
            }
            d.notes.push("tokio panics with: `spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`".into());
            d.help.push("run this code inside a `LocalSet` (`local.run_until(async { .. }).await`), or use `#[tokio::main(flavor = \"local\")]`".into());
            cx.emit(file, d);
        }
    }
}
