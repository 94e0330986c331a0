//! Where code runs: the one answer every rule asks for.
//!
//! A *site* is one way the code of a context can run: on an executor thread of a known (or
//! unknown) runtime, on a sync thread of a known kind (the program's `main`, a plain test, a
//! new thread, a blocking pool), or in sync code inside a runtime context (after an `enter()`
//! guard, inside a `block_on` argument). Code can have several sites, one per way it is reached:
//! a helper called from a `#[tokio::test]` and from a multi-thread `main` runs on both, and a
//! rule that looks for a current-thread runtime finds the test's path, with its chain.
//!
//! Sites come from two places. *Lexically*, the syntax around the code fixes its site: the body
//! of a runtime-entry fn, an async block given to `block_on`, a closure given to
//! `std::thread::spawn`, the program's `main`. Otherwise the code runs where its fn runs, and
//! a fn runs where its callers call it: [`CrateModel::new`] propagates sites along the calls
//! of the crate, per path, keeping one witness call per site, so that a chain can be shown.

use super::krate::{
    CallRef, ClosureRole, CrateModel, Driver, FnRef, RuntimeInfo, SyncRoot, Target,
};
use super::types::{Family, Flavor};
use super::*;
use std::collections::VecDeque;

/// One way code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiteKind {
    /// On a thread that drives async tasks of this runtime.
    Async(RuntimeInfo),
    /// In sync code on a thread of this kind.
    Sync(SyncRoot),
    /// In sync code inside a runtime context: after a live `enter()` guard, or in a
    /// `block_on` argument.
    Entered,
}

impl SiteKind {
    pub fn runtime(&self) -> Option<RuntimeInfo> {
        match self {
            SiteKind::Async(runtime) => Some(*runtime),
            _ => None,
        }
    }

    /// Async code that may be driven by tokio (most async Rust is).
    pub fn is_maybe_tokio_async(&self) -> bool {
        matches!(self, SiteKind::Async(r) if matches!(r.family, Family::Tokio | Family::Unknown))
    }

    /// Sync code on a thread where no runtime context exists.
    pub fn is_runtime_less(&self) -> bool {
        matches!(self, SiteKind::Sync(root) if root.is_runtime_less())
    }
}

/// A site of some code, with how it is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    pub kind: SiteKind,
    /// Every link of the chain that reaches the code is certain: calls by path or on a
    /// receiver of known type, resolved to exactly one fn, outside macros the model cannot
    /// read.
    pub certain: bool,
    /// `None` when the syntax around the code fixes the site (it is *direct*); otherwise the
    /// fn whose caller leads here and the index of that fn's site.
    pub via: Option<(FnRef, u32)>,
}

impl Site {
    pub fn direct(&self) -> bool {
        self.via.is_none()
    }
}

/// A site of a fn's body, with the call that leads there.
#[derive(Clone, Copy, Debug)]
pub(super) struct FnSite {
    pub kind: SiteKind,
    pub certain: bool,
    /// `None` for the site a fn has of its own: an async fn that may be called from code the
    /// model does not see runs on some executor.
    pub link: Option<Link>,
}

/// The call through which a fn gets a site, and the caller's site it comes from.
#[derive(Clone, Copy, Debug)]
pub(super) struct Link {
    pub call: (usize, CallId),
    /// `None` when the call's own context fixes the site.
    pub from: Option<(FnRef, u32)>,
}

/// How code nested in a fn body runs relative to the body: each closure or async block in
/// between is one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A future awaited where it is written, or handed to code that polls it in place
    /// (`join!`, `timeout`): the parent's runtime if the parent is async.
    Awaited,
    /// A task of the parent's runtime (`tokio::spawn`, `JoinSet::spawn`): tokio, the parent's
    /// flavor, but never its `LocalSet`.
    Spawned,
    /// A future handed to code the model does not know: the parent's family, any flavor.
    Unknown,
}

