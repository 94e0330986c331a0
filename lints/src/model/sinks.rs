//! Sinks: calls that are wrong in some places (block on a runtime, need one, block the thread),
//! found once per crate; and effects: what calling a fn does in its caller's place, found by
//! following sinks back up the crate's calls. A library's effects go into its summary
//! ([`super::summary`]); a dependent finds a call into the library as a sink of its own.

use super::apis;
use super::krate::{CrateModel, DepFnRef, Driver, FnRef, Target};
use super::sites::Lexical;
use super::summary::{
    ChainLink, CrateSummary, Effect, EntrySummary, FnSummary, ParamRole, SinkKind, StructSummary,
    SUMMARY_FORMAT,
};
use super::*;
use crate::census;
use std::collections::VecDeque;

/// A call that is a sink: directly (`rt.block_on(..)`), or a call into a dependency's fn with
/// that effect (`dep`: the fn and the index of the effect).
#[derive(Clone, Copy, Debug)]
pub struct Sink {
    pub file: usize,
    pub call: CallId,
    pub kind: SinkKind,
    /// The call is certain to be this sink: not found in a macro's tokens, its callee resolved
    /// by path or on a receiver of known type; for a call into a dependency, the dependency's
    /// chain is certain too.
    pub certain: bool,
    pub dep: Option<(DepFnRef, usize)>,
}

/// Effects kept per fn and kind: one, the best found.
const MAX_CHAIN: usize = 12;

impl<'a> CrateModel<'a> {
    /// The sink kinds of a call made directly (not through a dependency's summary).
    pub fn direct_sink_kinds(&self, file: usize, call: CallId) -> Vec<SinkKind> {
        let c = &self.files[file].calls[call];
        let mut out = Vec::new();
        if let Some(Driver::OtherBlockOn(family)) = self.driver(file, call) {
            out.push(SinkKind::BlockOnExecutor(family));
        }
        match self.target(file, call) {
            Target::Fn { fn_ref, .. } => {
                if let Some(entry) = &self.fn_def(*fn_ref).entry {
                    if !entry.is_test && entry.family == Family::Tokio {
                        out.push(SinkKind::BlockOnRuntime);
                    }
                }
            }
            Target::External(path) => {
                let path = path.as_ref();
                for kind in census_sink_kinds(path) {
                    if !out.contains(&kind) {
                        out.push(kind);
                    }
                }
                let free_fn = matches!(c.callee, Callee::Path { .. });
                if apis::is_blocking(path, free_fn, &self.krate.blocking_functions) {
                    out.push(SinkKind::Blocking);
                }
            }
            _ => {}
        }
        if self.is_tokio_blocking_method(file, call) {
            out.push(SinkKind::BlockingMethod);
        }
        // A call whose value is `.await`ed returns a future: it is not one of the sync calls
        // that block (a receiver taken for the wrong type, `AsyncReadExt::read_to_end`).
        if c.used_as == ValueUse::Awaited {
            out.retain(|k| !blocks_synchronously(*k));
        }
        out
    }

    /// A tokio `blocking_*` method: on a receiver of a tokio sync type that has it, or of
    /// unknown type in a crate that uses tokio and defines no method of that name.
    pub fn is_tokio_blocking_method(&self, file: usize, call: CallId) -> bool {
        self.tokio_blocking_method(file, call).is_some()
    }

