//! Suppressions written in the code.
//!
//! - `// appstract-lint: allow(<lint>[, <lint>]) -- reason` covers the line it ends, or, on a
//!   line of its own, the next line of code; and in both cases the whole item, statement or
//!   expression that starts on that line (a finding anywhere in a multi-line `let` is covered
//!   by the comment above the `let`).
//! - `// appstract-lint: allow-file(<lint>[, <lint>])` covers the whole file.
//! - `#[cfg_attr(appstract_lint, allow(appstract::<lint>))]` covers the item, statement or
//!   expression it is on (read by the model, [`appstract_lints::FileModel::allows`]).
//!
//! A finding at `forbid` level is never suppressed. A suppression that covers no finding is
//! reported as `unused_suppression`; one that names no lint, or is malformed, as
//! `invalid_suppression`.

use crate::config::{find_any_lint, lint_help, normalize_lint_name};
use appstract_lints::lex;
use appstract_lints::model::AttrAllow;
use appstract_lints::{declare_lint, Diagnostic, Label, Level, LintLevels};
use std::ops::Range;
use syn::spanned::Spanned;
use syn::visit::Visit;

declare_lint! {
    /// ## What it does
    /// Reports a suppression (`// appstract-lint: allow(..)`, `allow-file(..)` or
    /// `#[cfg_attr(appstract_lint, allow(appstract::..))]`) that covers no finding.
    ///
    /// ## Why is this bad?
    /// A suppression left behind after the code was fixed hides the next real finding at the
    /// same place, and tells readers about a problem that is not there.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // appstract-lint: allow(nested_runtime_block_on) -- legacy entry point
    /// let n = compute().await;
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let n = compute().await;
    /// ```
    pub static UNUSED_SUPPRESSION = {
        name: "unused_suppression",
        level: Warn,
        summary: "a suppression that covers no finding",
    };
}

declare_lint! {
    /// ## What it does
    /// Reports a suppression that names no known lint, or that cannot be read.
    ///
    /// ## Why is this bad?
    /// A misspelt lint name suppresses nothing: the finding it was meant for is still
    /// reported, or worse, a later one is not suppressed as intended.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // appstract-lint: allow(nested_runtime_blockon)
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// // appstract-lint: allow(nested_runtime_block_on)
    /// ```
    pub static INVALID_SUPPRESSION = {
        name: "invalid_suppression",
        level: Warn,
        summary: "a suppression naming an unknown lint, or malformed",
    };
}

/// The marker every directive starts with, after `//`.
pub const MARKER: &str = "appstract-lint:";

/// One suppression in a file, with what it covers.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Where the comment or attribute is; unused suppressions are reported here.
    pub range: Range<usize>,
    /// Lint names as written, with their ranges.
    pub lints: Vec<(String, Range<usize>)>,
    /// The text covered; `None` for the whole file.
    pub covered: Option<Range<usize>>,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Comment,
    FileComment,
    Attribute,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Comment => "`// appstract-lint: allow(..)` comment",
            Kind::FileComment => "`// appstract-lint: allow-file(..)` comment",
            Kind::Attribute => "`cfg_attr` attribute",
        }
    }
}

/// The suppressions of one file, and directives that could not be read.
#[derive(Debug, Clone, Default)]
pub struct FileSuppressions {
    pub entries: Vec<Suppression>,
    /// Malformed directives: where, and why.
    pub malformed: Vec<(Range<usize>, String)>,
}

impl FileSuppressions {
    /// Reads the comment directives of a file. Cheap when the file has none.
    pub fn from_comments(text: &str) -> FileSuppressions {
        let mut out = FileSuppressions::default();
        if !text.contains(MARKER) {
            return out;
        }
        let comments: Vec<Comment> = line_comments(text)
            .into_iter()
            .filter(|c| c.body(text).trim_start().starts_with(MARKER))
            .collect();
        if comments.is_empty() {
            return out;
        }
        let nodes = node_ranges(text);
        for comment in comments {
            match parse_directive(text, &comment) {
                Ok((file_wide, lints)) => {
                    let covered = if file_wide {
                        None
                    } else {
                        Some(covered_by(text, &comment, &nodes))
                    };
                    out.entries.push(Suppression {
                        range: comment.range.clone(),
                        lints,
                        covered,
                        kind: if file_wide {
                            Kind::FileComment
                        } else {
                            Kind::Comment
                        },
                    });
                }
                Err(reason) => out.malformed.push((comment.range.clone(), reason)),
            }
        }
        out
    }

