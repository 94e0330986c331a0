//! Name resolution inside one file: lexical scopes with items, `use` imports, globs and local
//! bindings, then the extern prelude (dependencies with their renames, the watched crates, std).
//! Paths into the crate come out as `crate::...` and are finished by the crate index, which
//! knows the other files' items and re-exports. What cannot be resolved stays unresolved.

use super::paths;
use super::{BindingId, Res};
use foldhash::{HashMap, HashMapExt};
use std::cell::Cell;
use std::fmt::Write as _;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// A module: names from outside it are not visible inside (only the prelude is).
    Module,
    /// A fn body: local bindings from outside it are not visible inside.
    FnBody,
    /// A block, closure or async block.
    Block,
}

#[derive(Clone, Debug)]
struct Import {
    segments: Vec<String>,
    leading_colon: bool,
}

#[derive(Clone, Debug)]
struct Scope {
    kind: ScopeKind,
    /// The module the scope is in, as `crate::a::b`; shared by the scopes inside it.
    module: Rc<str>,
    /// Items declared in the scope, with their canonical paths.
    items: HashMap<String, String>,
    imports: HashMap<String, Import>,
    globs: Vec<Import>,
    /// `use path::Trait as _;`: traits in scope without a name.
    anonymous: Vec<Import>,
    locals: Vec<(String, BindingId)>,
}

/// The resolver's state during the walk of one file.
pub struct Scopes {
    stack: Vec<Scope>,
    /// Dependency names as code writes them -> crate names (`rt` -> `tokio`).
    deps: HashMap<String, String>,
    /// What `crate::` means: `crate`, or `crate::<lib>` for a library checked with a binary.
    crate_root: String,
    /// Self types of the impls around the current point.
    self_types: Vec<Option<String>>,
    /// Strings to write a path's segments into, reused by [`Scopes::with_segments`].
    segments: Cell<Vec<String>>,
}

const MAX_DEPTH: usize = 12;

/// How a lookup proceeds: which import it must not use (the one being resolved), how deep it
/// is, and whether globs may answer.
#[derive(Clone, Copy)]
struct Lookup<'n> {
    skip_import: Option<(usize, &'n str)>,
    depth: usize,
    through_globs: bool,
}

impl Scopes {
    pub fn new(deps: HashMap<String, String>, crate_root: String) -> Scopes {
        Scopes {
            stack: Vec::new(),
            deps,
            crate_root,
            self_types: Vec::new(),
            segments: Cell::new(Vec::new()),
        }
    }

    pub fn push(&mut self, kind: ScopeKind, module: Option<String>) {
        let module = match (module, self.stack.last()) {
            (Some(module), _) => Rc::from(module),
            (None, Some(outer)) => Rc::clone(&outer.module),
            (None, None) => Rc::from("crate"),
        };
        self.stack.push(Scope {
            kind,
            module,
            items: HashMap::new(),
            imports: HashMap::new(),
            globs: Vec::new(),
            anonymous: Vec::new(),
            locals: Vec::new(),
        });
    }

    pub fn pop(&mut self) {
        self.stack.pop();
    }

    pub fn module(&self) -> &str {
        self.stack.last().map_or("crate", |s| &s.module)
    }

    pub fn push_self_type(&mut self, ty: Option<String>) {
        self.self_types.push(ty);
    }

    pub fn pop_self_type(&mut self) {
        self.self_types.pop();
    }

    pub fn crate_root(&self) -> &str {
        &self.crate_root
    }

    pub fn self_type(&self) -> Option<&str> {
        self.self_types.last().and_then(|t| t.as_deref())
    }

    pub fn add_item(&mut self, name: &str, path: String) {
        if let Some(scope) = self.stack.last_mut() {
            scope.items.insert(name.to_string(), path);
        }
    }

    pub fn add_local(&mut self, name: &str, id: BindingId) {
        if let Some(scope) = self.stack.last_mut() {
            scope.locals.push((name.to_string(), id));
        }
    }

