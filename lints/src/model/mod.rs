//! The semantic model: what a syn tree says about runtimes, tasks and async contexts, as plain
//! data. [`build`] makes a [`FileModel`] from one file in one walk; [`krate`] joins the files of a
//! crate into an index and a call graph and answers the questions rules ask ([`krate::CrateModel`]).

pub mod apis;
pub mod build;
pub mod docs;
pub mod executors;
pub mod krate;
pub mod macros;
pub mod outline;
pub mod ownership;
pub mod paths;
pub mod scope;
pub mod sinks;
pub mod sites;
pub mod spans;
pub mod summary;
pub mod tasks;
pub mod types;

use std::ops::Range;
pub use types::{Family, Flavor, Prov, Ty};

/// What the driver knows about the crate a file belongs to.
#[derive(Clone, Debug, Default)]
pub struct CrateInfo {
    pub name: String,
    pub kind: CrateKind,
    /// Dependencies as written in Cargo.toml; empty when no manifest is known.
    pub dependencies: Vec<Dependency>,
    /// Extra runtime-entry attributes from the configuration, e.g. `my_rt::main`.
    pub entry_attributes: Vec<String>,
    /// Extra blocking functions from the configuration (canonical paths, e.g. `my::io::read_all`).
    pub blocking_functions: Vec<String>,
    /// Crate names of the dependencies whose summaries say calls into them can be wrong
    /// somewhere: a file that names one may have a finding, as if it named a watched crate.
    pub summarized: Vec<String>,
}

impl CrateInfo {
    /// The crate as the analysis of a single file sees it: all of it but its name, its
    /// blocking functions and its summarized dependencies, which only checking the crate
    /// reads. Crates that see a file alike
    /// (the test crates of a package, each with its `mod common;`) get the same analysis of it.
    pub fn seen_by_files(&self) -> CrateInfo {
        CrateInfo {
            name: String::new(),
            blocking_functions: Vec::new(),
            summarized: Vec::new(),
            ..self.clone()
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CrateKind {
    Lib,
    Bin,
    Test,
    Example,
    Bench,
    BuildScript,
    /// A file given on the command line that belongs to no known target.
    #[default]
    Loose,
}

impl CrateKind {
    /// Whether the crate's root `fn main` is a program's entry point.
    pub fn has_main(self) -> bool {
        !matches!(self, CrateKind::Lib | CrateKind::Test)
    }
}

/// A dependency: the name code uses for it and the package it is (`rt = { package = "tokio" }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub package: String,
}

/// A `mod name;` item whose file the driver finds as rustc does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ModDecl {
    pub name: String,
    /// The `#[path = "..."]` attribute, if any.
    pub path_attr: Option<String>,
    /// Inline modules around the item, outermost first, with their `#[path]` attributes:
    /// `mod a { mod b; }` declares `b` with parents `[("a", None)]`.
    pub inline_parents: Vec<(String, Option<String>)>,
    pub range: Range<usize>,
}

pub type CtxId = usize;
pub type FnId = usize;
pub type CallId = usize;
pub type BindingId = usize;

/// A place where code runs: a fn body, a closure, an async block. Contexts nest.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ctx {
    pub kind: CtxKind,
    pub parent: Option<CtxId>,
    pub range: Range<usize>,
    /// Where a label about the context goes: `async fn name`, `async move`, `|x|`.
    pub head: Range<usize>,
    /// The fn item whose body this context is in.
    pub fn_id: Option<FnId>,
    /// The call this closure or async block is passed to, directly (through `&`, parentheses,
    /// `Box::pin`), with the argument index; `usize::MAX` marks the receiver.
    pub arg_of: Option<(CallId, usize)>,
    /// The closure is called where it is written (`(|| ..)()`).
    pub called_in_place: bool,
    /// The async block is awaited where it is written (`async { .. }.await`).
    pub awaited_in_place: bool,
    /// A `move` closure or `async move` block: captured bindings are moved into it.
    pub is_move: bool,
    /// The binding the closure or block is stored in (`let f = || ..;`).
    pub bound_to: Option<BindingId>,
    /// Inside a loop of the enclosing context.
    pub in_loop: bool,
    /// Inside a branch of the enclosing context (`if`, `match`, `&&`, `let .. else`).
    pub in_branch: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CtxKind {
    /// Outside any body: a `const` or `static` initializer.
    Item,
    /// A fn item's body.
    Fn,
    AsyncBlock,
    Closure {
        is_async: bool,
    },
}

/// The runtime-entry attribute of a fn (`#[tokio::main]`, `#[tokio::test]`, `#[actix_web::main]`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Entry {
    /// The attribute's canonical path, e.g. `tokio::main`.
    pub attr: String,
    pub flavor: Flavor,
    pub family: Family,
    pub is_test: bool,
    pub range: Range<usize>,
}

