//! The lint registry: one module per lint, each a `declare_lint!` (its doc comment is the lint's
//! documentation) and a `check` function over the crate model.

use crate::diagnostic::{Diagnostic, Label, Level};
use crate::lint::{Lint, LintLevels};
use crate::model::krate::{CrateModel, Exec, FnRef, RuntimeInfo};
use crate::model::{BindingId, Callee, CrateInfo, CtxId, CtxKind, Family, FileModel};

macro_rules! rules {
    ($($rule:ident),* $(,)?) => {
        $(pub mod $rule;)*

        /// Every lint, in the order `--list` shows them.
        pub static LINTS: &[&Lint] = &[$(&$rule::LINT),*];

        static CHECKS: &[fn(&mut LintCx<'_>)] = &[$($rule::check),*];
    };
}

rules! {
    nested_runtime_block_on,
    blocking_executor_in_async,
    tokio_blocking_method_in_async,
    block_in_place_on_current_thread,
    tokio_call_outside_runtime,
    spawn_local_outside_local_set,
    runtime_dropped_in_async,
    enter_guard_misuse,
    runtime_never_entered,
    task_lost_at_runtime_exit,
    handle_outlives_runtime,
    blocking_call_in_async,
    async_closure_in_blocking_spawn,
    runtime_builder_missing_driver,
    runtime_per_call,
    task_cancelled_on_drop,
    executor_never_driven,
    detached_spawn,
}

pub fn find_lint(name: &str) -> Option<&'static Lint> {
    LINTS.iter().copied().find(|l| l.name == name)
}

pub fn check_crate(
    krate: &CrateInfo,
    files: &[FileModel],
    levels: &LintLevels,
) -> Vec<Vec<Diagnostic>> {
    let cm = CrateModel::new(krate, files);
    let mut cx = LintCx {
        cm: &cm,
        levels,
        diagnostics: files.iter().map(|_| Vec::new()).collect(),
        enabled: false,
        expected_panics: files
            .iter()
            .map(|f| {
                f.fns
                    .iter()
                    .filter(|d| d.should_panic)
                    .filter_map(|d| d.body.map(|b| f.ctxs[b].range.clone()))
                    .collect()
            })
            .collect(),
    };
    for (lint, check) in LINTS.iter().zip(CHECKS) {
        cx.enabled = levels.configured(lint) != Level::Allow;
        if cx.enabled {
            check(&mut cx);
        }
    }
    let mut out = cx.diagnostics;
    for file in &mut out {
        file.sort_by(|a, b| (a.primary.range.start, a.code).cmp(&(b.primary.range.start, b.code)));
        file.dedup();
    }
    out
}

/// What a rule sees: the crate model, and where its findings go.
pub struct LintCx<'a> {
    pub cm: &'a CrateModel<'a>,
    levels: &'a LintLevels,
    diagnostics: Vec<Vec<Diagnostic>>,
    enabled: bool,
    /// Per file, the bodies of `#[should_panic]` fns: a panic there is what the test expects.
    expected_panics: Vec<Vec<std::ops::Range<usize>>>,
}

/// Edits that turn `block_on(future)` (the call's only argument) into `future.await`.
pub fn await_argument(
    call: &crate::model::Call,
    future: &std::ops::Range<usize>,
) -> Vec<crate::diagnostic::Edit> {
    use crate::diagnostic::Edit;
    vec![
        Edit {
            range: call.range.start..future.start,
            replacement: String::new(),
        },
        Edit {
            range: future.end..call.range.end,
            replacement: ".await".into(),
        },
    ]
}

/// Async code, directly or through the call graph (`via`: the sync fn that is reached).
#[derive(Clone, Copy, Debug)]
pub struct AsyncSite {
    pub via: Option<FnRef>,
    pub runtime: RuntimeInfo,
}

impl AsyncSite {
    pub fn direct(&self) -> bool {
        self.via.is_none()
    }

    /// Runs on tokio, or on an executor the model does not know (most async Rust is tokio).
    pub fn maybe_tokio(&self) -> bool {
        matches!(self.runtime.family, Family::Tokio | Family::Unknown)
    }
}

/// How sure a finding is: only `Certain` findings may be reported above warn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certainty {
    Certain,
    /// An unknown receiver, a call chain, a maybe-async closure, a macro's tokens.
    Uncertain,
}

