//! Task lifetimes: each task the crate spawns, where its handle goes, what the task does, and
//! where the runtime that runs it can end without waiting for it.
//!
//! What runtimes do at shutdown (each checked by running a program, tokio 1.54, tokio-util
//! 0.7, async-std 1.13, smol 2.0):
//! - tokio: when `#[tokio::main]` returns, `block_on`'s future ends or a `Runtime` is dropped,
//!   each unfinished task is dropped at its next `.await`; its work after that point never
//!   happens. `spawn_blocking` work is not lost then: dropping a runtime waits for every
//!   blocking task, running or queued. `shutdown_timeout` stops waiting for them after the
//!   timeout and `shutdown_background` does not wait (the work goes on while the process
//!   lives); `std::process::exit` ends everything at once.
//! - A `LocalSet` dropped with tasks drops them; `TaskTracker::wait` returns only after
//!   `close()`, so without it it never returns.
//! - async-std: a spawned task is lost when `main` returns (the process exits).
//! - smol: dropping a `Task` cancels it; a detached one is lost when the executor's `block_on`
//!   returns.

use super::krate::{CrateModel, Driver, FnRef, Target};
use super::summary::SinkKind;
use super::*;

/// Spawns whose `JoinHandle` detaches the task when dropped, and which the end of their
/// runtime cancels.
const TASK_SPAWNS: &[&str] = &[
    "tokio::spawn",
    "tokio::runtime::Runtime::spawn",
    "tokio::runtime::Handle::spawn",
    "tokio_util::task::TaskTracker::spawn",
];

/// Method names of calls that change something outside the task: a write, a send, a flush, a
/// removal, a request; the ones that say most first. A task that does none of them loses
/// nothing when it is cut off.
const EFFECTS: &[&str] = &[
    "write",
    "write_all",
    "write_fmt",
    "write_to",
    "flush",
    "sync_all",
    "sync_data",
    "send",
    "send_to",
    "try_send",
    "send_all",
    "broadcast",
    "publish",
    "emit",
    "post",
    "put",
    "patch",
    "delete",
    "remove",
    "remove_file",
    "remove_dir_all",
    "rename",
    "commit",
    "execute",
    "persist",
    "save",
    "store",
    "upload",
    "export",
    "insert",
    "upsert",
    "update",
    "create",
    "shutdown",
    "close",
];

/// Where a runtime ends with nothing in between that waits.
#[derive(Clone, Debug)]
pub struct RuntimeEnd {
    pub file: usize,
    pub at: Range<usize>,
    pub why: String,
}

/// A task spawned with a handle that is lost: dropped, discarded, or collected and dropped
/// unjoined.
#[derive(Clone, Debug)]
pub struct LostTask {
    /// The spawn, or the call into the crate fn that spawns it.
    pub file: usize,
    pub call: CallId,
    /// Where the handle is lost, and how.
    pub lost_at: Range<usize>,
    pub how: &'static str,
    /// The spawn itself when `call` is a call into a fn that spawns, with the fns on the way.
    pub spawned_in: Option<(usize, CallId)>,
    pub chain: Vec<FnRef>,
    /// The call in the task that changes something outside it.
    pub effect: Option<Work>,
    /// For a call into a library's fn that leaves the task: that fn.
    pub dep: Option<super::krate::DepFnRef>,
    pub end: RuntimeEnd,
}

/// The call in a task that changes something outside it: in this crate, or in a library.
#[derive(Clone, Debug)]
pub enum Work {
    Here(usize, CallId),
    There(super::summary::ChainLink),
}

/// What a spawned task's handle becomes.
enum Fate {
    /// Awaited, joined, stored, passed on, aborted: something may wait for it.
    Kept,
    /// Returned to the caller.
    Returned,
    Lost(Range<usize>, &'static str),
}

impl CrateModel<'_> {
    /// A task spawn whose handle detaches the task when dropped.
    pub fn is_task_spawn(&self, file: usize, call: CallId) -> bool {
        self.target(file, call)
            .external()
            .is_some_and(|p| TASK_SPAWNS.contains(&p))
    }