/// What the syntax around a context says about where it runs.
#[derive(Clone, Debug)]
pub(super) enum Lexical {
    Fixed(SiteKind),
    /// Where fn `fn_ref` runs, through these steps (outermost first); `async_ctx` says the
    /// code is itself async (an async block or closure on the way).
    Body {
        fn_ref: FnRef,
        steps: Vec<Step>,
        is_async: bool,
    },
    /// A closure stored for later or given to unknown code: it may run anywhere.
    Unknown,
}

/// Sites kept per fn, at most: the kinds are few (runtimes by family and flavor, thread kinds).
const MAX_SITES: usize = 24;

fn apply(step: Step, kind: SiteKind) -> SiteKind {
    let parent = kind.runtime();
    SiteKind::Async(match step {
        Step::Awaited => parent.unwrap_or(RuntimeInfo::UNKNOWN),
        Step::Spawned => {
            let p = parent.unwrap_or(RuntimeInfo::UNKNOWN);
            RuntimeInfo {
                family: Family::Tokio,
                flavor: match p.flavor {
                    Flavor::Local => Flavor::Unknown,
                    f => f,
                },
                ..p
            }
        }
        Step::Unknown => RuntimeInfo {
            family: parent.map_or(Family::Unknown, |p| p.family),
            flavor: Flavor::Unknown,
            ..RuntimeInfo::UNKNOWN
        },
    })
}

fn apply_all(steps: &[Step], kind: SiteKind) -> SiteKind {
    steps.iter().fold(kind, |k, &step| apply(step, k))
}

impl<'a> CrateModel<'a> {
    /// What the syntax around `ctx` says about where it runs.
    pub(super) fn compute_lexical(&self, file: usize, ctx: CtxId) -> Lexical {
        let m = &self.files[file];
        let mut steps = Vec::new();
        let mut is_async = false;
        let mut ctx = ctx;
        for _ in 0..256 {
            let Some(c) = m.ctxs.get(ctx) else {
                return Lexical::Unknown;
            };
            let step = match c.kind {
                CtxKind::Item => return Lexical::Unknown,
                CtxKind::Fn => {
                    let Some(fn_id) = c.fn_id else {
                        return Lexical::Unknown;
                    };
                    let f = &m.fns[fn_id];
                    let fixed = if let Some(entry) = &f.entry {
                        Some(SiteKind::Async(RuntimeInfo {
                            flavor: entry.flavor,
                            family: entry.family,
                            ..RuntimeInfo::UNKNOWN
                        }))
                    } else if f.is_main {
                        Some(SiteKind::Sync(SyncRoot::Main))
                    } else if f.is_test && !f.is_async {
                        Some(SiteKind::Sync(SyncRoot::Test))
                    } else {
                        None
                    };
                    return match fixed {
                        Some(kind) => Lexical::Fixed(apply_all_rev(&steps, kind)),
                        None => {
                            steps.reverse();
                            Lexical::Body {
                                fn_ref: (file, fn_id),
                                steps,
                                is_async: is_async || f.is_async,
                            }
                        }
                    };
                }
                CtxKind::AsyncBlock | CtxKind::Closure { is_async: true } => {
                    is_async = true;
                    match self.future_step(file, ctx) {
                        Ok(step) => Some(step),
                        Err(kind) => return Lexical::Fixed(apply_all_rev(&steps, kind)),
                    }
                }
                CtxKind::Closure { is_async: false } => match self.closure_role(file, ctx) {
                    ClosureRole::Inherit => None,
                    ClosureRole::Root(root) => {
                        return Lexical::Fixed(apply_all_rev(&steps, SiteKind::Sync(root)))
                    }
                    ClosureRole::Unknown => return Lexical::Unknown,
                },
            };
            steps.extend(step);
            match c.parent {
                Some(p) => ctx = p,
                None => return Lexical::Unknown,
            }
        }
        Lexical::Unknown
    }

    /// How an async block or closure runs relative to its parent: a step, or a site its
    /// driver fixes (`rt.block_on(async { .. })`).
    fn future_step(&self, file: usize, ctx: CtxId) -> Result<Step, SiteKind> {
        let c = &self.files[file].ctxs[ctx];
        match c.arg_of {
            Some((call, idx)) if idx != usize::MAX => self.driven(file, call),
            _ => Ok(Step::Awaited),
        }
    }

