//! One walk over a file's syntax tree that builds its [`FileModel`]: contexts, fns, calls with
//! resolved callees and receiver provenance, bindings with their uses, awaits and exits.

use super::docs;
use super::macros::{self, MacroBody};
use super::scope::{ScopeKind, Scopes};
use super::spans;
use super::types::{self, Family, Flavor, Prov, Ty};
use super::*;
use crate::guard::Lexed;
use crate::{Diagnostic, FileAnalysis, FileInput, Label, Level, SYNTAX_ERROR};
use foldhash::HashMap;
use quote::ToTokens;
use std::cell::Cell;
use std::fmt::Write as _;
use std::rc::Rc;
use syn::spanned::Spanned;

/// Recursion limit of the walk; deeper code is not modelled (the parser has its own limits).
pub(super) const MAX_DEPTH: usize = 600;

/// Builds a file's model; `lexed` is what the nesting guard found in its text.
pub fn analyze(krate: &CrateInfo, input: FileInput<'_>, lexed: &Lexed) -> FileAnalysis {
    let source = input.source;
    let mut model = FileModel {
        path: input.path.to_string(),
        module_path: input.module_path.to_vec(),
        ..FileModel::default()
    };
    let (base, _) = parsable_text(source);
    let mut diagnostics = Vec::new();
    let mut modules = Vec::new();
    let parsed = docs::parse(source, base, &lexed.line_doc_comments, |text| {
        syn::parse_str::<syn::File>(text)
    });
    match parsed {
        Ok((file, source)) => {
            model.parsed = true;
            let mut builder = Builder::new(krate, &source, base, model);
            builder.file(&file);
            modules = builder.modules;
            model = builder.m;
            model.shrink_to_fit();
        }
        Err(err) => {
            model.line_starts = spans::line_starts(source);
            diagnostics.push(syntax_error(source, base, &err));
        }
    }
    FileAnalysis {
        model,
        modules,
        diagnostics,
    }
}

/// The error for a file that does not parse, at the place syn stopped.
/// When the text does not even split into tokens, syn's lexer says only `cannot parse string
/// into token stream`: the error is then what rustc would say ([`crate::delimiters`]).
pub(super) fn syntax_error(source: &str, base: usize, err: &syn::Error) -> Diagnostic {
    let lexing = err.to_string() == "cannot parse string into token stream";
    if let Some(problem) = lexing
        .then(|| crate::delimiters::find(source, base))
        .flatten()
    {
        let mut labels = problem.labels.into_iter();
        let (range, label) = labels.next().unwrap_or((0..0, String::new()));
        let mut diagnostic = Diagnostic::new(
            SYNTAX_ERROR,
            Level::Deny,
            format!("this file does not parse: {}", problem.message),
            Label::new(range, label),
        );
        diagnostic.secondary = labels
            .map(|(range, message)| Label::new(range, message))
            .collect();
        diagnostic.notes = problem.notes;
        return diagnostic;
    }
    let range = err.span().byte_range();
    let start = (base + range.start).min(source.len());
    let end = (base + range.end).clamp(start, source.len());
    Diagnostic::new(
        SYNTAX_ERROR,
        Level::Deny,
        format!("this file does not parse: {err}"),
        Label::new(start..end, err.to_string()),
    )
}

/// The part of the source syn parses (after a BOM and a shebang line) and its byte offset.
pub(super) fn parsable_text(source: &str) -> (usize, &str) {
    let mut base = 0;
    if source.starts_with('\u{feff}') {
        base = '\u{feff}'.len_utf8();
    }
    let rest = &source[base..];
    if let Some(after) = rest.strip_prefix("#!") {
        // `#![attr]` is an inner attribute, not a shebang.
        if !after.trim_start().starts_with('[') {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            base += line_end;
        }
    }
    (base, &source[base..])
}

/// The first type argument of a path's last segment: `T` of `Arc<T>`.
fn first_type_arg(path: &syn::Path) -> Option<&syn::Type> {
    match &path.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The loops around the current point, in the current context.
#[derive(Clone, Copy, Debug, Default)]
struct Loops {
    any: usize,
    /// `loop { .. }`: may run forever.
    bare: usize,
    /// Branches: `if`/`else` blocks, `match` arms, the right side of `&&` and `||`, the
    /// `else` of `let .. else`.
    branch: usize,
}

/// How an expression's value is used by its parent, while walking down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parent {
    Discard,
    Bind(BindingId),
    Await,
    Receiver(CallId),
    Arg(CallId, usize),
    Return,
    Stored,
    Other,
}

struct Builder<'a> {
    krate: &'a CrateInfo,
    source: &'a str,
    base: usize,
    offsets: spans::Offsets,
    m: FileModel,
    modules: Vec<ModDecl>,
    scopes: Scopes,
    /// Paths items get in the current scope: the module path, or a fn's path inside its body.
    item_prefix: Vec<String>,
    inline_mods: Vec<(String, Option<String>)>,
    ctx: CtxId,
    fn_id: Option<FnId>,
    arg_of: Option<CallId>,
    loops: Loops,
    block_end: usize,
    depth: usize,
    /// Walking items of a macro that may rewrite them: what is found is uncertain.
    in_item_macro: bool,
    /// Inside test code (`#[cfg(test)]`, a `tests` module, a test target).
    in_test: bool,
    /// The items of item macros (`cfg_if!`) parsed while declaring names, for the walk that
    /// follows, keyed by the place of the macro's `!`: the walk takes them instead of parsing
    /// the tokens again. (Macros in re-parsed bodies have the same places; a place always
    /// holds the same tokens, so the items are the same.)
    macro_items: HashMap<(usize, usize), Rc<Vec<syn::Item>>>,
    /// Crate names of the dependencies that are not watched crates.
    dependency_crates: foldhash::HashSet<String>,
    /// The range of the expression being walked, when its caller already has it (a call's
    /// receiver or argument): the first [`Builder::erange`] of the walk takes it. Set only
    /// while that expression is walked, so the address is never another's.
    known_range: Cell<Option<(*const syn::Expr, Range<usize>)>>,
}

impl<'a> Builder<'a> {
    fn new(krate: &'a CrateInfo, source: &'a str, base: usize, mut m: FileModel) -> Self {
        let deps: HashMap<String, String> = krate
            .dependencies
            .iter()
            .map(|d| (d.name.replace('-', "_"), d.package.replace('-', "_")))
            .collect();
        let crate_root = "crate".to_string();
        let dependency_crates = deps
            .values()
            .filter(|krate| !paths::is_known_crate(krate) && !krate.starts_with("crate"))
            .cloned()
            .collect();
        let module = module_path_string(&m.module_path);
        let in_test = matches!(krate.kind, CrateKind::Test | CrateKind::Bench)
            || m.module_path.iter().any(|s| s == "tests" || s == "test");
        let offsets = spans::Offsets::new(&source[base..]);
        // The parsed text is the source itself unless a byte order mark or shebang precedes it.
        m.line_starts = match base {
            0 => offsets.line_starts().to_vec(),
            _ => spans::line_starts(source),
        };
        Builder {
            krate,
            source,
            base,
            offsets,
            m,
            modules: Vec::new(),
            scopes: Scopes::new(deps, crate_root),
            item_prefix: vec![module],
            inline_mods: Vec::new(),
            ctx: 0,
            fn_id: None,
            arg_of: None,
            loops: Loops::default(),
            block_end: source.len(),
            depth: 0,
            in_item_macro: false,
            in_test,
            macro_items: HashMap::default(),
            dependency_crates,
            known_range: Cell::new(None),
        }
    }

    fn macro_place(mac: &syn::Macro) -> (usize, usize) {
        let at = mac.bang_token.span.start();
        (at.line, at.column)
    }

    /// The items of an item macro, for declaring its names; kept for [`Self::walked_macro_items`].
    fn declared_macro_items(&mut self, mac: &syn::Macro) -> Option<Rc<Vec<syn::Item>>> {
        let items = Rc::new(macros::items(mac)?);
        self.macro_items
            .insert(Self::macro_place(mac), Rc::clone(&items));
        Some(items)
    }

    /// The items of an item macro, for walking them: those parsed to declare them, if any.
    fn walked_macro_items(&mut self, mac: &syn::Macro) -> Option<Rc<Vec<syn::Item>>> {
        match self.macro_items.remove(&Self::macro_place(mac)) {
            Some(items) => Some(items),
            None => macros::items(mac).map(Rc::new),
        }
    }

    fn range<T: Spanned>(&self, node: &T) -> Range<usize> {
        let span = node.span();
        self.span_range(span, span)
    }