    /// What becomes of the value a call returns, when it is a task's handle.
    fn handle_fate(&self, file: usize, call: CallId) -> Fate {
        let m = &self.files[file];
        let c = &m.calls[call];
        let statement_end = c.range.end..c.range.end;
        match c.used_as {
            ValueUse::Discarded => Fate::Lost(
                c.wild_let.clone().unwrap_or(statement_end),
                "its `JoinHandle` is dropped here",
            ),
            ValueUse::Awaited | ValueUse::Other | ValueUse::Receiver(_) => Fate::Kept,
            ValueUse::Returned => match self.closure_collected(file, c.ctx) {
                Some(b) => self.binding_fate(file, b, 0),
                None => Fate::Returned,
            },
            ValueUse::Bound(b) => self.binding_fate(file, b, 0),
            ValueUse::Arg(outer) => {
                if self.target(file, outer).external() == Some("std::mem::drop") {
                    return Fate::Lost(
                        m.calls[outer].range.clone(),
                        "its `JoinHandle` is dropped here",
                    );
                }
                // `handles.push(spawn(..))`: the handles' collection decides.
                match &m.calls[outer].callee {
                    Callee::Method {
                        name,
                        receiver: Prov::Local(b),
                    } if name == "push" => self.collection_fate(file, *b),
                    _ => Fate::Kept,
                }
            }
        }
    }

    /// `let v: Vec<_> = xs.map(|x| spawn(..)).collect();`: the binding the closure's values
    /// are collected into.
    fn closure_collected(&self, file: usize, ctx: CtxId) -> Option<BindingId> {
        let m = &self.files[file];
        let c = &m.ctxs[ctx];
        if c.kind != (CtxKind::Closure { is_async: false }) {
            return None;
        }
        let (adapter, _) = c.arg_of?;
        if !matches!(&m.calls[adapter].callee, Callee::Method { name, .. } if name == "map") {
            return None;
        }
        // Up the method chain to the call whose value is bound.
        let mut call = adapter;
        for _ in 0..8 {
            match m.calls[call].used_as {
                ValueUse::Bound(b) => return Some(b),
                ValueUse::Receiver(next) => call = next,
                _ => return None,
            }
        }
        None
    }

    /// The fate of a handle bound to `b`.
    fn binding_fate(&self, file: usize, b: BindingId, depth: usize) -> Fate {
        let m = &self.files[file];
        let binding = &m.bindings[b];
        if depth > 4 {
            return Fate::Kept;
        }
        for u in &binding.uses {
            match u.kind {
                UseKind::Discarded => {}
                UseKind::Arg(call) if self.is_drop_use(file, u) => {
                    return Fate::Lost(
                        m.calls[call].range.clone(),
                        "its `JoinHandle` is dropped here",
                    )
                }
                UseKind::Returned if u.ctx == binding.ctx => return Fate::Returned,
                UseKind::Rebound(next) => return self.binding_fate(file, next, depth + 1),
                _ => return Fate::Kept,
            }
        }
        let end = binding.scope_end;
        Fate::Lost(
            end.saturating_sub(1)..end,
            "its `JoinHandle` is dropped here, at the end of its scope",
        )
    }

    /// The fate of handles pushed into the collection bound to `b`: kept if the collection is
    /// used for anything but more pushes (joined, iterated, passed on).
    fn collection_fate(&self, file: usize, b: BindingId) -> Fate {
        let m = &self.files[file];
        let binding = &m.bindings[b];
        let only_filled = binding.uses.iter().all(|u| {
            m.method_call_on(u).is_some_and(|(_, name)| {
                matches!(name, "push" | "len" | "is_empty" | "reserve" | "capacity")
            })
        });
        if !only_filled || binding.is_param {
            return Fate::Kept;
        }
        let end = binding.scope_end;
        Fate::Lost(
            end.saturating_sub(1)..end,
            "the collected handles are dropped here, never joined",
        )
    }