    /// How a future given to `call` runs: a step from the caller's site, or a site the
    /// driver fixes.
    pub(super) fn driven(&self, file: usize, call: CallId) -> Result<Step, SiteKind> {
        let tokio = |flavor, time, io| {
            SiteKind::Async(RuntimeInfo {
                flavor,
                family: Family::Tokio,
                time,
                io,
            })
        };
        match self.driver(file, call) {
            Some(Driver::TokioBlockOn) => {
                let (time, io) = self.inline_drivers(file, call);
                Err(match self.receiver_ty(file, call) {
                    Some(ty) if ty.is("tokio::task::LocalSet") => tokio(Flavor::Local, true, true),
                    Some(ty) if ty.is("tokio::runtime::Handle") => tokio(Flavor::Unknown, time, io),
                    Some(Ty::Lib { flavor, .. }) => tokio(flavor, time, io),
                    _ => tokio(Flavor::Unknown, true, true),
                })
            }
            Some(Driver::OtherBlockOn(family)) => Err(SiteKind::Async(RuntimeInfo {
                family,
                ..RuntimeInfo::UNKNOWN
            })),
            Some(Driver::Local) => Err(tokio(Flavor::Local, true, true)),
            Some(Driver::Spawn) => {
                let target = self.target(file, call).external().unwrap_or("");
                match self.receiver_ty(file, call) {
                    Some(Ty::Lib {
                        path: "tokio::runtime::Runtime",
                        flavor,
                        ..
                    }) => {
                        let (time, io) = self.inline_drivers(file, call);
                        Err(tokio(flavor, time, io))
                    }
                    Some(ty) if ty.is("tokio::runtime::Handle") => {
                        Err(tokio(Flavor::Unknown, true, true))
                    }
                    _ if target == "tokio::runtime::Handle::spawn" => {
                        Err(tokio(Flavor::Unknown, true, true))
                    }
                    _ => Ok(Step::Spawned),
                }
            }
            None => {
                let target = self.target(file, call);
                if *target == Target::Unknown {
                    return Ok(Step::Unknown);
                }
                match target.external() {
                    Some("async_std::task::spawn" | "async_std::task::spawn_local") => {
                        Err(SiteKind::Async(RuntimeInfo {
                            family: Family::AsyncStd,
                            ..RuntimeInfo::UNKNOWN
                        }))
                    }
                    Some(path) if path == "smol::spawn" || path.starts_with("async_executor::") => {
                        Err(SiteKind::Async(RuntimeInfo {
                            family: Family::Smol,
                            ..RuntimeInfo::UNKNOWN
                        }))
                    }
                    // A future handed to code that wraps it (`timeout`, `Box::pin`) is polled
                    // where the wrapper goes: awaited or passed on, as its caller's; stored in
                    // a struct or elsewhere, anywhere.
                    _ if self.files[file].calls[call].used_as == ValueUse::Other => {
                        Ok(Step::Unknown)
                    }
                    _ => Ok(Step::Awaited),
                }
            }
        }
    }

    /// Which drivers the runtime a method is called on has, when one builder chain made it:
    /// written inline, or a binding made from one. A builder configured through a variable
    /// may have been enabled by a statement the model does not follow: assumed enabled.
    fn inline_drivers(&self, file: usize, call: CallId) -> (bool, bool) {
        let m = &self.files[file];
        let Callee::Method { receiver, .. } = &m.calls[call].callee else {
            return (true, true);
        };
        let chain = match receiver {
            Prov::Known(ty) => Some(ty),
            Prov::Local(b) => match &m.bindings[*b].prov {
                Prov::Known(ty) => Some(ty),
                _ => None,
            },
            _ => None,
        };
        match chain {
            Some(Ty::Lib { time, io, .. }) => (*time, *io),
            _ => (true, true),
        }
    }

