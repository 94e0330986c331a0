//! Byte ranges of large syntax nodes without re-tokenizing them. syn's `Spanned` turns a node
//! back into tokens to find its first and last token, which costs the node's size: on nested
//! expressions that makes a walk quadratic. These follow the left and right spines instead.
//!
//! [`Offsets`] turns span positions into byte offsets.

use proc_macro2::{LineColumn, Span};
use std::ops::Range;
use syn::spanned::Spanned;
use syn::Expr;

/// The span of the first token of an expression.
pub fn start(e: &Expr) -> Span {
    match e {
        Expr::Array(x) => x.bracket_token.span.open(),
        Expr::Assign(x) => start(&x.left),
        Expr::Async(x) => x.async_token.span,
        Expr::Await(x) => start(&x.base),
        Expr::Binary(x) => start(&x.left),
        Expr::Block(x) => match &x.label {
            Some(l) => l.name.apostrophe,
            None => x.block.brace_token.span.open(),
        },
        Expr::Break(x) => x.break_token.span,
        Expr::Call(x) => start(&x.func),
        Expr::Cast(x) => start(&x.expr),
        Expr::Closure(x) => {
            if let Some(l) = &x.lifetimes {
                l.for_token.span
            } else if let Some(c) = &x.constness {
                c.span
            } else if let Some(s) = &x.movability {
                s.span
            } else if let Some(a) = &x.asyncness {
                a.span
            } else if let Some(m) = &x.capture {
                m.span
            } else {
                x.or1_token.span
            }
        }
        Expr::Const(x) => x.const_token.span,
        Expr::Continue(x) => x.continue_token.span,
        Expr::Field(x) => start(&x.base),
        Expr::ForLoop(x) => match &x.label {
            Some(l) => l.name.apostrophe,
            None => x.for_token.span,
        },
        Expr::Group(x) => start(&x.expr),
        Expr::If(x) => x.if_token.span,
        Expr::Index(x) => start(&x.expr),
        Expr::Infer(x) => x.underscore_token.span,
        Expr::Let(x) => x.let_token.span,
        Expr::Lit(x) => x.lit.span(),
        Expr::Loop(x) => match &x.label {
            Some(l) => l.name.apostrophe,
            None => x.loop_token.span,
        },
        Expr::Macro(x) => path_start(&x.mac.path),
        Expr::Match(x) => x.match_token.span,
        Expr::MethodCall(x) => start(&x.receiver),
        Expr::Paren(x) => x.paren_token.span.open(),
        Expr::Path(x) => match &x.qself {
            Some(q) => q.lt_token.span,
            None => path_start(&x.path),
        },
        Expr::Range(x) => match &x.start {
            Some(s) => start(s),
            None => x.limits.span(),
        },
        Expr::RawAddr(x) => x.and_token.span,
        Expr::Reference(x) => x.and_token.span,
        Expr::Repeat(x) => x.bracket_token.span.open(),
        Expr::Return(x) => x.return_token.span,
        Expr::Struct(x) => match &x.qself {
            Some(q) => q.lt_token.span,
            None => path_start(&x.path),
        },
        Expr::Try(x) => start(&x.expr),
        Expr::TryBlock(x) => x.try_token.span,
        Expr::Tuple(x) => x.paren_token.span.open(),
        Expr::Unary(x) => match x.op {
            syn::UnOp::Deref(t) => t.span,
            syn::UnOp::Not(t) => t.span,
            syn::UnOp::Neg(t) => t.span,
            _ => e.span(),
        },
        Expr::Unsafe(x) => x.unsafe_token.span,
        Expr::While(x) => match &x.label {
            Some(l) => l.name.apostrophe,
            None => x.while_token.span,
        },
        Expr::Yield(x) => x.yield_token.span,
        _ => e.span(),
    }
}

