//! The outline of a file in a crate without runtime code: whether it parses, and its `mod`
//! items, found as the full walk ([`super::build`]) finds them, without building a model.
//!
//! The items are parsed one at a time, as `syn::File` parses them, and each is dropped once its
//! modules are known: the errors are syn's own, and only one item's tree is held at a time.

use super::build::{parsable_text, path_attribute, syntax_error, MAX_DEPTH};
use super::docs;
use super::macros;
use super::spans::Offsets;
use super::ModDecl;
use crate::guard::Lexed;
use crate::{Diagnostic, FileInput};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// What [`outline`] finds in a file.
#[derive(Clone, Debug)]
pub struct Outline {
    /// `mod name;` items, for the driver to find and analyse their files.
    pub modules: Vec<ModDecl>,
    /// A syntax error, if the file does not parse.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a file and lists its `mod` items. Never panics on any input text; like a full
/// analysis, it expects the nesting guard to have accepted the text.
///
/// Call `proc_macro2::extra::invalidate_current_thread_spans()` on the same thread afterwards.
pub fn outline(input: FileInput<'_>, lexed: &Lexed) -> Outline {
    let source = input.source;
    let (base, _) = parsable_text(source);
    // As the full analysis parses it.
    let parsed = docs::parse(source, base, &lexed.line_doc_comments, |text| {
        mod_items(text, base)
    });
    match parsed {
        Ok((modules, _)) => Outline {
            modules,
            diagnostics: Vec::new(),
        },
        Err(err) => Outline {
            modules: Vec::new(),
            diagnostics: vec![syntax_error(source, base, &err)],
        },
    }
}

/// Parses `text` (the source from `base`) item by item, for its `mod` items.
fn mod_items(text: &str, base: usize) -> syn::Result<Vec<ModDecl>> {
    let mut finder = ModFinder {
        text,
        offsets: None,
        base,
        inline_mods: Vec::new(),
        modules: Vec::new(),
        depth: 0,
    };
    (|input: ParseStream| {
        input.call(syn::Attribute::parse_inner)?;
        while !input.is_empty() {
            let item: syn::Item = input.parse()?;
            finder.visit_item(&item);
        }
        Ok(())
    })
    .parse_str(text)?;
    Ok(finder.modules)
}

/// Collects `mod` items where the full walk does: in items and inline modules, in fn bodies
/// and initializers, in the items of item macros (`cfg_if! { .. }`) and the initializers of
/// `thread_local!`-like statics; never inside `macro_rules!` or other macros' tokens.
struct ModFinder<'a> {
    text: &'a str,
    /// Made for the first `mod` item: most files have none.
    offsets: Option<Offsets>,
    base: usize,
    inline_mods: Vec<(String, Option<String>)>,
    modules: Vec<ModDecl>,
    depth: usize,
}

impl<'ast> Visit<'ast> for ModFinder<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let name = m.ident.to_string();
        let path_attr = path_attribute(&m.attrs);
        match &m.content {
            None => {
                let span = m.span();
                let text = self.text;
                let offsets = self.offsets.get_or_insert_with(|| Offsets::new(text));
                self.modules.push(ModDecl {
                    name,
                    path_attr,
                    inline_parents: self.inline_mods.clone(),
                    range: offsets.range(self.base, span, span),
                });
            }
            Some((_, items)) => {
                self.inline_mods.push((name, path_attr));
                for item in items {
                    self.visit_item(item);
                }
                self.inline_mods.pop();
            }
        }
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        let statics = macros::static_items(&m.mac);
        if !statics.is_empty() {
            for (_, _, init) in &statics {
                self.visit_expr(init);
            }
            return;
        }
        if m.ident.is_some() || self.depth >= MAX_DEPTH {
            return;
        }
        if let Some(items) = macros::items(&m.mac) {
            self.depth += 1;
            for item in &items {
                self.visit_item(item);
            }
            self.depth -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{CrateInfo, FileInput};

    fn input(source: &str) -> FileInput<'_> {
        FileInput {
            path: "lib.rs",
            source,
            module_path: &[],
        }
    }

    #[test]
    fn outlines_find_the_modules_and_errors_a_full_analysis_finds() {
        let sources = [
            "mod a;\n#[path = \"x/y.rs\"] mod b;\npub mod c { mod d; #[path = \"e\"] mod e { mod f; } }\n",
            "cfg_if::cfg_if! { if #[cfg(unix)] { mod unix; } else { mod other; } }\n\
             macro_rules! m { () => { mod hidden; } }\nm!();\nfoo! { bar baz }\n",
            "fn f() { #[path = \"g.rs\"] mod g; let _ = || { mod h {} }; }\n\
             thread_local! { static X: u8 = { #[path = \"i.rs\"] mod i; 1 }; }\n",
            "#!/usr/bin/env run-cargo-script\nmod after_shebang;\n",
            "\u{feff}mod after_bom;\n",
            "#![allow(dead_code)]\n//! Docs.\nmod after_inner_attributes;\n",
            "mod broken {\n",
            "fn main() { let x = ; }\nmod never_reached;\n",
            "",
        ];
        let mut modules = 0;
        for source in sources {
            let full = crate::analyze_file(&CrateInfo::default(), input(source));
            let outline = crate::outline_file(input(source));
            proc_macro2::extra::invalidate_current_thread_spans();
            assert_eq!(outline.modules, full.modules, "{source}");
            assert_eq!(outline.diagnostics, full.diagnostics, "{source}");
            modules += outline.modules.len();
        }
        assert_eq!(modules, 11);
    }

    #[test]
    fn too_deep_files_are_refused_as_by_a_full_analysis() {
        let source = format!("fn f() {{ {} }}", "(".repeat(5000) + &")".repeat(5000));
        let full = crate::analyze_file(&CrateInfo::default(), input(&source));
        let outline = crate::outline_file(input(&source));
        assert_eq!(outline.diagnostics, full.diagnostics);
        assert_eq!(outline.diagnostics[0].code, crate::NESTING_TOO_DEEP);
    }
}
