use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::Target;

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime built inside a loop or an iterator adapter's closure (`map`,
    /// `for_each`, ...), and a `#[tokio::main]`-style fn (which builds a runtime on every call)
    /// called there.
    ///
    /// ## Why is this bad?
    /// Building a runtime starts threads and drivers; doing it per iteration costs far more
    /// than the work it runs, and tasks spawned on one iteration's runtime die with it.
    ///
    /// ## Example
    /// ```rust,ignore
    /// for url in urls {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     rt.block_on(fetch(url));
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// for url in urls {
    ///     rt.block_on(fetch(url));
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A loop that runs once, or a runtime built per iteration on purpose (each with its own
    /// settings), is reported too. Test code is not checked.
    pub static LINT = {
        name: "runtime_per_call",
        level: Warn,
        summary: "a runtime built on every loop iteration, or a `#[tokio::main]` fn called in a loop",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            // Tests build a runtime per iteration on purpose (to shake out races).
            let in_test = m.ctxs[call.ctx].fn_id.is_some_and(|f| m.fns[f].in_test);
            if call.in_macro || in_test || !cx.cm.runs_per_iteration(file, id) {
                continue;
            }
            let target = cx.cm.target(file, id);
            let builds = matches!(
                target.external(),
                Some(
                    "tokio::runtime::Runtime::new"
                        | "tokio::runtime::Builder::build"
                        | "tokio::runtime::Builder::build_local"
                )
            );
            let entry = match target {
                Target::Fn { fn_ref, certain: true } => cx
                    .cm
                    .fn_def(*fn_ref)
                    .entry
                    .as_ref()
                    .filter(|e| !e.is_test)
                    .map(|e| (cx.cm.fn_def(*fn_ref).name.clone(), e.attr.clone())),
                _ => None,
            };
            let message = match (&entry, builds) {
                (Some((name, attr)), _) => format!("`{name}` builds a runtime (`#[{attr}]`) on every loop iteration"),
                (None, true) => "a tokio runtime is built on every loop iteration".to_string(),
                _ => continue,
            };
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                message,
                Label::new(call.label_range.clone(), "this runs once per iteration"),
            );
            d.help.push(match entry {
                Some((name, attr)) => format!("remove `#[{attr}]` from `{name}`, make it a plain `async fn`, and run the loop inside one runtime"),
                None => "build the runtime once, before the loop, and reuse it".into(),
            });
            cx.emit(file, d);
        }
    }
}