    fn span_range(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> Range<usize> {
        self.offsets.range(self.base, first, last)
    }

    /// Where a single token (an identifier, keyword or punctuation) starts, from its span
    /// alone: without printing it back to tokens as [`Spanned`] does, nor looking up its end.
    fn token_start(&self, span: proc_macro2::Span) -> usize {
        self.offsets.range_start(self.base, span)
    }

    /// Where a single token ends, without looking up its start.
    fn token_end(&self, span: proc_macro2::Span) -> usize {
        self.offsets.range_end(self.base, span)
    }

    /// The range from `start` to the end of the token `last`, as [`Builder::span_range`] has it.
    fn range_to(&self, start: usize, last: proc_macro2::Span) -> Range<usize> {
        start..self.token_end(last).max(start)
    }

    /// The range of an identifier whose text the caller has: it ends that many bytes after
    /// it starts.
    fn ident_range(&self, ident: &syn::Ident, text: &str) -> Range<usize> {
        let start = self.token_start(ident.span());
        start..(start + text.len()).min(self.source.len())
    }

    /// `range` widened to whole lines (with the line break after it), when nothing but
    /// whitespace shares those lines with it.
    fn own_lines(&self, range: Range<usize>) -> Option<Range<usize>> {
        let before = self.source.get(..range.start)?;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        if !before[start..].trim().is_empty() {
            return None;
        }
        let after = self.source.get(range.end..)?;
        let line_end = after.find('\n').map_or(after.len(), |i| i + 1);
        if !after[..line_end].trim().is_empty() {
            return None;
        }
        Some(start..range.end + line_end)
    }

    /// The range of an expression, from its spines (see [`spans`]).
    fn erange(&self, e: &syn::Expr) -> Range<usize> {
        self.known_erange(e)
            .unwrap_or_else(|| self.span_range(spans::start(e), spans::end(e)))
    }

    /// The range the caller computed for the expression being walked, if it is `e`.
    fn known_erange(&self, e: &syn::Expr) -> Option<Range<usize>> {
        self.known_range
            .take()
            .filter(|(known, _)| std::ptr::eq(*known, e))
            .map(|(_, range)| range)
    }

    /// Walks an expression whose range the caller has computed.
    fn expr_in(&mut self, e: &syn::Expr, range: Range<usize>, parent: Parent) {
        self.known_range.set(Some((e, range)));
        self.expr(e, parent, false);
        self.known_range.set(None);
    }

    fn brange(&self, b: &syn::Block) -> Range<usize> {
        self.span_range(b.brace_token.span.open(), b.brace_token.span.close())
    }

    fn mrange(&self, mac: &syn::Macro) -> Range<usize> {
        self.span_range(spans::path_start(&mac.path), spans::macro_end(mac))
    }

    /// The text of a range short enough to quote in a message.
    fn short_text(&self, range: &Range<usize>) -> Option<String> {
        (range.len() <= 48).then(|| self.text(range))
    }

    /// The ranges of a call's arguments, and the texts of the short ones.
    fn arg_ranges<'e>(
        &self,
        args: impl Iterator<Item = &'e syn::Expr>,
    ) -> (Vec<Range<usize>>, Vec<Option<String>>) {
        args.map(|a| {
            let range = self.erange(a);
            let text = self.short_text(&range);
            (range, text)
        })
        .unzip()
    }

    fn text(&self, range: &Range<usize>) -> String {
        self.source.get(range.clone()).unwrap_or("").to_string()
    }

    fn prefix(&self) -> &str {
        self.item_prefix.last().map_or("crate", String::as_str)
    }

    fn new_ctx(
        &mut self,
        kind: CtxKind,
        parent: Option<CtxId>,
        range: Range<usize>,
        head: Range<usize>,
    ) -> CtxId {
        self.m.ctxs.push(Ctx {
            kind,
            parent,
            range,
            head,
            fn_id: self.fn_id,
            arg_of: None,
            called_in_place: false,
            awaited_in_place: false,
            is_move: false,
            bound_to: None,
            in_loop: self.loops.any > 0,
            in_branch: self.loops.branch > 0,
        });
        self.m.ctxs.len() - 1
    }

    fn file(&mut self, file: &syn::File) {
        let whole = 0..self.source.len();
        self.ctx = self.new_ctx(CtxKind::Item, None, whole.clone(), whole);
        self.in_test |= file.attrs.iter().any(is_cfg_test);
        let module = self.prefix().to_string();
        self.scopes.push(ScopeKind::Module, Some(module));
        self.items(&file.items, true);
        self.scopes.pop();
    }

    // ----- items -----

    /// Declares the names of `items` in the current scope, then walks them.
    fn items(&mut self, items: &[syn::Item], module_level: bool) {
        for item in items {
            self.declare_item(item, module_level);
        }
        for item in items {
            self.item(item);
        }
    }

    fn declare_item(&mut self, item: &syn::Item, module_level: bool) {
        let prefix = self.prefix().to_string();
        let declare = |this: &mut Self, ident: &syn::Ident| {
            let name = ident.to_string();
            this.scopes.add_item(&name, format!("{prefix}::{name}"));
        };
        match item {
            syn::Item::Fn(f) => declare(self, &f.sig.ident),
            syn::Item::Struct(s) => declare(self, &s.ident),
            syn::Item::Enum(e) => declare(self, &e.ident),
            syn::Item::Union(u) => declare(self, &u.ident),
            syn::Item::Static(s) => declare(self, &s.ident),
            syn::Item::Const(c) => declare(self, &c.ident),
            syn::Item::Mod(m) => declare(self, &m.ident),
            syn::Item::Trait(t) => declare(self, &t.ident),
            syn::Item::Type(t) => declare(self, &t.ident),
            syn::Item::ExternCrate(e) => {
                let name = e.rename.as_ref().map_or(&e.ident, |(_, r)| r).to_string();
                let krate = e.ident.to_string();
                if name != "_" {
                    let krate = if krate == "self" {
                        self.scopes.crate_root().to_string()
                    } else {
                        krate
                    };
                    self.scopes.add_item(&name, krate);
                }
            }
            syn::Item::Use(u) => {
                let added = self.scopes.add_use(&u.tree, u.leading_colon.is_some());
                if module_level {
                    for (name, target) in added {
                        if name == "*" {
                            if let Res::Path(target) = target {
                                self.m.globs.push(GlobDecl {
                                    module: prefix.clone(),
                                    target,
                                });
                            }
                        } else {
                            self.m.uses.push(UseDecl {
                                path: format!("{prefix}::{name}"),
                                target,
                            });
                        }
                    }
                }
            }
            syn::Item::Macro(m) if m.ident.is_none() => {
                let statics = macros::static_items(&m.mac);
                for (ident, _, _) in &statics {
                    declare(self, ident);
                }
                if statics.is_empty() && self.depth < MAX_DEPTH {
                    if let Some(items) = self.declared_macro_items(&m.mac) {
                        self.depth += 1;
                        for item in items.iter() {
                            self.declare_item(item, module_level);
                        }
                        self.depth -= 1;
                    }
                }
            }
            _ => {}
        }
    }