    /// The census entry of the tokio blocking method a call is (see
    /// [`CrateModel::is_tokio_blocking_method`]): its async replacement is `instead`.
    pub fn tokio_blocking_method(&self, file: usize, call: CallId) -> Option<&'static census::Api> {
        let c = &self.files[file].calls[call];
        let Callee::Method { name, .. } = &c.callee else {
            return None;
        };
        let named = census::tokio_blocking_methods_named(name);
        let first = named.first()?;
        let argc = first.args.map_or(0, usize::from);
        if !c.in_macro && c.args.len() != argc {
            return None;
        }
        match self.receiver_ty(file, call) {
            Some(ty) => {
                let owner = ty.lib_path()?;
                named
                    .iter()
                    .copied()
                    .find(|a| paths::parent_path(a.path) == owner)
            }
            None => {
                let deps = &self.krate.dependencies;
                let uses_tokio = deps.is_empty() || deps.iter().any(|d| d.package == "tokio");
                let own_method = self
                    .files
                    .iter()
                    .any(|f| f.method_names.iter().any(|n| n == name));
                (uses_tokio && !own_method).then_some(*first)
            }
        }
    }

    /// Every sink of the crate, in file and call order. A fn that checks at run time for a
    /// runtime or its kind (`Handle::try_current()`) is taken to guard its calls.
    pub(super) fn find_sinks(&self) -> Vec<Sink> {
        let mut out = Vec::new();
        let probing: Vec<Vec<bool>> = self
            .files
            .iter()
            .enumerate()
            .map(|(fi, f)| {
                (0..f.fns.len())
                    .map(|id| self.probes_runtime((fi, id)))
                    .collect()
            })
            .collect();
        for (fi, file) in self.files.iter().enumerate() {
            for (id, c) in file.calls.iter().enumerate() {
                let guarded = self
                    .inherited_fn(fi, c.ctx)
                    .is_some_and(|f| probing[f.0][f.1]);
                let before = out.len();
                let target = self.target(fi, id);
                let target_certain = match target {
                    Target::Fn { certain, .. } | Target::Dep { certain, .. } => *certain,
                    // A method taken as an extension trait's because the trait is in scope.
                    _ => !matches!(&c.callee, Callee::Method { receiver: Prov::Known(ty), .. }
                        if ty.lib_path().is_some_and(census::is_extension_trait)),
                };
                for kind in self.direct_sink_kinds(fi, id) {
                    out.push(Sink {
                        file: fi,
                        call: id,
                        kind,
                        certain: !c.in_macro && target_certain,
                        dep: None,
                    });
                }
                if let Target::Dep { fn_ref, certain } = target {
                    let f = &self.deps[fn_ref.0].fns[fn_ref.1];
                    if f.entry
                        .as_ref()
                        .is_some_and(|e| !e.is_test && e.family == Family::Tokio)
                    {
                        out.push(Sink {
                            file: fi,
                            call: id,
                            kind: SinkKind::BlockOnRuntime,
                            certain: *certain && !c.in_macro,
                            dep: None,
                        });
                    }
                    // The effects of an async fn happen where its future is awaited.
                    let runs_here = !f.is_async || c.used_as == ValueUse::Awaited;
                    if runs_here {
                        for (index, effect) in f.effects.iter().enumerate() {
                            out.push(Sink {
                                file: fi,
                                call: id,
                                kind: effect.kind,
                                certain: *certain && !c.in_macro && effect.certain,
                                dep: Some((*fn_ref, index)),
                            });
                        }
                    }
                }
                // The check decides which way the code goes (`spawn_blocking` with a runtime,
                // a blocking fallback without): none of its sinks is taken as certain to run.
                if guarded {
                    out.truncate(before);
                }
            }
        }
        out
    }

    /// Whether a sink's call panics only with debug assertions on (the census's `debug_only`).
    pub fn sink_panics_only_in_debug(&self, sink: &Sink) -> bool {
        self.target(sink.file, sink.call)
            .external()
            .is_some_and(census::panics_only_in_debug)
    }

    /// Every sink of the crate.
    pub fn all_sinks(&self) -> &[Sink] {
        &self.sinks
    }

    /// A blocking call that waits for something else (a sleep, a channel, a thread), or one
    /// the configuration names: reported through chains of calls.
    pub fn blocks_long(&self, file: usize, call: CallId) -> bool {
        let path = self.target(file, call).external().unwrap_or("");
        apis::blocks_long(path) || self.krate.blocking_functions.iter().any(|c| c == path)
    }

    /// The sinks of one kind.
    pub fn sinks(&self, kind: SinkKind) -> impl Iterator<Item = &Sink> + '_ {
        self.sinks.iter().filter(move |s| s.kind == kind)
    }

    /// For a call into a dependency: the dependency fn's path.
    pub fn sink_dep_path(&self, sink: &Sink) -> Option<String> {
        match self.target(sink.file, sink.call) {
            Target::Dep { fn_ref, .. } => Some(self.deps[fn_ref.0].fns[fn_ref.1].path.clone()),
            _ => None,
        }
    }

    /// For a call into a dependency whose fn builds and drops a runtime: whether the runtime
    /// is a value the dependency makes and drops (not a call that does so within itself, as
    /// `reqwest::blocking` does in debug builds).
    pub fn dep_sink_drops_a_runtime_value(&self, sink: &Sink) -> bool {
        let Some((f, index)) = sink.dep else {
            return false;
        };
        let effect = &self.deps[f.0].fns[f.1].effects[index];
        effect
            .chain
            .last()
            .is_some_and(|link| link.what.starts_with("runtime `"))
    }

    /// Notes that follow a sink into a dependency:
    /// `` `my_lib::load` blocks on a tokio runtime (my-lib/src/lib.rs:12) ``.
    pub fn dep_notes(&self, sink: &Sink) -> Vec<String> {
        let Some((f, index)) = sink.dep else {
            return Vec::new();
        };
        self.effect_notes(f, index)
    }

    /// Notes that follow effect `index` of a dependency's fn down to its place.
    pub fn effect_notes(&self, f: DepFnRef, index: usize) -> Vec<String> {
        let def = &self.deps[f.0].fns[f.1];
        let Some(effect) = def.effects.get(index) else {
            return Vec::new();
        };
        let mut notes = Vec::new();
        let mut caller = def.path.clone();
        for (index, link) in effect.chain.iter().enumerate() {
            let last = index + 1 == effect.chain.len();
            let note = match effect.kind {
                SinkKind::LeavesTask if index == 0 => {
                    format!(
                        "`{caller}` spawns a task with `{}` and drops its handle ({}:{})",
                        link.what, link.file, link.line
                    )
                }
                SinkKind::LeavesTask => {
                    format!(
                        "the task does work that is lost if it is cut off: `{}` ({}:{})",
                        link.what, link.file, link.line
                    )
                }
                SinkKind::DropsRuntime if last && link.what.starts_with("runtime `") => {
                    format!(
                        "`{caller}` builds and drops {} ({}:{})",
                        link.what, link.file, link.line
                    )
                }
                _ => format!(
                    "`{caller}` calls `{}` ({}:{})",
                    link.what, link.file, link.line
                ),
            };
            notes.push(note);
            caller = link.what.clone();
        }
        notes
    }

    /// Whether a fn checks at run time for a runtime or its kind (`Handle::try_current()`):
    /// its runtime-dependent calls are taken to be guarded.
    pub(super) fn probes_runtime(&self, f: FnRef) -> bool {
        self.body_calls(f).iter().any(|&call| {
            self.target(f.0, call)
                .external()
                .is_some_and(apis::is_runtime_probe)
        })
    }

    /// The fn whose callers' place a context's code runs in: code of the fn's body, in
    /// closures run in place and async blocks awaited there.
    fn runs_in_callers_place(&self, file: usize, ctx: CtxId) -> Option<FnRef> {
        match &self.lexical[file][ctx] {
            Lexical::Body { fn_ref, steps, .. }
                if steps.iter().all(|s| *s == super::sites::Step::Awaited) =>
            {
                // An async block awaited in a sync fn is not run there.
                let d = self.fn_def(*fn_ref);
                (steps.is_empty() || d.is_async).then_some(*fn_ref)
            }
            _ => None,
        }
    }

    /// What calling each fn does in the caller's place, per file and fn: the sinks of its body
    /// and of the fns it calls there (and of dependencies' fns), each kind once, with the
    /// chain down to the sink.
    pub fn effects(&self) -> Vec<Vec<Vec<Effect>>> {
        let files = self.files;
        let mut effects: Vec<Vec<Vec<Effect>>> = files
            .iter()
            .map(|f| vec![Vec::new(); f.fns.len()])
            .collect();
        let mut queue: VecDeque<FnRef> = VecDeque::new();
        let link_at = |file: usize, call: CallId, what: String| ChainLink {
            what,
            file: files[file].path.clone(),
            line: files[file].line_of(files[file].calls[call].range.start) as u32,
        };
        for sink in &self.sinks {
            let c = &files[sink.file].calls[sink.call];
            let Some(f) = self.runs_in_callers_place(sink.file, c.ctx) else {
                continue;
            };
            // In async code the crate reports it itself, wherever the code is called from.
            if wrong_in_any_async(sink.kind) && self.async_boundary(sink.file, c.ctx).is_some() {
                continue;
            }
            if sink.kind == SinkKind::Blocking
                && sink.dep.is_none()
                && !self.blocks_long(sink.file, sink.call)
            {
                continue;
            }
            if context_dependent(sink.kind) && self.probes_runtime(f) {
                continue;
            }
            // What a caller's arguments may rule out is not an effect of the call.
            if !self.runs_unconditionally(sink.file, sink.call) {
                continue;
            }
            if matches!(sink.kind, SinkKind::NeedsRuntime | SinkKind::SpawnLocal)
                && self.entered_at(sink.file, c.ctx, c.range.start)
            {
                continue;
            }
            // A tokio future polled where it is made, by another executor: the caller's thread
            // must have a runtime context (`block_on(TcpStream::connect(addr))`). Made and
            // returned, it is polled by whoever gets it: no effect of the call.
            let kind = match sink.kind {
                SinkKind::NeedsRuntimePolled if sink.dep.is_none() => {
                    if !self.polled_in_place_by_foreign_executor(sink.file, sink.call) {
                        continue;
                    }
                    SinkKind::NeedsRuntime
                }
                kind => kind,
            };
            let what = self.sink_text(sink.file, sink.call);
            let mut chain = vec![link_at(sink.file, sink.call, what.clone())];
            let mut certain = sink.certain;
            if let Some((dep_fn, index)) = sink.dep {
                let effect = &self.deps[dep_fn.0].fns[dep_fn.1].effects[index];
                chain[0].what = self.deps[dep_fn.0].fns[dep_fn.1].path.clone();
                chain.extend(effect.chain.iter().cloned());
                certain &= effect.certain;
            }
            let effect = Effect {
                kind,
                certain,
                sink: what,
                chain,
            };
            if add_effect(&mut effects[f.0][f.1], effect) {
                queue.push_back(f);
            }
        }
        for (f, spawn, work) in self.fns_leaving_tasks() {
            let (sf, call) = spawn;
            let sm = &files[sf];
            let work = match work {
                super::tasks::Work::Here(ef, effect_call) => {
                    link_at(ef, effect_call, self.sink_text(ef, effect_call))
                }
                super::tasks::Work::There(link) => link,
            };
            let effect = Effect {
                kind: SinkKind::LeavesTask,
                certain: true,
                sink: work.what.clone(),
                chain: vec![
                    ChainLink {
                        what: self.sink_text(sf, call),
                        file: sm.path.clone(),
                        line: sm.line_of(sm.calls[call].range.start) as u32,
                    },
                    work,
                ],
            };
            // Already followed up the crate's calls by the task model.
            add_effect(&mut effects[f.0][f.1], effect);
        }
        for drop in self.runtime_drops() {
            let Some(f) = self.runs_in_callers_place(drop.file, drop.home) else {
                continue;
            };
            if self.async_boundary(drop.file, drop.home).is_some() {
                continue;
            }
            if drop.blocked_on || self.probes_runtime(f) {
                continue;
            }
            let m = &files[drop.file];
            let b = &m.bindings[drop.binding];
            let effect = Effect {
                kind: SinkKind::DropsRuntime,
                certain: drop.owner.is_none(),
                sink: format!("runtime `{}`", b.name),
                chain: vec![ChainLink {
                    what: format!("runtime `{}`", b.name),
                    file: m.path.clone(),
                    line: m.line_of(b.range.start) as u32,
                }],
            };
            if add_effect(&mut effects[f.0][f.1], effect) {
                queue.push_back(f);
            }
        }
        let mut rounds = 0;
        while let Some(f) = queue.pop_front() {
            rounds += 1;
            if rounds > 100_000 {
                break;
            }
            let callee = self.fn_def(f);
            for &(cf, call) in self.callers(f) {
                let c = &files[cf].calls[call];
                let Some(g) = self.runs_in_callers_place(cf, c.ctx) else {
                    continue;
                };
                if self.fn_def(g).entry.is_some() || g == f {
                    continue;
                }
                // An async fn's body runs where its future is awaited.
                if callee.is_async && c.used_as != ValueUse::Awaited {
                    continue;
                }
                let Target::Fn { certain: true, .. } = *self.target(cf, call) else {
                    continue;
                };
                if c.in_macro || !self.runs_unconditionally(cf, call) {
                    continue;
                }
                let probes = self.probes_runtime(g);
                let found: Vec<Effect> = effects[f.0][f.1]
                    .iter()
                    .filter(|e| !(probes && context_dependent(e.kind)))
                    // Async callers are reported by the crate itself.
                    .filter(|e| !(wrong_in_any_async(e.kind) && self.fn_def(g).is_async))
                    .filter(|e| e.chain.len() < MAX_CHAIN)
                    .map(|e| {
                        let mut chain = vec![link_at(cf, call, callee.short_path())];
                        chain.extend(e.chain.iter().cloned());
                        Effect {
                            kind: e.kind,
                            certain: e.certain,
                            sink: e.sink.clone(),
                            chain,
                        }
                    })
                    .collect();
                let mut changed = false;
                for e in found {
                    changed |= add_effect(&mut effects[g.0][g.1], e);
                }
                if changed {
                    queue.push_back(g);
                }
            }
        }
        effects
    }

    /// A sink as the user wrote it: `Runtime::block_on`, `tokio::spawn`, `.blocking_recv()`.
    pub fn sink_text(&self, file: usize, call: CallId) -> String {
        let c = &self.files[file].calls[call];
        match (&c.callee, self.target(file, call)) {
            (Callee::Method { name, .. }, Target::External(path)) => {
                let owner = paths::last_segment(paths::parent_path(path));
                format!("{owner}::{name}")
            }
            (Callee::Method { name, .. }, _) => format!(".{name}()"),
            (Callee::Path { text, .. }, _) => text.clone(),
        }
    }

    /// The crate's summary for the crates that depend on it, named `name`.
    pub fn summary(&self, name: &str) -> CrateSummary {
        let effects = self.effects();
        let rename = |path: &str| -> String {
            match path.strip_prefix("crate") {
                Some(rest) if rest.is_empty() || rest.starts_with("::") => format!("{name}{rest}"),
                _ => path.to_string(),
            }
        };
        let rename_ty = |ty: Ty| -> Ty {
            match ty {
                Ty::Crate(path) => Ty::Crate(rename(&path)),
                other => other,
            }
        };
        let mut fns = Vec::new();
        for (fi, file) in self.files.iter().enumerate() {
            for (id, d) in file.fns.iter().enumerate() {
                // Only what a dependent can call, and only what tells it something.
                let params = self.param_roles((fi, id));
                let ret = self.ty(fi, &d.ret).map(rename_ty);
                let task_work =
                    d.is_async
                        .then(|| self.task_work((fi, id)))
                        .flatten()
                        .map(|(ef, call)| {
                            let em = &self.files[ef];
                            ChainLink {
                                what: self.sink_text(ef, call),
                                file: em.path.clone(),
                                line: em.line_of(em.calls[call].range.start) as u32,
                            }
                        });
                let tells = !effects[fi][id].is_empty()
                    || task_work.is_some()
                    || d.entry.is_some()
                    || ret.is_some()
                    || d.ret_shared
                    || d.ret_ref
                    || params.iter().any(|p| *p != ParamRole::Unknown);
                if d.nested || !d.is_pub || !tells {
                    continue;
                }
                fns.push(FnSummary {
                    path: rename(&d.path),
                    name: d.name.clone(),
                    impl_ty: d.impl_ty.as_deref().map(rename),
                    trait_name: d.trait_name.as_deref().map(rename),
                    is_async: d.is_async,
                    has_self: d.has_self,
                    self_by_value: d.self_by_value,
                    entry: d.entry.as_ref().map(|e| EntrySummary {
                        attr: e.attr.clone(),
                        flavor: e.flavor,
                        family: e.family,
                        is_test: e.is_test,
                    }),
                    ret,
                    ret_shared: d.ret_shared,
                    ret_ref: d.ret_ref,
                    params: params.to_vec(),
                    effects: effects[fi][id].clone(),
                    task_work,
                    file: file.path.clone(),
                    line: d.line as u32,
                });
            }
        }
        let mut structs = Vec::new();
        for (fi, file) in self.files.iter().enumerate() {
            for s in &file.structs {
                let fields: Vec<(String, Option<Ty>)> = s
                    .fields
                    .iter()
                    .map(|(n, prov)| (n.clone(), self.ty(fi, prov).map(rename_ty)))
                    .filter(|(_, ty)| ty.is_some())
                    .collect();
                // Every struct, if only by name: a method a dependent calls on one that the
                // summary does not list is not another type's method of that name.
                structs.push(StructSummary {
                    path: rename(&s.path),
                    fields,
                    runtime_field: self.runtime_owning_field(&s.path),
                    has_drop: self.has_drop_impl(&s.path),
                });
            }
        }
        let mut aliases = Vec::new();
        let mut globs = Vec::new();
        let mut impls = Vec::new();
        for file in self.files {
            for u in &file.uses {
                // Re-exports of the crate's own items and of watched APIs; imports of other
                // crates' items tell a dependent nothing.
                if let Res::Path(target) = &u.target {
                    let first = paths::first_segment(target);
                    if first == "crate" || paths::WATCHED_CRATES.contains(&first) {
                        aliases.push((rename(&u.path), rename(target)));
                    }
                }
            }
            for g in &file.globs {
                globs.push((rename(&g.module), rename(&g.target)));
            }
            for i in &file.impls {
                impls.push((rename(&i.self_ty), rename(&i.trait_name)));
            }
        }
        CrateSummary {
            format: SUMMARY_FORMAT,
            name: name.to_string(),
            fns,
            structs,
            aliases,
            globs,
            impls,
        }
    }
}