    /// The call that runs a site's code on its runtime (`rt.block_on(..)`, `rt.spawn(..)`):
    /// the driver the code, or the start of its chain, is handed to.
    pub fn site_driver(&self, file: usize, call: CallId, site: &Site) -> Option<(usize, CallId)> {
        let (file, call) = self.site_origin_call(site).unwrap_or((file, call));
        let m = &self.files[file];
        if let ValueUse::Arg(d) = m.calls[call].used_as {
            if self.driver(file, d).is_some() {
                return Some((file, d));
            }
        }
        let mut ctx = m.calls[call].ctx;
        for _ in 0..256 {
            let c = &m.ctxs[ctx];
            if let Some((d, idx)) = c.arg_of {
                if idx != usize::MAX && self.driver(file, d).is_some() {
                    return Some((file, d));
                }
            }
            ctx = c.parent?;
        }
        None
    }

    /// Whether a site's code runs in the future of the context where its chain starts (or its
    /// own, when direct), not in a task spawned on the way: every call of the chain is made in
    /// its caller's body (in place, or in an async block awaited there), and every async fn
    /// on the way is awaited. Returns that starting context.
    pub fn site_in_origin_future(
        &self,
        file: usize,
        ctx: CtxId,
        site: &Site,
    ) -> Option<(usize, CtxId)> {
        let inline_in_body = |file: usize, ctx: CtxId| -> Option<CtxId> {
            let m = &self.files[file];
            let body = m.ctxs.get(ctx)?.fn_id.and_then(|f| m.fns[f].body)?;
            self.runs_inline(file, ctx, body).then_some(body)
        };
        let Some(mut next) = site.via else {
            return inline_in_body(file, ctx).map(|body| (file, body));
        };
        inline_in_body(file, ctx)?;
        for _ in 0..4096 {
            let (f, index) = next;
            let link = self.fn_sites[f.0][f.1].get(index as usize)?.link?;
            let (cf, call) = link.call;
            let c = &self.files[cf].calls[call];
            if self.fn_def(f).is_async && c.used_as != ValueUse::Awaited {
                return None;
            }
            let body = inline_in_body(cf, c.ctx)?;
            match link.from {
                Some(from) => next = from,
                None => return Some((cf, body)),
            }
        }
        None
    }

    /// The outermost call of a site's chain.
    pub fn site_origin_call(&self, site: &Site) -> Option<(usize, CallId)> {
        let mut next = site.via?;
        for _ in 0..4096 {
            let (f, index) = next;
            let link = self.fn_sites[f.0][f.1].get(index as usize)?.link?;
            match link.from {
                Some(from) => next = from,
                None => return Some(link.call),
            }
        }
        None
    }

    /// The site a call gives the body of its callee, from the site of the call's context:
    /// a sync callee runs where the call is; an async callee's future runs where it is
    /// awaited or on the runtime it is handed to. `None` when the model cannot tell.
    fn callee_site(
        &self,
        file: usize,
        call: CallId,
        callee_async: bool,
        at: SiteKind,
    ) -> Option<SiteKind> {
        let c = &self.files[file].calls[call];
        if !callee_async {
            return Some(self.entered_kind(file, call, at));
        }
        match c.used_as {
            ValueUse::Arg(driver) => match self.driven(file, driver) {
                Err(kind) => Some(kind),
                Ok(step) => match at {
                    SiteKind::Async(_) => Some(apply(step, at)),
                    _ if step == Step::Spawned => Some(apply(step, at)),
                    _ => None,
                },
            },
            _ => match at {
                SiteKind::Async(_) => Some(at),
                _ => None,
            },
        }
    }

    /// A runtime-less sync site becomes [`SiteKind::Entered`] where a live guard covers the
    /// call. (A `block_on` argument is evaluated before `block_on` enters the runtime: a
    /// `tokio::spawn(..)` written there runs outside it.)
    fn entered_kind(&self, file: usize, call: CallId, kind: SiteKind) -> SiteKind {
        if !matches!(kind, SiteKind::Sync(_)) {
            return kind;
        }
        let c = &self.files[file].calls[call];
        if self.entered_at(file, c.ctx, c.range.start) {
            SiteKind::Entered
        } else {
            kind
        }
    }