/// A fn item or method.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FnDef {
    pub name: String,
    /// Canonical path in the crate: `crate::net::connect`, `crate::net::Conn::open`.
    pub path: String,
    /// The self type of the impl the fn is in (`crate::net::Conn`), if any.
    pub impl_ty: Option<String>,
    /// The trait the impl is for, or the trait that declares this default method.
    pub trait_name: Option<String>,
    pub is_async: bool,
    pub is_pub: bool,
    pub has_self: bool,
    /// Takes `self` by value: a call moves the receiver into the method.
    pub self_by_value: bool,
    pub entry: Option<Entry>,
    /// `#[test]` (std's, not a runtime entry).
    pub is_test: bool,
    /// `#[should_panic]`: the fn is meant to panic.
    pub should_panic: bool,
    /// Test code: a test fn, or a fn in a `#[cfg(test)]` module, a module named `tests`, or a
    /// test or bench target.
    pub in_test: bool,
    /// The program's `fn main` (crate root of a binary, no entry attribute).
    pub is_main: bool,
    pub name_range: Range<usize>,
    pub line: usize,
    pub body: Option<CtxId>,
    /// What the signature says it returns (after `impl`/`Result`/`Option`/`Arc` peeling).
    pub ret: Prov,
    /// The return type is shared ownership (`Arc`, `Rc`, possibly in a `Result` or `Option`).
    pub ret_shared: bool,
    /// The signature has no return type (or `-> ()`).
    pub returns_unit: bool,
    /// The return type is a reference (`&T`, `Option<&T>`): the caller does not own the value.
    pub ret_ref: bool,
    /// The bindings of the parameters, in order, without the receiver; `None` for a parameter
    /// whose pattern is not a plain name.
    pub params: Vec<Option<BindingId>>,
    /// Inside an unparsed macro or a nested fn: never a deny-level witness.
    pub nested: bool,
}

impl FnDef {
    /// The name a reader knows it by: `Config::connect` for a method, `connect` for a fn.
    pub fn short_path(&self) -> String {
        match &self.impl_ty {
            Some(ty) => format!("{}::{}", paths::last_segment(ty), self.name),
            None => self.name.clone(),
        }
    }
}

/// How a name in a path resolves.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Res {
    /// A canonical path: `tokio::spawn`, `std::thread::spawn`, or `crate::a::b` inside the crate.
    Path(String),
    /// Candidates through glob imports of crate modules (`use super::*;`): first that exists wins.
    Globs(Vec<String>),
    Local(BindingId),
    Unresolved,
}

impl Call {
    /// The resolution of a path call's callee.
    pub fn callee_res(&self) -> Res {
        match &self.callee {
            Callee::Path { res, .. } => res.clone(),
            Callee::Method { .. } => Res::Unresolved,
        }
    }
}