impl<'a> LintCx<'a> {
    pub fn files(&self) -> &'a [FileModel] {
        self.cm.files
    }

    /// Starts a finding of `lint` in `file`; `finish` it with [`LintCx::emit`].
    pub fn diagnostic(
        &self,
        lint: &'static Lint,
        certainty: Certainty,
        message: impl Into<String>,
        primary: Label,
    ) -> Diagnostic {
        let level = self
            .levels
            .effective(lint, certainty == Certainty::Uncertain);
        Diagnostic::new(lint.name, level, message, primary)
    }

    pub fn emit(&mut self, file: usize, diagnostic: Diagnostic) {
        let expected = self.expected_panics[file]
            .iter()
            .any(|r| r.contains(&diagnostic.primary.range.start));
        if self.enabled && diagnostic.level != Level::Allow && !expected {
            self.diagnostics[file].push(diagnostic);
        }
    }

    /// A label on the head of the async context code runs in (`async fn serve`, `async move`).
    pub fn async_context_label(&self, file: usize, ctx: CtxId) -> Option<Label> {
        let boundary = match self.cm.exec(file, ctx) {
            Exec::Async { boundary, .. } => boundary,
            _ => return None,
        };
        let m = &self.files()[file];
        let c = &m.ctxs[boundary];
        let (range, message) = match c.kind {
            CtxKind::Fn => {
                let f = &m.fns[c.fn_id?];
                match &f.entry {
                    Some(e) => (
                        e.range.clone(),
                        format!(
                            "the body of this fn runs inside the runtime `#[{}]` starts",
                            e.attr
                        ),
                    ),
                    None => (
                        c.head.clone(),
                        "this async fn runs on an executor".to_string(),
                    ),
                }
            }
            CtxKind::AsyncBlock => (
                c.head.clone(),
                "this async block runs on an executor".into(),
            ),
            _ => (
                c.head.clone(),
                "this async closure runs on an executor".into(),
            ),
        };
        Some(Label::new(range, message))
    }

    /// Whether code in `ctx` runs as async code: directly, or in a sync fn reached from it.
    pub fn async_site(&self, file: usize, ctx: CtxId) -> Option<AsyncSite> {
        match self.cm.exec(file, ctx) {
            Exec::Async { runtime, .. } => Some(AsyncSite { via: None, runtime }),
            _ => self.reached_sync_fn(file, ctx).map(|f| AsyncSite {
                via: Some(f),
                runtime: RuntimeInfo::UNKNOWN,
            }),
        }
    }

    /// Whether `.await` can be written at code in `ctx`: it is the async body itself, not a
    /// sync closure inside it.
    pub fn can_await_in(&self, file: usize, ctx: CtxId) -> bool {
        matches!(self.cm.exec(file, ctx), Exec::Async { boundary, .. } if boundary == ctx)
    }

    /// Adds the async context's label (direct) or the call chain (transitive) to a finding.
    pub fn explain_site(&self, d: &mut Diagnostic, file: usize, ctx: CtxId, site: &AsyncSite) {
        match site.via {
            None => d.secondary.extend(self.async_context_label(file, ctx)),
            Some(f) => d.notes.extend(self.cm.chain_notes(f)),
        }
    }

    /// Local bindings visible at `offset` in `ctx` whose value is of the watched type `ty`.
    pub fn bindings_of_type(
        &self,
        file: usize,
        ctx: CtxId,
        offset: usize,
        ty: &str,
    ) -> Vec<BindingId> {
        let m = &self.files()[file];
        (0..m.bindings.len())
            .filter(|&id| {
                let b = &m.bindings[id];
                b.range.end <= offset
                    && offset < b.scope_end
                    && m.ctx_within(ctx, b.ctx)
                    && self.cm.ty(file, &b.prov).is_some_and(|t| t.is(ty))
            })
            .collect()
    }

    /// The callee as the user wrote it: `tokio::spawn`, `spawn`, or `.blocking_recv()`.
    pub fn callee_text(&self, file: usize, call: usize) -> String {
        match &self.files()[file].calls[call].callee {
            Callee::Path { text, .. } => text.clone(),
            Callee::Method { name, .. } => format!(".{name}()"),
        }
    }

    /// The sync fn code runs in, when it is reached from async code (for transitive findings).
    pub fn reached_sync_fn(&self, file: usize, ctx: CtxId) -> Option<FnRef> {
        match self.cm.exec(file, ctx) {
            Exec::Sync {
                fn_ref: Some(f),
                root: None,
            } => self.cm.reached_from_async(f).map(|_| f),
            _ => None,
        }
    }
}