    /// Registers the names a `use` tree brings into the current scope; returns them with their
    /// resolutions (`(name, target)`, glob targets with the name `*`).
    pub fn add_use(&mut self, tree: &syn::UseTree, leading_colon: bool) -> Vec<(String, Res)> {
        let mut names = Vec::new();
        let mut prefix = Vec::new();
        flatten_use(tree, &mut prefix, &mut names);
        let mut added = Vec::new();
        for (name, segments) in names {
            let import = Import {
                segments,
                leading_colon,
            };
            let Some(scope) = self.stack.last_mut() else {
                continue;
            };
            match name {
                Some(name) if name != "_" => {
                    scope.imports.insert(name.clone(), import);
                    added.push(name);
                }
                Some(_) => scope.anonymous.push(import),
                None => {
                    scope.globs.push(import);
                    added.push("*".to_string());
                }
            }
        }
        let top = self.stack.len().saturating_sub(1);
        added
            .into_iter()
            .map(|name| {
                let res = if name == "*" {
                    match self.stack[top].globs.last() {
                        Some(glob) => self.resolve_import(glob, top, None, 0),
                        None => Res::Unresolved,
                    }
                } else {
                    match self.stack[top].imports.get(&name) {
                        Some(import) => self.resolve_import(import, top, Some(&name), 0),
                        None => Res::Unresolved,
                    }
                };
                (name, res)
            })
            .collect()
    }

    /// Whether a trait (by canonical path) is in scope: imported by name, as `_`, or by a glob.
    pub fn has_trait(&self, canonical: &str) -> bool {
        let name = paths::last_segment(canonical);
        for i in (0..self.stack.len()).rev() {
            let scope = &self.stack[i];
            let named = scope.imports.values().chain(&scope.anonymous);
            for import in named {
                if self.resolve_import(import, i, None, 0) == Res::Path(canonical.to_string()) {
                    return true;
                }
            }
            for glob in &scope.globs {
                if let Res::Path(module) = self.resolve_import(glob, i, None, 0) {
                    let exported = paths::glob_exports(&module).is_some_and(|e| e.contains(&name));
                    if exported && paths::canonical(format!("{module}::{name}")) == canonical {
                        return true;
                    }
                }
            }
            if scope.kind == ScopeKind::Module {
                break;
            }
        }
        false
    }

    /// Resolves a path in value position (single segments may name local bindings).
    pub fn resolve_value(&self, path: &syn::Path) -> Res {
        self.resolve_syn_path(path, true)
    }

    /// The local binding a path in value position names, if it names one: what
    /// [`Scopes::resolve_value`] answers with `Res::Local`, without resolving the paths it
    /// would answer otherwise (most path expressions are not locals).
    pub fn local(&self, path: &syn::Path) -> Option<BindingId> {
        if path.leading_colon.is_some() || path.segments.len() != 1 {
            return None;
        }
        self.with_segments(path, |segments| self.local_named(&segments[0]))
    }

    /// [`Scopes::resolve_from`] for one segment in value position, from the innermost scope,
    /// stopping wherever it would answer anything but a local.
    fn local_named(&self, name: &str) -> Option<BindingId> {
        if matches!(name, "crate" | "super" | "Self") {
            return None;
        }
        let mut locals_visible = true;
        for i in (0..self.stack.len()).rev() {
            let scope = &self.stack[i];
            if locals_visible {
                if let Some((_, id)) = scope.locals.iter().rev().find(|(n, _)| n == name) {
                    return Some(*id);
                }
            }
            if scope.items.contains_key(name)
                || scope.imports.contains_key(name)
                || self.resolve_glob(i, name, &[], 0).is_some()
            {
                return None;
            }
            match scope.kind {
                ScopeKind::Module => break,
                ScopeKind::FnBody => locals_visible = false,
                ScopeKind::Block => {}
            }
        }
        None
    }

    /// Resolves a path in type or macro position.
    pub fn resolve_type(&self, path: &syn::Path) -> Res {
        self.resolve_syn_path(path, false)
    }

    fn resolve_syn_path(&self, path: &syn::Path, values: bool) -> Res {
        self.with_segments(path, |segments| {
            self.resolve(segments, path.leading_colon.is_some(), values)
        })
    }

