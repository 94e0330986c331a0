use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::Driver;
use crate::model::{CtxKind, Prov, Ty, UseKind};

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime created in async code (or in a sync fn reached from it) that is
    /// dropped there: explicitly (`drop(rt)`), at the end of its scope, or shut down with
    /// `shutdown_timeout`. A runtime that escapes (returned, moved into a thread or a task,
    /// stored in a field or a static) or is shut down with `shutdown_background` is not reported.
    /// A value of the crate's own type that owns a runtime (in a field held by value or in a
    /// `Box`, directly or through another such struct) is followed the same way, at warn
    /// level; one whose type has a `Drop` impl, or that is passed to a method taking `self`, is
    /// not reported.
    ///
    /// ## Why is this bad?
    /// Dropping a runtime waits for its blocking threads, and waiting is not allowed on a thread
    /// that drives async tasks. Tokio panics:
    /// `Cannot drop a runtime in a context where blocking is not allowed. This happens when a
    /// runtime is dropped from within an asynchronous context.`
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn compress(data: Vec<u8>) -> Vec<u8> {
    ///     let pool = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    ///     let out = pool.spawn(zstd(data));
    ///     // ...
    ///     Vec::new()
    /// } // `pool` is dropped here, inside async code
    /// ```
    ///
    /// ## Use instead
    /// Build the runtime once, outside async code, and keep it (or its `Handle`) where async code
    /// can reach it; or end it without waiting: `pool.shutdown_background()`.
    ///
    /// ## Known problems
    /// A runtime shared through `Arc` and dropped by whichever owner is last is not followed,
    /// nor one held in an `Option` field.
    pub static LINT = {
        name: "runtime_dropped_in_async",
        level: Deny,
        summary: "a tokio runtime created and dropped inside async code (panics)",
    };
}

pub(super) const RUNTIMES: &[&str] = &[
    "tokio::runtime::Runtime",
    "tokio::runtime::LocalRuntime",
    "actix_rt::Runtime",
    "actix_rt::SystemRunner",
];