impl Res {
    pub fn path(&self) -> Option<&str> {
        match self {
            Res::Path(p) => Some(p),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Callee {
    /// `path(args)`.
    Path { res: Res, text: String },
    /// `receiver.name(args)`.
    Method { name: String, receiver: Prov },
}

/// How the value of an expression is used by its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ValueUse {
    /// An expression statement, `let _ = ..`, or `drop(..)` of it.
    Discarded,
    Bound(BindingId),
    Awaited,
    /// The receiver of a method call.
    Receiver(CallId),
    /// An argument of a call.
    Arg(CallId),
    /// The value of a body, `return`, or a `break` value.
    Returned,
    /// Part of a struct, tuple, array, field assignment, or anything else.
    Other,
}

/// A call expression.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Call {
    pub callee: Callee,
    pub ctx: CtxId,
    pub range: Range<usize>,
    /// Where the primary label goes: the method name to the end of the call, or the whole path call.
    pub label_range: Range<usize>,
    /// The callee as written: the path of a path call, the method name of a method call.
    pub callee_range: Range<usize>,
    /// The `_` of `let _ = <this call>;`.
    pub wild_let: Option<Range<usize>>,
    pub args: Vec<Range<usize>>,
    /// For method calls: the receiver expression.
    pub receiver_range: Option<Range<usize>>,
    pub used_as: ValueUse,
    /// The innermost call whose argument (or receiver) this call is inside, in the same context.
    pub inside_arg_of: Option<CallId>,
    /// Found in a macro the model cannot expand (by a token scan, or in the items of a
    /// crate-defined macro): never reported at deny level.
    pub in_macro: bool,
    /// The source text of each short argument (up to 48 bytes), for literal checks.
    pub short_args: Vec<Option<String>>,
    /// Inside a loop body of its own context.
    pub in_loop: bool,
    /// Inside a `loop { .. }` of its own context (one that may never end).
    pub in_bare_loop: bool,
    /// Inside a branch of its own context (`if`, `match`, `&&`, `let .. else`): it may not
    /// run when its context does.
    pub in_branch: bool,
    /// The end of the block the call's statement is in.
    pub block_end: usize,
}

/// A `let` binding, a pattern binding, or a fn parameter.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Binding {
    pub name: String,
    pub ctx: CtxId,
    pub range: Range<usize>,
    /// Where the binding goes out of scope (the end of its block or body).
    pub scope_end: usize,
    pub prov: Prov,
    /// The call that produced the value, when the initializer is a call chain.
    pub init_call: Option<CallId>,
    pub is_param: bool,
    /// What the binding holds, as its type annotation or initializer says.
    pub held: Held,
    pub uses: Vec<Use>,
    /// The whole lines of its `let name = init;` statement when it has them to itself: what
    /// a suggestion that drops the binding removes.
    pub let_lines: Option<Range<usize>>,
}

/// How a binding holds its value: dropping an owned value ends it; dropping a reference or one
/// of several shared owners does not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Held {
    #[default]
    Owned,
    /// A reference: `let x = &y;`, `let x: &T = ..`.
    Borrowed,
    /// An `Arc` or `Rc`: `Arc::new(..)`, `Arc::clone(..)`, `let x: Arc<T> = ..`.
    Shared,
}

#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Use {
    pub range: Range<usize>,
    pub ctx: CtxId,
    pub kind: UseKind,
    /// Used through `&` or `&mut`.
    pub by_ref: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum UseKind {
    /// `x.method(..)`: the call.
    Receiver(CallId),
    /// `x(..)`: the binding (a closure) is called.
    Called(CallId),
    /// An argument of a call.
    Arg(CallId),
    Awaited,
    Returned,
    /// `let y = x;`
    Rebound(BindingId),
    /// Stored somewhere: a struct literal, a field or static assignment, a collection.
    Stored,
    /// Named inside an unparsed macro.
    Macro,
    /// An expression statement, or `let _ = x;` (which does not move it).
    Discarded,
    /// A field access or anything else.
    Other,
}

/// An `.await`.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AwaitPoint {
    pub ctx: CtxId,
    pub range: Range<usize>,
}

/// A macro whose body could not be parsed as expressions; calls in it were found by token scan.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MacroSite {
    pub ctx: CtxId,
    pub range: Range<usize>,
    pub name: String,
    /// The tokens contain `.await`.
    pub has_await: bool,
}

/// Where a body can be left early: `?` or `return`.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExitPoint {
    pub ctx: CtxId,
    pub offset: usize,
    /// A `return` (not a `?`).
    pub is_return: bool,
}