    /// Whether a fn's sites come from its callers: a sync fn that is not a program or test
    /// root, or an async fn that is not a runtime entry.
    pub(super) fn takes_callers_sites(&self, f: FnRef) -> bool {
        let d = self.fn_def(f);
        d.entry.is_none() && !d.is_main && (d.is_async || !d.is_test)
    }

    /// Propagates sites along the crate's calls, breadth-first: short chains are found first,
    /// and a certain chain replaces an uncertain one of the same kind.
    pub(super) fn propagate_sites(&mut self) {
        let files = self.files;
        // Calls whose context runs where a fn body runs: (callee, call, the call always runs).
        let mut dependents: Vec<Vec<Vec<(FnRef, CallRef, bool)>>> = files
            .iter()
            .map(|f| vec![Vec::new(); f.fns.len()])
            .collect();
        let mut seeds: Vec<(FnRef, SiteKind, bool, Link)> = Vec::new();
        let mut open: Vec<FnRef> = Vec::new();
        for (fi, file) in files.iter().enumerate() {
            for (id, d) in file.fns.iter().enumerate() {
                let exported = d.is_pub && self.krate.kind == CrateKind::Lib;
                if d.is_async
                    && d.entry.is_none()
                    && (exported || self.callers((fi, id)).is_empty())
                {
                    open.push((fi, id));
                }
            }
            for (id, call) in file.calls.iter().enumerate() {
                let Target::Fn { fn_ref, certain } = self.targets[fi][id] else {
                    continue;
                };
                if !self.takes_callers_sites(fn_ref) {
                    continue;
                }
                let callee_async = self.fn_def(fn_ref).is_async;
                // Only resolved links carry a site: a callee resolved by path or on a receiver
                // of known type, outside macros. A chain through anything less would be a
                // guess. A call in a branch (or after an early `return`) of the code where a
                // chain starts (an async fn, `main`, a test) carries it uncertain, as a sink
                // there would be reported; in a fn that checks for a runtime
                // (`Handle::try_current()`), that check decides, and it carries none. Further
                // down, a branch is what the callers' arguments may rule out: none either.
                let resolved = certain && !call.in_macro;
                let link_certain = self.runs_unconditionally(fi, id);
                let carries = resolved
                    && (link_certain
                        || !file.ctxs[call.ctx]
                            .fn_id
                            .is_some_and(|caller| self.probes_runtime((fi, caller))));
                if !carries {
                    if callee_async {
                        open.push(fn_ref);
                    }
                    continue;
                }
                // A future handed to a driver that fixes its runtime (`rt.block_on(run())`)
                // runs there whoever makes the call.
                if callee_async {
                    if let ValueUse::Arg(driver) = call.used_as {
                        if let Err(kind) = self.driven(fi, driver) {
                            let link = Link {
                                call: (fi, id),
                                from: None,
                            };
                            seeds.push((fn_ref, kind, link_certain, link));
                            continue;
                        }
                    }
                }
                match &self.lexical[fi][call.ctx] {
                    Lexical::Fixed(kind) => match self.callee_site(fi, id, callee_async, *kind) {
                        Some(site) => seeds.push((
                            fn_ref,
                            site,
                            link_certain,
                            Link {
                                call: (fi, id),
                                from: None,
                            },
                        )),
                        None if callee_async => open.push(fn_ref),
                        None => {}
                    },
                    // Async code is async wherever it is called from: a branch there is its
                    // own, as in the code where a chain starts.
                    Lexical::Body {
                        fn_ref: f,
                        is_async,
                        ..
                    } if link_certain || *is_async => {
                        dependents[f.0][f.1].push((fn_ref, (fi, id), link_certain));
                    }
                    Lexical::Body { .. } => {
                        if callee_async {
                            open.push(fn_ref);
                        }
                    }
                    Lexical::Unknown => {
                        if callee_async {
                            open.push(fn_ref);
                        }
                    }
                }
            }
        }
        let mut queue: VecDeque<(FnRef, u32)> = VecDeque::new();
        for f in open {
            self.open_async_fn(f, &mut queue);
        }
        for (f, kind, certain, link) in seeds {
            self.add_site(f, kind, certain, Some(link), &mut queue);
        }
        while let Some((f, index)) = queue.pop_front() {
            let site = self.fn_sites[f.0][f.1][index as usize];
            for &(callee, (cf, call), link_certain) in &dependents[f.0][f.1] {
                let Lexical::Body { steps, .. } = &self.lexical[cf][files[cf].calls[call].ctx]
                else {
                    continue;
                };
                let at = apply_all(steps, site.kind);
                let callee_async = self.fn_def(callee).is_async;
                let certain = site.certain && link_certain;
                let link = Link {
                    call: (cf, call),
                    from: Some((f, index)),
                };
                match self.callee_site(cf, call, callee_async, at) {
                    Some(kind) => self.add_site(callee, kind, certain, Some(link), &mut queue),
                    None if callee_async => self.open_async_fn(callee, &mut queue),
                    None => {}
                }
            }
        }
    }