    /// Calls `f` with a path's segments as strings. The walk looks up most paths it meets, so
    /// the strings are kept from one call to the next rather than allocated each time.
    fn with_segments<T>(&self, path: &syn::Path, f: impl FnOnce(&[String]) -> T) -> T {
        let mut segments = self.segments.take();
        let count = path.segments.len();
        if segments.len() < count {
            segments.resize_with(count, String::new);
        }
        for (text, segment) in segments.iter_mut().zip(&path.segments) {
            text.clear();
            write!(text, "{}", segment.ident).expect("writing to a String cannot fail");
        }
        let out = f(&segments[..count]);
        self.segments.set(segments);
        out
    }

    pub fn resolve(&self, segments: &[String], leading_colon: bool, values: bool) -> Res {
        let top = match self.stack.len() {
            0 => return Res::Unresolved,
            n => n - 1,
        };
        let lookup = Lookup {
            skip_import: None,
            depth: 0,
            through_globs: true,
        };
        self.resolve_from(segments, leading_colon, values, top, lookup)
    }

    fn resolve_from(
        &self,
        segments: &[String],
        leading_colon: bool,
        values: bool,
        top: usize,
        lookup: Lookup<'_>,
    ) -> Res {
        let Lookup {
            skip_import,
            depth,
            through_globs,
        } = lookup;
        let Some(first) = segments.first() else {
            return Res::Unresolved;
        };
        if depth > MAX_DEPTH {
            return Res::Unresolved;
        }
        let rest = &segments[1..];
        if leading_colon {
            return self.extern_path(segments);
        }
        match first.as_str() {
            "crate" => return Res::Path(join(&self.crate_root, rest)),
            "self" if !rest.is_empty() => return Res::Path(join(&self.stack[top].module, rest)),
            "super" => {
                let mut module = self.stack[top].module.to_string();
                let mut rest = segments;
                while rest.first().map(String::as_str) == Some("super") {
                    module = paths::parent_path(&module).to_string();
                    if module.is_empty() {
                        return Res::Unresolved;
                    }
                    rest = &rest[1..];
                }
                return Res::Path(join(&module, rest));
            }
            "Self" => {
                return match self.self_type() {
                    Some(ty) => Res::Path(paths::canonical(join(ty, rest))),
                    None => Res::Unresolved,
                }
            }
            _ => {}
        }
        let mut locals_visible = values && rest.is_empty();
        for i in (0..=top).rev() {
            let scope = &self.stack[i];
            if locals_visible {
                if let Some((_, id)) = scope.locals.iter().rev().find(|(n, _)| n == first) {
                    return Res::Local(*id);
                }
            }
            if let Some(path) = scope.items.get(first) {
                return Res::Path(paths::canonical(join(path, rest)));
            }
            if let Some(import) = scope.imports.get(first) {
                let skipped = skip_import == Some((i, first.as_str()));
                if !skipped {
                    return match self.resolve_import(import, i, Some(first), depth + 1) {
                        Res::Path(p) => Res::Path(paths::canonical(join(&p, rest))),
                        Res::Globs(c) => {
                            Res::Globs(c.into_iter().map(|p| join(&p, rest)).collect())
                        }
                        other => other,
                    };
                }
            }
            if through_globs {
                if let Some(res) = self.resolve_glob(i, first, rest, depth) {
                    return res;
                }
            }
            match scope.kind {
                ScopeKind::Module => break,
                ScopeKind::FnBody => locals_visible = false,
                ScopeKind::Block => {}
            }
        }
        self.extern_path(segments)
    }

    /// A name through the globs of scope `i`: a watched module's export table, or candidates
    /// in crate modules (checked against the crate index later).
    fn resolve_glob(&self, i: usize, name: &str, rest: &[String], depth: usize) -> Option<Res> {
        let scope = &self.stack[i];
        if scope.globs.is_empty() || self.is_extern_name(name) {
            return None;
        }
        let mut found: Vec<String> = Vec::new();
        let mut crate_candidates: Vec<String> = Vec::new();
        for glob in &scope.globs {
            let Res::Path(module) = self.resolve_import(glob, i, None, depth + 1) else {
                continue;
            };
            if module.starts_with("crate") {
                crate_candidates.push(join(&format!("{module}::{name}"), rest));
            } else if let Some(exports) = paths::glob_exports(&module) {
                if exports.contains(&name) {
                    found.push(paths::canonical(join(&format!("{module}::{name}"), rest)));
                }
            }
        }
        // A crate module exporting the same name as a watched glob would not compile, so one
        // watched match wins over unverified crate candidates.
        match (found.len(), crate_candidates.is_empty()) {
            (1, _) => Some(Res::Path(found.pop().unwrap_or_default())),
            (0, false) => Some(Res::Globs(crate_candidates)),
            (0, true) => None,
            // Two sources for one name: ambiguous, so unresolved.
            _ => Some(Res::Unresolved),
        }
    }

