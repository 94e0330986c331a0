//! Who owns a value and where it ends: the tokio runtimes a crate builds and drops, directly or
//! inside a value of one of its own (or a dependency's) types.

use super::krate::{CrateModel, Driver};
use super::*;

/// Runtime methods that borrow it.
pub const RUNTIME_BY_REF: &[&str] = &[
    "block_on",
    "enter",
    "spawn",
    "spawn_blocking",
    "spawn_local",
    "handle",
    "metrics",
    "shutdown_timeout",
    "shutdown_background",
];

/// A runtime (or a value that owns one) that a binding creates and that ends where the binding
/// does: at the end of its scope, at `drop(..)`, at a waiting `shutdown_timeout`, or at the end
/// of the `async move` block it is moved into.
#[derive(Clone, Debug)]
pub struct RuntimeDrop {
    pub file: usize,
    pub binding: BindingId,
    /// The context whose end drops it: the binding's, or the `async move` block it moves into.
    pub home: CtxId,
    /// Where it is dropped, and a label saying how.
    pub at: Range<usize>,
    pub how: &'static str,
    /// For a value of a struct that owns a runtime: the struct's path and the field.
    pub owner: Option<(String, String)>,
    /// The binding is also blocked on (`rt.block_on(..)`, or made by a call that blocks on it:
    /// `actix_rt::System::new()`): in async code that panics first.
    pub blocked_on: bool,
    /// `?` and `return` between the binding and the drop, where it is dropped too.
    pub early_exits: Vec<usize>,
}

impl CrateModel<'_> {
    /// Every runtime the crate creates and drops in the same body, wherever that runs.
    pub fn runtime_drops(&self) -> Vec<RuntimeDrop> {
        let mut out = Vec::new();
        for (file, m) in self.files.iter().enumerate() {
            for (id, b) in m.bindings.iter().enumerate() {
                if let Some(found) = self.runtime_drop(file, id, b) {
                    out.push(found);
                }
            }
        }
        out
    }

    fn runtime_drop(&self, file: usize, id: BindingId, b: &Binding) -> Option<RuntimeDrop> {
        let m = &self.files[file];
        if b.is_param || b.init_call.is_none() {
            return None;
        }
        // Created here: a constructor or a fn that returns a runtime, not a copy of another binding.
        if !matches!(b.prov, Prov::Known(_) | Prov::Ret(_) | Prov::MethodRet(..)) {
            return None;
        }
        let ty = self.ty(file, &b.prov)?;
        let owner = match &ty {
            _ if ty.lib_path().is_some_and(super::types::is_runtime_type) => None,
            Ty::Crate(path) => Some((path.clone(), self.runtime_owning_field(path)?)),
            _ => return None,
        };
        // A reference, or one owner of several: dropping it ends nothing.
        if !self.binding_owns_value(file, b) {
            return None;
        }
        let owner_methods;
        let by_ref: &[&str] = match &owner {
            Some((path, _)) => {
                owner_methods = self.borrowing_methods(path);
                &owner_methods
            }
            None => RUNTIME_BY_REF,
        };
        // Where the runtime ends: its own context, or the `move` async block it is moved into.
        let mut home = b.ctx;
        let moved: Vec<Option<CtxId>> =
            b.uses.iter().map(|u| self.moved_into(file, b, u)).collect();
        let mut targets: Vec<CtxId> = moved.iter().flatten().copied().collect();
        targets.sort_unstable();
        targets.dedup();
        let mut moved_into_async = None;
        match targets.as_slice() {
            [] => {}
            [only] => {
                if matches!(
                    m.ctxs[*only].kind,
                    CtxKind::AsyncBlock | CtxKind::Closure { is_async: true }
                ) {
                    home = *only;
                    moved_into_async = Some(*only);
                } else {
                    return None;
                }
            }
            _ => return None,
        }
        let escapes = b.uses.iter().zip(&moved).any(|(u, into)| match into {
            Some(_) => self.use_escapes_from(file, home, u, by_ref),
            None => self.use_escapes(file, b, u, by_ref),
        });
        if escapes {
            return None;
        }
        let method_use = |wanted: &str| {
            b.uses
                .iter()
                .filter_map(|u| m.method_call_on(u))
                .find_map(|(call, name)| (name == wanted).then_some(call))
        };
        if method_use("shutdown_background").is_some() {
            return None;
        }
        // Creating it blocks on it already: `actix_rt::System::new()` runs its `block_on`.
        let created_blocking = b.init_call.is_some_and(|call| {
            self.target(file, call)
                .external()
                .is_some_and(crate::census::blocks_on_runtime)
        });
        let blocked_on = (created_blocking && moved_into_async.is_none())
            || b.uses.iter().any(|u| match u.kind {
                UseKind::Receiver(call) => self.driver(file, call) == Some(Driver::TokioBlockOn),
                _ => false,
            });
        let explicit_drop = b.uses.iter().find_map(|u| match u.kind {
            UseKind::Arg(call) if self.is_drop_use(file, u) => Some(call),
            _ => None,
        });
        // `shutdown_timeout` with a zero timeout does not wait.
        let timeout = method_use("shutdown_timeout").filter(|&call| {
            !m.calls[call]
                .short_args
                .first()
                .is_some_and(|a| a.as_deref().is_some_and(is_zero_duration))
        });
        if method_use("shutdown_timeout").is_some() && timeout.is_none() {
            return None;
        }
        let (at, how) = match (timeout, explicit_drop) {
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
        let early_exits = m
            .exits
            .iter()
            .filter(|e| e.ctx == home && e.offset > b.range.end && e.offset < at.start)
            .map(|e| e.offset)
            .collect();
        Some(RuntimeDrop {
            file,
            binding: id,
            home,
            at,
            how,
            owner,
            blocked_on,
            early_exits,
        })
    }
}

