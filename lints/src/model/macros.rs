//! Macro bodies the model understands: `join!`/`try_join!`, `select!`, `pin!`, format-like
//! macros, and the statics of `lazy_static!`/`thread_local!`. Any other macro is token-scanned
//! by the builder.

use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Pat, Token};

pub enum MacroBody {
    /// Expressions the macro evaluates; `awaits` when it awaits them (`join!`).
    Exprs { exprs: Vec<Expr>, awaits: bool },
    /// `select!`: the futures it awaits, and each branch's pattern and handler.
    Select {
        futures: Vec<Expr>,
        handlers: Vec<(Option<Pat>, Expr)>,
    },
}

const FORMAT_LIKE: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "format_args",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "unreachable",
    "todo",
    "unimplemented",
    "dbg",
    "vec",
    "anyhow",
    "bail",
    "ensure",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "pin",
    "pin_mut",
];

/// Parses a macro's body into expressions, or `None` to fall back to a token scan.
pub fn parse_body(mac: &syn::Macro, name: &str) -> Option<MacroBody> {
    match name {
        "join" | "try_join" => {
            let exprs = (|input: ParseStream| {
                skip_biased(input)?;
                Punctuated::<Expr, Token![,]>::parse_terminated(input)
            })
            .parse2(mac.tokens.clone())
            .ok()?;
            Some(MacroBody::Exprs {
                exprs: exprs.into_iter().collect(),
                awaits: true,
            })
        }
        "select" | "select_biased" => parse_select.parse2(mac.tokens.clone()).ok(),
        "matches" => {
            let scrutinee = (|input: ParseStream| {
                let e: Expr = input.parse()?;
                input.parse::<Token![,]>()?;
                let _rest: proc_macro2::TokenStream = input.parse()?;
                Ok(e)
            })
            .parse2(mac.tokens.clone())
            .ok()?;
            Some(MacroBody::Exprs {
                exprs: vec![scrutinee],
                awaits: false,
            })
        }
        _ if FORMAT_LIKE.contains(&name) => {
            let exprs = parse_format_like.parse2(mac.tokens.clone()).ok()?;
            Some(MacroBody::Exprs {
                exprs,
                awaits: false,
            })
        }
        _ => None,
    }
}

/// The body of a format-like macro: expressions separated by commas, or `vec!`'s `elem; n`.
/// One pass over the tokens: a body that is neither, such as `tracing`'s `info!(?x, "..")`,
/// fails once.
fn parse_format_like(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let mut exprs = Vec::new();
    if input.is_empty() {
        return Ok(exprs);
    }
    exprs.push(input.parse()?);
    if input.peek(Token![;]) {
        input.parse::<Token![;]>()?;
        exprs.push(input.parse()?);
        return Ok(exprs);
    }
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        exprs.push(input.parse()?);
    }
    Ok(exprs)
}

/// An optional leading `biased;`.
fn skip_biased(input: ParseStream) -> syn::Result<()> {
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        let fork = input.fork();
        let ident: syn::Ident = fork.parse()?;
        if ident == "biased" {
            input.parse::<syn::Ident>()?;
            input.parse::<Token![;]>()?;
        }
    }
    Ok(())
}

/// `tokio::select!` / `futures::select!`: `biased;`? then `pat = fut (, if cond)? => handler,`
/// branches, and `else => e` / `complete => e` / `default => e`.
fn parse_select(input: ParseStream) -> syn::Result<MacroBody> {
    let mut futures = Vec::new();
    let mut handlers = Vec::new();
    skip_biased(input)?;
    while !input.is_empty() {
        let fallback = input.peek(Token![else])
            || input.peek(Token![default])
            || (input.peek(syn::Ident) && input.peek2(Token![=>]));
        let pat = if fallback {
            if input.peek(Token![else]) {
                input.parse::<Token![else]>()?;
            } else if input.peek(Token![default]) {
                input.parse::<Token![default]>()?;
            } else {
                input.parse::<syn::Ident>()?;
            }
            None
        } else {
            let pat = Pat::parse_single(input)?;
            input.parse::<Token![=]>()?;
            let fut = Expr::parse_without_eager_brace(input)?;
            futures.push(fut);
            if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                let cond: Expr = Expr::parse_without_eager_brace(input)?;
                futures.push(cond);
            }
            Some(pat)
        };
        input.parse::<Token![=>]>()?;
        let handler: Expr = input.parse()?;
        let block_like = matches!(handler, Expr::Block(_));
        handlers.push((pat, handler));
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else if !block_like && !input.is_empty() {
            return Err(input.error("expected `,`"));
        }
    }
    Ok(MacroBody::Select { futures, handlers })
}

