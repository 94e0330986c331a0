//! Byte ranges of large syntax nodes without re-tokenizing them. syn's `Spanned` turns a node
//! back into tokens to find its first and last token, which costs the node's size: on nested
//! expressions that makes a walk quadratic. These follow the left and right spines instead.

use proc_macro2::Span;
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
