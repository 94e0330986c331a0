use crate::model::ownership::RUNTIME_BY_REF as BY_REF;
use crate::model::types::is_runtime_type;
use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::{Callee, CallId, CtxKind, FileModel, Prov, UseKind, ValueUse};

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime's `Handle` that outlives the runtime: returned from the fn that
    /// made the runtime and drops it at its end, or taken from a temporary runtime
    /// (`Runtime::new()?.handle().clone()`) and used after the statement.
    ///
    /// ## Why is this bad?
    /// A `Handle` does not keep its runtime alive. Once the runtime is dropped, tasks spawned
    /// through the handle are cancelled at once and never run, and a timer or IO driven through
    /// it panics: `A Tokio 1.x context was found, but it is being shutdown.`
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn background() -> tokio::runtime::Handle {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     rt.handle().clone()
    /// } // `rt` is dropped here; the handle returned is dead
    /// ```
    ///
    /// ## Use instead
    /// Keep the runtime as long as its handle: return or store the `Runtime` itself (or an
    /// `Arc<Runtime>`), or keep it in a static (`OnceLock<Runtime>`) and hand out its handle.
    ///
    /// ## Known problems
    /// Only a handle returned directly (or through a binding) is followed; one stored in a
    /// struct that is returned, or in a field or static, is not.
    pub static LINT = {
        name: "handle_outlives_runtime",
        level: Warn,
        summary: "a runtime's `Handle` kept or returned after the runtime is dropped",
    };
}

const DEAD_HANDLE: &str = "a `Handle` does not keep its runtime alive: tasks spawned through it after the runtime is dropped are cancelled at once, and a timer or IO driven through it panics with: A Tokio 1.x context was found, but it is being shutdown.";

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            let Callee::Method { name, receiver } = &call.callee else {
                continue;
            };
            if name != "handle" || !call.args.is_empty() || call.in_macro {
                continue;
            }
            let Some(ty) = cx.cm.receiver_ty(file, id) else {
                continue;
            };
            if !ty.lib_path().is_some_and(is_runtime_type) {
                continue;
            }
            let handle = through_clone(m, id);
            match receiver {
                Prov::Local(runtime) => returned_from_its_fn(cx, file, id, handle, *runtime),
                _ => used_after_a_temporary(cx, file, id, handle),
            }
        }
    }
}

/// The call that gives the handle its final value: `rt.handle().clone()` is the `clone`.
fn through_clone(m: &FileModel, handle: CallId) -> CallId {
    match m.calls[handle].used_as {
        ValueUse::Receiver(outer)
            if matches!(&m.calls[outer].callee, Callee::Method { name, .. } if name == "clone") =>
        {
            outer
        }
        _ => handle,
    }
}

/// Runtime constructors: their value is a runtime owned by the expression that calls them.
const CONSTRUCTORS: &[&str] = &[
    "tokio::runtime::Runtime::new",
    "tokio::runtime::Builder::build",
    "tokio::runtime::Builder::build_local",
    "tokio::runtime::LocalRuntime::new",
];

/// Whether a call chain (`Builder::new_multi_thread().build().unwrap()`) builds a new runtime,
/// as opposed to reaching one that lives elsewhere (a static, a field).
fn builds_a_runtime(cx: &LintCx<'_>, file: usize, call: CallId) -> bool {
    let m = &cx.files()[file];
    let mut call = call;
    for _ in 0..32 {
        if cx
            .cm
            .target(file, call)
            .external()
            .is_some_and(|path| CONSTRUCTORS.contains(&path))
        {
            return true;
        }
        match m.receiver_call(call) {
            Some(receiver) => call = receiver,
            None => return false,
        }
    }
    false
}