/// `lazy_static! { static ref X: T = e; }` and `thread_local! { static X: T = e; }`.
pub fn static_items(mac: &syn::Macro) -> Vec<(syn::Ident, syn::Type, Expr)> {
    let name = mac
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if name != "lazy_static" && name != "thread_local" {
        return Vec::new();
    }
    let parser = |input: ParseStream| {
        let mut out = Vec::new();
        while !input.is_empty() {
            input.call(syn::Attribute::parse_outer)?;
            input.parse::<syn::Visibility>()?;
            input.parse::<Token![static]>()?;
            if input.peek(Token![ref]) {
                input.parse::<Token![ref]>()?;
            }
            let ident: syn::Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            let ty: syn::Type = input.parse()?;
            input.parse::<Token![=]>()?;
            if input.peek(Token![const]) && input.peek2(syn::token::Brace) {
                input.parse::<Token![const]>()?;
            }
            let init: Expr = input.parse()?;
            if input.peek(Token![;]) {
                input.parse::<Token![;]>()?;
            }
            out.push((ident, ty, init));
        }
        Ok(out)
    };
    parser.parse2(mac.tokens.clone()).unwrap_or_default()
}

/// The items a macro in item position wraps: its whole body (`cfg_rt! { pub mod rt; }`), or the
/// brace groups of a `cfg_if!`-style body. `None` when neither parses as items.
pub fn items(mac: &syn::Macro) -> Option<Vec<syn::Item>> {
    let parse_items = |tokens: proc_macro2::TokenStream| {
        (|input: ParseStream| {
            let mut items = Vec::new();
            while !input.is_empty() {
                items.push(input.parse::<syn::Item>()?);
            }
            Ok(items)
        })
        .parse2(tokens)
        .ok()
    };
    if let Some(items) = parse_items(mac.tokens.clone()) {
        return Some(items);
    }
    let mut out = Vec::new();
    let mut any = false;
    for tree in mac.tokens.clone() {
        if let proc_macro2::TokenTree::Group(g) = tree {
            if g.delimiter() == proc_macro2::Delimiter::Brace {
                out.extend(parse_items(g.stream())?);
                any = true;
            }
        }
    }
    any.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::parse_format_like;
    use quote::ToTokens;
    use syn::parse::{ParseStream, Parser};
    use syn::punctuated::Punctuated;
    use syn::{Expr, Token};

    /// Expressions separated by commas, else `elem; n`: two parses.
    fn in_two_parses(body: &str) -> Option<Vec<Expr>> {
        Punctuated::<Expr, Token![,]>::parse_terminated
            .parse_str(body)
            .ok()
            .map(|p| p.into_iter().collect())
            .or_else(|| {
                (|input: ParseStream| {
                    let elem: Expr = input.parse()?;
                    input.parse::<Token![;]>()?;
                    let n: Expr = input.parse()?;
                    Ok(vec![elem, n])
                })
                .parse_str(body)
                .ok()
            })
    }

    #[test]
    fn format_like_bodies_parse_as_in_two_parses() {
        let bodies = [
            "",
            "\"plain\"",
            "\"{} {x}\", a, x = b.c(),",
            "f, g(h.await)?, |a, b| a + b",
            "0u8; n * 2",
            "vec![1]; 3,",
            "a; b; c",
            "a, b; c",
            "a; b, c",
            "?id, \"request\"",
            "target: \"app\", \"ready\"",
            "a b",
            ",",
            "x,,",
        ];
        let text = |exprs: Option<Vec<Expr>>| {
            exprs.map(|exprs| {
                exprs
                    .iter()
                    .map(|e| e.to_token_stream().to_string())
                    .collect::<Vec<_>>()
            })
        };
        for body in bodies {
            let one = parse_format_like.parse_str(body).ok();
            assert_eq!(text(one), text(in_two_parses(body)), "{body}");
        }
        assert_eq!(
            parse_format_like.parse_str("0u8; n").map(|e| e.len()).ok(),
            Some(2)
        );
        assert_eq!(
            parse_format_like.parse_str("a, b,").map(|e| e.len()).ok(),
            Some(2)
        );
    }
}