    /// An async fn that may be called from code the model does not see runs on some
    /// executor: it gets a site of its own.
    fn open_async_fn(&mut self, f: FnRef, queue: &mut VecDeque<(FnRef, u32)>) {
        let sites = &self.fn_sites[f.0][f.1];
        if sites.iter().any(|s| s.link.is_none()) {
            return;
        }
        self.add_site(f, SiteKind::Async(RuntimeInfo::UNKNOWN), true, None, queue);
    }

    fn add_site(
        &mut self,
        f: FnRef,
        kind: SiteKind,
        certain: bool,
        link: Option<Link>,
        queue: &mut VecDeque<(FnRef, u32)>,
    ) {
        let sites = &mut self.fn_sites[f.0][f.1];
        // The fn's own site stands for every unknown caller; a link with the same kind adds
        // only a chain.
        if let Some(at) = sites.iter().position(|s| s.kind == kind) {
            let existing = &mut sites[at];
            if existing.link.is_some() && !existing.certain && certain {
                *existing = FnSite {
                    kind,
                    certain,
                    link,
                };
                queue.push_back((f, at as u32));
            } else if link.is_none() && existing.link.is_some() {
                *existing = FnSite {
                    kind,
                    certain: true,
                    link: None,
                };
                queue.push_back((f, at as u32));
            }
            return;
        }
        if sites.len() >= MAX_SITES {
            return;
        }
        sites.push(FnSite {
            kind,
            certain,
            link,
        });
        queue.push_back((f, (sites.len() - 1) as u32));
    }

    /// Every way the code of `ctx` runs. Code in a closure stored for later, or in an item, has
    /// none.
    pub fn sites(&self, file: usize, ctx: CtxId) -> Vec<Site> {
        match &self.lexical[file][ctx] {
            Lexical::Fixed(kind) => vec![Site {
                kind: *kind,
                certain: true,
                via: None,
            }],
            Lexical::Unknown => Vec::new(),
            Lexical::Body {
                fn_ref,
                steps,
                is_async,
            } => {
                let mut out: Vec<Site> = Vec::new();
                for (index, s) in self.fn_sites[fn_ref.0][fn_ref.1].iter().enumerate() {
                    let kind = apply_all(steps, s.kind);
                    let site = Site {
                        kind,
                        certain: s.certain,
                        via: s.link.map(|_| (*fn_ref, index as u32)),
                    };
                    match out.iter_mut().find(|o| o.kind == kind) {
                        Some(o)
                            if (site.direct() && !o.direct()) || (site.certain && !o.certain) =>
                        {
                            *o = site
                        }
                        Some(_) => {}
                        None => out.push(site),
                    }
                }
                // Async code runs on some executor even when nothing in the crate reaches it.
                if *is_async && !out.iter().any(|s| matches!(s.kind, SiteKind::Async(_))) {
                    out.push(Site {
                        kind: apply_all(steps, SiteKind::Async(RuntimeInfo::UNKNOWN)),
                        certain: true,
                        via: None,
                    });
                }
                out
            }
        }
    }