/// The span of the last token of an expression.
pub fn end(e: &Expr) -> Span {
    match e {
        Expr::Array(x) => x.bracket_token.span.close(),
        Expr::Assign(x) => end(&x.right),
        Expr::Async(x) => x.block.brace_token.span.close(),
        Expr::Await(x) => x.await_token.span,
        Expr::Binary(x) => end(&x.right),
        Expr::Block(x) => x.block.brace_token.span.close(),
        Expr::Break(x) => match (&x.expr, &x.label) {
            (Some(v), _) => end(v),
            (None, Some(l)) => l.ident.span(),
            (None, None) => x.break_token.span,
        },
        Expr::Call(x) => x.paren_token.span.close(),
        Expr::Cast(x) => x.ty.span(),
        Expr::Closure(x) => end(&x.body),
        Expr::Const(x) => x.block.brace_token.span.close(),
        Expr::Continue(x) => match &x.label {
            Some(l) => l.ident.span(),
            None => x.continue_token.span,
        },
        Expr::Field(x) => match &x.member {
            syn::Member::Named(n) => n.span(),
            syn::Member::Unnamed(i) => i.span,
        },
        Expr::ForLoop(x) => x.body.brace_token.span.close(),
        Expr::Group(x) => end(&x.expr),
        Expr::If(x) => match &x.else_branch {
            Some((_, e)) => end(e),
            None => x.then_branch.brace_token.span.close(),
        },
        Expr::Index(x) => x.bracket_token.span.close(),
        Expr::Infer(x) => x.underscore_token.span,
        Expr::Let(x) => end(&x.expr),
        Expr::Lit(x) => x.lit.span(),
        Expr::Loop(x) => x.body.brace_token.span.close(),
        Expr::Macro(x) => macro_end(&x.mac),
        Expr::Match(x) => x.brace_token.span.close(),
        Expr::MethodCall(x) => x.paren_token.span.close(),
        Expr::Paren(x) => x.paren_token.span.close(),
        Expr::Path(x) => path_end(&x.path),
        Expr::Range(x) => match &x.end {
            Some(e) => end(e),
            None => x.limits.span(),
        },
        Expr::RawAddr(x) => end(&x.expr),
        Expr::Reference(x) => end(&x.expr),
        Expr::Repeat(x) => x.bracket_token.span.close(),
        Expr::Return(x) => match &x.expr {
            Some(v) => end(v),
            None => x.return_token.span,
        },
        Expr::Struct(x) => x.brace_token.span.close(),
        Expr::Try(x) => x.question_token.span,
        Expr::TryBlock(x) => x.block.brace_token.span.close(),
        Expr::Tuple(x) => x.paren_token.span.close(),
        Expr::Unary(x) => end(&x.expr),
        Expr::Unsafe(x) => x.block.brace_token.span.close(),
        Expr::While(x) => x.body.brace_token.span.close(),
        Expr::Yield(x) => match &x.expr {
            Some(v) => end(v),
            None => x.yield_token.span,
        },
        _ => e.span(),
    }
}

pub fn path_start(path: &syn::Path) -> Span {
    match (&path.leading_colon, path.segments.first()) {
        (Some(c), _) => c.spans[0],
        (None, Some(s)) => s.ident.span(),
        (None, None) => Span::call_site(),
    }
}

pub fn path_end(path: &syn::Path) -> Span {
    match path.segments.last() {
        Some(s) => match &s.arguments {
            syn::PathArguments::None => s.ident.span(),
            syn::PathArguments::AngleBracketed(a) => a.gt_token.span,
            syn::PathArguments::Parenthesized(p) => match &p.output {
                syn::ReturnType::Default => p.paren_token.span.close(),
                syn::ReturnType::Type(_, ty) => ty.span(),
            },
        },
        None => Span::call_site(),
    }
}

pub fn macro_end(mac: &syn::Macro) -> Span {
    match &mac.delimiter {
        syn::MacroDelimiter::Paren(p) => p.span.close(),
        syn::MacroDelimiter::Brace(b) => b.span.close(),
        syn::MacroDelimiter::Bracket(b) => b.span.close(),
    }
}

/// Byte offsets of span positions in the text syn parsed. proc-macro2 counts columns in chars
/// and maps chars to bytes through an ordered map that grows with every position asked for;
/// here a position on an ASCII line (almost every line) is its line's start plus its column.
pub struct Offsets {
    len: usize,
    line_starts: Vec<usize>,
    /// The lines with a non-ASCII char, with their text; sorted by line index.
    wide_lines: Vec<(usize, Box<str>)>,
}

/// The byte offset where each line of a text starts.
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

impl Offsets {
    pub fn new(text: &str) -> Self {
        let line_starts = line_starts(text);
        let mut wide_lines = Vec::new();
        if !text.is_ascii() {
            for (index, &start) in line_starts.iter().enumerate() {
                let end = line_starts.get(index + 1).map_or(text.len(), |&next| next);
                let line = &text[start..end];
                if !line.is_ascii() {
                    wide_lines.push((index, line.into()));
                }
            }
        }
        Offsets {
            len: text.len(),
            line_starts,
            wide_lines,
        }
    }