    /// Records `#[cfg_attr(appstract_lint, allow(appstract::name))]` attributes.
    fn allow_attrs(&mut self, attrs: &[syn::Attribute], covered: impl Fn(&Self) -> Range<usize>) {
        for attr in attrs {
            if !attr.path().is_ident("cfg_attr") {
                continue;
            }
            let Ok(list) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            let mut metas = list.iter();
            let Some(predicate) = metas.next() else {
                continue;
            };
            let predicate = predicate.to_token_stream().to_string();
            if !predicate
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "appstract_lint")
            {
                continue;
            }
            let mut lints = Vec::new();
            for meta in metas {
                let syn::Meta::List(level) = meta else {
                    continue;
                };
                if !(level.path.is_ident("allow") || level.path.is_ident("expect")) {
                    continue;
                }
                let Ok(paths) = level.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                ) else {
                    continue;
                };
                for path in paths {
                    let segments: Vec<String> =
                        path.segments.iter().map(|s| s.ident.to_string()).collect();
                    if let [tool, name] = segments.as_slice() {
                        if tool == "appstract" {
                            lints.push((name.clone(), self.range(&path)));
                        }
                    }
                }
            }
            if !lints.is_empty() {
                self.m.allows.push(AttrAllow {
                    lints,
                    covered: covered(self),
                    attr: self.range(attr),
                });
            }
        }
    }

    fn item(&mut self, item: &syn::Item) {
        if let Some(attrs) = item_attrs(item) {
            self.allow_attrs(attrs, |b| b.range(item));
        }
        match item {
            syn::Item::Fn(f) => {
                let is_pub = matches!(f.vis, syn::Visibility::Public(_));
                self.fn_item(&f.attrs, is_pub, &f.sig, Some(&f.block), None, None);
            }
            syn::Item::Impl(i) => self.impl_item(i),
            syn::Item::Trait(t) => {
                let trait_path = format!("{}::{}", self.prefix(), t.ident);
                self.scopes.push_self_type(None);
                for item in &t.items {
                    if let syn::TraitItem::Fn(f) = item {
                        self.allow_attrs(&f.attrs, |b| b.range(f));
                        self.m.method_names.push(f.sig.ident.to_string());
                        if let Some(body) = &f.default {
                            self.fn_item(
                                &f.attrs,
                                true,
                                &f.sig,
                                Some(body),
                                None,
                                Some(trait_path.clone()),
                            );
                        }
                    }
                }
                self.scopes.pop_self_type();
            }
            syn::Item::Mod(m) => self.mod_item(m),
            syn::Item::Struct(s) => {
                let path = format!("{}::{}", self.prefix(), s.ident);
                let fields = s
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let name = f.ident.as_ref().map_or(i.to_string(), |id| id.to_string());
                        (name, self.ty_prov(&f.ty))
                    })
                    .collect();
                let owned = s.fields.iter().map(|f| self.held_by_value(&f.ty)).collect();
                self.m.structs.push(StructDef {
                    path,
                    fields,
                    owned,
                });
            }
            syn::Item::Static(s) => {
                let path = format!("{}::{}", self.prefix(), s.ident);
                self.static_item(path, &s.ty, &s.expr);
            }
            syn::Item::Const(c) => {
                let path = format!("{}::{}", self.prefix(), c.ident);
                self.static_item(path, &c.ty, &c.expr);
            }
            syn::Item::Macro(m) => {
                let statics = macros::static_items(&m.mac);
                if statics.is_empty() {
                    if m.ident.is_some() {
                        return;
                    }
                    // `cfg_rt! { pub mod runtime; .. }`, `cfg_if! { .. }`: items behind a macro.
                    match (self.depth < MAX_DEPTH)
                        .then(|| self.walked_macro_items(&m.mac))
                        .flatten()
                    {
                        Some(items) => {
                            // `cfg_if!` and `cfg_*!` wrappers only select items; other macros
                            // may rewrite them.
                            let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
                            let transparent = name
                                .as_deref()
                                .is_some_and(|n| n == "cfg_if" || n.starts_with("cfg_"));
                            let saved = self.in_item_macro;
                            self.in_item_macro |= !transparent;
                            self.depth += 1;
                            for item in items.iter() {
                                self.item(item);
                            }
                            self.depth -= 1;
                            self.in_item_macro = saved;
                        }
                        None => self.macro_call(&m.mac, Parent::Discard),
                    }
                } else {
                    for (ident, ty, init) in statics {
                        let path = format!("{}::{}", self.prefix(), ident);
                        self.static_item(path, &ty, &init);
                    }
                }
            }
            _ => {}
        }
    }

    fn static_item(&mut self, path: String, ty: &syn::Type, init: &syn::Expr) {
        let mut prov = self.ty_prov(ty);
        if prov.is_unknown() {
            prov = self.prov_of(init);
        }
        self.m.statics.push(StaticDef { path, prov });
        let saved = self.ctx;
        self.ctx = 0;
        self.expr(init, Parent::Stored, false);
        self.ctx = saved;
    }

    fn mod_item(&mut self, m: &syn::ItemMod) {
        let name = m.ident.to_string();
        let path_attr = path_attribute(&m.attrs);
        match &m.content {
            None => self.modules.push(ModDecl {
                name,
                path_attr,
                inline_parents: self.inline_mods.clone(),
                range: self.range(m),
            }),
            Some((_, items)) => {
                let saved_test = self.in_test;
                self.in_test |=
                    name == "tests" || name == "test" || m.attrs.iter().any(is_cfg_test);
                let module = format!("{}::{}", self.prefix(), name);
                self.inline_mods.push((name, path_attr));
                self.item_prefix.push(module.clone());
                self.scopes.push(ScopeKind::Module, Some(module));
                self.items(items, true);
                self.scopes.pop();
                self.item_prefix.pop();
                self.inline_mods.pop();
                self.in_test = saved_test;
            }
        }
    }

    fn impl_item(&mut self, i: &syn::ItemImpl) {
        let self_ty = self.type_path(&i.self_ty);
        let trait_name = i.trait_.as_ref().and_then(|(_, path, _)| {
            self.scopes
                .resolve_type(path)
                .path()
                .map(str::to_string)
                .or_else(|| path.segments.last().map(|s| s.ident.to_string()))
        });
        if let (Some(self_ty), Some(trait_name)) = (&self_ty, &trait_name) {
            self.m.impls.push(ImplDecl {
                self_ty: self_ty.clone(),
                trait_name: trait_name.clone(),
            });
        }
        self.scopes.push_self_type(self_ty.clone());
        for item in &i.items {
            if let syn::ImplItem::Fn(f) = item {
                self.allow_attrs(&f.attrs, |b| b.range(f));
                self.m.method_names.push(f.sig.ident.to_string());
                let is_pub = matches!(f.vis, syn::Visibility::Public(_)) || trait_name.is_some();
                self.fn_item(
                    &f.attrs,
                    is_pub,
                    &f.sig,
                    Some(&f.block),
                    Some(self_ty.clone().unwrap_or_else(|| "?".into())),
                    trait_name.clone(),
                );
            }
        }
        self.scopes.pop_self_type();
    }

    /// The canonical path of a type (`crate::net::Conn`), without generics.
    fn type_path(&self, ty: &syn::Type) -> Option<String> {
        match ty {
            syn::Type::Path(p) if p.qself.is_none() => match self.scopes.resolve_type(&p.path) {
                Res::Path(path) => Some(path),
                _ => Some(format!(
                    "{}::{}",
                    self.prefix(),
                    p.path.segments.last()?.ident
                )),
            },
            syn::Type::Reference(r) => self.type_path(&r.elem),
            syn::Type::Paren(p) => self.type_path(&p.elem),
            syn::Type::Group(g) => self.type_path(&g.elem),
            _ => None,
        }
    }

    fn fn_item(
        &mut self,
        attrs: &[syn::Attribute],
        is_pub: bool,
        sig: &syn::Signature,
        body: Option<&syn::Block>,
        impl_ty: Option<String>,
        trait_name: Option<String>,
    ) {
        let name = sig.ident.to_string();
        let path = match (&impl_ty, &trait_name) {
            (Some(ty), _) => format!("{ty}::{name}"),
            (None, Some(tr)) => format!("{tr}::{name}"),
            (None, None) => format!("{}::{}", self.prefix(), name),
        };
        let entry = self.entry_attr(attrs);
        let nested = self.fn_id.is_some();
        let is_main = name == "main"
            && self.m.module_path.is_empty()
            && self.inline_mods.is_empty()
            && impl_ty.is_none()
            && trait_name.is_none()
            && !nested
            && entry.is_none()
            && self.krate.kind.has_main();
        let name_range = self.ident_range(&sig.ident, &name);
        let fn_id = self.m.fns.len();
        self.m.fns.push(FnDef {
            name,
            path: path.clone(),
            impl_ty: impl_ty.clone(),
            trait_name,
            is_async: sig.asyncness.is_some(),
            is_pub,
            has_self: sig.receiver().is_some(),
            self_by_value: sig.receiver().is_some_and(|r| r.reference.is_none()),
            is_test: entry.is_none() && has_test_attr(attrs),
            should_panic: attrs.iter().any(|a| a.path().is_ident("should_panic")),
            in_test: self.in_test
                || has_test_attr(attrs)
                || entry.as_ref().is_some_and(|e| e.is_test),
            entry,
            is_main,
            line: self.m.line_of(name_range.start),
            name_range,
            body: None,
            ret: self.ret_prov(&sig.output),
            ret_shared: match &sig.output {
                syn::ReturnType::Type(_, ty) => self.is_shared(ty),
                syn::ReturnType::Default => false,
            },
            returns_unit: match &sig.output {
                syn::ReturnType::Default => true,
                syn::ReturnType::Type(_, ty) => {
                    matches!(&**ty, syn::Type::Tuple(t) if t.elems.is_empty())
                }
            },
            ret_ref: match &sig.output {
                syn::ReturnType::Default => false,
                syn::ReturnType::Type(_, ty) => self.is_reference(ty),
            },
            params: Vec::new(),
            nested,
        });
        let Some(body) = body else { return };

        let saved = (
            self.ctx,
            self.fn_id,
            self.arg_of.take(),
            std::mem::take(&mut self.loops),
            self.block_end,
        );
        self.fn_id = Some(fn_id);
        let body_range = self.brange(body);
        let first = sig.asyncness.as_ref().map_or(sig.fn_token.span, |a| a.span);
        let head_start = self.token_start(first);
        let head = head_start..self.m.fns[fn_id].name_range.end;
        self.ctx = self.new_ctx(CtxKind::Fn, None, body_range.clone(), head);
        self.m.fns[fn_id].body = Some(self.ctx);
        self.item_prefix.push(path);
        self.scopes.push(ScopeKind::FnBody, None);
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(r) => {
                    let prov = match &impl_ty {
                        Some(ty) => Prov::Known(Ty::Crate(ty.clone())),
                        None => Prov::Unknown,
                    };
                    let id = self.new_binding("self", self.range(r), body_range.end, prov, true);
                    self.scopes.add_local("self", id);
                }
                syn::FnArg::Typed(t) => {
                    let prov = self.ty_prov(&t.ty);
                    let ids = self.pat_bindings(&t.pat, prov, body_range.end, true);
                    let plain = matches!(&*t.pat, syn::Pat::Ident(_));
                    let param = match ids.as_slice() {
                        [only] if plain => Some(*only),
                        _ => None,
                    };
                    if let Some(id) = param {
                        self.m.bindings[id].held = self.held_by_type(&t.ty);
                    }
                    self.m.fns[fn_id].params.push(param);
                    self.add_locals(&ids);
                }
            }
        }
        self.block(body, Parent::Return);
        self.scopes.pop();
        self.item_prefix.pop();
        (
            self.ctx,
            self.fn_id,
            self.arg_of,
            self.loops,
            self.block_end,
        ) = saved;
    }

    /// A runtime-entry attribute (`#[tokio::main]`, ...), also inside `#[cfg_attr(.., ..)]`.
    fn entry_attr(&self, attrs: &[syn::Attribute]) -> Option<Entry> {
        for attr in attrs.iter().filter(|attr| !is_inert_builtin(attr)) {
            for meta in attr_metas(attr).into_iter().flat_map(wrapped_entry) {
                let path = meta.path();
                let resolved = match self.scopes.resolve_type(path) {
                    Res::Path(p) => p,
                    _ => path_text(path),
                };
                let (flavor, family, is_test) = match resolved.as_str() {
                    "tokio::main" => (Flavor::MultiThread, Family::Tokio, false),
                    "tokio::test" => (Flavor::CurrentThread, Family::Tokio, true),
                    "actix_web::main" | "actix_rt::main" | "actix::main" => {
                        (Flavor::Local, Family::Tokio, false)
                    }
                    "actix_web::test" | "actix_rt::test" | "actix::test" => {
                        (Flavor::Local, Family::Tokio, true)
                    }
                    "async_std::main" => (Flavor::Unknown, Family::AsyncStd, false),
                    "async_std::test" => (Flavor::Unknown, Family::AsyncStd, true),
                    "smol_potat::main" | "smol_macros::main" => {
                        (Flavor::Unknown, Family::Smol, false)
                    }
                    "smol_potat::test" | "smol_macros::test" => {
                        (Flavor::Unknown, Family::Smol, true)
                    }
                    other => {
                        let configured = self
                            .krate
                            .entry_attributes
                            .iter()
                            .any(|a| a == other || *a == path_text(path));
                        if !configured {
                            continue;
                        }
                        (Flavor::Unknown, Family::Unknown, other.ends_with("test"))
                    }
                };
                let flavor = match flavor_argument(&meta) {
                    Some(f) if family == Family::Tokio => f,
                    _ => flavor,
                };
                return Some(Entry {
                    attr: resolved,
                    flavor,
                    family,
                    is_test,
                    range: self.range(attr),
                });
            }
        }
        None
    }

    // ----- types -----

    fn ret_prov(&self, output: &syn::ReturnType) -> Prov {
        match output {
            syn::ReturnType::Default => Prov::Unknown,
            syn::ReturnType::Type(_, ty) => self.ty_prov(ty),
        }
    }

    /// Whether a field of type `ty` holds its value itself, so that dropping the struct drops
    /// it: a path type that is not a wrapper, or a `Box` of one.
    fn held_by_value(&self, ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Paren(p) => self.held_by_value(&p.elem),
            syn::Type::Group(g) => self.held_by_value(&g.elem),
            syn::Type::Path(p) if p.qself.is_none() => match self.scopes.resolve_type(&p.path) {
                Res::Path(path) if path == "std::boxed::Box" => {
                    first_type_arg(&p.path).is_some_and(|t| self.held_by_value(t))
                }
                Res::Path(path) => !types::is_wrapper_type(&path),
                _ => true,
            },
            _ => false,
        }
    }

    /// Whether a value of type `ty` is shared ownership (`Arc`, `Rc`, also inside `Result`,
    /// `Option` or `Box`): dropping it drops what it points to only if it is the last owner.
    fn is_shared(&self, ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Paren(p) => self.is_shared(&p.elem),
            syn::Type::Group(g) => self.is_shared(&g.elem),
            syn::Type::Path(p) if p.qself.is_none() => match self.scopes.resolve_type(&p.path) {
                Res::Path(path) => match path.as_str() {
                    "std::sync::Arc" | "std::rc::Rc" => true,
                    "std::result::Result" | "std::option::Option" | "std::boxed::Box" => {
                        first_type_arg(&p.path).is_some_and(|t| self.is_shared(t))
                    }
                    _ => false,
                },
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a type is a reference, also inside an `Option` or `Result`.
    fn is_reference(&self, ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Reference(_) => true,
            syn::Type::Paren(p) => self.is_reference(&p.elem),
            syn::Type::Group(g) => self.is_reference(&g.elem),
            syn::Type::Path(p) if p.qself.is_none() => match self.scopes.resolve_type(&p.path) {
                Res::Path(path)
                    if path == "std::option::Option" || path == "std::result::Result" =>
                {
                    first_type_arg(&p.path).is_some_and(|t| self.is_reference(t))
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// How a value of a written type is held.
    fn held_by_type(&self, ty: &syn::Type) -> Held {
        if self.is_reference(ty) {
            Held::Borrowed
        } else if self.is_shared(ty) {
            Held::Shared
        } else {
            Held::Owned
        }
    }

    /// How the value of an initializer is held: `&x`, `Arc::new(..)`, a clone of a shared or
    /// borrowed binding, a getter that hands out a reference (`lock`, `as_ref`, `get`).
    fn held_by_expr(&self, e: &syn::Expr) -> Held {
        match e {
            syn::Expr::Paren(p) => self.held_by_expr(&p.expr),
            syn::Expr::Group(g) => self.held_by_expr(&g.expr),
            syn::Expr::Try(t) => self.held_by_expr(&t.expr),
            syn::Expr::Reference(_) => Held::Borrowed,
            syn::Expr::Path(p) if p.qself.is_none() => match self.scopes.resolve_value(&p.path) {
                Res::Local(id) => self.m.bindings.get(id).map_or(Held::Owned, |b| b.held),
                _ => Held::Owned,
            },
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(f) if f.qself.is_none() => {
                    match self.scopes.resolve_value(&f.path) {
                        Res::Path(path) => match path.as_str() {
                            "std::sync::Arc::new"
                            | "std::sync::Arc::clone"
                            | "std::sync::Arc::from"
                            | "std::rc::Rc::new"
                            | "std::rc::Rc::clone"
                            | "std::rc::Rc::from" => Held::Shared,
                            _ => Held::Owned,
                        },
                        _ => Held::Owned,
                    }
                }
                _ => Held::Owned,
            },
            syn::Expr::MethodCall(m) => match m.method.to_string().as_str() {
                "as_ref" | "as_mut" | "borrow" | "borrow_mut" | "deref" | "deref_mut" | "get"
                | "get_mut" | "get_or_init" | "get_or_try_init" | "lock" | "read" | "write"
                | "as_deref" | "iter" | "last" | "first" => Held::Borrowed,
                "unwrap" | "expect" | "context" | "with_context" | "ok" | "map_err" => {
                    self.held_by_expr(&m.receiver)
                }
                // A clone of a shared value is one more owner; of a borrowed one, the model
                // cannot tell whether it is an `Arc`.
                "clone" => match self.held_by_expr(&m.receiver) {
                    Held::Owned => Held::Owned,
                    _ => Held::Shared,
                },
                _ => Held::Owned,
            },
            _ => Held::Owned,
        }
    }

    /// What a written type says about a value, peeling `&`, `Arc`, `Option`, `OnceLock`, ...
    fn ty_prov(&self, ty: &syn::Type) -> Prov {
        match ty {
            syn::Type::Reference(r) => self.ty_prov(&r.elem),
            syn::Type::Paren(p) => self.ty_prov(&p.elem),
            syn::Type::Group(g) => self.ty_prov(&g.elem),
            syn::Type::Tuple(t) => {
                let parts: Vec<Option<Ty>> = t
                    .elems
                    .iter()
                    .map(|e| match self.ty_prov(e) {
                        Prov::Known(ty) => Some(ty),
                        _ => None,
                    })
                    .collect();
                if parts.iter().any(Option::is_some) {
                    Prov::Known(Ty::Tuple(parts))
                } else {
                    Prov::Unknown
                }
            }
            syn::Type::Path(p) if p.qself.is_none() => {
                let Res::Path(path) = self.scopes.resolve_type(&p.path) else {
                    return Prov::Unknown;
                };
                if types::is_wrapper_type(&path) {
                    return first_type_arg(&p.path).map_or(Prov::Unknown, |t| self.ty_prov(t));
                }
                if let Some(lib) = types::lib_type(&path) {
                    return Prov::Known(Ty::lib(lib));
                }
                if path.starts_with("crate::") || self.is_dependency_path(&path) {
                    return Prov::Known(Ty::Crate(path));
                }
                Prov::Unknown
            }
            _ => Prov::Unknown,
        }
    }

    /// A path into a dependency that is not a watched crate (a workspace package, a client
    /// library): its items are known from the dependency's summary when the crate is checked.
    fn is_dependency_path(&self, path: &str) -> bool {
        self.dependency_crates.contains(paths::first_segment(path))
    }

    /// The provenance of an expression's value, without walking it.
    fn prov_of(&self, e: &syn::Expr) -> Prov {
        match e {
            syn::Expr::Paren(p) => self.prov_of(&p.expr),
            syn::Expr::Group(g) => self.prov_of(&g.expr),
            syn::Expr::Reference(r) => self.prov_of(&r.expr),
            syn::Expr::Try(t) => self.prov_of(&t.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.prov_of(&u.expr),
            syn::Expr::Block(b) => match b.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => self.prov_of(tail),
                _ => Prov::Unknown,
            },
            syn::Expr::Path(p) if p.qself.is_none() => match self.scopes.resolve_value(&p.path) {
                Res::Local(id) => Prov::Local(id),
                res @ Res::Path(_) | res @ Res::Globs(_) => {
                    let crate_item = match &res {
                        Res::Path(p) => p.starts_with("crate::"),
                        _ => true,
                    };
                    if crate_item {
                        Prov::Static(res)
                    } else {
                        Prov::Unknown
                    }
                }
                Res::Unresolved => Prov::Unknown,
            },
            syn::Expr::Call(c) => {
                let syn::Expr::Path(f) = &*c.func else {
                    return Prov::Unknown;
                };
                if f.qself.is_some() {
                    return Prov::Unknown;
                }
                match self.scopes.resolve_value(&f.path) {
                    Res::Path(path) => {
                        if let Some(ty) = types::constructor(&path) {
                            Prov::Known(ty)
                        } else if types::is_passthrough_fn(&path) {
                            c.args.first().map_or(Prov::Unknown, |a| self.prov_of(a))
                        } else if path.starts_with("crate::") || self.is_dependency_path(&path) {
                            Prov::Ret(Res::Path(path))
                        } else {
                            Prov::Unknown
                        }
                    }
                    res @ Res::Globs(_) => Prov::Ret(res),
                    _ => Prov::Unknown,
                }
            }
            syn::Expr::MethodCall(m) => {
                let name = m.method.to_string();
                // `s.parse::<Config>()?`: the turbofish names the value's type (in a `Result`
                // that `?` and `unwrap` pass through).
                if matches!(
                    name.as_str(),
                    "parse" | "downcast" | "downcast_ref" | "downcast_mut"
                ) {
                    if let Some(syn::GenericArgument::Type(ty)) =
                        m.turbofish.as_ref().and_then(|t| t.args.first())
                    {
                        return self.ty_prov(ty);
                    }
                }
                let receiver = self.prov_of(&m.receiver);
                // A watched type's own `into_inner`/`get_ref` hands out what it wraps
                // (`SyncIoBridge::new(reader).into_inner()` is the reader).
                let unwraps = matches!(receiver, Prov::Known(Ty::Lib { .. }))
                    && matches!(name.as_str(), "into_inner" | "get_ref" | "get_mut");
                if types::is_passthrough_method(&name) && !unwraps {
                    return receiver;
                }
                match receiver {
                    Prov::Unknown => Prov::Unknown,
                    Prov::Known(ref ty @ Ty::Lib { .. }) => {
                        types::method_result(ty, &name).map_or(Prov::Unknown, Prov::Known)
                    }
                    other => Prov::MethodRet(Box::new(other), name),
                }
            }
            syn::Expr::Field(f) => {
                let base = self.prov_of(&f.base);
                if base.is_unknown() {
                    return Prov::Unknown;
                }
                match &f.member {
                    syn::Member::Named(n) => Prov::Field(Box::new(base), n.to_string()),
                    syn::Member::Unnamed(i) => Prov::TupleField(Box::new(base), i.index as usize),
                }
            }
            _ => Prov::Unknown,
        }
    }

    // ----- bindings -----

    fn new_binding(
        &mut self,
        name: &str,
        range: Range<usize>,
        scope_end: usize,
        prov: Prov,
        is_param: bool,
    ) -> BindingId {
        self.m.bindings.push(Binding {
            name: name.to_string(),
            ctx: self.ctx,
            range,
            scope_end,
            prov,
            init_call: None,
            is_param,
            held: Held::Owned,
            uses: Vec::new(),
            let_lines: None,
        });
        self.m.bindings.len() - 1
    }

    /// Creates the bindings of a pattern (not yet in scope: see [`Self::add_locals`]).
    fn pat_bindings(
        &mut self,
        pat: &syn::Pat,
        prov: Prov,
        scope_end: usize,
        is_param: bool,
    ) -> Vec<BindingId> {
        let mut out = Vec::new();
        self.collect_pat(pat, prov, scope_end, is_param, &mut out, 0);
        out
    }

    fn collect_pat(
        &mut self,
        pat: &syn::Pat,
        prov: Prov,
        scope_end: usize,
        is_param: bool,
        out: &mut Vec<BindingId>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        let depth = depth + 1;
        match pat {
            syn::Pat::Ident(p) => {
                let name = p.ident.to_string();
                let range = self.ident_range(&p.ident, &name);
                let id = self.new_binding(&name, range, scope_end, prov, is_param);
                out.push(id);
                if let Some((_, sub)) = &p.subpat {
                    self.collect_pat(sub, Prov::Unknown, scope_end, is_param, out, depth);
                }
            }
            syn::Pat::Type(t) => {
                let typed = self.ty_prov(&t.ty);
                let prov = if typed.is_unknown() { prov } else { typed };
                self.collect_pat(&t.pat, prov, scope_end, is_param, out, depth);
            }
            syn::Pat::Reference(r) => {
                self.collect_pat(&r.pat, prov, scope_end, is_param, out, depth)
            }
            syn::Pat::Paren(p) => self.collect_pat(&p.pat, prov, scope_end, is_param, out, depth),
            syn::Pat::Tuple(t) => {
                for (i, elem) in t.elems.iter().enumerate() {
                    let part = match &prov {
                        Prov::Unknown => Prov::Unknown,
                        p => Prov::TupleField(Box::new(p.clone()), i),
                    };
                    self.collect_pat(elem, part, scope_end, is_param, out, depth);
                }
            }
            syn::Pat::TupleStruct(t) => {
                let wrapper = t
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| matches!(s.ident.to_string().as_str(), "Ok" | "Some"));
                for elem in &t.elems {
                    let part = if wrapper && t.elems.len() == 1 {
                        prov.clone()
                    } else {
                        Prov::Unknown
                    };
                    self.collect_pat(elem, part, scope_end, is_param, out, depth);
                }
            }
            syn::Pat::Struct(s) => {
                for field in &s.fields {
                    let part = match (&prov, &field.member) {
                        (Prov::Unknown, _) => Prov::Unknown,
                        (p, syn::Member::Named(n)) => {
                            Prov::Field(Box::new(p.clone()), n.to_string())
                        }
                        (p, syn::Member::Unnamed(i)) => {
                            Prov::TupleField(Box::new(p.clone()), i.index as usize)
                        }
                    };
                    self.collect_pat(&field.pat, part, scope_end, is_param, out, depth);
                }
            }
            syn::Pat::Or(o) => {
                if let Some(first) = o.cases.first() {
                    self.collect_pat(first, prov, scope_end, is_param, out, depth);
                }
            }
            syn::Pat::Slice(s) => {
                for elem in &s.elems {
                    self.collect_pat(elem, Prov::Unknown, scope_end, is_param, out, depth);
                }
            }
            _ => {}
        }
    }

    fn add_locals(&mut self, ids: &[BindingId]) {
        for &id in ids {
            let name = self.m.bindings[id].name.clone();
            self.scopes.add_local(&name, id);
        }
    }

    fn record_use(&mut self, id: BindingId, range: Range<usize>, parent: Parent, by_ref: bool) {
        let kind = match parent {
            Parent::Receiver(c) => UseKind::Receiver(c),
            Parent::Arg(c, _) => UseKind::Arg(c),
            Parent::Await => UseKind::Awaited,
            Parent::Return => UseKind::Returned,
            Parent::Bind(b) => UseKind::Rebound(b),
            Parent::Stored => UseKind::Stored,
            Parent::Discard => UseKind::Discarded,
            Parent::Other => UseKind::Other,
        };
        let ctx = self.ctx;
        if let Some(binding) = self.m.bindings.get_mut(id) {
            binding.uses.push(Use {
                range,
                ctx,
                kind,
                by_ref,
            });
        }
    }

    // ----- statements -----

    fn block(&mut self, block: &syn::Block, parent: Parent) {
        let saved_end = self.block_end;
        self.block_end = self.brange(block).end;
        self.scopes.push(ScopeKind::Block, None);
        for stmt in &block.stmts {
            if let syn::Stmt::Item(item) = stmt {
                self.declare_item(item, false);
            }
        }
        let last = block.stmts.len().saturating_sub(1);
        for (i, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                syn::Stmt::Local(local) => self.local(local),
                syn::Stmt::Item(item) => self.item(item),
                syn::Stmt::Expr(e, semi) => {
                    let p = if semi.is_none() && i == last {
                        parent
                    } else {
                        Parent::Discard
                    };
                    self.expr(e, p, false);
                }
                syn::Stmt::Macro(m) => {
                    self.allow_attrs(&m.attrs, |b| b.range(m));
                    let p = if m.semi_token.is_none() && i == last {
                        parent
                    } else {
                        Parent::Discard
                    };
                    self.macro_call(&m.mac, p);
                }
            }
        }
        self.scopes.pop();
        self.block_end = saved_end;
    }

    fn local(&mut self, local: &syn::Local) {
        self.allow_attrs(&local.attrs, |b| b.range(local));
        let init = local.init.as_ref();
        let prov = init.map_or(Prov::Unknown, |i| self.prov_of(&i.expr));
        let ids = self.pat_bindings(&local.pat, prov, self.block_end, false);
        if let [only] = ids.as_slice() {
            let held = match &local.pat {
                syn::Pat::Type(t) => self.held_by_type(&t.ty),
                _ => Held::Owned,
            };
            self.m.bindings[*only].held = match (held, init) {
                (Held::Owned, Some(init)) => self.held_by_expr(&init.expr),
                _ => held,
            };
        }
        if let ([only], Some(init)) = (ids.as_slice(), init) {
            let plain = match &local.pat {
                syn::Pat::Ident(_) => true,
                syn::Pat::Type(t) => matches!(*t.pat, syn::Pat::Ident(_)),
                _ => false,
            };
            if plain && init.diverge.is_none() && local.attrs.is_empty() {
                self.m.bindings[*only].let_lines = self.own_lines(self.range(local));
            }
        }
        if let Some(init) = init {
            let parent = match (&local.pat, ids.as_slice()) {
                (syn::Pat::Wild(_), _) => Parent::Discard,
                (syn::Pat::Type(t), _) if matches!(*t.pat, syn::Pat::Wild(_)) => Parent::Discard,
                (_, [only]) => Parent::Bind(*only),
                _ => Parent::Other,
            };
            let first_call = self.m.calls.len();
            self.expr(&init.expr, parent, false);
            if parent == Parent::Discard {
                let init_range = self.erange(&init.expr);
                let pat = self.range(&local.pat);
                if let Some(call) = self.m.calls.get_mut(first_call) {
                    if call.range == init_range {
                        call.wild_let = Some(pat);
                    }
                }
            }
            if let Some((_, diverge)) = &init.diverge {
                self.loops.branch += 1;
                self.expr(diverge, Parent::Other, false);
                self.loops.branch -= 1;
            }
        }
        self.add_locals(&ids);
    }

    // ----- expressions -----

    fn expr(&mut self, e: &syn::Expr, parent: Parent, by_ref: bool) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.expr_inner(e, parent, by_ref);
        self.depth -= 1;
    }

    fn expr_inner(&mut self, e: &syn::Expr, parent: Parent, by_ref: bool) {
        use syn::Expr as E;
        if let Some(attrs) = expr_attrs(e) {
            if !attrs.is_empty() {
                self.allow_attrs(attrs, |b| b.erange(e));
            }
        }
        match e {
            E::Paren(p) => self.expr(&p.expr, parent, by_ref),
            E::Group(g) => self.expr(&g.expr, parent, by_ref),
            E::Reference(r) => self.expr(&r.expr, parent, true),
            E::Try(t) => {
                self.expr(&t.expr, parent, by_ref);
                self.m.exits.push(ExitPoint {
                    ctx: self.ctx,
                    offset: self.token_start(t.question_token.spans[0]),
                    is_return: false,
                });
            }
            E::Unary(u) => match u.op {
                syn::UnOp::Deref(_) => self.expr(&u.expr, parent, true),
                _ => self.expr(&u.expr, Parent::Other, false),
            },
            E::Array(a) => {
                for elem in &a.elems {
                    self.expr(elem, Parent::Stored, false);
                }
            }
            E::Tuple(t) => {
                for elem in &t.elems {
                    self.expr(elem, Parent::Stored, false);
                }
            }
            E::Struct(s) => {
                for field in &s.fields {
                    self.expr(&field.expr, Parent::Stored, false);
                }
                if let Some(rest) = &s.rest {
                    self.expr(rest, Parent::Other, false);
                }
            }
            E::Assign(a) => {
                self.expr(&a.left, Parent::Other, false);
                self.expr(&a.right, Parent::Stored, false);
            }
            E::Binary(b) => {
                self.expr(&b.left, Parent::Other, false);
                let short_circuit = matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_));
                self.loops.branch += usize::from(short_circuit);
                self.expr(&b.right, Parent::Other, false);
                self.loops.branch -= usize::from(short_circuit);
            }
            E::Index(i) => {
                self.expr(&i.expr, Parent::Other, true);
                self.expr(&i.index, Parent::Other, false);
            }
            E::Range(r) => {
                for side in [&r.start, &r.end].into_iter().flatten() {
                    self.expr(side, Parent::Other, false);
                }
            }
            E::Cast(c) => self.expr(&c.expr, Parent::Other, false),
            E::Field(f) => self.expr(&f.base, Parent::Other, true),
            E::Repeat(r) => {
                self.expr(&r.expr, Parent::Stored, false);
                self.expr(&r.len, Parent::Other, false);
            }
            E::Return(r) => {
                self.m.exits.push(ExitPoint {
                    ctx: self.ctx,
                    offset: self.erange(e).start,
                    is_return: true,
                });
                if let Some(v) = &r.expr {
                    self.expr(v, Parent::Return, false);
                }
            }
            E::Break(b) => {
                if let Some(v) = &b.expr {
                    self.expr(v, Parent::Other, false);
                }
            }
            E::Yield(y) => {
                if let Some(v) = &y.expr {
                    self.expr(v, Parent::Stored, false);
                }
            }
            E::Let(l) => {
                self.expr(&l.expr, Parent::Other, true);
                let prov = self.prov_of(&l.expr);
                let ids = self.pat_bindings(&l.pat, prov, self.block_end, false);
                self.add_locals(&ids);
            }
            E::Block(b) => self.block(&b.block, parent),
            E::Unsafe(u) => self.block(&u.block, parent),
            E::Const(c) => self.block(&c.block, Parent::Other),
            E::TryBlock(t) => self.block(&t.block, parent),
            E::If(i) => {
                // Bindings of `if let` are visible in the then-branch only.
                self.scopes.push(ScopeKind::Block, None);
                let saved_end = self.block_end;
                self.block_end = self.brange(&i.then_branch).end;
                self.expr(&i.cond, Parent::Other, false);
                // `if let Ok(..)`/`Some(..)` takes the path where things work: its block runs
                // when the code does its job; an `if` on a condition, and any `else`, may not.
                let success = matches!(&*i.cond, syn::Expr::Let(l) if is_success_pattern(&l.pat));
                self.loops.branch += usize::from(!success);
                self.block(&i.then_branch, parent);
                self.loops.branch -= usize::from(!success);
                self.block_end = saved_end;
                self.scopes.pop();
                if let Some((_, else_branch)) = &i.else_branch {
                    self.loops.branch += 1;
                    self.expr(else_branch, parent, false);
                    self.loops.branch -= 1;
                }
            }
            E::Match(m) => {
                self.expr(&m.expr, Parent::Other, true);
                let prov = self.prov_of(&m.expr);
                for arm in &m.arms {
                    let success = is_success_pattern(&arm.pat);
                    self.loops.branch += usize::from(!success);
                    self.scopes.push(ScopeKind::Block, None);
                    let saved_end = self.block_end;
                    self.block_end = self.erange(&arm.body).end;
                    let ids = self.pat_bindings(&arm.pat, prov.clone(), self.block_end, false);
                    self.add_locals(&ids);
                    if let Some((_, guard)) = &arm.guard {
                        self.expr(guard, Parent::Other, false);
                    }
                    self.expr(&arm.body, parent, false);
                    self.block_end = saved_end;
                    self.scopes.pop();
                    self.loops.branch -= usize::from(!success);
                }
            }
            E::ForLoop(f) => {
                self.expr(&f.expr, Parent::Other, false);
                self.scopes.push(ScopeKind::Block, None);
                let end = self.brange(&f.body).end;
                let ids = self.pat_bindings(&f.pat, Prov::Unknown, end, false);
                self.add_locals(&ids);
                self.loops.any += 1;
                self.block(&f.body, Parent::Discard);
                self.loops.any -= 1;
                self.scopes.pop();
            }
            E::While(w) => {
                self.loops.any += 1;
                self.scopes.push(ScopeKind::Block, None);
                self.expr(&w.cond, Parent::Other, false);
                self.block(&w.body, Parent::Discard);
                self.scopes.pop();
                self.loops.any -= 1;
            }
            E::Loop(l) => {
                self.loops.any += 1;
                self.loops.bare += 1;
                self.block(&l.body, Parent::Discard);
                self.loops.bare -= 1;
                self.loops.any -= 1;
            }
            E::Await(a) => {
                self.m.awaits.push(AwaitPoint {
                    ctx: self.ctx,
                    range: self.erange(e),
                });
                self.expr(&a.base, Parent::Await, false);
            }
            E::Path(p) if p.qself.is_none() => {
                if let Some(id) = self.scopes.local(&p.path) {
                    self.record_use(id, self.erange(e), parent, by_ref);
                }
            }
            E::Call(c) => self.call(e, c, parent),
            E::MethodCall(m) => self.method_call(e, m, parent),
            E::Closure(c) => self.closure(e, c, parent),
            E::Async(a) => self.async_block(e, a, parent),
            E::Macro(m) => self.macro_call(&m.mac, parent),
            _ => {}
        }
    }

    fn used_as(&mut self, call: CallId, parent: Parent) -> ValueUse {
        match parent {
            Parent::Discard => ValueUse::Discarded,
            Parent::Bind(b) => {
                if let Some(binding) = self.m.bindings.get_mut(b) {
                    binding.init_call.get_or_insert(call);
                }
                ValueUse::Bound(b)
            }
            Parent::Await => ValueUse::Awaited,
            Parent::Receiver(c) => ValueUse::Receiver(c),
            Parent::Arg(c, _) => ValueUse::Arg(c),
            Parent::Return => ValueUse::Returned,
            Parent::Stored | Parent::Other => ValueUse::Other,
        }
    }

    fn push_call(&mut self, call: Call) -> CallId {
        self.m.calls.push(call);
        self.m.calls.len() - 1
    }

    fn call(&mut self, e: &syn::Expr, c: &syn::ExprCall, parent: Parent) {
        let known = self.known_erange(e);
        let func = peel(&c.func);
        // A path's range runs from its first segment to its last, as its expression's does.
        let callee_range = self.erange(func);
        // The call starts where its callee does, unless parentheses enclose the callee.
        let range = known.unwrap_or_else(|| match std::ptr::eq(func, &*c.func) {
            true => self.range_to(callee_range.start, c.paren_token.span.close()),
            false => self.erange(e),
        });
        let callee = match func {
            syn::Expr::Path(p) if p.qself.is_none() => Callee::Path {
                res: self.scopes.resolve_value(&p.path),
                text: self.text(&callee_range),
            },
            _ => Callee::Path {
                res: Res::Unresolved,
                text: String::new(),
            },
        };
        let (args, short_args) = self.arg_ranges(c.args.iter());
        let id = self.push_call(Call {
            callee,
            ctx: self.ctx,
            label_range: range.clone(),
            callee_range: callee_range.clone(),
            wild_let: None,
            range,
            args,
            short_args,
            receiver_range: None,
            used_as: ValueUse::Other,
            inside_arg_of: self.arg_of,
            in_macro: self.in_item_macro,
            in_loop: self.loops.any > 0,
            in_bare_loop: self.loops.bare > 0,
            in_branch: self.loops.branch > 0,
            block_end: self.block_end,
        });
        self.m.calls[id].used_as = self.used_as(id, parent);
        match func {
            syn::Expr::Path(_) => {
                if let Res::Local(b) = &self.m.calls[id].callee_res() {
                    let ctx = self.ctx;
                    if let Some(binding) = self.m.bindings.get_mut(*b) {
                        binding.uses.push(Use {
                            range: callee_range,
                            ctx,
                            kind: UseKind::Called(id),
                            by_ref: true,
                        });
                    }
                }
            }
            syn::Expr::Closure(closure) => {
                self.closure(func, closure, Parent::Other);
                if let Some(ctx) = self.m.ctxs.len().checked_sub(1) {
                    if self.m.ctxs[ctx].range == callee_range {
                        self.m.ctxs[ctx].called_in_place = true;
                    }
                }
            }
            other => self.expr(other, Parent::Other, true),
        }
        // `Box::pin(fut)` and `Box::new(fut)` hand their argument on to the outer call.
        let forwards = matches!(
            &self.m.calls[id].callee,
            Callee::Path { res: Res::Path(p), .. }
                if matches!(p.as_str(), "std::boxed::Box::pin" | "std::boxed::Box::new" | "std::pin::Pin::from")
        );
        let saved = self.arg_of.replace(id);
        for (i, arg) in c.args.iter().enumerate() {
            let p = match parent {
                Parent::Arg(outer, idx) if forwards => Parent::Arg(outer, idx),
                _ => Parent::Arg(id, i),
            };
            let range = self.m.calls[id].args[i].clone();
            self.expr_in(arg, range, p);
        }
        self.arg_of = saved;
    }

    fn method_call(&mut self, e: &syn::Expr, m: &syn::ExprMethodCall, parent: Parent) {
        let known = self.known_erange(e);
        let name = m.method.to_string();
        let mut receiver = self.prov_of(&m.receiver);
        // `fut.block_on()`, `stream.timeout(d)`: a method of a watched extension trait in
        // scope (pollster's `FutureExt`, tokio-stream's `StreamExt`). Such a call is taken as
        // the trait's only when the receiver is not known to be of a type (whose own method of
        // that name would be called instead), and never as certain.
        let typed = match &receiver {
            Prov::Known(_) => true,
            Prov::Local(b) => self
                .m
                .bindings
                .get(*b)
                .is_some_and(|b| matches!(b.prov, Prov::Known(_))),
            _ => false,
        };
        if !typed {
            for ext in crate::census::extension_traits_with(&name, m.args.len()) {
                if self.scopes.has_trait(ext) {
                    receiver = Prov::Known(Ty::lib(ext));
                }
            }
        }
        let callee_range = self.ident_range(&m.method, &name);
        let receiver_range = self.erange(&m.receiver);
        // A method call starts where its receiver does.
        let range = known
            .unwrap_or_else(|| self.range_to(receiver_range.start, m.paren_token.span.close()));
        let (args, short_args) = self.arg_ranges(m.args.iter());
        let id = self.push_call(Call {
            callee: Callee::Method {
                name: name.clone(),
                receiver,
            },
            ctx: self.ctx,
            label_range: callee_range.start..range.end,
            callee_range,
            wild_let: None,
            range,
            args,
            short_args,
            receiver_range: Some(receiver_range.clone()),
            used_as: ValueUse::Other,
            inside_arg_of: self.arg_of,
            in_macro: self.in_item_macro,
            in_loop: self.loops.any > 0,
            in_bare_loop: self.loops.bare > 0,
            in_branch: self.loops.branch > 0,
            block_end: self.block_end,
        });
        self.m.calls[id].used_as = self.used_as(id, parent);
        // Future adapters keep their receiver's destination: `spawn(async {..}.instrument(s))`.
        let adapter = m.args.len() <= 1
            && matches!(
                name.as_str(),
                "instrument"
                    | "in_current_span"
                    | "boxed"
                    | "boxed_local"
                    | "with_current_subscriber"
            );
        let receiver_parent = match parent {
            Parent::Arg(outer, idx) if adapter => Parent::Arg(outer, idx),
            _ => Parent::Receiver(id),
        };
        self.expr_in(&m.receiver, receiver_range, receiver_parent);
        let saved = self.arg_of.replace(id);
        for (i, arg) in m.args.iter().enumerate() {
            let range = self.m.calls[id].args[i].clone();
            self.expr_in(arg, range, Parent::Arg(id, i));
        }
        self.arg_of = saved;
    }

    fn enter_body_ctx(
        &mut self,
        kind: CtxKind,
        range: Range<usize>,
        head: Range<usize>,
        parent: Parent,
        is_move: bool,
    ) -> (CtxId, Option<CallId>, Loops) {
        let ctx = self.new_ctx(kind, Some(self.ctx), range, head);
        let c = &mut self.m.ctxs[ctx];
        c.is_move = is_move;
        c.arg_of = match parent {
            Parent::Arg(call, idx) => Some((call, idx)),
            Parent::Receiver(call) => Some((call, usize::MAX)),
            _ => None,
        };
        c.awaited_in_place = parent == Parent::Await;
        if let Parent::Bind(b) = parent {
            c.bound_to = Some(b);
        }
        let saved_ctx = std::mem::replace(&mut self.ctx, ctx);
        let saved_arg = self.arg_of.take();
        let saved_loop = std::mem::take(&mut self.loops);
        (saved_ctx, saved_arg, saved_loop)
    }

    fn leave_body_ctx(&mut self, saved: (CtxId, Option<CallId>, Loops)) {
        (self.ctx, self.arg_of, self.loops) = saved;
    }

    fn closure(&mut self, e: &syn::Expr, c: &syn::ExprClosure, parent: Parent) {
        let kind = CtxKind::Closure {
            is_async: c.asyncness.is_some(),
        };
        let range = self.erange(e);
        let head_end = self.token_end(c.or2_token.spans[0]);
        let head = range.start..head_end;
        let end = range.end;
        let saved = self.enter_body_ctx(kind, range, head, parent, c.capture.is_some());
        self.scopes.push(ScopeKind::Block, None);
        // The scope handle of `thread::scope(|s| ..)` spawns threads: `s.spawn(..)`.
        let param_prov = match parent {
            Parent::Arg(call, 0) => match &self.m.calls[call].callee {
                Callee::Path {
                    res: Res::Path(p), ..
                } if p == "std::thread::scope" => Prov::Known(Ty::lib("std::thread::Scope")),
                Callee::Path {
                    res: Res::Path(p), ..
                } if p == "rayon::scope" || p == "rayon::in_place_scope" => {
                    Prov::Known(Ty::lib("rayon::Scope"))
                }
                _ => Prov::Unknown,
            },
            _ => Prov::Unknown,
        };
        for input in &c.inputs {
            let ids = self.pat_bindings(input, param_prov.clone(), end, true);
            self.add_locals(&ids);
        }
        let saved_end = std::mem::replace(&mut self.block_end, end);
        self.expr(&c.body, Parent::Return, false);
        self.block_end = saved_end;
        self.scopes.pop();
        self.leave_body_ctx(saved);
    }

    fn async_block(&mut self, e: &syn::Expr, a: &syn::ExprAsync, parent: Parent) {
        let last = a.capture.as_ref().map_or(a.async_token.span, |m| m.span);
        // An async block's range starts at its `async`.
        let range = self.erange(e);
        let head = range.start..self.token_end(last);
        let saved = self.enter_body_ctx(
            CtxKind::AsyncBlock,
            range,
            head,
            parent,
            a.capture.is_some(),
        );
        self.block(&a.block, Parent::Return);
        self.leave_body_ctx(saved);
    }

    // ----- macros -----

    fn macro_call(&mut self, mac: &syn::Macro, parent: Parent) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let range = self.mrange(mac);
        match macros::parse_body(mac, &name) {
            Some(MacroBody::Exprs { exprs, awaits }) => {
                if awaits {
                    self.m.awaits.push(AwaitPoint {
                        ctx: self.ctx,
                        range: range.clone(),
                    });
                }
                let each = if awaits { Parent::Await } else { Parent::Other };
                let _ = parent;
                for e in &exprs {
                    self.expr(e, each, false);
                }
            }
            Some(MacroBody::Select { futures, handlers }) => {
                self.m.awaits.push(AwaitPoint {
                    ctx: self.ctx,
                    range: range.clone(),
                });
                for f in &futures {
                    self.expr(f, Parent::Await, false);
                }
                for (pat, handler) in &handlers {
                    self.scopes.push(ScopeKind::Block, None);
                    if let Some(pat) = pat {
                        let end = self.erange(handler).end;
                        let ids = self.pat_bindings(pat, Prov::Unknown, end, false);
                        self.add_locals(&ids);
                    }
                    self.expr(handler, Parent::Other, false);
                    self.scopes.pop();
                }
            }
            None => self.token_scan(mac, &name, range),
        }
    }

    /// Finds calls and names in a macro the model cannot parse. What is found here is marked
    /// `in_macro` and never reported at deny level.
    fn token_scan(&mut self, mac: &syn::Macro, name: &str, range: Range<usize>) {
        let tokens: Vec<proc_macro2::TokenTree> = mac.tokens.clone().into_iter().collect();
        let has_await = tokens_await(&tokens, 0);
        let outer = self.ctx;
        // `.await` only compiles in async code: the macro wraps its body in some async form
        // (`stream! { .. }`), so its calls run in an async context of their own.
        let saved = has_await.then(|| {
            let head = range.start..range.start + name.len();
            let ctx = self.new_ctx(CtxKind::AsyncBlock, Some(outer), range.clone(), head);
            (
                std::mem::replace(&mut self.ctx, ctx),
                self.arg_of.take(),
                std::mem::take(&mut self.loops),
            )
        });
        self.scan_tokens(&tokens, 0);
        if let Some(saved) = saved {
            self.leave_body_ctx(saved);
        }
        self.m.macros.push(MacroSite {
            ctx: outer,
            range,
            name: name.to_string(),
            has_await,
        });
    }

    /// Records a call found in a macro's tokens: no arguments are known, and it is uncertain.
    fn push_scanned_call(
        &mut self,
        callee: Callee,
        range: Range<usize>,
        callee_range: Range<usize>,
    ) {
        self.push_call(Call {
            callee,
            ctx: self.ctx,
            label_range: range.clone(),
            range,
            callee_range,
            wild_let: None,
            args: Vec::new(),
            short_args: Vec::new(),
            receiver_range: None,
            used_as: ValueUse::Other,
            inside_arg_of: self.arg_of,
            in_macro: true,
            in_loop: self.loops.any > 0,
            in_bare_loop: self.loops.bare > 0,
            in_branch: self.loops.branch > 0,
            block_end: self.block_end,
        });
    }

    fn scan_tokens(&mut self, tokens: &[proc_macro2::TokenTree], depth: usize) {
        use proc_macro2::{Delimiter, TokenTree as T};
        if depth > 64 {
            return;
        }
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                T::Group(g) => {
                    let inner: Vec<T> = g.stream().into_iter().collect();
                    self.scan_tokens(&inner, depth + 1);
                }
                T::Ident(ident) => {
                    let after_dot =
                        i > 0 && matches!(&tokens[i - 1], T::Punct(p) if p.as_char() == '.');
                    if after_dot && ident == "await" {
                        i += 1;
                        continue;
                    }
                    // Longest `a::b::c` path starting here.
                    let mut segments = vec![ident.to_string()];
                    let mut j = i + 1;
                    while j + 2 <= tokens.len() {
                        match (&tokens.get(j), &tokens.get(j + 1), &tokens.get(j + 2)) {
                            (Some(T::Punct(a)), Some(T::Punct(b)), Some(T::Ident(next)))
                                if a.as_char() == ':' && b.as_char() == ':' =>
                            {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    let call_args = match tokens.get(j) {
                        Some(T::Group(g)) if g.delimiter() == Delimiter::Parenthesis => Some(g),
                        _ => None,
                    };
                    let start = self.span_range(tokens[i].span(), tokens[i].span()).start;
                    if after_dot {
                        if let Some(args) = call_args {
                            let end = self.span_range(args.span(), args.span()).end;
                            let callee = Callee::Method {
                                name: ident.to_string(),
                                receiver: Prov::Unknown,
                            };
                            let name_end = start + ident.to_string().len();
                            self.push_scanned_call(callee, start..end, start..name_end);
                        }
                    } else if let Some(args) = call_args {
                        let res = self.scopes.resolve(&segments, false, true);
                        let end = self.span_range(args.span(), args.span()).end;
                        let label = start..end;
                        let last = tokens[j - 1].span();
                        let text = self.text(&(start..self.span_range(last, last).end));
                        let callee_end = start + text.len();
                        self.push_scanned_call(
                            Callee::Path { res, text },
                            label,
                            start..callee_end,
                        );
                    } else if segments.len() == 1 {
                        if let Res::Local(id) = self.scopes.resolve(&segments, false, true) {
                            let r = self.span_range(tokens[i].span(), tokens[i].span());
                            if let Some(binding) = self.m.bindings.get_mut(id) {
                                binding.uses.push(Use {
                                    range: r,
                                    ctx: self.ctx,
                                    kind: UseKind::Macro,
                                    by_ref: false,
                                });
                            }
                        }
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

fn item_attrs(item: &syn::Item) -> Option<&[syn::Attribute]> {
    use syn::Item as I;
    Some(match item {
        I::Fn(x) => &x.attrs,
        I::Impl(x) => &x.attrs,
        I::Mod(x) => &x.attrs,
        I::Struct(x) => &x.attrs,
        I::Enum(x) => &x.attrs,
        I::Trait(x) => &x.attrs,
        I::Static(x) => &x.attrs,
        I::Const(x) => &x.attrs,
        I::Macro(x) => &x.attrs,
        I::Use(x) => &x.attrs,
        _ => return None,
    })
}

fn expr_attrs(e: &syn::Expr) -> Option<&[syn::Attribute]> {
    use syn::Expr as E;
    Some(match e {
        E::Call(x) => &x.attrs,
        E::MethodCall(x) => &x.attrs,
        E::Block(x) => &x.attrs,
        E::Async(x) => &x.attrs,
        E::Closure(x) => &x.attrs,
        E::Macro(x) => &x.attrs,
        E::Await(x) => &x.attrs,
        E::Assign(x) => &x.attrs,
        E::If(x) => &x.attrs,
        E::Match(x) => &x.attrs,
        E::Loop(x) => &x.attrs,
        E::ForLoop(x) => &x.attrs,
        E::While(x) => &x.attrs,
        E::Unsafe(x) => &x.attrs,
        E::Try(x) => &x.attrs,
        E::Return(x) => &x.attrs,
        _ => return None,
    })
}

/// Whether macro tokens contain `.await` (outside nested macro bodies too: they are tokens).
fn tokens_await(tokens: &[proc_macro2::TokenTree], depth: usize) -> bool {
    use proc_macro2::TokenTree as T;
    if depth > 64 {
        return false;
    }
    tokens.iter().enumerate().any(|(i, t)| match t {
        T::Ident(ident) => {
            ident == "await" && i > 0 && matches!(&tokens[i - 1], T::Punct(p) if p.as_char() == '.')
        }
        T::Group(g) => {
            let inner: Vec<T> = g.stream().into_iter().collect();
            tokens_await(&inner, depth + 1)
        }
        _ => false,
    })
}

fn peel(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => peel(&p.expr),
        syn::Expr::Group(g) => peel(&g.expr),
        other => other,
    }
}

fn module_path_string(module_path: &[String]) -> String {
    let mut out = String::from("crate");
    for segment in module_path {
        out.push_str("::");
        out.push_str(segment);
    }
    out
}

fn path_text(path: &syn::Path) -> String {
    let mut text = String::new();
    for (i, segment) in path.segments.iter().enumerate() {
        if i > 0 {
            text.push_str("::");
        }
        write!(text, "{}", segment.ident).expect("writing to a String cannot fail");
    }
    text
}

/// Built-in attributes that no macro can share a name with (rustc rejects the use of such a
/// macro as ambiguous), so they are never a runtime entry or a test: `doc` is most attributes.
fn is_inert_builtin(attr: &syn::Attribute) -> bool {
    const NAMES: &[&str] = &[
        "doc",
        "allow",
        "warn",
        "deny",
        "forbid",
        "expect",
        "inline",
        "must_use",
        "cfg",
        "deprecated",
        "repr",
        "cold",
        "track_caller",
        "non_exhaustive",
    ];
    attr.path()
        .get_ident()
        .is_some_and(|ident| NAMES.iter().any(|name| ident == name))
}

/// An attribute's meta, and the metas inside `#[cfg_attr(predicate, a, b)]`.
fn attr_metas(attr: &syn::Attribute) -> Vec<std::borrow::Cow<'_, syn::Meta>> {
    if attr.path().is_ident("cfg_attr") {
        let nested = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        );
        return match nested {
            Ok(list) => list
                .into_iter()
                .skip(1)
                .map(std::borrow::Cow::Owned)
                .collect(),
            Err(_) => Vec::new(),
        };
    }
    vec![std::borrow::Cow::Borrowed(&attr.meta)]
}

/// `#[cfg(test)]`, also inside `all(..)`/`any(..)`.
fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg")
        && attr
            .meta
            .require_list()
            .is_ok_and(|list| list.tokens.clone().into_iter().any(|t| mentions_test(&t)))
}

fn mentions_test(token: &proc_macro2::TokenTree) -> bool {
    match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "test",
        proc_macro2::TokenTree::Group(g) => g.stream().into_iter().any(|t| mentions_test(&t)),
        _ => false,
    }
}

fn has_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| !is_inert_builtin(a)).any(|a| {
        attr_metas(a).iter().any(|m| {
            let p = m.path();
            p.is_ident("test")
                || p.segments.last().is_some_and(|s| s.ident == "test")
                    && p.segments.len() > 1
                    && matches!(p.segments[0].ident.to_string().as_str(), "core" | "std")
        })
    })
}