    /// Adds the model's `cfg_attr` attributes.
    pub fn add_attributes(&mut self, allows: &[AttrAllow]) {
        for allow in allows {
            self.entries.push(Suppression {
                range: allow.attr.clone(),
                lints: allow.lints.to_vec(),
                covered: Some(allow.covered.clone()),
                kind: Kind::Attribute,
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.malformed.is_empty()
    }

    /// Applies the suppressions to a file's findings (at their final levels), and reports
    /// those that are unused or invalid at the levels of `levels`.
    pub fn apply(
        &self,
        findings: &mut Vec<Diagnostic>,
        levels: &LintLevels,
        line_of: impl Fn(usize) -> usize,
    ) {
        let mut used: Vec<Vec<bool>> = self
            .entries
            .iter()
            .map(|s| vec![false; s.lints.len()])
            .collect();
        findings.retain_mut(|finding| {
            let mut keep = true;
            for (index, suppression) in self.entries.iter().enumerate() {
                let covers = suppression.covered.as_ref().is_none_or(|covered| {
                    covered.start <= finding.primary.range.start
                        && finding.primary.range.start < covered.end.max(covered.start + 1)
                });
                if !covers {
                    continue;
                }
                for (lint_index, (name, _)) in suppression.lints.iter().enumerate() {
                    if normalize_lint_name(name) != finding.code {
                        continue;
                    }
                    used[index][lint_index] = true;
                    if finding.level == Level::Forbid {
                        let note = format!(
                            "the {} on line {} cannot allow it: `{}` is forbidden",
                            suppression.kind.describe(),
                            line_of(suppression.range.start),
                            finding.code
                        );
                        if !finding.notes.contains(&note) {
                            finding.notes.push(note);
                        }
                    } else {
                        keep = false;
                    }
                }
            }
            keep
        });

        let unused_level = levels.effective(&UNUSED_SUPPRESSION, false);
        let invalid_level = levels.effective(&INVALID_SUPPRESSION, false);
        for (index, suppression) in self.entries.iter().enumerate() {
            for (lint_index, (name, range)) in suppression.lints.iter().enumerate() {
                let normalized = normalize_lint_name(name);
                let known = find_any_lint(&normalized).is_some();
                if !known {
                    if invalid_level != Level::Allow {
                        let mut diagnostic = Diagnostic::new(
                            INVALID_SUPPRESSION.name,
                            invalid_level,
                            format!("unknown lint `{name}` in a suppression"),
                            Label::new(range.clone(), "no lint has this name"),
                        );
                        if crate::TOOL_CODES.contains(&normalized.as_str()) {
                            diagnostic = diagnostic
                                .with_note(format!("`{normalized}` is a problem of the tool, not a lint: it cannot be allowed"));
                        } else {
                            diagnostic = diagnostic.with_help(lint_help(&normalized));
                        }
                        findings.push(diagnostic);
                    }
                } else if !used[index][lint_index] && unused_level != Level::Allow {
                    let label = if suppression.lints.len() == 1 {
                        suppression.range.clone()
                    } else {
                        range.clone()
                    };
                    findings.push(
                        Diagnostic::new(
                            UNUSED_SUPPRESSION.name,
                            unused_level,
                            format!("unused suppression of `{normalized}`"),
                            Label::new(label, format!("no `{normalized}` finding here")),
                        )
                        .with_help("remove it"),
                    );
                }
            }
        }
        if invalid_level != Level::Allow {
            for (range, reason) in &self.malformed {
                findings.push(
                    Diagnostic::new(
                        INVALID_SUPPRESSION.name,
                        invalid_level,
                        format!("malformed suppression: {reason}"),
                        Label::new(range.clone(), ""),
                    )
                    .with_help(
                        "write `// appstract-lint: allow(<lint>, ..) -- reason` or `// appstract-lint: allow-file(<lint>, ..)`",
                    ),
                );
            }
        }
    }
}

/// A `//` comment (not `///` or `//!`).
#[derive(Debug, Clone)]
struct Comment {
    range: Range<usize>,
    /// Only whitespace before it on its line.
    own_line: bool,
}

impl Comment {
    /// The text after `//`.
    fn body<'t>(&self, text: &'t str) -> &'t str {
        &text[self.range.start + 2..self.range.end]
    }
}

/// Every plain line comment, skipping string and char literals and block comments.
fn line_comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut code_on_line = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                code_on_line = false;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let is_doc = matches!(bytes.get(i + 2), Some(b'/') | Some(b'!'))
                    && bytes.get(i + 3) != Some(&b'/');
                if !is_doc {
                    out.push(Comment {
                        range: i..end,
                        own_line: !code_on_line,
                    });
                }
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = lex::block_comment_end(bytes, i),
            b'"' => {
                code_on_line = true;
                i = lex::string_end(bytes, i + 1);
            }
            b'r' | b'b' | b'c' if raw_string_start(bytes, i).is_some() => {
                code_on_line = true;
                let (hashes, open) = raw_string_start(bytes, i).unwrap_or((0, i + 1));
                i = lex::raw_string_end(bytes, open, hashes);
            }
            b'\'' => {
                code_on_line = true;
                // A lifetime: only its quote; the name is read as an identifier.
                i = lex::char_literal_end(bytes, i).unwrap_or(i + 1);
            }
            b' ' | b'\t' | b'\r' => i += 1,
            byte if is_ident(byte) => {
                code_on_line = true;
                // Identifiers whole, so the `r` of `bar"` does not start a raw string.
                while i < bytes.len() && is_ident(bytes[i]) {
                    i += 1;
                }
            }
            _ => {
                code_on_line = true;
                i += 1;
            }
        }
    }
    out
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// `r"`, `r#"`, `br##"`, `cr"`: the number of hashes and the offset after the opening quote.
fn raw_string_start(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    if i > 0 && is_ident(bytes[i - 1]) {
        return None;
    }
    let mut j = i;
    if matches!(bytes.get(j), Some(b'b') | Some(b'c')) {
        j += 1;
    }
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while bytes.get(j) == Some(&b'#') {
        hashes += 1;
        j += 1;
    }
    (bytes.get(j) == Some(&b'"')).then_some((hashes, j + 1))
}