/// A runtime ended in a body (`rt.shutdown_background()`, `rt.shutdown_timeout(..)`,
/// `drop(rt)`) before a handle taken from it is used: `handle.block_on(..)` after the end.
#[derive(Clone, Copy, Debug)]
pub struct EndedRuntime {
    /// The runtime's binding.
    pub runtime: BindingId,
    /// The call that ends it.
    pub end: CallId,
    /// The handle's binding.
    pub handle: BindingId,
}

impl CrateModel<'_> {
    /// For a call on a handle (`handle.block_on(..)`): the runtime it was taken from, when
    /// that runtime was ended before the call, in a statement that always runs before it.
    pub fn runtime_ended_before(&self, file: usize, call: CallId) -> Option<EndedRuntime> {
        let m = &self.files[file];
        let c = &m.calls[call];
        let Callee::Method {
            receiver: Prov::Local(handle),
            ..
        } = &c.callee
        else {
            return None;
        };
        let h = &m.bindings[*handle];
        if !self
            .ty(file, &h.prov)
            .is_some_and(|t| t.is("tokio::runtime::Handle"))
        {
            return None;
        }
        // `rt.handle()`, or `rt.handle().clone()`.
        let init = h.init_call?;
        let taken = match &m.calls[init].callee {
            Callee::Method { name, .. } if name == "clone" => m.receiver_call(init)?,
            _ => init,
        };
        let Callee::Method {
            name,
            receiver: Prov::Local(runtime),
        } = &m.calls[taken].callee
        else {
            return None;
        };
        let rt = &m.bindings[*runtime];
        let is_runtime = self
            .ty(file, &rt.prov)
            .and_then(|t| t.lib_path())
            .is_some_and(super::types::is_runtime_type);
        if name != "handle" || !is_runtime {
            return None;
        }
        let end = rt.uses.iter().find_map(|u| {
            let end = match m.method_call_on(u) {
                Some((end, "shutdown_background" | "shutdown_timeout")) => end,
                _ if self.is_drop_use(file, u) => match u.kind {
                    UseKind::Arg(end) => end,
                    _ => return None,
                },
                _ => return None,
            };
            let e = &m.calls[end];
            // Before the call, in its body or an enclosing block, on every path.
            (e.range.end <= c.range.start
                && m.ctx_within(c.ctx, e.ctx)
                && !e.in_branch
                && self.runs_unconditionally(file, end))
            .then_some(end)
        })?;
        Some(EndedRuntime {
            runtime: *runtime,
            end,
            handle: *handle,
        })
    }
}

/// `Duration::ZERO`, `Duration::from_secs(0)`, `Duration::from_nanos(0)`, ...
fn is_zero_duration(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.ends_with("Duration::ZERO")
        || compact.ends_with("(0)") && compact.contains("Duration::from_")
}