    fn resolve_import(
        &self,
        import: &Import,
        scope: usize,
        name: Option<&str>,
        depth: usize,
    ) -> Res {
        let segments = &import.segments;
        if segments.is_empty() {
            return Res::Unresolved;
        }
        // `use tokio;` / `use tokio::{self}`: the name is the crate itself.
        if segments.len() == 1 && Some(segments[0].as_str()) == name {
            return self.extern_path(segments);
        }
        let skip = name.map(|n| (scope, n));
        // The first segment of a `use` path is a crate, `crate`/`self`/`super`, or a name declared
        // or imported by name: never a glob's (which also keeps resolution linear).
        let lookup = Lookup {
            skip_import: skip,
            depth: depth + 1,
            through_globs: false,
        };
        self.resolve_from(segments, import.leading_colon, false, scope, lookup)
    }

    fn is_extern_name(&self, name: &str) -> bool {
        self.deps.contains_key(name) || paths::is_known_crate(name)
    }

    fn extern_path(&self, segments: &[String]) -> Res {
        let first = segments[0].as_str();
        let rest = &segments[1..];
        if let Some(krate) = self.deps.get(first) {
            return Res::Path(paths::canonical(join(krate, rest)));
        }
        if paths::is_known_crate(first) {
            return Res::Path(paths::canonical(join(first, rest)));
        }
        if let Some(path) = paths::prelude(first) {
            return Res::Path(paths::canonical(join(path, rest)));
        }
        Res::Unresolved
    }
}

fn join(base: &str, rest: &[String]) -> String {
    let mut out = base.to_string();
    for segment in rest {
        out.push_str("::");
        out.push_str(segment);
    }
    out
}