    /// The byte offset where each line of the text starts.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// The byte offset where a span starts.
    pub fn start(&self, span: Span) -> usize {
        self.offset(span.start())
    }

    /// The byte offset where a span ends.
    pub fn end(&self, span: Span) -> usize {
        self.offset(span.end())
    }

    /// The byte range from the start of `first` to the end of `last`, in a source whose first
    /// `base` bytes (a byte order mark, a shebang line) were not given to the parser.
    pub fn range(&self, base: usize, first: Span, last: Span) -> Range<usize> {
        let source_len = base + self.len;
        let start = (base + self.start(first)).min(source_len);
        let end = (base + self.end(last)).clamp(start, source_len);
        start..end
    }

    /// The start of [`Offsets::range`] for a span, without looking up its end.
    pub fn range_start(&self, base: usize, span: Span) -> usize {
        (base + self.start(span)).min(base + self.len)
    }

    /// The end of [`Offsets::range`] for a single span, without looking up its start: a span
    /// never ends before it starts, so the range's clamp to its start changes nothing.
    pub fn range_end(&self, base: usize, span: Span) -> usize {
        (base + self.end(span)).min(base + self.len)
    }

    fn offset(&self, at: LineColumn) -> usize {
        // Lines are 1-based; a span with no place in the text (call site) is line 1, column 0.
        let index = at.line.saturating_sub(1);
        let Some(&start) = self.line_starts.get(index) else {
            return self.len;
        };
        let within = match self.wide_lines.binary_search_by_key(&index, |(i, _)| *i) {
            Ok(wide) => {
                let line = &self.wide_lines[wide].1;
                line.char_indices()
                    .nth(at.column)
                    .map_or(line.len(), |(byte, _)| byte)
            }
            Err(_) => at.column,
        };
        (start + within).min(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::Offsets;
    use proc_macro2::{TokenStream, TokenTree};

    /// Calls `f` on every token tree of a text, groups before what they hold.
    fn each_tree(text: &str, f: &mut impl FnMut(&TokenTree)) {
        fn walk(stream: TokenStream, f: &mut impl FnMut(&TokenTree)) {
            for tree in stream {
                f(&tree);
                if let TokenTree::Group(group) = tree {
                    walk(group.stream(), f);
                }
            }
        }
        walk(text.parse().unwrap(), f);
        proc_macro2::extra::invalidate_current_thread_spans();
    }

    #[test]
    fn offsets_agree_with_proc_macro2_on_every_token() {
        let text = "fn naïve() {\r\n    let s = \"ünï\ncödé\"; // ✓ done\n\tlet é = '🦀'; f(é, s)\n}\n/* ∑ */ struct Ω;";
        let offsets = Offsets::new(text);
        let mut seen = 0;
        let mut check = |span: proc_macro2::Span| {
            let bytes = span.byte_range();
            assert_eq!(
                offsets.start(span),
                bytes.start,
                "{:?}",
                &text[bytes.clone()]
            );
            assert_eq!(offsets.end(span), bytes.end, "{:?}", &text[bytes.clone()]);
            seen += 1;
        };
        each_tree(text, &mut |tree| {
            check(tree.span());
            if let TokenTree::Group(group) = tree {
                check(group.span_open());
                check(group.span_close());
            }
        });
        assert!(seen > 20);
    }

    #[test]
    fn an_identifier_ends_as_many_bytes_after_its_start_as_its_text_has() {
        let text = "fn naïve(r#type: u8) {\n    let é = r#match; Ω::über(é)\n}\n";
        let offsets = Offsets::new(text);
        let mut idents = 0;
        each_tree(text, &mut |tree| {
            if let TokenTree::Ident(ident) = tree {
                let start = offsets.range_start(0, ident.span());
                assert_eq!(start + ident.to_string().len(), offsets.end(ident.span()));
                assert_eq!(
                    offsets.range_end(0, ident.span()),
                    offsets.end(ident.span())
                );
                idents += 1;
            }
        });
        assert_eq!(idents, 10);
    }

    #[test]
    fn positions_past_the_text_are_clamped() {
        let offsets = Offsets::new("ab\ncd");
        let at = |line, column| offsets.offset(proc_macro2::LineColumn { line, column });
        assert_eq!(at(1, 0), 0);
        assert_eq!(at(2, 1), 4);
        assert_eq!(at(2, 9), 5);
        assert_eq!(at(7, 0), 5);
    }
}