/// `#[cfg_attr(appstract_lint, allow(appstract::<lint>, ..))]` on an item, statement or
/// expression: the lints it names and the source it covers.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttrAllow {
    /// Each lint name with the range of its path in the attribute.
    pub lints: Vec<(String, Range<usize>)>,
    pub covered: Range<usize>,
    pub attr: Range<usize>,
}

/// A struct with the known types of its fields.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StructDef {
    pub path: String,
    pub fields: Vec<(String, Prov)>,
    /// Per field: its value is dropped with the struct (held by value or in a `Box`, not
    /// behind a reference, `Arc`, `Rc`, `Option` or another wrapper).
    pub owned: Vec<bool>,
}

/// An `impl Trait for Type` block: a type's trait methods include the trait's default methods.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImplDecl {
    pub self_ty: String,
    pub trait_name: String,
}

/// A `static` (or `lazy_static!`, `thread_local!`) with its known type.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StaticDef {
    pub path: String,
    pub prov: Prov,
}

/// A `use` item of a module (not one inside a fn body), for re-exports across files.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UseDecl {
    /// The path the item defines: `crate::a::name`.
    pub path: String,
    pub target: Res,
}

/// A glob `use` of a module (not one inside a fn body).
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GlobDecl {
    pub module: String,
    pub target: String,
}

/// Everything one file contributes to the crate model.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FileModel {
    pub path: String,
    pub module_path: Vec<String>,
    pub parsed: bool,
    pub ctxs: Vec<Ctx>,
    pub fns: Vec<FnDef>,
    pub calls: Vec<Call>,
    pub bindings: Vec<Binding>,
    pub awaits: Vec<AwaitPoint>,
    pub exits: Vec<ExitPoint>,
    pub macros: Vec<MacroSite>,
    pub structs: Vec<StructDef>,
    pub statics: Vec<StaticDef>,
    pub uses: Vec<UseDecl>,
    pub globs: Vec<GlobDecl>,
    pub allows: Vec<AttrAllow>,
    /// Trait impls (`impl Trait for Type`).
    pub impls: Vec<ImplDecl>,
    /// Names of the methods defined in this file's impls and traits.
    pub method_names: Vec<String>,
    /// Byte offsets where lines start, to name lines in notes about other files.
    pub line_starts: Vec<usize>,
}

impl FileModel {
    /// Whether anything in the file can take part in a finding: async code, a runtime entry
    /// attribute, or a path, type or static of a watched crate (tokio, futures, smol, ...).
    /// Every lint needs one of these in its crate, so a crate none of whose files has any is
    /// not checked.
    pub fn has_runtime_code(&self) -> bool {
        self.ctxs.iter().any(|c| {
            matches!(
                c.kind,
                CtxKind::AsyncBlock | CtxKind::Closure { is_async: true }
            )
        }) || self
            .fns
            .iter()
            .any(|f| f.is_async || f.entry.is_some() || watched_prov(&f.ret))
            || self.macros.iter().any(|m| m.has_await)
            || self.calls.iter().any(|c| match &c.callee {
                Callee::Path { res, .. } => watched_res(res),
                Callee::Method { receiver, .. } => watched_prov(receiver),
            })
            || self.bindings.iter().any(|b| watched_prov(&b.prov))
            || self.statics.iter().any(|s| watched_prov(&s.prov))
            || self
                .structs
                .iter()
                .any(|s| s.fields.iter().any(|(_, prov)| watched_prov(prov)))
            || self.uses.iter().any(|u| watched_res(&u.target))
            || self.globs.iter().any(|g| watched_path(&g.target))
    }