/// `Ok(..)` or `Some(..)`: the pattern of the path where things work.
fn is_success_pattern(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::TupleStruct(t) => t
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Ok" || s.ident == "Some"),
        syn::Pat::Paren(p) => is_success_pattern(&p.pat),
        _ => false,
    }
}

/// An attribute's meta, and the attribute it wraps when it is `test_log`'s
/// (`#[test_log::test(tokio::test(flavor = "multi_thread"))]`): the wrapped one is the entry.
fn wrapped_entry(meta: std::borrow::Cow<'_, syn::Meta>) -> Vec<std::borrow::Cow<'_, syn::Meta>> {
    if let syn::Meta::List(list) = meta.as_ref() {
        let test_log = list.path.segments.last().is_some_and(|s| s.ident == "test")
            && (list.path.segments.len() == 1 || list.path.segments[0].ident == "test_log");
        if test_log {
            let nested = list.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            );
            if let Ok(nested) = nested {
                if let Some(inner) = nested.into_iter().next() {
                    return vec![std::borrow::Cow::Owned(inner), meta];
                }
            }
        }
    }
    vec![meta]
}

/// `flavor = "current_thread"` in an entry attribute's arguments.
fn flavor_argument(meta: &syn::Meta) -> Option<Flavor> {
    let syn::Meta::List(list) = meta else {
        return None;
    };
    let args = list
        .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        .ok()?;
    args.iter().find_map(|arg| match arg {
        syn::Meta::NameValue(nv) if nv.path.is_ident("flavor") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => match s.value().as_str() {
                "current_thread" => Some(Flavor::CurrentThread),
                "multi_thread" => Some(Flavor::MultiThread),
                "local" => Some(Flavor::Local),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    })
}

/// The value of a `#[path = "..."]` attribute.
pub(super) fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}