    /// The future a spawn runs, when the model can see it: an async block or closure written
    /// there, or a call to an async fn of the crate.
    fn task_future(&self, file: usize, call: CallId) -> Option<TaskFuture> {
        let m = &self.files[file];
        let arg = m.calls[call].args.first()?;
        if let Some(ctx) = m.ctxs.iter().position(|c| {
            c.arg_of == Some((call, 0))
                && matches!(
                    c.kind,
                    CtxKind::AsyncBlock | CtxKind::Closure { is_async: true }
                )
        }) {
            return Some(TaskFuture::Block(file, ctx));
        }
        m.calls.iter().enumerate().find_map(|(id, c)| {
            if c.used_as != ValueUse::Arg(call)
                || c.range.start < arg.start
                || c.range.end > arg.end
            {
                return None;
            }
            match *self.target(file, id) {
                Target::Fn {
                    fn_ref,
                    certain: true,
                } if self.fn_def(fn_ref).is_async => Some(TaskFuture::Fn(fn_ref)),
                Target::Dep {
                    fn_ref,
                    certain: true,
                } if self.deps[fn_ref.0].fns[fn_ref.1].is_async => Some(TaskFuture::Dep(fn_ref)),
                _ => None,
            }
        })
    }

    /// A call in a task's future that changes something outside the task (or in the async fns
    /// it awaits, a few levels down), if the future finishes: one that loops forever (an
    /// accept loop, a ticker) is a daemon that runs until the runtime ends by design.
    fn task_effect(&self, future: TaskFuture) -> Option<Work> {
        let (file, body) = match future {
            TaskFuture::Block(file, ctx) => (file, ctx),
            TaskFuture::Fn(f) => (f.0, self.fn_def(f).body?),
            TaskFuture::Dep(f) => {
                return self.deps[f.0].fns[f.1].task_work.clone().map(Work::There)
            }
        };
        self.effect_in(file, body, 0)
            .map(|(file, call)| Work::Here(file, call))
    }

    /// For an async fn of the crate run as a task: the call in it that does work.
    pub fn task_work(&self, f: FnRef) -> Option<(usize, CallId)> {
        match self.task_effect(TaskFuture::Fn(f))? {
            Work::Here(file, call) => Some((file, call)),
            Work::There(_) => None,
        }
    }

    fn effect_in(&self, file: usize, body: CtxId, depth: usize) -> Option<(usize, CallId)> {
        let m = &self.files[file];
        let inline: Vec<CallId> = (0..m.calls.len())
            .filter(|&id| self.runs_inline(file, m.calls[id].ctx, body))
            .collect();
        let daemon = inline.iter().any(|&id| {
            let c = &m.calls[id];
            c.in_bare_loop
                || c.in_loop
                    && matches!(&c.callee, Callee::Method { name, .. } if matches!(name.as_str(), "accept" | "tick" | "incoming"))
        }) || m.macros.iter().any(|s| self.runs_inline(file, s.ctx, body) && s.name == "select");
        if daemon {
            return None;
        }
        // The first call that changes something, preferring a write or a send to the opening
        // of a file.
        let effect_rank = |id: CallId| {
            let name = match &m.calls[id].callee {
                Callee::Method { name, .. } => name.as_str(),
                Callee::Path { text, .. } => paths::last_segment(text),
            };
            EFFECTS.iter().position(|e| *e == name)
        };
        if let Some(&id) = inline
            .iter()
            .filter(|&&id| effect_rank(id).is_some())
            .min_by_key(|&&id| effect_rank(id))
        {
            return Some((file, id));
        }
        for &id in &inline {
            let c = &m.calls[id];
            if depth < 3 {
                if let Target::Fn {
                    fn_ref,
                    certain: true,
                } = *self.target(file, id)
                {
                    let callee = self.fn_def(fn_ref);
                    if callee.is_async && c.used_as == ValueUse::Awaited {
                        if let Some(found) = callee
                            .body
                            .and_then(|b| self.effect_in(fn_ref.0, b, depth + 1))
                        {
                            return Some(found);
                        }
                    }
                }
            }
        }
        None
    }