    /// The crates the file's calls and types name by path (`serde_json::to_string(..)`, a
    /// binding of type `db::Pool`), besides the crate itself and std: the dependencies whose
    /// summaries could matter to it.
    pub fn named_crates(&self) -> std::collections::BTreeSet<&str> {
        fn of_prov<'a>(prov: &'a Prov, out: &mut std::collections::BTreeSet<&'a str>) {
            match prov {
                Prov::Known(Ty::Crate(path)) | Prov::Ret(Res::Path(path)) => {
                    out.insert(paths::first_segment(path));
                }
                Prov::Field(base, _) | Prov::MethodRet(base, _) | Prov::TupleField(base, _) => {
                    of_prov(base, out)
                }
                _ => {}
            }
        }
        let mut out = std::collections::BTreeSet::new();
        for call in &self.calls {
            match &call.callee {
                Callee::Path {
                    res: Res::Path(path),
                    ..
                } => {
                    out.insert(paths::first_segment(path));
                }
                Callee::Method { receiver, .. } => of_prov(receiver, &mut out),
                _ => {}
            }
        }
        for binding in &self.bindings {
            of_prov(&binding.prov, &mut out);
        }
        for s in &self.structs {
            for (_, prov) in &s.fields {
                of_prov(prov, &mut out);
            }
        }
        for f in &self.fns {
            of_prov(&f.ret, &mut out);
        }
        out.retain(|name| !matches!(*name, "crate" | "std" | "core" | "alloc" | "self" | "super"));
        out
    }

    /// Gives back the spare capacity the walk left: a crate's models are held until it is
    /// checked, and vectors grown by doubling are a third empty on average.
    pub fn shrink_to_fit(&mut self) {
        self.ctxs.shrink_to_fit();
        self.fns.shrink_to_fit();
        self.calls.shrink_to_fit();
        for call in &mut self.calls {
            call.args.shrink_to_fit();
            call.short_args.shrink_to_fit();
        }
        self.bindings.shrink_to_fit();
        for binding in &mut self.bindings {
            binding.uses.shrink_to_fit();
        }
        self.awaits.shrink_to_fit();
        self.exits.shrink_to_fit();
        self.macros.shrink_to_fit();
        self.structs.shrink_to_fit();
        self.statics.shrink_to_fit();
        self.uses.shrink_to_fit();
        self.globs.shrink_to_fit();
        self.allows.shrink_to_fit();
        self.impls.shrink_to_fit();
        self.method_names.shrink_to_fit();
        self.line_starts.shrink_to_fit();
    }

    /// For a use as the receiver of a method call (`x.name(..)`): the call and the method name.
    pub fn method_call_on(&self, u: &Use) -> Option<(CallId, &str)> {
        match u.kind {
            UseKind::Receiver(call) => match &self.calls[call].callee {
                Callee::Method { name, .. } => Some((call, name.as_str())),
                Callee::Path { .. } => None,
            },
            _ => None,
        }
    }

    /// The call whose value is the receiver of method call `call` (`a()` in `a().b()`).
    pub fn receiver_call(&self, call: CallId) -> Option<CallId> {
        self.calls
            .iter()
            .position(|c| c.used_as == ValueUse::Receiver(call))
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// Whether `inner` is `outer` or lies inside it.
    pub fn ctx_within(&self, mut inner: CtxId, outer: CtxId) -> bool {
        loop {
            if inner == outer {
                return true;
            }
            match self.ctxs[inner].parent {
                Some(p) => inner = p,
                None => return false,
            }
        }
    }
}

fn watched_path(path: &str) -> bool {
    let root = paths::first_segment(path);
    paths::WATCHED_CRATES.contains(&root)
}

fn watched_res(res: &Res) -> bool {
    match res {
        Res::Path(path) => watched_path(path),
        Res::Globs(paths) => paths.iter().any(|p| watched_path(p)),
        Res::Local(_) | Res::Unresolved => false,
    }
}

fn watched_ty(ty: &Ty) -> bool {
    match ty {
        Ty::Lib { path, .. } => watched_path(path),
        Ty::Crate(_) => false,
        Ty::Tuple(parts) => parts.iter().flatten().any(watched_ty),
    }
}

/// Whether a provenance names a watched crate's type or item (`Local` is judged by its binding).
fn watched_prov(prov: &Prov) -> bool {
    match prov {
        Prov::Unknown | Prov::Local(_) => false,
        Prov::Known(ty) => watched_ty(ty),
        Prov::Ret(res) | Prov::Static(res) => watched_res(res),
        Prov::Field(base, _) | Prov::MethodRet(base, _) | Prov::TupleField(base, _) => {
            watched_prov(base)
        }
    }
}

#[cfg(test)]
mod tests;