    /// The sites of a call: those of its context, with a runtime-less thread counted as
    /// entered where a live `enter()` guard covers the call.
    pub fn call_sites(&self, file: usize, call: CallId) -> Vec<Site> {
        let mut sites = self.sites(file, self.files[file].calls[call].ctx);
        for site in &mut sites {
            site.kind = self.entered_kind(file, call, site.kind);
        }
        sites
    }

    /// The first site that `wanted` accepts, preferring direct sites, then certain ones, then
    /// short chains (sites are found breadth-first).
    pub fn site_where(&self, sites: &[Site], wanted: impl Fn(&SiteKind) -> bool) -> Option<Site> {
        let mut best: Option<Site> = None;
        for site in sites.iter().filter(|s| wanted(&s.kind)) {
            let better = match &best {
                None => true,
                Some(b) => {
                    (site.direct() && !b.direct()) || (site.certain && !b.certain && !b.direct())
                }
            };
            if better {
                best = Some(*site);
            }
        }
        best
    }

    /// The chain that leads to a site, innermost first, as notes:
    /// `` `load` is called from async fn `serve` (src/server.rs:40) ``. Five links at most;
    /// the rest are counted.
    pub fn site_notes(&self, site: &Site) -> Vec<String> {
        let mut notes = Vec::new();
        let mut next = site.via;
        let mut links = 0;
        let mut hidden = 0;
        while let Some((f, index)) = next {
            let Some(s) = self.fn_sites[f.0][f.1].get(index as usize) else {
                break;
            };
            let Some(link) = s.link else { break };
            links += 1;
            if links > 64 {
                break;
            }
            let (cf, call) = link.call;
            let file = &self.files[cf];
            let at = format!(
                "{}:{}",
                file.path,
                file.line_of(file.calls[call].range.start)
            );
            let callee = &self.fn_def(f).name;
            // A caller that is where the chain starts is described by its kind of context.
            let caller = match link.from {
                Some((via, index))
                    if self.fn_sites[via.0][via.1]
                        .get(index as usize)
                        .is_some_and(|s| s.link.is_some()) =>
                {
                    format!("`{}`", self.fn_def(via).name)
                }
                _ => self.describe_ctx(cf, file.calls[call].ctx),
            };
            // A call that may not run is what makes the chain uncertain: say so.
            let how = match self.runs_unconditionally(cf, call) {
                true => "",
                false => ", when a branch is taken",
            };
            if notes.len() < 5 {
                notes.push(format!("`{callee}` is called from {caller} ({at}){how}"));
            } else {
                hidden += 1;
            }
            next = link.from;
        }
        if hidden > 0 {
            notes.push(format!(
                "... and {hidden} more call{} up the chain",
                if hidden == 1 { "" } else { "s" }
            ));
        }
        notes
    }

    /// The outermost call of a site's chain and the context it is made in: where the chain
    /// starts (a `#[tokio::test]` fn, an async block, `main`).
    pub fn site_origin(&self, site: &Site) -> Option<(usize, CtxId)> {
        let (file, call) = self.site_origin_call(site)?;
        Some((file, self.files[file].calls[call].ctx))
    }

    /// The context that makes code lexically async (the async fn body, async block or
    /// closure), if it is.
    pub fn async_boundary(&self, file: usize, ctx: CtxId) -> Option<CtxId> {
        match self.exec(file, ctx) {
            super::krate::Exec::Async { boundary, .. } => Some(boundary),
            _ => None,
        }
    }
}

/// Applies steps given innermost first (as the walk up from a context collects them).
fn apply_all_rev(steps: &[Step], kind: SiteKind) -> SiteKind {
    steps.iter().rev().fold(kind, |k, &step| apply(step, k))
}