/// `let rt = ..; rt.handle().clone()` as the value of the fn that drops `rt`.
fn returned_from_its_fn(
    cx: &mut LintCx<'_>,
    file: usize,
    handle_call: CallId,
    handle: CallId,
    runtime: usize,
) {
    let m = &cx.files()[file];
    let b = &m.bindings[runtime];
    // Made here, by a constructor or a fn that returns a runtime it owns alone.
    if b.is_param || !matches!(b.prov, Prov::Known(_) | Prov::Ret(_) | Prov::MethodRet(..)) {
        return;
    }
    if b.init_call.is_none() || !cx.cm.binding_owns_value(file, b) || m.ctxs[b.ctx].kind != CtxKind::Fn {
        return;
    }
    if b.uses.iter().any(|u| cx.cm.use_escapes(file, b, u, BY_REF)) {
        return;
    }
    let shut_down = b.uses.iter().filter_map(|u| m.method_call_on(u)).any(|(_, name)| {
        name == "shutdown_background" || name == "shutdown_timeout"
    });
    if shut_down {
        return;
    }
    let returned_at = match m.calls[handle].used_as {
        ValueUse::Returned if m.calls[handle].ctx == b.ctx => Some(m.calls[handle].range.clone()),
        ValueUse::Bound(h) => m.bindings[h]
            .uses
            .iter()
            .find(|u| u.kind == UseKind::Returned && u.ctx == b.ctx)
            .map(|u| u.range.clone()),
        _ => None,
    };
    let Some(returned_at) = returned_at else { return };
    let mut d = cx.diagnostic(
        &LINT,
        Certainty::Certain,
        format!("the handle of runtime `{}` outlives the runtime", b.name),
        Label::new(
            b.scope_end.saturating_sub(1)..b.scope_end,
            format!("`{}` is dropped here, when the fn returns", b.name),
        ),
    );
    d.secondary.push(Label::new(b.range.clone(), "the runtime is created here"));
    d.secondary.push(Label::new(
        m.calls[handle_call].label_range.clone(),
        "its handle is taken here",
    ));
    d.secondary.push(Label::new(
        returned_at,
        "and returned here, to callers that outlive the runtime",
    ));
    d.notes.push(DEAD_HANDLE.into());
    d.help.push(format!(
        "keep the runtime as long as its handle: return or store `{}` itself (or an `Arc<Runtime>`), or keep it in a static (`OnceLock<Runtime>`)",
        b.name
    ));
    cx.emit(file, d);
}

/// `let h = Runtime::new()?.handle().clone();`: the runtime is gone at the end of the statement.
fn used_after_a_temporary(cx: &mut LintCx<'_>, file: usize, handle_call: CallId, handle: CallId) {
    let m = &cx.files()[file];
    // The receiver is the value of a call (a constructor chain), not a place.
    let Some(made) = m.receiver_call(handle_call) else {
        return;
    };
    if !builds_a_runtime(cx, file, made) {
        return;
    }
    let used_at = match m.calls[handle].used_as {
        ValueUse::Returned => Some((
            m.calls[handle].range.clone(),
            "and returned here, after the runtime is gone",
        )),
        ValueUse::Bound(h) => m.bindings[h]
            .uses
            .first()
            .map(|u| (u.range.clone(), "and used here, after the runtime is gone")),
        _ => None,
    };
    let Some((used_at, used_label)) = used_at else { return };
    let mut d = cx.diagnostic(
        &LINT,
        Certainty::Certain,
        "the handle of a temporary runtime outlives the runtime".to_string(),
        Label::new(
            m.calls[made].range.clone(),
            "this runtime is a temporary, dropped at the end of the statement",
        ),
    );
    d.secondary.push(Label::new(
        m.calls[handle_call].label_range.clone(),
        "its handle is taken here",
    ));
    d.secondary.push(Label::new(used_at, used_label));
    d.notes.push(DEAD_HANDLE.into());
    d.help.push(
        "bind the runtime to a variable that lives as long as the handle, or keep it in a static (`OnceLock<Runtime>`)"
            .to_string(),
    );
    cx.emit(file, d);
}