    /// `tracker.wait().await` on a local `TaskTracker` that is not closed before: it never
    /// returns. The tracker must be made here and used only by reference (spawns, `len`,
    /// `wait`): a clone or a tracker handed elsewhere may be closed there.
    pub fn tracker_waits_without_close(&self) -> Vec<(usize, CallId, BindingId)> {
        let mut out = Vec::new();
        for (file, m) in self.files.iter().enumerate() {
            for (id, call) in m.calls.iter().enumerate() {
                if self.target(file, id).external() != Some("tokio_util::task::TaskTracker::wait")
                    || call.used_as != ValueUse::Awaited
                {
                    continue;
                }
                let Callee::Method {
                    receiver: Prov::Local(b),
                    ..
                } = &call.callee
                else {
                    continue;
                };
                let binding = &m.bindings[*b];
                let made_here = binding.init_call.is_some_and(|init| {
                    matches!(
                        self.target(file, init).external(),
                        Some(
                            "tokio_util::task::TaskTracker::new"
                                | "tokio_util::task::TaskTracker::default"
                        )
                    )
                });
                if binding.is_param || !made_here || call.in_macro {
                    continue;
                }
                let by_reference = [
                    "spawn",
                    "spawn_on",
                    "spawn_local",
                    "spawn_local_on",
                    "spawn_blocking",
                    "spawn_blocking_on",
                    "track_future",
                    "len",
                    "is_empty",
                    "is_closed",
                    "wait",
                    "token",
                    "close",
                ];
                let only_by_reference = binding.uses.iter().all(|u| {
                    m.method_call_on(u)
                        .is_some_and(|(_, name)| by_reference.contains(&name))
                        && !self.use_escapes(file, binding, u, &by_reference)
                });
                let closed_before = binding.uses.iter().any(|u| {
                    m.method_call_on(u).is_some_and(|(c, name)| {
                        name == "close" && m.calls[c].range.start < call.range.start
                    })
                });
                if only_by_reference && !closed_before {
                    out.push((file, id, *b));
                }
            }
        }
        out
    }

    /// The crate's fns that leave a working task running when they return (through the crate's
    /// calls), with the spawn and the call in the task that does the work: what a dependent's
    /// call into them starts.
    pub fn fns_leaving_tasks(&self) -> Vec<(FnRef, (usize, CallId), Work)> {
        let mut out = Vec::new();
        for (f, detach) in self.detaching_fns() {
            if detach.returns_handle {
                continue;
            }
            let Some(future) = self.task_future(detach.spawn.0, detach.spawn.1) else {
                continue;
            };
            if let Some(effect) = self.task_effect(future) {
                out.push((f, detach.spawn, effect));
            }
        }
        out.sort_by_key(|(f, ..)| *f);
        out
    }

    /// Tasks that lose work: spawned (here or through the crate's fns) with their handles
    /// lost, doing something outside themselves and finishing, in a body whose runtime then
    /// ends with nothing waiting in between.
    pub fn lost_tasks(&self) -> Vec<LostTask> {
        let detaching = self.detaching_fns();
        let mut out = Vec::new();
        for (file, m) in self.files.iter().enumerate() {
            for (id, call) in m.calls.iter().enumerate() {
                if call.in_macro {
                    continue;
                }
                // A spawn written here, or a call into a fn that leaves a task behind (or
                // returns its handle to be dropped here).
                let (spawn, chain, lost_at, how) = if self.is_task_spawn(file, id) {
                    match self.handle_fate(file, id) {
                        Fate::Lost(at, how) => ((file, id), Vec::new(), at, how),
                        _ => continue,
                    }
                } else if let Target::Fn {
                    fn_ref,
                    certain: true,
                } = *self.target(file, id)
                {
                    let Some(detach) = detaching.get(&fn_ref) else {
                        continue;
                    };
                    let def = self.fn_def(fn_ref);
                    // An async fn's body runs where it is awaited.
                    if def.is_async && call.used_as != ValueUse::Awaited {
                        continue;
                    }
                    let mut chain = detach.chain.clone();
                    chain.insert(0, fn_ref);
                    let (at, how) = match detach.returns_handle {
                        false => (
                            call.range.end..call.range.end,
                            "the task it spawns is left running",
                        ),
                        true => match self.handle_fate(file, id) {
                            Fate::Lost(at, how) => (at, how),
                            _ => continue,
                        },
                    };
                    (detach.spawn, chain, at, how)
                } else if let Target::Dep {
                    fn_ref,
                    certain: true,
                } = *self.target(file, id)
                {
                    // A library's fn that leaves a working task running.
                    let def = &self.deps[fn_ref.0].fns[fn_ref.1];
                    let leaves = def.effects.iter().any(|e| e.kind == SinkKind::LeavesTask);
                    if !leaves || (def.is_async && call.used_as != ValueUse::Awaited) {
                        continue;
                    }
                    let Some(end) = self.runtime_end_after(file, id) else {
                        continue;
                    };
                    out.push(LostTask {
                        file,
                        call: id,
                        lost_at: call.range.end..call.range.end,
                        how: "the task it spawns is left running",
                        spawned_in: None,
                        chain: Vec::new(),
                        effect: None,
                        dep: Some(fn_ref),
                        end,
                    });
                    continue;
                } else {
                    continue;
                };
                let Some(future) = self.task_future(spawn.0, spawn.1) else {
                    continue;
                };
                let Some(effect) = self.task_effect(future) else {
                    continue;
                };
                let effect = Some(effect);
                let Some(end) = self.runtime_end_after(file, id) else {
                    continue;
                };
                out.push(LostTask {
                    file,
                    call: id,
                    lost_at,
                    how,
                    spawned_in: (spawn != (file, id)).then_some(spawn),
                    chain,
                    effect,
                    dep: None,
                    end,
                });
            }
        }
        out
    }

