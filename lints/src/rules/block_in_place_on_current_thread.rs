use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::Exec;
use crate::model::{CtxKind, Family, Flavor};

crate::declare_lint! {
    /// ## What it does
    /// Finds `tokio::task::block_in_place` in async code that runs on a current-thread runtime:
    /// under `#[tokio::test]` (current-thread unless `flavor = "multi_thread"`),
    /// `#[tokio::main(flavor = "current_thread")]` or `flavor = "local"`, actix entry points,
    /// futures given to a `Builder::new_current_thread()` runtime's `block_on`, and futures run
    /// by a `LocalSet`.
    ///
    /// ## Why is this bad?
    /// `block_in_place` hands the worker's other tasks to another worker, which only a
    /// multi-thread runtime has. Elsewhere it panics:
    /// `can call blocking only when running on the multi-threaded runtime`.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[tokio::test]
    /// async fn imports_the_catalog() {
    ///     tokio::task::block_in_place(|| import("catalog.csv"));
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// #[tokio::test]
    /// async fn imports_the_catalog() {
    ///     tokio::task::spawn_blocking(|| import("catalog.csv")).await.unwrap();
    /// }
    /// ```
    /// or run the test on a multi-thread runtime: `#[tokio::test(flavor = "multi_thread")]`.
    ///
    /// ## Known problems
    /// The flavor of an async fn's runtime is taken from its callers only when all of them agree;
    /// such findings are reported at warn level.
    pub static LINT = {
        name: "block_in_place_on_current_thread",
        level: Deny,
        summary: "`block_in_place` on a current-thread runtime or inside a `LocalSet` (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            if cx.cm.target(file, id).external() != Some("tokio::task::block_in_place") {
                continue;
            }
            let Exec::Async { runtime, boundary } = cx.cm.exec(file, call.ctx) else {
                continue;
            };
            if runtime.family != Family::Tokio || !runtime.flavor.is_current_thread() {
                continue;
            }
            let certainty = if cx.cm.runtime_is_direct(file, call.ctx) && !call.in_macro {
                Certainty::Certain
            } else {
                Certainty::Uncertain
            };
            let what = if runtime.flavor == Flavor::Local {
                "inside a `LocalSet`"
            } else {
                "on a current-thread runtime"
            };
            let label = Label::new(call.label_range.clone(), "this panics");
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                format!("`block_in_place` called {what}"),
                label,
            );
            let c = &m.ctxs[boundary];
            let entry = match c.kind {
                CtxKind::Fn => c.fn_id.and_then(|f| m.fns[f].entry.as_ref()),
                _ => None,
            };
            match entry {
                Some(e) => d.secondary.push(Label::new(
                    e.range.clone(),
                    match (e.attr.as_str(), runtime.flavor) {
                        ("tokio::test", Flavor::CurrentThread) => {
                            "`#[tokio::test]` runs a current-thread runtime unless `flavor = \"multi_thread\"` is given".to_string()
                        }
                        (_, Flavor::Local) => "this runs the body on a current-thread runtime with a `LocalSet`".to_string(),
                        _ => "this runs the body on a current-thread runtime".to_string(),
                    },
                )),
                None => d.secondary.extend(cx.async_context_label(file, call.ctx)),
            }
            d.notes.push("tokio panics with: can call blocking only when running on the multi-threaded runtime".into());
            let help = match entry {
                Some(e) if e.attr == "tokio::test" => "use `tokio::task::spawn_blocking(..).await`, or run the test on a multi-thread runtime: `#[tokio::test(flavor = \"multi_thread\")]`",
                _ => "use `tokio::task::spawn_blocking(..).await` instead, or run this on a multi-thread runtime",
            };
            d.help.push(help.into());
            cx.emit(file, d);
        }
    }
}