/// The sink kinds the census gives a watched API: what the place it is called (or polled) in
/// must have, by the need of each decidable row that lists it. tokio's blocking methods are
/// found by name ([`CrateModel::is_tokio_blocking_method`]), the drop of a runtime value by
/// [`super::ownership`], and another executor's `block_on` as a driver.
fn census_sink_kinds(path: &str) -> impl Iterator<Item = SinkKind> + '_ {
    use census::{At, Need};
    census::rows_of(path)
        .iter()
        .filter(|(p, _)| p.decidable())
        .filter_map(move |(p, a)| {
            Some(match (p.need, a.at) {
                (Need::Runtime, At::Call) => SinkKind::NeedsRuntime,
                (Need::Runtime | Need::RuntimePolled, At::Poll) => SinkKind::NeedsRuntimePolled,
                (Need::Time, _) => SinkKind::NeedsTime,
                (Need::Io, _) => SinkKind::NeedsIo,
                (Need::LocalSet, _) => SinkKind::SpawnLocal,
                (Need::NotInRuntime, _) => SinkKind::BlockOnRuntime,
                (Need::MultiThread, _) => SinkKind::BlockInPlace,
                (Need::NotBlockingRegion, _) if census::drops_own_runtime(path) => {
                    SinkKind::DropsRuntime
                }
                (Need::ActixSystem, _) => SinkKind::NeedsActixSystem,
                (Need::NoFuturesExecutor, _) => SinkKind::RunsFuturesExecutor,
                _ => return None,
            })
        })
}