    /// The crate's fns that leave a task running when they return: one they spawn with its
    /// handle lost, or one a fn they call leaves, with nothing after it in the fn that waits;
    /// and the fns that return the handle of a task they spawn. Each with the spawn and the
    /// fns down to it.
    fn detaching_fns(&self) -> foldhash::HashMap<FnRef, Detaching> {
        let mut found: foldhash::HashMap<FnRef, Detaching> = foldhash::HashMap::default();
        // What a call's handle becomes in fn `f`: a task left running, a handle returned, or
        // neither (kept, or waited for after).
        let outcome = |file: usize, f: FnRef, call: CallId| -> Option<bool> {
            match self.handle_fate(file, call) {
                Fate::Returned => Some(true),
                Fate::Lost(..) if !self.waits_after_in_fn(file, f, call) => Some(false),
                _ => None,
            }
        };
        for (file, m) in self.files.iter().enumerate() {
            for (id, call) in m.calls.iter().enumerate() {
                if call.in_macro || !self.is_task_spawn(file, id) || call.in_loop {
                    continue;
                }
                let Some(f) = self.inherited_fn(file, call.ctx) else {
                    continue;
                };
                if !self.takes_callers_sites(f) {
                    continue;
                }
                if let Some(returns_handle) = outcome(file, f, id) {
                    found.entry(f).or_insert(Detaching {
                        spawn: (file, id),
                        chain: Vec::new(),
                        returns_handle,
                    });
                }
            }
        }
        // Up through the crate's calls, a few levels.
        for _ in 0..4 {
            let mut more = Vec::new();
            for (&f, detaching) in &found {
                for &(cf, call) in self.callers(f) {
                    let c = &self.files[cf].calls[call];
                    let Target::Fn { certain: true, .. } = *self.target(cf, call) else {
                        continue;
                    };
                    if c.in_macro || c.in_loop {
                        continue;
                    }
                    let Some(g) = self.inherited_fn(cf, c.ctx) else {
                        continue;
                    };
                    if !self.takes_callers_sites(g) || found.contains_key(&g) {
                        continue;
                    }
                    if self.fn_def(f).is_async && c.used_as != ValueUse::Awaited {
                        continue;
                    }
                    let returns_handle = match detaching.returns_handle {
                        true => match outcome(cf, g, call) {
                            Some(returns) => returns,
                            None => continue,
                        },
                        false if self.waits_after_in_fn(cf, g, call) => continue,
                        false => false,
                    };
                    let mut chain = detaching.chain.clone();
                    chain.insert(0, f);
                    more.push((
                        g,
                        Detaching {
                            spawn: detaching.spawn,
                            chain,
                            returns_handle,
                        },
                    ));
                }
            }
            if more.is_empty() {
                break;
            }
            for (g, entry) in more {
                found.entry(g).or_insert(entry);
            }
        }
        found
    }

    /// Something after `call` in fn `f`'s body waits.
    fn waits_after_in_fn(&self, file: usize, f: FnRef, call: CallId) -> bool {
        let Some(body) = self.fn_def(f).body else {
            return true;
        };
        match self.fn_def(f).is_async {
            true => self.waits_after(file, body, call),
            false => self.waits_after_sync(file, self.files[file].calls[call].ctx, call),
        }
    }