/// Runtime methods that borrow it.
pub(super) const BY_REF: &[&str] = &[
    "block_on",
    "enter",
    "spawn",
    "spawn_blocking",
    "handle",
    "metrics",
    "shutdown_timeout",
    "shutdown_background",
]; 

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for b in &m.bindings {
            if b.is_param || b.init_call.is_none() {
                continue;
            }
            // Created here: a constructor or a fn that returns a runtime, not a copy of another binding.
            if !matches!(b.prov, Prov::Known(_) | Prov::Ret(_) | Prov::MethodRet(..)) {
                continue;
            }
            let Some(ty) = cx.cm.ty(file, &b.prov) else {
                continue;
            };
            // A runtime, or a value of one of the crate's types that owns one.
            let owner = match &ty {
                _ if RUNTIMES.iter().any(|r| ty.is(r)) => None,
                Ty::Crate(path) => match cx.cm.owning_field(path, RUNTIMES) {
                    Some(field) => Some((path.as_str(), field)),
                    None => continue,
                },
                _ => continue,
            };
            // Shared (`Arc::new(..)`, a fn returning an `Arc`): dropped only by its last owner.
            if b
                .init_call
                .is_some_and(|call| cx.cm.call_value_is_shared(file, call))
            {
                continue;
            }
            let owner_methods;
            let by_ref: &[&str] = match owner {
                Some((path, _)) => {
                    owner_methods = cx.cm.borrowing_methods(path);
                    &owner_methods
                }
                None => BY_REF,
            };
            // Where the runtime ends: its own context, or the `move` async block it is moved into
            // (`tokio::spawn(async move { .. rt .. })` drops it when the task ends).
            let mut home = b.ctx;
            let moved: Vec<Option<usize>> =
                b.uses.iter().map(|u| cx.cm.moved_into(file, b, u)).collect();
            let targets: std::collections::HashSet<usize> = moved.iter().flatten().copied().collect();
            let mut moved_into_async = None;
            if let [only] = targets.iter().copied().collect::<Vec<_>>().as_slice() {
                if matches!(m.ctxs[*only].kind, CtxKind::AsyncBlock | CtxKind::Closure { is_async: true }) {
                    home = *only;
                    moved_into_async = Some(*only);
                } else {
                    continue;
                }
            } else if !targets.is_empty() {
                continue;
            }
            let Some(site) = cx.async_site(file, home) else {
                continue;
            };
            if !site.maybe_tokio() {
                continue;
            }
            let escapes = b.uses.iter().zip(&moved).any(|(u, into)| match into {
                Some(_) => cx.cm.use_escapes_from(file, home, u, by_ref),
                None => cx.cm.use_escapes(file, b, u, by_ref),
            });
            if escapes {
                continue;
            }
            let method_use = |wanted: &str| {
                b.uses
                    .iter()
                    .filter_map(|u| m.method_call_on(u))
                    .find_map(|(call, name)| (name == wanted).then_some(call))
            };
            if method_use("shutdown_background").is_some() {
                continue;
            }
            // Blocking on it from async code panics first; `nested_runtime_block_on` reports that.
            let nested_block_on = b.uses.iter().any(|u| match u.kind {
                UseKind::Receiver(call) => {
                    cx.cm.driver(file, call) == Some(Driver::TokioBlockOn)
                        && cx.async_site(file, m.calls[call].ctx).is_some()
                }
                _ => false,
            });
            if nested_block_on {
                continue;
            }
            let explicit_drop = b.uses.iter().find_map(|u| match u.kind {
                UseKind::Arg(call) if cx.cm.is_drop_use(file, u) => Some(call),
                _ => None,
            });
            // `shutdown_timeout` with a zero timeout does not wait.
            let timeout = method_use("shutdown_timeout").filter(|&call| {
                !m.calls[call].short_args.first().is_some_and(|a| {
                    a.as_deref().is_some_and(is_zero_duration)
                })
            });
            if method_use("shutdown_timeout").is_some() && timeout.is_none() {
                continue;
            }
            let (drop_range, drop_label) = match (timeout, explicit_drop) {
                (Some(call), _) => (
                    m.calls[call].label_range.clone(),
                    "`shutdown_timeout` waits for the runtime's threads here, inside async code",
                ),
                (None, Some(call)) => (
                    m.calls[call].range.clone(),
                    "the runtime is dropped here, inside async code",
                ),
                (None, None) => match moved_into_async {
                    Some(block) => {
                        let end = m.ctxs[block].range.end;
                        (
                            end.saturating_sub(1)..end,
                            "the runtime was moved into this async block and is dropped when it ends",
                        )
                    }
                    None => (
                        b.scope_end.saturating_sub(1)..b.scope_end,
                        "the runtime is dropped here, at the end of its scope, inside async code",
                    ),
                },
            };
            // Through a struct, the type is inferred one step further: never deny.
            let certainty = if site.direct() && owner.is_none() {
                Certainty::Certain
            } else {
                Certainty::Uncertain
            };
            let (message, created, help) = match &owner {
                None => (
                    format!("tokio runtime `{}` is dropped inside async code", b.name),
                    "the runtime is created here".to_string(),
                    format!(
                        "build the runtime outside async code and keep it (or its `Handle`) for reuse, or end it without waiting: `{}.shutdown_background()`",
                        b.name
                    ),
                ),
                Some((path, field)) => {
                    let ty_name = crate::model::paths::last_segment(path);
                    (
                        format!("tokio runtime owned by `{}` is dropped inside async code", b.name),
                        format!("`{}` is created here; its field `{field}` is a tokio runtime", b.name),
                        format!(
                            "create the `{ty_name}` outside async code and keep it for reuse, or give `{ty_name}` a `Drop` impl that ends the runtime without waiting (`shutdown_background`)"
                        ),
                    )
                }
            };
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                message,
                Label::new(drop_range.clone(), drop_label),
            );
            d.secondary.push(Label::new(b.range.clone(), created));
            cx.explain_site(&mut d, file, home, &site);
            let early: Vec<usize> = m
                .exits
                .iter()
                .filter(|e| e.ctx == home && e.offset > b.range.end && e.offset < drop_range.start)
                .map(|e| m.line_of(e.offset))
                .collect();
            if !early.is_empty() {
                let lines: Vec<String> = early.iter().map(usize::to_string).collect();
                d.notes.push(format!(
                    "it is also dropped on the early returns at line {}",
                    lines.join(", ")
                ));
            }
            d.notes.push("tokio panics with: Cannot drop a runtime in a context where blocking is not allowed. This happens when a runtime is dropped from within an asynchronous context.".into());
            d.help.push(help);
            cx.emit(file, d);
        }

    }
}

/// `Duration::ZERO`, `Duration::from_secs(0)`, `Duration::from_nanos(0)`, ...
fn is_zero_duration(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.ends_with("Duration::ZERO")
        || compact.ends_with("(0)") && compact.contains("Duration::from_")
}