/// Sinks that block the calling thread until they return: sync calls, never futures.
fn blocks_synchronously(kind: SinkKind) -> bool {
    matches!(
        kind,
        SinkKind::BlockOnRuntime
            | SinkKind::BlockOnExecutor(_)
            | SinkKind::BlockingMethod
            | SinkKind::Blocking
            | SinkKind::DropsRuntime
            | SinkKind::RunsFuturesExecutor
    )
}

/// Sinks that are wrong in any async code: the crate that has them in async code reports them
/// itself, so they are effects of its fns only through sync code.
fn wrong_in_any_async(kind: SinkKind) -> bool {
    matches!(
        kind,
        SinkKind::BlockOnRuntime
            | SinkKind::BlockOnExecutor(_)
            | SinkKind::BlockingMethod
            | SinkKind::DropsRuntime
            | SinkKind::Blocking
    )
}

/// Sinks that are wrong only in some places, which a run-time check can tell apart.
fn context_dependent(kind: SinkKind) -> bool {
    !matches!(
        kind,
        SinkKind::Blocking | SinkKind::NeedsTime | SinkKind::NeedsIo
    )
}

/// Adds an effect unless one of its kind is there already (a certain one replaces an uncertain
/// one). Whether it changed the list.
fn add_effect(list: &mut Vec<Effect>, effect: Effect) -> bool {
    match list.iter_mut().find(|e| e.kind == effect.kind) {
        Some(e) if !e.certain && effect.certain => {
            *e = effect;
            true
        }
        Some(_) => false,
        None => {
            list.push(effect);
            true
        }
    }
}