    /// Where the runtime that runs a task spawned at `call` ends with nothing waiting in
    /// between: the end of a `#[tokio::main]`/`#[tokio::test]` body, of the future given to
    /// `block_on` in sync code, or of a runtime spawned on and dropped in sync code.
    pub fn runtime_end_after(&self, file: usize, call: CallId) -> Option<RuntimeEnd> {
        let m = &self.files[file];
        let c = &m.calls[call];
        match self.exec(file, c.ctx) {
            super::krate::Exec::Async { boundary, runtime } => {
                if runtime.family != Family::Tokio && runtime.family != Family::Unknown {
                    return None;
                }
                let b = &m.ctxs[boundary];
                let end = b.range.end.saturating_sub(1)..b.range.end;
                // `std::process::exit` ends everything at once.
                if let Some(exit) = self.exit_after(file, boundary, call) {
                    return Some(RuntimeEnd {
                        file,
                        at: m.calls[exit].label_range.clone(),
                        why: "`std::process::exit` ends the process here, and every task with it"
                            .into(),
                    });
                }
                match b.kind {
                    CtxKind::Fn => {
                        let entry = m.fns[b.fn_id?].entry.as_ref()?;
                        if entry.family != Family::Tokio || self.waits_after(file, boundary, call) {
                            return None;
                        }
                        Some(RuntimeEnd {
                            file,
                            at: end,
                            why: format!(
                                "`#[{}]` shuts the runtime down when this body returns",
                                entry.attr
                            ),
                        })
                    }
                    _ => {
                        // The future given to `block_on` in sync code.
                        let (driver, idx) = b.arg_of?;
                        if idx == usize::MAX
                            || self.driver(file, driver) != Some(Driver::TokioBlockOn)
                        {
                            return None;
                        }
                        let outer = m.calls[driver].ctx;
                        if !matches!(self.exec(file, outer), super::krate::Exec::Sync { .. }) {
                            return None;
                        }
                        if self.waits_after(file, boundary, call)
                            || self.waits_after_sync(file, outer, driver)
                        {
                            return None;
                        }
                        Some(RuntimeEnd {
                            file,
                            at: end,
                            why: "`block_on` returns when this future ends, and the runtime stops running tasks".into(),
                        })
                    }
                }
            }
            super::krate::Exec::Sync {
                fn_ref: Some(_), ..
            } => {
                // `rt.spawn(f)` in sync code on a runtime that is dropped with no `block_on`
                // after.
                if self.target(file, call).external() != Some("tokio::runtime::Runtime::spawn") {
                    return None;
                }
                let Callee::Method {
                    receiver: Prov::Local(rt),
                    ..
                } = &c.callee
                else {
                    return None;
                };
                let rt_binding = &m.bindings[*rt];
                let escapes = rt_binding.uses.iter().any(|u| {
                    self.use_escapes(
                        file,
                        rt_binding,
                        u,
                        &[
                            "block_on",
                            "enter",
                            "spawn",
                            "spawn_blocking",
                            "handle",
                            "metrics",
                        ],
                    )
                });
                if escapes || rt_binding.is_param || self.waits_after_sync(file, c.ctx, call) {
                    return None;
                }
                let end = rt_binding.scope_end;
                Some(RuntimeEnd {
                    file,
                    at: end.saturating_sub(1)..end,
                    why: format!(
                        "runtime `{}` is dropped here, and its unfinished tasks with it",
                        rt_binding.name
                    ),
                })
            }
            _ => None,
        }
    }

    /// A `std::process::exit` in `body` after `call`, with no `.await` in between.
    fn exit_after(&self, file: usize, body: CtxId, call: CallId) -> Option<CallId> {
        let m = &self.files[file];
        let from = m.calls[call].range.end;
        let exit = (0..m.calls.len())
            .filter(|&id| {
                m.calls[id].range.start > from
                    && self.runs_inline(file, m.calls[id].ctx, body)
                    && self.target(file, id).external() == Some("std::process::exit")
            })
            .min_by_key(|&id| m.calls[id].range.start)?;
        let until = m.calls[exit].range.start;
        let awaits_between = m.awaits.iter().any(|a| {
            a.range.start > from && a.range.start < until && self.runs_inline(file, a.ctx, body)
        });
        (!awaits_between).then_some(exit)
    }

