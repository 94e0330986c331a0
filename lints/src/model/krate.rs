//! The crate index and call graph, built from the files' models, and the questions rules ask:
//! what a call resolves to, what a receiver is, in which context code runs, and which sync fns
//! are reached from async code (with a witness chain).

use super::paths;
use super::sites::{FnSite, Lexical};
use super::summary::{CrateSummary, ParamRole};
use super::types::{self, Family, Flavor, Prov, Ty};
use super::*;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::borrow::Cow;

/// A fn anywhere in the crate: (file index, fn index in that file).
pub type FnRef = (usize, FnId);
/// A call anywhere in the crate.
pub type CallRef = (usize, CallId);
/// A fn of a dependency: (summary index, fn index in that summary).
pub type DepFnRef = (usize, usize);

/// What a call resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// A path outside the crate (`tokio::spawn`), or a method of a watched type
    /// (`tokio::runtime::Runtime::block_on`). Borrowed from the model where it is written
    /// there: a crate's targets are held while it is checked.
    External(Cow<'a, str>),
    /// A fn of the crate; `certain` is false when only the method name matched.
    Fn {
        fn_ref: FnRef,
        certain: bool,
    },
    /// A fn of a dependency whose summary the crate is checked with.
    Dep {
        fn_ref: DepFnRef,
        certain: bool,
    },
    Unknown,
}

impl Target<'_> {
    pub fn external(&self) -> Option<&str> {
        match self {
            Target::External(p) => Some(p),
            _ => None,
        }
    }
}

/// Which threads a sync context is known to run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SyncRoot {
    /// The program's `fn main` (no runtime until one is built and entered).
    Main,
    /// A plain `#[test]` fn.
    Test,
    /// A `std::thread::spawn` (or `Builder::spawn`, scoped spawn) closure: a fresh thread.
    Thread,
    /// `spawn_blocking`, `block_in_place`, `unblock`: blocking is allowed, the runtime is around.
    Blocking,
    /// A rayon pool thread.
    Rayon,
}

impl SyncRoot {
    /// No runtime context can exist here unless code enters one.
    pub fn is_runtime_less(self) -> bool {
        matches!(self, SyncRoot::Main | SyncRoot::Test | SyncRoot::Thread)
    }
}

/// What is known of the executor an async context runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuntimeInfo {
    pub flavor: Flavor,
    pub family: Family,
    /// The runtime's timer driver may be on: false only for a tokio runtime built without
    /// `enable_time` (or `enable_all`).
    pub time: bool,
    /// The runtime's IO driver may be on.
    pub io: bool,
}

impl RuntimeInfo {
    pub const UNKNOWN: RuntimeInfo = RuntimeInfo {
        flavor: Flavor::Unknown,
        family: Family::Unknown,
        time: true,
        io: true,
    };
}

/// Where code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exec {
    /// Lexically in async code: an async fn, block or closure, or a runtime-entry fn's body.
    Async {
        /// The context that makes it async (the async fn body, the async block).
        boundary: CtxId,
        runtime: RuntimeInfo,
    },
    /// In sync code of a fn (`fn_ref`) or a closure known to run on `root`.
    Sync {
        fn_ref: Option<FnRef>,
        root: Option<SyncRoot>,
    },
    /// A closure stored for later or passed to unknown code: it may run anywhere.
    Unknown,
}

/// A watched method or free fn that drives a future to completion or runs it as a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    /// Blocks the thread on a tokio runtime: `rt.block_on(f)`, `handle.block_on(f)`,
    /// `local.block_on(&rt, f)`, actix `System::block_on`.
    TokioBlockOn,
    /// Blocks the thread with another executor: `futures::executor::block_on`, `pollster`, ...
    OtherBlockOn(Family),
    /// Runs the future as a task: `tokio::spawn`, `rt.spawn`, `set.spawn`.
    Spawn,
    /// Runs the future on a `LocalSet`: `run_until`, `spawn_local`.
    Local,
}

pub struct CrateModel<'a> {
    pub krate: &'a CrateInfo,
    pub files: &'a [FileModel],
    /// Summaries of the dependencies the crate is checked with.
    pub deps: &'a [&'a CrateSummary],
    fns_by_path: HashMap<&'a str, FnRef>,
    methods_by_name: HashMap<&'a str, Vec<FnRef>>,
    structs: HashMap<&'a str, (usize, &'a StructDef)>,
    structs_by_name: HashMap<&'a str, Vec<(usize, &'a StructDef)>>,
    statics: HashMap<&'a str, (usize, &'a Prov)>,
    uses: HashMap<&'a str, &'a Res>,
    globs: HashMap<&'a str, Vec<&'a str>>,
    /// Trait impls of the crate's types: type path -> trait paths.
    impls: HashMap<&'a str, Vec<&'a str>>,
    /// The dependencies' fns, structs and re-exports, by path.
    dep_fns: HashMap<&'a str, DepFnRef>,
    dep_structs: HashMap<&'a str, (usize, usize)>,
    dep_aliases: HashMap<&'a str, &'a str>,
    dep_globs: HashMap<&'a str, Vec<&'a str>>,
    dep_impls: HashMap<&'a str, Vec<&'a str>>,
    /// Per file, per call.
    pub(super) targets: Vec<Vec<Target<'a>>>,
    /// Per file, per fn, per parameter: what the fn does with a closure given there.
    param_roles: Vec<Vec<Vec<ParamRole>>>,
    /// Per file, per context: where the syntax around it says it runs.
    pub(super) lexical: Vec<Vec<Lexical>>,
    /// Per file, per fn: every way its body runs, from its callers (see [`super::sites`]).
    pub(super) fn_sites: Vec<Vec<Vec<FnSite>>>,
    /// Per file, per fn: the calls made in its sync body (not in closures that run elsewhere).
    body_calls: Vec<Vec<Vec<CallId>>>,
    /// Per file, per fn: the calls that target it.
    callers: Vec<Vec<Vec<CallRef>>>,
    /// Every sink of the crate (see [`super::sinks`]).
    pub(super) sinks: Vec<super::sinks::Sink>,
}

const MAX_PROV_DEPTH: usize = 16;

/// An empty list per fn of a file.
fn per_fn<T: Clone>(f: &FileModel) -> Vec<Vec<T>> {
    vec![Vec::new(); f.fns.len()]
}