/// Reads `allow(a, b) -- reason` or `allow-file(a)` after the marker.
#[allow(clippy::type_complexity)]
fn parse_directive(
    text: &str,
    comment: &Comment,
) -> Result<(bool, Vec<(String, Range<usize>)>), String> {
    let body = comment.body(text);
    let body_start = comment.range.start + 2;
    let marker_at = body.find(MARKER).unwrap_or(0);
    let after = &body[marker_at + MARKER.len()..];
    let after_start = body_start + marker_at + MARKER.len();
    let trimmed = after.trim_start();
    let offset = after_start + (after.len() - trimmed.len());
    let (file_wide, rest, rest_start) = if let Some(rest) = trimmed.strip_prefix("allow-file") {
        (true, rest, offset + "allow-file".len())
    } else if let Some(rest) = trimmed.strip_prefix("allow") {
        (false, rest, offset + "allow".len())
    } else {
        let word: String = trimmed
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        return Err(if word.is_empty() {
            "expected `allow(..)` or `allow-file(..)`".to_string()
        } else {
            format!("unknown directive `{word}`, expected `allow` or `allow-file`")
        });
    };
    let Some(inner) = rest.trim_start().strip_prefix('(') else {
        return Err("expected `(` and lint names after `allow`".to_string());
    };
    let inner_start = rest_start + (rest.len() - rest.trim_start().len()) + 1;
    let Some(close) = inner.find(')') else {
        return Err("expected `)` after the lint names".to_string());
    };
    let trailing = inner[close + 1..].trim();
    if !trailing.is_empty() && !trailing.starts_with("--") {
        return Err("expected `-- reason` after the lint names".to_string());
    }
    let mut lints = Vec::new();
    let mut cursor = 0;
    for part in inner[..close].split(',') {
        let name = part.trim();
        let lead = part.len() - part.trim_start().len();
        let start = inner_start + cursor + lead;
        if !name.is_empty() {
            lints.push((name.to_string(), start..start + name.len()));
        }
        cursor += part.len() + 1;
    }
    if lints.is_empty() {
        return Err("no lint named in the suppression".to_string());
    }
    Ok((file_wide, lints))
}

/// The text a line directive covers: its line (trailing) or the next line of code (own line),
/// extended to the end of the largest syntax node starting on that line.
fn covered_by(text: &str, comment: &Comment, nodes: &[Range<usize>]) -> Range<usize> {
    let line = if comment.own_line {
        next_code_line(text, comment.range.end)
    } else {
        let start = text[..comment.range.start].rfind('\n').map_or(0, |n| n + 1);
        Some(start..comment.range.end)
    };
    let Some(line) = line else {
        return comment.range.clone();
    };
    let end = nodes
        .iter()
        .filter(|node| line.start <= node.start && node.start < line.end)
        .map(|node| node.end)
        .max()
        .unwrap_or(line.end)
        .max(line.end);
    line.start..end
}

