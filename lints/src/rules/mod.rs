//! The lint registry: one module per lint, each a `declare_lint!` (its doc comment is the lint's
//! documentation) and a `check` function over the crate model.

use crate::diagnostic::{Diagnostic, Label, Level};
use crate::lint::{Lint, LintLevels};
use crate::model::krate::{CrateModel, Exec, SyncRoot};
use crate::model::sinks::Sink;
use crate::model::sites::{Site, SiteKind};
use crate::model::summary::{CrateSummary, SinkKind};
use crate::model::{BindingId, Callee, CrateInfo, CtxId, CtxKind, FileModel};

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
    nested_local_pool,
    tokio_blocking_method_in_async,
    block_in_place_on_current_thread,
    tokio_call_outside_runtime,
    spawn_local_outside_local_set,
    no_actix_system,
    runtime_dropped_in_async,
    enter_guard_misuse,
    runtime_never_entered,
    task_lost_at_runtime_exit,
    task_tracker_wait_without_close,
    handle_outlives_runtime,
    runtime_used_after_shutdown,
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

/// What checking a crate finds: each file's diagnostics, and for a library, its summary for
/// the crates that depend on it.
pub struct CrateCheck {
    pub diagnostics: Vec<Vec<Diagnostic>>,
    pub summary: Option<CrateSummary>,
}

pub fn check_crate(
    krate: &CrateInfo,
    files: &[FileModel],
    deps: &[&CrateSummary],
    levels: &LintLevels,
) -> CrateCheck {
    let cm = CrateModel::new(krate, files, deps);
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
    // The model knows the watched crates' APIs itself: their summaries are never read.
    let summary = (krate.kind == crate::CrateKind::Lib
        && !crate::model::paths::is_known_crate(&krate.name))
    .then(|| cm.summary(&krate.name));
    CrateCheck {
        diagnostics: out,
        summary,
    }
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

/// How sure a finding is: only `Certain` findings may be reported above warn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certainty {
    Certain,
    /// An unknown receiver, a call resolved by its name, a macro's tokens.
    Uncertain,
}

impl Certainty {
    /// Certain when every part is.
    pub fn of(certain: bool) -> Certainty {
        if certain {
            Certainty::Certain
        } else {
            Certainty::Uncertain
        }
    }
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

    /// Points at the driver that runs the future a finding's call is made in (`rt.block_on`):
    /// a secondary label saying `what` when it is in the finding's file, else a note with
    /// `what` and its place.
    pub fn point_at_driver(
        &self,
        d: &mut Diagnostic,
        file: usize,
        driver: Option<(usize, crate::model::CallId)>,
        what: &str,
    ) {
        match driver {
            Some((df, call)) if df == file => d.secondary.push(Label::new(
                self.files()[df].calls[call].label_range.clone(),
                what,
            )),
            Some((df, call)) => {
                let dm = &self.files()[df];
                let line = dm.line_of(dm.calls[call].range.start);
                d.notes.push(format!("{what} ({}:{line})", dm.path));
            }
            None => {}
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

    /// Whether `.await` can be written at code in `ctx`: it is the async body itself, not a
    /// sync closure inside it.
    pub fn can_await_in(&self, file: usize, ctx: CtxId) -> bool {
        matches!(self.cm.exec(file, ctx), Exec::Async { boundary, .. } if boundary == ctx)
    }

    /// The sinks of one kind (see [`crate::model::sinks`]).
    pub fn sinks(&self, kind: SinkKind) -> Vec<Sink> {
        self.cm.sinks(kind).copied().collect()
    }

    /// The sinks whose kind `wanted` accepts.
    pub fn sinks_matching(&self, wanted: impl Fn(SinkKind) -> bool) -> Vec<Sink> {
        self.cm
            .all_sinks()
            .iter()
            .filter(|s| wanted(s.kind))
            .copied()
            .collect()
    }

    /// The best site of a sink's call that `wrong` accepts: where the sink is wrong. Through a
    /// chain of calls, only a sink that runs whenever its fn does: one in a branch may be
    /// what the callers' arguments rule out.
    pub fn wrong_site(&self, sink: &Sink, wrong: impl Fn(&SiteKind) -> bool) -> Option<Site> {
        let mut sites = self.cm.call_sites(sink.file, sink.call);
        if !self.cm.runs_unconditionally(sink.file, sink.call) {
            let ctx = self.files()[sink.file].calls[sink.call].ctx;
            if self.cm.async_boundary(sink.file, ctx).is_some() {
                // Async code is async wherever it is called from; which runtime runs it is
                // what the chain says, and that is not certain for a branch.
                for site in sites.iter_mut().filter(|s| !s.direct()) {
                    site.certain = false;
                }
            } else {
                sites.retain(Site::direct);
            }
        }
        self.cm.site_where(&sites, wrong)
    }

    /// Explains where a finding runs: the async context's label for a direct site, the chain
    /// of calls for one reached through calls, and for a call into a dependency, the
    /// dependency's chain down to the place.
    pub fn explain(
        &self,
        d: &mut Diagnostic,
        file: usize,
        ctx: CtxId,
        site: &Site,
        sink: Option<&Sink>,
    ) {
        match site.via {
            None => match site.kind {
                SiteKind::Async(_) => d.secondary.extend(self.async_context_label(file, ctx)),
                SiteKind::Sync(root) => d.secondary.extend(self.root_label(file, ctx, root)),
                SiteKind::Entered => {}
            },
            Some(_) => d.notes.extend(self.cm.site_notes(site)),
        }
        if let Some(sink) = sink {
            d.notes.extend(self.cm.dep_notes(sink));
        }
    }

    /// A label on the head of the sync context that runs on a thread of kind `root`.
    fn root_label(&self, file: usize, ctx: CtxId, root: SyncRoot) -> Option<Label> {
        let m = &self.files()[file];
        let mut ctx = ctx;
        while let Some(parent) = m.ctxs[ctx].parent {
            if self.cm.exec(file, ctx) != self.cm.exec(file, parent) {
                break;
            }
            ctx = parent;
        }
        let message = match root {
            SyncRoot::Main => "`main` runs without a runtime",
            SyncRoot::Test => "a plain `#[test]` runs without a runtime",
            SyncRoot::Thread => "this closure runs on a new thread, outside any runtime",
            SyncRoot::Blocking => "this closure runs on a blocking thread",
            SyncRoot::Rayon => "this closure runs on a rayon thread",
        };
        Some(Label::new(m.ctxs[ctx].head.clone(), message))
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
}