impl<'a> CrateModel<'a> {
    pub fn new(
        krate: &'a CrateInfo,
        files: &'a [FileModel],
        deps: &'a [&'a CrateSummary],
    ) -> CrateModel<'a> {
        let mut cm = CrateModel {
            krate,
            files,
            deps,
            fns_by_path: HashMap::new(),
            methods_by_name: HashMap::new(),
            structs: HashMap::new(),
            structs_by_name: HashMap::new(),
            statics: HashMap::new(),
            uses: HashMap::new(),
            globs: HashMap::new(),
            impls: HashMap::new(),
            dep_fns: HashMap::new(),
            dep_structs: HashMap::new(),
            dep_aliases: HashMap::new(),
            dep_globs: HashMap::new(),
            dep_impls: HashMap::new(),
            targets: Vec::new(),
            param_roles: files.iter().map(per_fn).collect(),
            lexical: Vec::new(),
            fn_sites: files.iter().map(per_fn).collect(),
            body_calls: files.iter().map(per_fn).collect(),
            callers: files.iter().map(per_fn).collect(),
            sinks: Vec::new(),
        };
        for (fi, file) in files.iter().enumerate() {
            for (id, f) in file.fns.iter().enumerate() {
                cm.fns_by_path.entry(f.path.as_str()).or_insert((fi, id));
                if f.has_self || f.impl_ty.is_some() {
                    cm.methods_by_name
                        .entry(f.name.as_str())
                        .or_default()
                        .push((fi, id));
                }
                cm.param_roles[fi][id] = vec![ParamRole::Unknown; f.params.len()];
            }
            for s in &file.structs {
                cm.structs.insert(s.path.as_str(), (fi, s));
                cm.structs_by_name
                    .entry(paths::last_segment(&s.path))
                    .or_default()
                    .push((fi, s));
            }
            for s in &file.statics {
                cm.statics.insert(s.path.as_str(), (fi, &s.prov));
            }
            for u in &file.uses {
                cm.uses.insert(u.path.as_str(), &u.target);
            }
            for g in &file.globs {
                cm.globs
                    .entry(g.module.as_str())
                    .or_default()
                    .push(g.target.as_str());
            }
            for i in &file.impls {
                cm.impls
                    .entry(i.self_ty.as_str())
                    .or_default()
                    .push(i.trait_name.as_str());
            }
        }
        for (di, dep) in deps.iter().enumerate() {
            for (id, f) in dep.fns.iter().enumerate() {
                cm.dep_fns.entry(f.path.as_str()).or_insert((di, id));
            }
            for (id, s) in dep.structs.iter().enumerate() {
                cm.dep_structs.entry(s.path.as_str()).or_insert((di, id));
            }
            for (from, to) in &dep.aliases {
                cm.dep_aliases.insert(from.as_str(), to.as_str());
            }
            for (module, target) in &dep.globs {
                cm.dep_globs
                    .entry(module.as_str())
                    .or_default()
                    .push(target.as_str());
            }
            for (ty, tr) in &dep.impls {
                cm.dep_impls
                    .entry(ty.as_str())
                    .or_default()
                    .push(tr.as_str());
            }
        }
        cm.targets = files
            .iter()
            .enumerate()
            .map(|(fi, file)| {
                (0..file.calls.len())
                    .map(|id| cm.resolve_call(fi, id))
                    .collect()
            })
            .collect();
        for (fi, file) in files.iter().enumerate() {
            for (id, _) in file.calls.iter().enumerate() {
                if let Target::Fn { fn_ref, .. } = cm.targets[fi][id] {
                    cm.callers[fn_ref.0][fn_ref.1].push((fi, id));
                }
            }
        }
        cm.solve_param_roles();
        for (fi, file) in files.iter().enumerate() {
            for (id, call) in file.calls.iter().enumerate() {
                if let Some(f) = cm.inherited_fn(fi, call.ctx) {
                    cm.body_calls[f.0][f.1].push(id);
                }
            }
        }
        cm.lexical = files
            .iter()
            .enumerate()
            .map(|(fi, file)| {
                (0..file.ctxs.len())
                    .map(|ctx| cm.compute_lexical(fi, ctx))
                    .collect()
            })
            .collect();
        cm.propagate_sites();
        cm.sinks = cm.find_sinks();
        cm
    }

    /// What each fn does with a closure given to each of its parameters: calls it in place
    /// (directly, through a closure that runs in place, or by handing it to a fn that calls it
    /// in place), runs it on a thread of a known kind, or something the model cannot follow.
    fn solve_param_roles(&mut self) {
        for _ in 0..8 {
            let mut changed = false;
            for fi in 0..self.files.len() {
                for id in 0..self.files[fi].fns.len() {
                    for (index, param) in self.files[fi].fns[id].params.iter().enumerate() {
                        let Some(binding) = param else { continue };
                        let role = self.param_role((fi, id), *binding);
                        if self.param_roles[fi][id][index] != role {
                            self.param_roles[fi][id][index] = role;
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn param_role(&self, f: FnRef, binding: BindingId) -> ParamRole {
        let m = &self.files[f.0];
        let b = &m.bindings[binding];
        let mut role = None;
        for u in &b.uses {
            let this = match u.kind {
                UseKind::Called(_) => match self.inherited_fn(f.0, u.ctx) {
                    Some(g) if g == f => ParamRole::InPlace,
                    _ => return ParamRole::Unknown,
                },
                UseKind::Arg(call) => {
                    if self.inherited_fn(f.0, u.ctx) != Some(f) {
                        return ParamRole::Unknown;
                    }
                    let c = &m.calls[call];
                    let Some(index) = c
                        .args
                        .iter()
                        .position(|a| a.start <= u.range.start && u.range.end <= a.end)
                    else {
                        return ParamRole::Unknown;
                    };
                    match self.role_of_argument(f.0, call, index) {
                        ParamRole::Unknown => return ParamRole::Unknown,
                        r => r,
                    }
                }
                _ => return ParamRole::Unknown,
            };
            match role {
                None => role = Some(this),
                Some(r) if r == this => {}
                // Called in place and also sent to a thread: its place is not one.
                Some(_) => return ParamRole::Unknown,
            }
        }
        role.unwrap_or(ParamRole::Unknown)
    }

    /// What the callee of `call` does with a closure given as argument `index`.
    fn role_of_argument(&self, file: usize, call: CallId, index: usize) -> ParamRole {
        let c = &self.files[file].calls[call];
        match self.target(file, call) {
            Target::External(path) => {
                if let Some(root) = sync_root(path) {
                    return ParamRole::Root(root);
                }
                if is_inline_closure_fn(path) {
                    return ParamRole::InPlace;
                }
                ParamRole::Unknown
            }
            Target::Fn {
                fn_ref,
                certain: true,
            } => {
                let def = self.fn_def(*fn_ref);
                // `Type::method(receiver, args..)` names the receiver as its first argument.
                let index = match (&c.callee, def.has_self) {
                    (Callee::Path { .. }, true) => match index.checked_sub(1) {
                        Some(i) => i,
                        None => return ParamRole::Unknown,
                    },
                    _ => index,
                };
                self.param_roles[fn_ref.0][fn_ref.1]
                    .get(index)
                    .copied()
                    .unwrap_or(ParamRole::Unknown)
            }
            Target::Dep {
                fn_ref,
                certain: true,
            } => {
                let def = &self.deps[fn_ref.0].fns[fn_ref.1];
                let index = match (&c.callee, def.has_self) {
                    (Callee::Path { .. }, true) => match index.checked_sub(1) {
                        Some(i) => i,
                        None => return ParamRole::Unknown,
                    },
                    _ => index,
                };
                def.params.get(index).copied().unwrap_or(ParamRole::Unknown)
            }
            Target::Unknown => match &c.callee {
                Callee::Method { name, .. } if is_combinator(name) => ParamRole::InPlace,
                _ => ParamRole::Unknown,
            },
            _ => ParamRole::Unknown,
        }
    }

    /// What a fn does with a closure given to its parameter `index`.
    pub fn param_roles(&self, f: FnRef) -> &[ParamRole] {
        &self.param_roles[f.0][f.1]
    }

    // ----- resolution -----

    pub fn target(&self, file: usize, call: CallId) -> &Target<'a> {
        &self.targets[file][call]
    }

    pub fn fn_def(&self, f: FnRef) -> &'a FnDef {
        &self.files[f.0].fns[f.1]
    }

    /// Follows a `crate::` path through the crate's items and re-exports.
    fn resolve_crate_path(&self, path: &str) -> Target<'a> {
        // Most paths name a fn directly: no re-export to follow.
        if let Some(&f) = self.fns_by_path.get(path) {
            return Target::Fn {
                fn_ref: f,
                certain: true,
            };
        }
        let mut path = path.to_string();
        let mut seen = HashSet::new();
        for _ in 0..MAX_PROV_DEPTH {
            if !seen.insert(path.clone()) {
                break;
            }
            if let Some(&f) = self.fns_by_path.get(path.as_str()) {
                return Target::Fn {
                    fn_ref: f,
                    certain: true,
                };
            }
            match self.reexport(&path) {
                Some(next) if next.starts_with("crate::") => path = next,
                Some(next) => return Target::External(Cow::Owned(paths::canonical(next))),
                None => break,
            }
        }
        Target::Unknown
    }

    /// One step through a `use` (of the whole path or of a prefix) or a glob re-export.
    fn reexport(&self, path: &str) -> Option<String> {
        let mut prefix = path;
        let mut candidate = String::new();
        loop {
            // What follows the prefix in the path: `::b::c` after `crate::a`.
            let suffix = &path[prefix.len()..];
            if let Some(res) = self.uses.get(prefix) {
                let target = match res {
                    Res::Path(p) => p,
                    Res::Globs(c) => c.first()?,
                    _ => return None,
                };
                return Some([target.as_str(), suffix].concat());
            }
            prefix = &prefix[..paths::last_separator(prefix)?];
            let suffix = &path[prefix.len()..];
            if let Some(targets) = self.globs.get(prefix) {
                for target in targets {
                    candidate.clear();
                    candidate.push_str(target);
                    candidate.push_str(suffix);
                    if !target.starts_with("crate::")
                        || self.fns_by_path.contains_key(candidate.as_str())
                        || self.uses.contains_key(candidate.as_str())
                    {
                        return Some(candidate);
                    }
                }
            }
        }
    }

    fn resolve_res(&self, res: &'a Res) -> Target<'a> {
        match res {
            Res::Path(p) if p.starts_with("crate::") => self.resolve_crate_path(p),
            Res::Path(p) => match self.resolve_dep_path(p) {
                Some(f) => Target::Dep {
                    fn_ref: f,
                    certain: true,
                },
                None => Target::External(Cow::Borrowed(p)),
            },
            Res::Globs(candidates) => candidates
                .iter()
                .map(|c| self.resolve_crate_path(c))
                .find(|t| *t != Target::Unknown)
                .unwrap_or(Target::Unknown),
            _ => Target::Unknown,
        }
    }

    /// A path into a dependency the crate has a summary of, through the dependency's
    /// re-exports.
    fn resolve_dep_path(&self, path: &str) -> Option<DepFnRef> {
        // The model knows the watched crates' APIs better than their summaries say (a
        // `Builder` chain's flavor and drivers): tokio's own tests call tokio as tokio.
        if self.deps.is_empty() || paths::is_known_crate(paths::first_segment(path)) {
            return None;
        }
        if let Some(&f) = self.dep_fns.get(path) {
            return Some(f);
        }
        let mut path = path.to_string();
        for _ in 0..MAX_PROV_DEPTH {
            path = self.dep_reexport(&path)?;
            if let Some(&f) = self.dep_fns.get(path.as_str()) {
                return Some(f);
            }
        }
        None
    }

    /// One step through a dependency's `use` (of the path or of a prefix) or glob re-export.
    fn dep_reexport(&self, path: &str) -> Option<String> {
        let mut prefix = path;
        loop {
            let suffix = &path[prefix.len()..];
            if let Some(target) = self.dep_aliases.get(prefix) {
                return Some([target, suffix].concat());
            }
            prefix = &prefix[..paths::last_separator(prefix)?];
            let suffix = &path[prefix.len()..];
            for target in self.dep_globs.get(prefix).into_iter().flatten() {
                let candidate = [target, suffix].concat();
                if self.dep_fns.contains_key(candidate.as_str())
                    || self.dep_structs.contains_key(candidate.as_str())
                    || self.dep_aliases.contains_key(candidate.as_str())
                {
                    return Some(candidate);
                }
            }
        }
    }

    /// A type path of the crate or a dependency as its definition names it, through re-exports.
    fn canonical_type(&self, path: &str) -> Option<String> {
        if self.structs.contains_key(path) || self.dep_structs.contains_key(path) {
            return Some(path.to_string());
        }
        let mut path = path.to_string();
        for _ in 0..MAX_PROV_DEPTH {
            path = match path.starts_with("crate::") {
                true => self.reexport(&path)?,
                false => self.dep_reexport(&path)?,
            };
            if self.structs.contains_key(path.as_str())
                || self.dep_structs.contains_key(path.as_str())
            {
                return Some(path);
            }
        }
        None
    }

    fn resolve_call(&self, file: usize, id: CallId) -> Target<'a> {
        let files: &'a [FileModel] = self.files;
        let call = &files[file].calls[id];
        match &call.callee {
            Callee::Path { res, .. } => self.resolve_res(res),
            Callee::Method { name, receiver } => match self.ty(file, receiver) {
                Some(Ty::Lib { path, .. }) => {
                    Target::External(Cow::Owned(format!("{path}::{name}")))
                }
                Some(Ty::Crate(ty)) => self
                    .method_of(&ty, name)
                    .unwrap_or_else(|| self.method_by_unique_name(name)),
                _ => self.method_by_unique_name(name),
            },
        }
    }

    /// The method `name` of the crate's or a dependency's type `ty`: its own, or a default
    /// method of a trait it implements. `Some(Target::Unknown)` when the type is known and
    /// has no such method in the crate (a trait of another crate, `Deref`): a method of the
    /// same name on another type is not it.
    fn method_of(&self, ty: &str, name: &str) -> Option<Target<'a>> {
        let lookup = |ty: &str| -> Option<Target<'a>> {
            let own = format!("{ty}::{name}");
            if let Some(&f) = self.fns_by_path.get(own.as_str()) {
                return Some(Target::Fn {
                    fn_ref: f,
                    certain: true,
                });
            }
            if let Some(&f) = self.dep_fns.get(own.as_str()) {
                return Some(Target::Dep {
                    fn_ref: f,
                    certain: true,
                });
            }
            let traits = self.impls.get(ty).into_iter().chain(self.dep_impls.get(ty));
            for tr in traits.flatten() {
                let default = format!("{tr}::{name}");
                if let Some(&f) = self.fns_by_path.get(default.as_str()) {
                    return Some(Target::Fn {
                        fn_ref: f,
                        certain: true,
                    });
                }
                if let Some(&f) = self.dep_fns.get(default.as_str()) {
                    return Some(Target::Dep {
                        fn_ref: f,
                        certain: true,
                    });
                }
            }
            None
        };
        if let Some(found) = lookup(ty) {
            return Some(found);
        }
        let canonical = self.canonical_type(ty)?;
        Some(lookup(&canonical).unwrap_or(Target::Unknown))
    }

    /// A method call on an unknown receiver resolves only when exactly one method of the crate
    /// has the name and the name is not one of a std or watched type's.
    fn method_by_unique_name(&self, name: &str) -> Target<'a> {
        if is_common_method(name) {
            return Target::Unknown;
        }
        match self.methods_by_name.get(name).map(Vec::as_slice) {
            Some([only]) if self.fn_def(*only).has_self => Target::Fn {
                fn_ref: *only,
                certain: false,
            },
            _ => Target::Unknown,
        }
    }

    /// The known type of a value, following bindings, fields, returns and statics.
    pub fn ty(&self, file: usize, prov: &Prov) -> Option<Ty> {
        self.ty_at(file, prov, 0)
    }

    fn ty_at(&self, file: usize, prov: &Prov, depth: usize) -> Option<Ty> {
        if depth > MAX_PROV_DEPTH {
            return None;
        }
        let depth = depth + 1;
        match prov {
            Prov::Unknown => None,
            Prov::Known(ty) => Some(ty.clone()),
            Prov::Local(id) => {
                let binding = self.files[file].bindings.get(*id)?;
                self.ty_at(file, &binding.prov, depth)
            }
            Prov::Field(base, name) => match self.ty_at(file, base, depth)? {
                Ty::Crate(path) => self.field_ty(&path, name, depth),
                _ => None,
            },
            Prov::TupleField(base, i) => match self.ty_at(file, base, depth)? {
                Ty::Tuple(parts) => parts.get(*i).cloned().flatten(),
                Ty::Crate(path) => self.field_ty(&path, &i.to_string(), depth),
                _ => None,
            },
            Prov::Ret(res) => self.target_ret(&self.resolve_res(res), depth),
            Prov::MethodRet(receiver, name) => match self.ty_at(file, receiver, depth)? {
                ty @ Ty::Lib { .. } => types::method_result(&ty, name),
                Ty::Crate(path) => self.target_ret(&self.method_of(&path, name)?, depth),
                Ty::Tuple(_) => None,
            },
            Prov::Static(res) => {
                let path = match res {
                    Res::Path(p) => p.clone(),
                    Res::Globs(c) => c
                        .iter()
                        .find(|c| self.statics.contains_key(c.as_str()))?
                        .clone(),
                    _ => return None,
                };
                // A unit struct named as a value (`Importer.import()`) is a value of its type.
                if !self.statics.contains_key(path.as_str()) {
                    if let Some(ty) = self.canonical_type(&path) {
                        return Some(Ty::Crate(ty));
                    }
                }
                let path = match self.statics.contains_key(path.as_str()) {
                    true => path,
                    false => self.reexport(&path)?,
                };
                let &(sf, prov) = self.statics.get(path.as_str())?;
                self.ty_at(sf, prov, depth)
            }
        }
    }

    /// The type a call's callee returns.
    fn target_ret(&self, target: &Target<'a>, depth: usize) -> Option<Ty> {
        match target {
            Target::Fn { fn_ref, .. } => self.ty_at(fn_ref.0, &self.fn_def(*fn_ref).ret, depth),
            Target::Dep { fn_ref, .. } => self.deps[fn_ref.0].fns[fn_ref.1].ret.clone(),
            Target::External(path) => types::constructor(path),
            Target::Unknown => None,
        }
    }

    /// The type of field `name` of the crate's or a dependency's struct `path`.
    fn field_ty(&self, path: &str, name: &str, depth: usize) -> Option<Ty> {
        if !path.starts_with("crate::") {
            let (dep, s) = self.dep_struct(path)?;
            let (_, ty) = self.deps[dep].structs[s]
                .fields
                .iter()
                .find(|(n, _)| n == name)?;
            return ty.clone();
        }
        let (sf, s) = self.struct_def(path)?;
        let (_, field) = s.fields.iter().find(|(n, _)| n == name)?;
        self.ty_at(sf, field, depth)
    }

    /// A dependency's struct, through its re-exports.
    fn dep_struct(&self, path: &str) -> Option<(usize, usize)> {
        if let Some(&found) = self.dep_structs.get(path) {
            return Some(found);
        }
        let canonical = self.canonical_type(path)?;
        self.dep_structs.get(canonical.as_str()).copied()
    }

    fn struct_def(&self, path: &str) -> Option<(usize, &'a StructDef)> {
        if let Some(&found) = self.structs.get(path) {
            return Some(found);
        }
        // A path through a re-export or an alias: the struct of that name, if it is the only one.
        match self
            .structs_by_name
            .get(paths::last_segment(path))
            .map(Vec::as_slice)
        {
            Some([only]) => Some(*only),
            _ => None,
        }
    }

    /// The field through which a value of the crate's or a dependency's type `path` owns a
    /// tokio runtime, dropping it when it is dropped: a field held by value, directly or in
    /// another struct it owns (`"inner.rt"`). `None` when a struct on the way has a `Drop`
    /// impl, which may end the runtime its own way first.
    pub fn runtime_owning_field(&self, path: &str) -> Option<String> {
        self.owning_field_at(path, 0)
    }

    fn owning_field_at(&self, path: &str, depth: usize) -> Option<String> {
        if depth > 4 || self.has_drop_impl(path) {
            return None;
        }
        if !path.starts_with("crate::") {
            let (dep, s) = self.dep_struct(path)?;
            return self.deps[dep].structs[s].runtime_field.clone();
        }
        let (file, def) = self.struct_def(path)?;
        def.fields
            .iter()
            .zip(&def.owned)
            .filter(|(_, &owned)| owned)
            .find_map(|((name, prov), _)| match self.ty(file, prov)? {
                Ty::Lib { path, .. } if types::is_runtime_type(path) => Some(name.clone()),
                Ty::Crate(inner) if inner != path => self
                    .owning_field_at(&inner, depth + 1)
                    .map(|rest| format!("{name}.{rest}")),
                _ => None,
            })
    }

    /// Whether dropping a binding ends the value it holds: it owns it, and holds neither a
    /// reference to it (`&x`, a getter that returns one) nor one of several owners (an `Arc`
    /// or `Rc`, a clone of one, a fn that returns one).
    pub fn binding_owns_value(&self, file: usize, b: &Binding) -> bool {
        b.held == Held::Owned
            && b.init_call.is_none_or(|call| {
                !self.call_value_is_shared(file, call) && !self.call_value_is_borrowed(file, call)
            })
    }

    /// Whether the value a call produces is shared ownership: `Arc::new(..)`, `Rc::new(..)`,
    /// `Arc::clone(..)`, a fn declared to return an `Arc` or `Rc`, or such a value unwrapped
    /// or cloned, or a clone of a shared field or binding.
    pub fn call_value_is_shared(&self, file: usize, call: CallId) -> bool {
        let m = &self.files[file];
        let mut call = call;
        for _ in 0..8 {
            match (&m.calls[call].callee, self.target(file, call)) {
                (_, Target::External(path))
                    if matches!(
                        path.as_ref(),
                        "std::sync::Arc::new"
                            | "std::rc::Rc::new"
                            | "std::sync::Arc::clone"
                            | "std::rc::Rc::clone"
                            | "std::sync::Arc::from"
                            | "std::rc::Rc::from"
                    ) =>
                {
                    return true
                }
                (_, Target::Fn { fn_ref, .. }) => return self.fn_def(*fn_ref).ret_shared,
                (_, Target::Dep { fn_ref, .. }) => {
                    return self.deps[fn_ref.0].fns[fn_ref.1].ret_shared
                }
                // `x.unwrap()`, `x.clone()`, ...: the value of the receiver, if it is a call.
                (Callee::Method { name, receiver }, _) => match m.receiver_call(call) {
                    Some(receiver) => call = receiver,
                    None => return name == "clone" && self.prov_is_shared(file, receiver),
                },
                _ => return false,
            }
        }
        false
    }

    /// A binding or field that holds a shared or borrowed value (its clone is another owner).
    fn prov_is_shared(&self, file: usize, prov: &Prov) -> bool {
        match prov {
            Prov::Local(b) => self.files[file]
                .bindings
                .get(*b)
                .is_some_and(|b| b.held != Held::Owned),
            Prov::Field(base, name) => match self.ty(file, base) {
                Some(Ty::Crate(path)) => self.struct_def(&path).is_some_and(|(_, def)| {
                    def.fields
                        .iter()
                        .zip(&def.owned)
                        .any(|((n, _), owned)| n == name && !owned)
                }),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a call hands out a reference: a fn declared to return one (`-> &Owner`).
    fn call_value_is_borrowed(&self, file: usize, call: CallId) -> bool {
        let m = &self.files[file];
        let mut call = call;
        for _ in 0..8 {
            match (&m.calls[call].callee, self.target(file, call)) {
                (_, Target::Fn { fn_ref, .. }) => return self.fn_def(*fn_ref).ret_ref,
                (_, Target::Dep { fn_ref, .. }) => {
                    return self.deps[fn_ref.0].fns[fn_ref.1].ret_ref
                }
                (Callee::Method { name, .. }, _) if types::is_passthrough_method(name) => {
                    match m.receiver_call(call) {
                        Some(receiver) => call = receiver,
                        None => return false,
                    }
                }
                _ => return false,
            }
        }
        false
    }

    /// Whether the crate implements `Drop` for its type `path` (or the dependency for its type).
    pub fn has_drop_impl(&self, path: &str) -> bool {
        if !path.starts_with("crate::") {
            return self
                .dep_struct(path)
                .is_some_and(|(dep, s)| self.deps[dep].structs[s].has_drop);
        }
        self.fns_by_path
            .get(format!("{path}::drop").as_str())
            .is_some_and(|&f| {
                self.fn_def(f)
                    .trait_name
                    .as_deref()
                    .is_some_and(|t| paths::last_segment(t) == "Drop")
            })
    }

    /// The methods of the crate's (or a dependency's) type `path` that borrow the receiver
    /// (`&self`, `&mut self`).
    pub fn borrowing_methods(&self, path: &str) -> Vec<&'a str> {
        let deps: &'a [&'a CrateSummary] = self.deps;
        let own = self
            .files
            .iter()
            .flat_map(|file| &file.fns)
            .filter(|f| f.impl_ty.as_deref() == Some(path) && f.has_self && !f.self_by_value)
            .map(|f| f.name.as_str());
        let of_deps = deps
            .iter()
            .flat_map(|d| &d.fns)
            .filter(|f| f.impl_ty.as_deref() == Some(path) && f.has_self && !f.self_by_value)
            .map(|f| f.name.as_str());
        own.chain(of_deps).collect()
    }

    /// The known type of a method call's receiver.
    pub fn receiver_ty(&self, file: usize, call: CallId) -> Option<Ty> {
        match &self.files[file].calls[call].callee {
            Callee::Method { receiver, .. } => self.ty(file, receiver),
            Callee::Path { .. } => None,
        }
    }

    // ----- contexts -----

    /// The driver a call is, if it runs or blocks on a future it is given (see
    /// [`super::apis::driver`]). The future is an argument, or the receiver of an extension
    /// method (`fut.block_on()`): a call whose arguments are not known (found in a macro's
    /// tokens) is not taken for a driver.
    pub fn driver(&self, file: usize, call: CallId) -> Option<Driver> {
        let path = self.target(file, call).external()?;
        let driver = super::apis::driver(path)?;
        let on_receiver = crate::census::is_extension_trait(paths::parent_path(path));
        (on_receiver || !self.files[file].calls[call].args.is_empty()).then_some(driver)
    }

    /// What the syntax says about where the code of a context runs: async (with the
    /// context that makes it so, and the runtime when the syntax fixes it), sync in a fn or
    /// on a known kind of thread, or unknown. Rules ask [`CrateModel::sites`] where code runs;
    /// this is for labels and suggestions (where `.await` can be written).
    pub fn exec(&self, file: usize, ctx: CtxId) -> Exec {
        self.exec_at(file, ctx, 0)
    }

    fn exec_at(&self, file: usize, ctx: CtxId, depth: usize) -> Exec {
        let m = &self.files[file];
        let Some(c) = m.ctxs.get(ctx) else {
            return Exec::Unknown;
        };
        if depth > 256 {
            return Exec::Unknown;
        }
        let fixed_runtime = || match self.lexical.get(file).and_then(|l| l.get(ctx)) {
            Some(Lexical::Fixed(super::sites::SiteKind::Async(runtime))) => *runtime,
            _ => RuntimeInfo::UNKNOWN,
        };
        match c.kind {
            CtxKind::Item => Exec::Unknown,
            CtxKind::Fn => {
                let Some(fn_id) = c.fn_id else {
                    return Exec::Unknown;
                };
                let f = &m.fns[fn_id];
                if f.entry.is_some() || f.is_async {
                    return Exec::Async {
                        boundary: ctx,
                        runtime: fixed_runtime(),
                    };
                }
                let root = if f.is_main {
                    Some(SyncRoot::Main)
                } else if f.is_test {
                    Some(SyncRoot::Test)
                } else {
                    None
                };
                Exec::Sync {
                    fn_ref: Some((file, fn_id)),
                    root,
                }
            }
            CtxKind::AsyncBlock | CtxKind::Closure { is_async: true } => Exec::Async {
                boundary: ctx,
                runtime: fixed_runtime(),
            },
            CtxKind::Closure { is_async: false } => match self.closure_role(file, ctx) {
                ClosureRole::Root(root) => Exec::Sync {
                    fn_ref: None,
                    root: Some(root),
                },
                ClosureRole::Inherit => match c.parent {
                    Some(p) => self.exec_at(file, p, depth + 1),
                    None => Exec::Unknown,
                },
                ClosureRole::Unknown => Exec::Unknown,
            },
        }
    }

    /// What a sync closure is to its caller.
    pub(super) fn closure_role(&self, file: usize, ctx: CtxId) -> ClosureRole {
        let c = &self.files[file].ctxs[ctx];
        if c.called_in_place {
            return ClosureRole::Inherit;
        }
        let Some((call, idx)) = c.arg_of else {
            // `let f = || ..; f();`: a closure called only where it is defined runs there.
            if let Some(b) = c.bound_to {
                let binding = &self.files[file].bindings[b];
                let only_called_here = !binding.uses.is_empty()
                    && binding
                        .uses
                        .iter()
                        .all(|u| matches!(u.kind, UseKind::Called(_)) && u.ctx == binding.ctx);
                if only_called_here {
                    return ClosureRole::Inherit;
                }
            }
            return ClosureRole::Unknown;
        };
        if idx == usize::MAX {
            return ClosureRole::Unknown;
        }
        match self.role_of_argument(file, call, idx) {
            ParamRole::InPlace => ClosureRole::Inherit,
            ParamRole::Root(root) => ClosureRole::Root(root),
            ParamRole::Unknown => ClosureRole::Unknown,
        }
    }

    /// Whether a call runs whenever the body of its fn runs: it is in no branch and after no
    /// `return` of its body, nor in a closure or async block that is, nor in a closure that an
    /// `Option` or iterator adapter may not call. (`?` does not count: the call runs on the
    /// path where everything succeeds.)
    pub fn runs_unconditionally(&self, file: usize, call: CallId) -> bool {
        let m = &self.files[file];
        let c = &m.calls[call];
        if c.in_branch {
            return false;
        }
        let returns_before = |ctx: CtxId, at: usize| {
            m.exits
                .iter()
                .any(|e| e.is_return && e.ctx == ctx && e.offset < at)
        };
        let (mut ctx, mut at) = (c.ctx, c.range.start);
        for _ in 0..256 {
            if returns_before(ctx, at) {
                return false;
            }
            let Some(x) = m.ctxs.get(ctx) else {
                return false;
            };
            match x.kind {
                CtxKind::Fn | CtxKind::Item => return true,
                CtxKind::Closure { is_async: false } => {
                    let adapter = x.arg_of.is_some_and(|(outer, _)| {
                        *self.target(file, outer) == Target::Unknown
                            && matches!(&m.calls[outer].callee, Callee::Method { name, .. } if is_combinator(name))
                    });
                    if x.in_branch || adapter {
                        return false;
                    }
                }
                CtxKind::AsyncBlock | CtxKind::Closure { is_async: true } => {
                    if x.in_branch {
                        return false;
                    }
                }
            }
            at = x.range.start;
            match x.parent {
                Some(parent) => ctx = parent,
                None => return true,
            }
        }
        false
    }

    /// Whether code in `ctx` runs once per element or iteration: in a loop, or in a closure given
    /// to an iterator adapter (`map`, `for_each`, ...), of the same fn body.
    pub fn runs_per_iteration(&self, file: usize, call: CallId) -> bool {
        let m = &self.files[file];
        if m.calls[call].in_loop {
            return true;
        }
        let mut ctx = m.calls[call].ctx;
        for _ in 0..256 {
            let c = &m.ctxs[ctx];
            if c.kind != (CtxKind::Closure { is_async: false }) {
                return false;
            }
            if let Some((adapter, _)) = c.arg_of {
                let per_element = matches!(
                    &m.calls[adapter].callee,
                    Callee::Method { name, .. } if matches!(
                        name.as_str(),
                        "map" | "for_each" | "try_for_each" | "filter_map" | "flat_map" | "fold"
                            | "try_fold" | "filter" | "any" | "all" | "find_map" | "scan"
                    )
                );
                if per_element && *self.target(file, adapter) == Target::Unknown {
                    return true;
                }
            }
            // A closure handed to unknown code runs when that code decides.
            if self.closure_role(file, ctx) != ClosureRole::Inherit {
                return false;
            }
            if c.in_loop {
                return true;
            }
            match c.parent {
                Some(p) => ctx = p,
                None => return false,
            }
        }
        false
    }

    /// The fn whose sync body a context belongs to (through closures that run in place).
    pub fn inherited_fn(&self, file: usize, mut ctx: CtxId) -> Option<FnRef> {
        let m = &self.files[file];
        for _ in 0..256 {
            let c = m.ctxs.get(ctx)?;
            match c.kind {
                CtxKind::Fn => return c.fn_id.map(|f| (file, f)),
                CtxKind::Closure { is_async: false }
                    if self.closure_role(file, ctx) == ClosureRole::Inherit =>
                {
                    ctx = c.parent?
                }
                _ => return None,
            }
        }
        None
    }

    /// Whether a call is evaluated inside the future argument of a `block_on`.
    pub fn inside_block_on(&self, file: usize, call: CallId) -> bool {
        let calls = &self.files[file].calls;
        let mut current = calls[call].inside_arg_of;
        for _ in 0..256 {
            let Some(outer) = current else { return false };
            if matches!(
                self.driver(file, outer),
                Some(Driver::TokioBlockOn | Driver::OtherBlockOn(_))
            ) {
                return true;
            }
            current = calls[outer].inside_arg_of;
        }
        false
    }

    /// Whether a live runtime-context guard (`let _guard = rt.enter();`) covers `offset` in the
    /// sync body `ctx` belongs to.
    pub fn entered_at(&self, file: usize, ctx: CtxId, offset: usize) -> bool {
        let m = &self.files[file];
        m.bindings.iter().any(|b| {
            b.range.end <= offset
                && offset < b.scope_end
                && m.ctx_within(ctx, b.ctx)
                && !b
                    .uses
                    .iter()
                    .any(|u| u.range.start < offset && self.is_drop_use(file, u))
                && self.is_enter_guard(file, b)
        })
    }

    /// A guard from `enter()`: of a runtime or handle, or of a receiver the model does not know
    /// (`LocalSet::enter`, a runtime made by a macro): assuming a guard only silences findings.
    fn is_enter_guard(&self, file: usize, b: &Binding) -> bool {
        if self
            .ty(file, &b.prov)
            .is_some_and(|t| t.is("tokio::runtime::EnterGuard"))
        {
            return true;
        }
        let Some(call) = b.init_call else {
            return false;
        };
        let c = &self.files[file].calls[call];
        match &c.callee {
            Callee::Method { name, .. } if name == "enter" && c.args.is_empty() => {
                !matches!(self.target(file, call), Target::Fn { .. })
            }
            _ => false,
        }
    }

    /// `drop(x)` or `std::mem::drop(x)`.
    pub fn is_drop_use(&self, file: usize, u: &Use) -> bool {
        match u.kind {
            UseKind::Arg(call) => self.target(file, call).external() == Some("std::mem::drop"),
            _ => false,
        }
    }

    /// The outermost `move` closure or async block between a use and the binding's context.
    pub fn moved_into(&self, file: usize, binding: &Binding, u: &Use) -> Option<CtxId> {
        let m = &self.files[file];
        let mut ctx = u.ctx;
        let mut outermost = None;
        for _ in 0..256 {
            if ctx == binding.ctx {
                return outermost;
            }
            let c = &m.ctxs[ctx];
            if c.is_move {
                outermost = Some(ctx);
            }
            ctx = c.parent?;
        }
        None
    }

    /// Whether a use moves a binding's value somewhere it may outlive its scope: returned,
    /// stored, moved into a call, a `move` closure or async block, or named in a macro.
    /// `by_ref_methods` are the receiver's methods that only borrow it.
    pub fn use_escapes(
        &self,
        file: usize,
        binding: &Binding,
        u: &Use,
        by_ref_methods: &[&str],
    ) -> bool {
        self.use_escapes_from(file, binding.ctx, u, by_ref_methods)
    }

    /// [`Self::use_escapes`], for a value that lives in context `home` (a binding's own context,
    /// or the `move` block it was moved into).
    pub fn use_escapes_from(
        &self,
        file: usize,
        home: CtxId,
        u: &Use,
        by_ref_methods: &[&str],
    ) -> bool {
        let m = &self.files[file];
        let moved_into_closure = u.ctx != home && {
            let mut ctx = u.ctx;
            let mut moved = false;
            while ctx != home {
                let c = &m.ctxs[ctx];
                moved |= c.is_move;
                match c.parent {
                    Some(p) => ctx = p,
                    None => break,
                }
            }
            moved
        };
        if moved_into_closure {
            return true;
        }
        match u.kind {
            UseKind::Returned | UseKind::Stored | UseKind::Rebound(_) | UseKind::Macro => true,
            // `Arc::new(rt)` and `f(rt)` move the value, `f(&rt)` does not.
            UseKind::Arg(_) => !u.by_ref && !self.is_drop_use(file, u),
            UseKind::Receiver(call) => match &m.calls[call].callee {
                Callee::Method { name, .. } => !by_ref_methods.contains(&name.as_str()),
                Callee::Path { .. } => true,
            },
            UseKind::Awaited | UseKind::Other | UseKind::Discarded | UseKind::Called(_) => false,
        }
    }

    /// Whether code in `ctx` runs as part of `body` when `body` runs: `ctx` is `body` or lies in
    /// it through closures that run in place and async blocks awaited there, not through
    /// spawned tasks, threads or closures stored for later.
    pub fn runs_inline(&self, file: usize, ctx: CtxId, body: CtxId) -> bool {
        let m = &self.files[file];
        let mut ctx = ctx;
        for _ in 0..256 {
            if ctx == body {
                return true;
            }
            let c = &m.ctxs[ctx];
            let inline = match c.kind {
                CtxKind::Closure { is_async: false } => {
                    self.closure_role(file, ctx) == ClosureRole::Inherit
                }
                CtxKind::AsyncBlock | CtxKind::Closure { is_async: true } => {
                    c.awaited_in_place
                        || match c.arg_of {
                            Some((call, _)) => self.driver(file, call).is_none(),
                            None => false,
                        }
                }
                _ => false,
            };
            if !inline {
                return false;
            }
            match c.parent {
                Some(p) => ctx = p,
                None => return false,
            }
        }
        false
    }

    // ----- call graph -----

    /// The calls that target a fn.
    pub fn callers(&self, f: FnRef) -> &[CallRef] {
        &self.callers[f.0][f.1]
    }

    /// The calls in a fn's sync body.
    pub fn body_calls(&self, f: FnRef) -> &[CallId] {
        &self.body_calls[f.0][f.1]
    }

    /// "async fn `serve`", "an async block", "the `#[tokio::main]` fn `main`".
    pub fn describe_ctx(&self, file: usize, ctx: CtxId) -> String {
        let m = &self.files[file];
        let boundary = match self.exec(file, ctx) {
            Exec::Async { boundary, .. } => boundary,
            _ => ctx,
        };
        let c = &m.ctxs[boundary];
        match c.kind {
            CtxKind::Fn => match c.fn_id.map(|f| &m.fns[f]) {
                Some(f) => match &f.entry {
                    Some(e) => format!("the `#[{}]` fn `{}`", e.attr, f.name),
                    None if f.is_async => format!("async fn `{}`", f.name),
                    None => format!("fn `{}`", f.name),
                },
                None => "a fn".into(),
            },
            CtxKind::AsyncBlock => "an async block".into(),
            CtxKind::Closure { is_async: true } => "an async closure".into(),
            CtxKind::Closure { is_async: false } => "a closure".into(),
            CtxKind::Item => "an item".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ClosureRole {
    Root(SyncRoot),
    Inherit,
    Unknown,
}

/// Functions and methods whose closure argument runs on a thread of its own kind.
fn sync_root(path: &str) -> Option<SyncRoot> {
    Some(match path {
        "std::thread::spawn"
        | "std::thread::Builder::spawn"
        | "std::thread::Builder::spawn_scoped"
        | "std::thread::Scope::spawn" => SyncRoot::Thread,
        "tokio::task::spawn_blocking"
        | "tokio::task::block_in_place"
        | "tokio::runtime::Runtime::spawn_blocking"
        | "tokio::runtime::Handle::spawn_blocking"
        | "tokio::task::JoinSet::spawn_blocking"
        | "tokio_util::task::TaskTracker::spawn_blocking"
        | "tokio_util::task::JoinMap::spawn_blocking"
        | "tokio_util::task::JoinQueue::spawn_blocking"
        | "blocking::unblock"
        | "async_std::task::spawn_blocking"
        | "actix_web::web::block" => SyncRoot::Blocking,
        "rayon::spawn" | "rayon::spawn_fifo" | "rayon::Scope::spawn" | "rayon::join" => {
            SyncRoot::Rayon
        }
        _ => return None,
    })
}

/// Free functions that call their closure argument before they return.
fn is_inline_closure_fn(path: &str) -> bool {
    matches!(
        path,
        "std::panic::catch_unwind"
            | "std::thread::scope"
            | "rayon::scope"
            | "std::iter::from_fn"
            | "std::iter::successors"
            | "std::iter::repeat_with"
    )
}

/// Iterator, Option and Result adapters: their closures run where they are called.
fn is_combinator(name: &str) -> bool {
    matches!(
        name,
        "map"
            | "for_each"
            | "try_for_each"
            | "filter"
            | "filter_map"
            | "flat_map"
            | "and_then"
            | "or_else"
            | "map_err"
            | "map_or"
            | "map_or_else"
            | "unwrap_or_else"
            | "ok_or_else"
            | "fold"
            | "try_fold"
            | "any"
            | "all"
            | "find"
            | "find_map"
            | "position"
            | "take_while"
            | "skip_while"
            | "map_while"
            | "inspect"
            | "retain"
            | "sort_by"
            | "sort_by_key"
            | "sort_unstable_by"
            | "sort_unstable_by_key"
            | "max_by"
            | "max_by_key"
            | "min_by"
            | "min_by_key"
            | "then"
            | "then_some"
            | "get_or_insert_with"
            | "or_insert_with"
            | "or_insert_with_key"
            | "is_some_and"
            | "is_ok_and"
            | "is_none_or"
            | "partition"
            | "scan"
            | "dedup_by"
            | "dedup_by_key"
            | "zip_with"
            | "with"
    )
}

/// Method names of std and the watched crates: a crate method of the same name is not resolved
/// by name alone, since the receiver may be the library type.
fn is_common_method(name: &str) -> bool {
    is_combinator(name)
        || types::is_passthrough_method(name)
        || matches!(
            name,
            "new"
                | "default"
                | "run"
                | "start"
                | "stop"
                | "spawn"
                | "block_on"
                | "send"
                | "recv"
                | "try_recv"
                | "read"
                | "write"
                | "flush"
                | "close"
                | "shutdown"
                | "join"
                | "wait"
                | "poll"
                | "call"
                | "handle"
                | "enter"
                | "len"
                | "is_empty"
                | "iter"
                | "iter_mut"
                | "into_iter"
                | "push"
                | "pop"
                | "insert"
                | "remove"
                | "contains"
                | "get"
                | "set"
                | "take"
                | "replace"
                | "next"
                | "collect"
                | "extend"
                | "clear"
                | "build"
                | "connect"
                | "bind"
                | "accept"
                | "listen"
                | "load"
                | "store"
                | "from"
                | "into"
                | "to_string"
                | "fmt"
                | "eq"
                | "cmp"
                | "hash"
                | "drop"
                | "abort"
                | "cancel"
                | "notify"
                | "notify_one"
                | "notify_waiters"
                | "acquire"
                | "release"
                | "subscribe"
                | "unwrap_or"
                | "unwrap_or_default"
                | "as_str"
                | "as_slice"
                | "first"
                | "last"
                | "split"
                | "parse"
                | "process"
                | "execute"
                | "update"
                | "reset"
                | "finish"
                | "init"
                | "open"
                | "create"
                | "sleep"
                | "tick"
                | "lock"
                | "try_lock"
                | "blocking_recv"
                | "blocking_send"
                | "blocking_lock"
                | "blocking_read"
                | "blocking_write"
        )
}
