use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::Exec;
use crate::model::summary::SinkKind;
use crate::model::Prov;

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime that is built and never used (no `block_on`, `enter`, `spawn`,
    /// `handle`, and it goes nowhere), and calls that need a runtime context (`tokio::spawn`,
    /// `Handle::current()`, tokio timers) made in sync code beside a runtime that was never
    /// entered.
    ///
    /// ## Why is this bad?
    /// Building a runtime does not make it current: only `block_on`, a live `enter()` guard, or
    /// the runtime's own threads give code a runtime context. A `tokio::spawn` next to an
    /// unentered runtime panics: `there is no reactor running, must be called from the context
    /// of a Tokio 1.x runtime`. A runtime nobody uses is dead weight, often a sign of that
    /// mistake.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn start_workers(n: usize) -> tokio::runtime::Runtime {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     for i in 0..n {
    ///         tokio::spawn(worker(i));
    ///     }
    ///     rt
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn start_workers(n: usize) -> tokio::runtime::Runtime {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     for i in 0..n {
    ///         rt.spawn(worker(i));
    ///     }
    ///     rt
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A sync fn called from async code has a runtime context without entering one; calls in
    /// sync fns reached from async code are therefore not reported. In `fn main`, `#[test]` fns
    /// and thread closures the same calls are reported by `tokio_call_outside_runtime`.
    pub static LINT = {
        name: "runtime_never_entered",
        level: Warn,
        summary: "a runtime built and never used, or tokio calls made beside a runtime that was never entered",
    };
}

const RUNTIME: &str = "tokio::runtime::Runtime";

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        // (a) built and never used.
        for b in &m.bindings {
            // `_rt`: unused on purpose (a test that building works, a runtime kept alive).
            if b.is_param
                || b.name.starts_with('_')
                || b.init_call.is_none()
                || !b.uses.is_empty()
                || !matches!(b.prov, Prov::Known(_) | Prov::Ret(_) | Prov::MethodRet(..))
            {
                continue;
            }
            if !cx.cm.ty(file, &b.prov).is_some_and(|t| t.is(RUNTIME)) {
                continue;
            }
            // A macro after it may name it in tokens the model cannot see.
            if m.macros.iter().any(|s| s.range.start > b.range.end && s.range.start < b.scope_end) {
                continue;
            }
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                format!("runtime `{}` is built and never used", b.name),
                Label::new(b.range.clone(), "nothing runs on this runtime"),
            );
            d.notes.push("building a runtime does not make it current: only `block_on`, an `enter()` guard or the runtime's own threads give code a runtime context".into());
            d.help.push(format!(
                "run async code with `{0}.block_on(..)`, spawn with `{0}.spawn(..)`, or enter it with `let _guard = {0}.enter();`; or remove it",
                b.name
            ));
            cx.emit(file, d);
        }

        // (b) context-needing calls beside an unentered runtime, in plain sync fns.
        let needing = cx.sinks(SinkKind::NeedsRuntime);
        for id in needing.iter().filter(|s| s.file == file && s.dep.is_none()).map(|s| s.call) {
            let call = &m.calls[id];
            // In a plain sync fn that nothing known calls: where a runtime-less, async or
            // entered place calls it, other lints answer (or nothing is wrong).
            let in_plain_fn = matches!(
                cx.cm.exec(file, call.ctx),
                Exec::Sync {
                    fn_ref: Some(_),
                    root: None
                }
            );
            if !in_plain_fn
                || !cx.cm.call_sites(file, id).is_empty()
                || cx.cm.entered_at(file, call.ctx, call.range.start)
            {
                continue;
            }
            let runtimes = cx.bindings_of_type(file, call.ctx, call.range.start, RUNTIME);
            let Some(&rt) = runtimes.last() else {
                continue;
            };
            let rt = &m.bindings[rt];
            let name = cx.callee_text(file, id);
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Uncertain,
                format!("`{name}` called beside runtime `{}`, which is not entered", rt.name),
                Label::new(call.label_range.clone(), "this needs a runtime context"),
            );
            d.secondary.push(Label::new(rt.range.clone(), "this runtime is built here but never entered"));
            d.notes.push("unless the caller has entered a runtime, tokio panics with: there is no reactor running, must be called from the context of a Tokio 1.x runtime".into());
            d.help.push(format!(
                "use `{0}.spawn(..)` or `{0}.block_on(..)`, or enter the runtime first: `let _guard = {0}.enter();`",
                rt.name
            ));
            cx.emit(file, d);
        }
    }
}