/// Flattens a use tree into `(name, path)` pairs; globs have no name.
fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Option<String>, Vec<String>)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let ident = n.ident.to_string();
            if ident == "self" {
                if let Some(last) = prefix.last() {
                    out.push((Some(last.clone()), prefix.clone()));
                }
            } else {
                let mut path = prefix.clone();
                path.push(ident.clone());
                out.push((Some(ident), path));
            }
        }
        syn::UseTree::Rename(r) => {
            let ident = r.ident.to_string();
            let path = if ident == "self" {
                prefix.clone()
            } else {
                let mut path = prefix.clone();
                path.push(ident);
                path
            };
            out.push((Some(r.rename.to_string()), path));
        }
        syn::UseTree::Glob(_) => out.push((None, prefix.clone())),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                flatten_use(item, prefix, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes_with(uses: &str) -> Scopes {
        let mut deps = HashMap::new();
        deps.insert("rt".to_string(), "tokio".to_string());
        let mut scopes = Scopes::new(deps, "crate".into());
        scopes.push(ScopeKind::Module, Some("crate".into()));
        let file: syn::File = syn::parse_str(uses).unwrap();
        for item in file.items {
            if let syn::Item::Use(u) = item {
                scopes.add_use(&u.tree, u.leading_colon.is_some());
            }
        }
        scopes
    }

    fn res(scopes: &Scopes, path: &str) -> Res {
        let path: syn::Path = syn::parse_str(path).unwrap();
        scopes.resolve_value(&path)
    }

    fn p(s: &str) -> Res {
        Res::Path(s.to_string())
    }

    #[test]
    fn locals_are_found_as_resolution_finds_them() {
        let mut s = scopes_with("use tokio::task::*; use crate::util::*; use std::sync::Arc as x;");
        s.add_item("item", "crate::item".to_string());
        s.add_local("self", 0);
        s.add_local("outer", 1);
        s.push(ScopeKind::FnBody, None);
        s.add_local("param", 2);
        s.add_local("x", 3);
        s.push(ScopeKind::Block, None);
        s.add_item("param", "crate::f::param".to_string());
        s.add_local("inner", 4);
        s.add_local("spawn", 5);
        s.push(ScopeKind::Block, None);
        s.add_local("inner", 6);
        let names = [
            "inner",
            "spawn",
            "param",
            "x",
            "outer",
            "self",
            "item",
            "helper",
            "crate",
            "super",
            "Self",
            "::inner",
            "inner::a",
            "self::inner",
            "Some",
            "missing",
        ];
        for name in names {
            let path: syn::Path = syn::parse_str(name).unwrap();
            let expected = match s.resolve_value(&path) {
                Res::Local(id) => Some(id),
                _ => None,
            };
            assert_eq!(s.local(&path), expected, "{name}");
        }
        let found = |name| s.local(&syn::parse_str(name).unwrap());
        assert_eq!(
            (found("inner"), found("x"), found("param")),
            (Some(6), Some(3), None)
        );
    }

    #[test]
    fn use_trees_and_renames() {
        let s = scopes_with(
            "use tokio::{runtime::{self, Runtime as Rt}, task::spawn as go}; use futures::executor::block_on;",
        );
        assert_eq!(res(&s, "Rt::new"), p("tokio::runtime::Runtime::new"));
        assert_eq!(res(&s, "runtime::Handle"), p("tokio::runtime::Handle"));
        assert_eq!(res(&s, "go"), p("tokio::spawn"));
        assert_eq!(res(&s, "block_on"), p("futures_executor::block_on"));
        assert_eq!(res(&s, "tokio::task::spawn"), p("tokio::spawn"));
    }

    #[test]
    fn dependency_renames_and_extern_crate_paths() {
        let s = scopes_with("use rt::runtime::Builder;");
        assert_eq!(
            res(&s, "Builder::new_current_thread"),
            p("tokio::runtime::Builder::new_current_thread")
        );
        assert_eq!(res(&s, "rt::spawn"), p("tokio::spawn"));
        assert_eq!(res(&s, "::tokio::spawn"), p("tokio::spawn"));
    }

    #[test]
    fn globs_use_export_tables() {
        let s = scopes_with("use tokio::task::*; use crate::util::*;");
        assert_eq!(res(&s, "spawn_blocking"), p("tokio::task::spawn_blocking"));
        assert_eq!(
            res(&s, "helper"),
            Res::Globs(vec!["crate::util::helper".to_string()])
        );
        let ambiguous = scopes_with("use tokio::task::*; use async_std::task::*;");
        assert_eq!(res(&ambiguous, "spawn"), Res::Unresolved);
    }

    #[test]
    fn locals_and_items_shadow_imports() {
        let mut s = scopes_with("use tokio::spawn;");
        s.push(ScopeKind::FnBody, None);
        s.add_local("spawn", 7);
        assert_eq!(res(&s, "spawn"), Res::Local(7));
        s.pop();
        s.add_item("spawn", "crate::spawn".into());
        assert_eq!(res(&s, "spawn"), p("crate::spawn"));
    }

    #[test]
    fn locals_do_not_cross_fn_items_and_modules_hide_outer_names() {
        let mut s = scopes_with("use tokio::spawn;");
        s.push(ScopeKind::FnBody, None);
        s.add_local("x", 1);
        s.push(ScopeKind::FnBody, None);
        assert_eq!(res(&s, "x"), Res::Unresolved);
        assert_eq!(res(&s, "spawn"), p("tokio::spawn"));
        s.push(ScopeKind::Module, Some("crate::inner".into()));
        assert_eq!(res(&s, "spawn"), Res::Unresolved);
        assert_eq!(res(&s, "super::helper"), p("crate::helper"));
        assert_eq!(res(&s, "self::helper"), p("crate::inner::helper"));
    }

    #[test]
    fn own_module_named_like_a_crate_shadows_it() {
        let mut s = scopes_with("");
        s.add_item("tokio", "crate::tokio".into());
        assert_eq!(res(&s, "tokio::spawn"), p("crate::tokio::spawn"));
    }
}