    /// Something in the async `body` after `call` waits: an `.await` (a loop's `.await` before
    /// the call too, since the loop comes back to it), a macro the model cannot read, a
    /// blocking wait, a loop, or a call into the crate.
    fn waits_after(&self, file: usize, body: CtxId, call: CallId) -> bool {
        let m = &self.files[file];
        let c = &m.calls[call];
        let after = |at: usize, ctx: CtxId| {
            (at > c.range.end || c.in_loop) && self.runs_inline(file, ctx, body)
        };
        // A macro the model cannot read may hide an `.await` (`within!(..)` expanding to one).
        m.awaits.iter().any(|a| after(a.range.start, a.ctx))
            || m.macros.iter().any(|s| after(s.range.start, s.ctx))
            || self.calls_wait(file, body, c.range.end)
    }

    /// Something in sync `ctx` after `call` waits or blocks on the runtime again.
    fn waits_after_sync(&self, file: usize, ctx: CtxId, call: CallId) -> bool {
        let c = &self.files[file].calls[call];
        c.in_loop || self.calls_wait(file, ctx, c.range.end)
    }

    fn calls_wait(&self, file: usize, body: CtxId, from: usize) -> bool {
        let m = &self.files[file];
        m.calls.iter().enumerate().any(|(id, later)| {
            if later.range.start <= from || !self.runs_inline(file, later.ctx, body) {
                return false;
            }
            let name = match &later.callee {
                Callee::Method { name, .. } => name.as_str(),
                Callee::Path { text, .. } => paths::last_segment(text),
            };
            // A loop after the spawn keeps the body busy for a time the model cannot know.
            later.in_loop
                || WAITS.contains(&name)
                || match *self.target(file, id) {
                    // Making a future that is handed to a spawn does not wait.
                    _ if self.spawned_future(file, id) => false,
                    Target::Fn { fn_ref, certain } => !certain || self.may_wait(fn_ref, 0),
                    Target::Dep { .. } => true,
                    Target::External(_) | Target::Unknown => false,
                }
                || self.driver(file, id).is_some_and(|d| d != Driver::Spawn)
        })
    }

    /// A call whose value is the future a spawn runs.
    fn spawned_future(&self, file: usize, call: CallId) -> bool {
        match self.files[file].calls[call].used_as {
            ValueUse::Arg(outer) => self.driver(file, outer) == Some(Driver::Spawn),
            _ => false,
        }
    }

    /// Whether calling a crate fn may wait for something: its body awaits, loops, blocks,
    /// holds a macro the model cannot read, or calls a fn that may (a few levels down).
    fn may_wait(&self, f: FnRef, depth: usize) -> bool {
        let Some(body) = self.fn_def(f).body else {
            return true;
        };
        if depth > 3 {
            return true;
        }
        let m = &self.files[f.0];
        let inline = |ctx| self.runs_inline(f.0, ctx, body);
        m.awaits.iter().any(|a| inline(a.ctx))
            || m.macros.iter().any(|s| inline(s.ctx))
            || m.calls.iter().enumerate().any(|(id, c)| {
                if !inline(c.ctx) {
                    return false;
                }
                let name = match &c.callee {
                    Callee::Method { name, .. } => name.as_str(),
                    Callee::Path { text, .. } => paths::last_segment(text),
                };
                c.in_loop
                    || WAITS.contains(&name)
                    || self.driver(f.0, id).is_some_and(|d| d != Driver::Spawn)
                    || match *self.target(f.0, id) {
                        Target::Fn { fn_ref, .. } => {
                            fn_ref != f && self.may_wait(fn_ref, depth + 1)
                        }
                        Target::Dep { .. } => true,
                        _ => false,
                    }
            })
    }
}

/// Names of calls that block the thread until something else happens.
const WAITS: &[&str] = &[
    "sleep",
    "join",
    "recv",
    "recv_timeout",
    "wait",
    "wait_timeout",
    "wait_while",
    "park",
    "park_timeout",
    "read_line",
    "block_on",
    "run",
    "run_until",
    "output",
    "status",
];

/// A fn that leaves a task running, or returns its handle.
#[derive(Clone)]
struct Detaching {
    spawn: (usize, CallId),
    /// The fns from this fn's callee down to the one that spawns (empty when it spawns itself).
    chain: Vec<FnRef>,
    returns_handle: bool,
}

#[derive(Clone, Copy)]
enum TaskFuture {
    /// An async block or closure written in the spawn.
    Block(usize, CtxId),
    /// A call to an async fn of the crate.
    Fn(FnRef),
    /// A call to an async fn of a library.
    Dep(super::krate::DepFnRef),
}