/// The next line after `offset` holding something other than whitespace or a `//` comment.
fn next_code_line(text: &str, offset: usize) -> Option<Range<usize>> {
    let mut start = text[offset..].find('\n').map(|n| offset + n + 1)?;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let content = text[start..end].trim();
        if !content.is_empty() && !content.starts_with("//") {
            return Some(start..end);
        }
        start = end + 1;
    }
    None
}

/// The ranges of items, statements, expressions, match arms and fields of a file.
fn node_ranges(text: &str) -> Vec<Range<usize>> {
    let parsed = std::panic::catch_unwind(|| {
        let mut collector = Collector { ranges: Vec::new() };
        if let Ok(file) = syn::parse_file(text) {
            collector.visit_file(&file);
        }
        collector.ranges
    });
    proc_macro2::extra::invalidate_current_thread_spans();
    parsed.unwrap_or_default()
}

struct Collector {
    ranges: Vec<Range<usize>>,
}

impl Collector {
    fn push(&mut self, node: &impl Spanned) {
        self.ranges.push(node.span().byte_range());
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item(&mut self, node: &'ast syn::Item) {
        self.push(node);
        syn::visit::visit_item(self, node);
    }
    fn visit_impl_item(&mut self, node: &'ast syn::ImplItem) {
        self.push(node);
        syn::visit::visit_impl_item(self, node);
    }
    fn visit_trait_item(&mut self, node: &'ast syn::TraitItem) {
        self.push(node);
        syn::visit::visit_trait_item(self, node);
    }
    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        self.push(node);
        syn::visit::visit_stmt(self, node);
    }
    fn visit_expr(&mut self, node: &'ast syn::Expr) {
        self.push(node);
        syn::visit::visit_expr(self, node);
    }
    fn visit_arm(&mut self, node: &'ast syn::Arm) {
        self.push(node);
        syn::visit::visit_arm(self, node);
    }
    fn visit_field_value(&mut self, node: &'ast syn::FieldValue) {
        self.push(node);
        syn::visit::visit_field_value(self, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered_text(text: &str) -> Vec<String> {
        FileSuppressions::from_comments(text)
            .entries
            .iter()
            .map(|s| match &s.covered {
                Some(range) => text[range.clone()].to_string(),
                None => "<file>".to_string(),
            })
            .collect()
    }

    #[test]
    fn comments_are_found_outside_literals() {
        let text = "let a = \"// appstract-lint: allow(x)\"; // real\n\
                    let b = r#\"// no \"# ; let c = '/'; // two\n/* // no */ /// doc\n//! inner\n";
        let found: Vec<&str> = line_comments(text)
            .iter()
            .map(|c| &text[c.range.clone()])
            .collect();
        assert_eq!(found, ["// real", "// two"]);
    }

    #[test]
    fn own_line_comments_cover_the_next_statement_whole() {
        let text = "fn f() {\n    // appstract-lint: allow(a) -- legacy\n\n    let x = g(\n        1,\n    );\n    h(); // appstract-lint: allow(b, c)\n}\n";
        assert_eq!(
            covered_text(text),
            [
                "    let x = g(\n        1,\n    );",
                "    h(); // appstract-lint: allow(b, c)"
            ]
        );
        let parsed = FileSuppressions::from_comments(text);
        let names: Vec<&str> = parsed.entries[1]
            .lints
            .iter()
            .map(|(n, r)| {
                assert_eq!(&text[r.clone()], n);
                n.as_str()
            })
            .collect();
        assert_eq!(names, ["b", "c"]);
    }

    #[test]
    fn file_directives_and_malformed_ones() {
        let text = "// appstract-lint: allow-file(a)\n// appstract-lint: alow(a)\n// appstract-lint: allow(a) reason\n// appstract-lint: allow()\nfn f() {}\n";
        let parsed = FileSuppressions::from_comments(text);
        assert_eq!(covered_text(text), ["<file>"]);
        let reasons: Vec<&str> = parsed.malformed.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "unknown directive `alow`, expected `allow` or `allow-file`",
                "expected `-- reason` after the lint names",
                "no lint named in the suppression"
            ]
        );
    }
}
