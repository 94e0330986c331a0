//! A cheap scan before parsing that refuses text nested too deeply to parse safely.
//!
//! syn parses recursively, and its trees are dropped, printed and walked recursively, so
//! nesting the size of the input (100,000 parentheses, `Vec<Vec<..>>`, `!!!..x`, `a = b = ..`,
//! or a method chain a million calls long) would overflow any thread's stack and abort the
//! whole process. This scan lexes the text (comments, strings, raw strings, char literals and
//! lifetimes are skipped exactly, so brackets inside them never count) and measures two
//! upper bounds of the recursion the parser and the tree walks will need:
//!
//! - **depth**: open brackets `( [ {`, plus, within each open bracket's current statement
//!   (up to `;`, `,` or `=>`), the unclosed `<`, the prefix operators (`!x`, `-x`, `*x`, `&x`,
//!   `..x`, closure bars), and the tokens after which the parser recurses for what follows
//!   (`=`, compound assignments, `->`, `@`, `return`, `break`, `yield`, `move`, `box`);
//! - **chain**: the tokens that extend an expression to the left (`.`, `?`, `as`, binary
//!   operators, calls and indexing, `else`) in the current statements of the open brackets.
//!
//! Both limits are far above any real code (the deepest file of a 39,000-file corpus of
//! published crates stays under a tenth of each) and far below what overflows a worker's stack.
//! The scan is linear and allocates only a stack of open brackets.

use crate::lex::{self, ident_end, is_ident_byte};
use std::ops::Range;

/// The most nesting a file may have; see the module documentation for what counts.
pub const MAX_DEPTH: usize = 1_000;
/// The longest chain of postfix and binary operators a file may have.
pub const MAX_CHAIN: usize = 20_000;

/// How deeply a text nests: the largest depth and chain seen, and where each was reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nesting {
    pub depth: usize,
    pub depth_at: usize,
    pub chain: usize,
    pub chain_at: usize,
}

/// Text nested beyond a limit: which measure, its limit, and the token that exceeded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooDeep {
    pub range: Range<usize>,
    pub measure: Measure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Beyond [`MAX_DEPTH`].
    Depth,
    /// Beyond [`MAX_CHAIN`].
    Chain,
}

/// What the scan passes on the way that the parse can use, so that it need not lex for it.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Where each line comment that starts with `///` (not `////`) or `//!` starts, in order.
    pub line_doc_comments: Vec<usize>,
}

/// `Err` at the first token where the text nests beyond [`MAX_DEPTH`] or [`MAX_CHAIN`].
pub fn check(source: &str) -> Result<Lexed, TooDeep> {
    match scan(source, MAX_DEPTH, MAX_CHAIN) {
        Stop::Exceeded(too_deep) => Err(too_deep),
        Stop::End(_, lexed) => Ok(lexed),
    }
}

/// The deepest nesting of the whole text, with no limit.
pub fn measure(source: &str) -> Nesting {
    match scan(source, usize::MAX, usize::MAX) {
        Stop::End(nesting, _) => nesting,
        Stop::Exceeded(_) => unreachable!("no limit can be exceeded"),
    }
}

enum Stop {
    End(Nesting, Lexed),
    Exceeded(TooDeep),
}

/// Counts of the statement being read inside one open bracket.
#[derive(Clone, Copy, Default)]
struct Segment {
    /// Prefix operators and recursing tokens.
    prefix: usize,
    /// Unclosed `<`.
    angle: usize,
    chain: usize,
}

impl Segment {
    fn depth(&self) -> usize {
        self.prefix + self.angle
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Start of text, an operator, an opening bracket, a separator, a keyword that expects an
    /// operand: a following `-`, `*`, `&`, `!`, `|` or `..` is a prefix operator.
    Operator,
    /// An identifier, literal, lifetime-free operand or closing bracket: a following operator
    /// is binary.
    Operand,
    /// A `}` just closed: a new item or statement may follow.
    Brace,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    /// The segments of the enclosing brackets, outermost first, and their sums.
    stack: Vec<Segment>,
    outer_depth: usize,
    outer_chain: usize,
    current: Segment,
    nesting: Nesting,
    max_depth: usize,
    max_chain: usize,
    lexed: Lexed,
}

fn scan(source: &str, max_depth: usize, max_chain: usize) -> Stop {
    let mut scanner = Scanner {
        bytes: source.as_bytes(),
        stack: Vec::new(),
        outer_depth: 0,
        outer_chain: 0,
        current: Segment::default(),
        nesting: Nesting::default(),
        max_depth,
        max_chain,
        lexed: Lexed::default(),
    };
    match scanner.run() {
        Ok(()) => Stop::End(scanner.nesting, scanner.lexed),
        Err(too_deep) => Stop::Exceeded(too_deep),
    }
}

/// Whether a word could be one of the keywords below: 2 to 6 lowercase letters. Most words
/// are not, and this spares comparing them with each keyword.
fn may_be_keyword(word: &[u8]) -> bool {
    (2..=6).contains(&word.len()) && word[0].is_ascii_lowercase()
}

/// What a keyword does to the measures.
#[derive(Clone, Copy)]
struct Keyword {
    /// `as` and `else` extend the expression before them.
    chains: bool,
    /// After `return`, `break`, `yield`, `move`, `box` and `become` the parser recurses for an
    /// expression that may nest again.
    recurses: bool,
}

/// The keywords after which an operand is expected, so that `-`, `*`, `&`, `!`, `|` are
/// prefix operators. One match for all of them: the scan meets a short word every few bytes.
fn keyword(word: &[u8]) -> Option<Keyword> {
    if !may_be_keyword(word) {
        return None;
    }
    let (chains, recurses) = match word {
        b"as" | b"else" => (true, false),
        b"return" | b"break" | b"yield" | b"move" | b"box" | b"become" => (false, true),
        b"mut" | b"const" | b"raw" | b"let" | b"if" | b"match" | b"while" | b"for" | b"in"
        | b"loop" | b"unsafe" | b"static" | b"ref" | b"dyn" | b"impl" | b"where" | b"async"
        | b"do" => (false, false),
        _ => return None,
    };
    Some(Keyword { chains, recurses })
}

/// What a token starting with a byte is, as far as its first byte tells.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Space,
    /// A comment, or a `/` or `/=` operator.
    Slash,
    Quote,
    /// A char literal, a lifetime or a label.
    Apostrophe,
    Open,
    Close,
    /// `;` or `,`.
    Separator,
    /// An identifier, keyword or number.
    Word,
    /// Any other operator or punctuation.
    Other,
}

/// The class of each byte, so the scan dispatches once per token.
static CLASSES: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Class::Space,
            b'/' => Class::Slash,
            b'"' => Class::Quote,
            b'\'' => Class::Apostrophe,
            b'(' | b'[' | b'{' => Class::Open,
            b')' | b']' | b'}' => Class::Close,
            b';' | b',' => Class::Separator,
            _ if lex::ident_byte(b) => Class::Word,
            _ => Class::Other,
        };
        byte += 1;
    }
    table
};

impl Scanner<'_> {
    fn run(&mut self) -> Result<(), TooDeep> {
        let bytes = self.bytes;
        let mut prev = Prev::Operator;
        let mut i = 0;
        while i < bytes.len() {
            let byte = bytes[i];
            let class = CLASSES[usize::from(byte)];
            let start = i;
            match class {
                Class::Space => {
                    i = spaces_end(bytes, i + 1);
                    continue;
                }
                Class::Slash => match bytes.get(i + 1) {
                    Some(b'/') => {
                        if lex::line_doc(&bytes[i..]).is_some() {
                            self.lexed.line_doc_comments.push(i);
                        }
                        i = memchr(b'\n', bytes, i).unwrap_or(bytes.len());
                        continue;
                    }
                    Some(b'*') => {
                        i = lex::block_comment_end(bytes, i);
                        continue;
                    }
                    _ => {}
                },
                _ => {}
            }
            // A `}` followed by a word or an attribute ends an item or statement.
            if prev == Prev::Brace {
                let word_follows = class == Class::Word && !self.word_at(i, b"as");
                let else_follows = self.word_at(i, b"else");
                if (word_follows && !else_follows) || byte == b'#' {
                    self.current = Segment::default();
                }
                prev = Prev::Operand;
            }
            match class {
                Class::Quote => {
                    i = lex::string_end(self.bytes, i + 1);
                    prev = Prev::Operand;
                }
                Class::Apostrophe => {
                    let (end, is_char) = lex::quote_end(self.bytes, i);
                    i = end;
                    prev = if is_char {
                        Prev::Operand
                    } else {
                        Prev::Operator
                    };
                }
                Class::Open => {
                    if prev == Prev::Operand && byte != b'{' {
                        // A call or an index extends the expression before it.
                        self.current.chain += 1;
                    }
                    self.outer_depth += self.current.depth() + 1;
                    self.outer_chain += self.current.chain;
                    self.stack.push(self.current);
                    self.current = Segment::default();
                    i += 1;
                    self.check(start..i)?;
                    prev = Prev::Operator;
                }
                Class::Close => {
                    if let Some(outer) = self.stack.pop() {
                        self.outer_depth -= outer.depth() + 1;
                        self.outer_chain -= outer.chain;
                        self.current = outer;
                    }
                    i += 1;
                    prev = if byte == b'}' {
                        Prev::Brace
                    } else {
                        Prev::Operand
                    };
                }
                Class::Separator => {
                    self.current = Segment::default();
                    i += 1;
                    prev = Prev::Operator;
                }
                Class::Word => {
                    let end = ident_end(self.bytes, i);
                    let word = &bytes[i..end];
                    if let Some(after) = self.raw_string(i, end) {
                        i = after;
                        prev = Prev::Operand;
                        continue;
                    }
                    i = end;
                    prev = Prev::Operand;
                    if let Some(keyword) = keyword(word) {
                        prev = Prev::Operator;
                        if keyword.chains {
                            self.current.chain += 1;
                        }
                        if keyword.recurses {
                            self.current.prefix += 1;
                        }
                        // Only a count that grew can reach a new maximum or a limit.
                        if keyword.chains || keyword.recurses {
                            self.check(start..i)?;
                        }
                    }
                }
                Class::Slash | Class::Other | Class::Space => {
                    i = self.punct(i, &mut prev)?;
                }
            }
        }
        Ok(())
    }

    fn word_at(&self, i: usize, word: &[u8]) -> bool {
        self.bytes[i..].starts_with(word)
            && !self
                .bytes
                .get(i + word.len())
                .is_some_and(|&b| is_ident_byte(b))
    }

    /// One operator or punctuation token at `i`; returns where the next token starts.
    fn punct(&mut self, i: usize, prev: &mut Prev) -> Result<usize, TooDeep> {
        let rest = &self.bytes[i..];
        let token = &rest[..punct_len(rest)];
        let end = i + token.len();
        let after_operand = *prev == Prev::Operand;
        let segment = &mut self.current;
        let mut next = Prev::Operator;
        // Whether a count grew: only then can a new maximum or a limit be reached.
        let mut grew = true;
        match token {
            b"=>" => {
                *segment = Segment::default();
                grew = false;
            }
            b"=" | b"+=" | b"-=" | b"*=" | b"/=" | b"%=" | b"^=" | b"&=" | b"|=" | b"<<="
            | b">>=" | b"->" | b"@" => segment.prefix += 1,
            b"<" => segment.angle += 1,
            b"<<" => segment.angle += 2,
            b">" | b">=" => {
                segment.angle = segment.angle.saturating_sub(1);
                grew = false;
            }
            b">>" => {
                segment.angle = segment.angle.saturating_sub(2);
                grew = false;
            }
            b"!" | b"-" | b"*" | b"&" | b"&&" | b"|" | b"||" | b".." | b"..=" | b"..." => {
                if after_operand {
                    segment.chain += 1;
                    // `m!` keeps its operand-ness for the macro's brackets.
                    if token == b"!" {
                        next = Prev::Operand;
                    }
                } else {
                    // `&&x` is two borrows.
                    segment.prefix += if token == b"&&" { 2 } else { 1 };
                }
            }
            b"." | b"?" => {
                // A tuple field (`x.0.0`) costs the parser about twice a method call.
                let tuple_field =
                    token == b"." && self.bytes.get(end).is_some_and(u8::is_ascii_digit);
                segment.chain += if tuple_field { 2 } else { 1 };
                if token == b"?" {
                    next = Prev::Operand;
                }
            }
            b"::" | b":" | b"#" | b"$" | b"~" => grew = false,
            _ => {
                if after_operand {
                    segment.chain += 1;
                } else {
                    grew = false;
                }
            }
        }
        // `x.0`, `x.await`: what follows a dot is an operand position, not a prefix one.
        *prev = next;
        if grew {
            self.check(i..end)?;
        }
        Ok(end)
    }

    fn check(&mut self, range: Range<usize>) -> Result<(), TooDeep> {
        let depth = self.outer_depth + self.current.depth();
        let chain = self.outer_chain + self.current.chain;
        if depth > self.nesting.depth {
            self.nesting.depth = depth;
            self.nesting.depth_at = range.start;
        }
        if chain > self.nesting.chain {
            self.nesting.chain = chain;
            self.nesting.chain_at = range.start;
        }
        if depth > self.max_depth {
            return Err(TooDeep {
                range,
                measure: Measure::Depth,
            });
        }
        if chain > self.max_chain {
            return Err(TooDeep {
                range,
                measure: Measure::Chain,
            });
        }
        Ok(())
    }

    /// A raw string after its prefix `r`, `br` or `cr` (the word `start..end`): where it
    /// ends; or a raw identifier after `r#`.
    fn raw_string(&self, start: usize, end: usize) -> Option<usize> {
        let bytes = self.bytes;
        if let Some((body, hashes)) = lex::raw_string_start(bytes, start, end) {
            return Some(lex::raw_string_end(bytes, body, hashes));
        }
        let raw_identifier = matches!(&bytes[start..end], b"r" | b"br" | b"cr")
            && bytes.get(end) == Some(&b'#')
            && bytes.get(end + 1).is_some_and(|&b| is_ident_byte(b));
        raw_identifier.then(|| ident_end(bytes, end + 1))
    }
}

/// The length of the operator or punctuation token that `rest` starts with: the longest one,
/// as the lexer takes it; one byte for anything else.
fn punct_len(rest: &[u8]) -> usize {
    let second = rest.get(1).copied();
    let third = rest.get(2).copied();
    match (rest[0], second) {
        (b'<', Some(b'<')) | (b'>', Some(b'>')) if third == Some(b'=') => 3,
        (b'.', Some(b'.')) if matches!(third, Some(b'.' | b'=')) => 3,
        (b':', Some(b':'))
        | (b'-', Some(b'>' | b'='))
        | (b'=', Some(b'>' | b'='))
        | (b'<' | b'>' | b'!' | b'+' | b'*' | b'/' | b'%' | b'^', Some(b'='))
        | (b'<', Some(b'<'))
        | (b'>', Some(b'>'))
        | (b'.', Some(b'.'))
        | (b'&', Some(b'&' | b'='))
        | (b'|', Some(b'|' | b'=')) => 2,
        _ => 1,
    }
}

/// Past the spaces from `i`, eight bytes at a time: indentation is most of a file's
/// whitespace.
fn spaces_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes
        .get(i..i + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        let spaces =
            (u64::from_le_bytes(chunk) ^ u64::from_le_bytes([b' '; 8])).trailing_zeros() / 8;
        i += spaces as usize;
        if spaces < 8 {
            return i;
        }
    }
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

fn memchr(needle: u8, bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(needle, &bytes[from..]).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_classed_as_identifier_bytes() {
        for byte in 0..=u8::MAX {
            let word = CLASSES[usize::from(byte)] == Class::Word;
            assert_eq!(word, is_ident_byte(byte), "{byte}");
        }
    }

    #[test]
    fn space_runs_end_where_the_first_other_byte_is() {
        for len in 0..20 {
            for other in [None, Some(b'x'), Some(b'\n'), Some(0x80)] {
                let mut text = vec![b' '; len];
                text.extend(other);
                text.extend_from_slice(b"  ");
                for start in 0..=len {
                    let naive = (start..text.len())
                        .find(|&i| text[i] != b' ')
                        .unwrap_or(text.len());
                    assert_eq!(spaces_end(&text, start), naive, "{len} {other:?}");
                }
            }
        }
        assert_eq!(spaces_end(b"        ", 0), 8);
    }

    #[test]
    fn punctuation_is_split_as_the_lexer_splits_it() {
        // Rust's multi-byte operators, longest first: the lexer takes the longest that fits.
        const OPERATORS: [&[u8]; 24] = [
            b"<<=", b">>=", b"...", b"..=", b"::", b"->", b"=>", b"==", b"!=", b"<=", b">=", b"&&",
            b"||", b"+=", b"-=", b"*=", b"/=", b"%=", b"^=", b"&=", b"|=", b"<<", b">>", b"..",
        ];
        let longest = |text: &[u8]| {
            OPERATORS
                .iter()
                .find(|op| text.starts_with(op))
                .map_or(1, |op| op.len())
        };
        let alphabet = b"<>.=:-!&|+*/%^~@,;#$?a( ";
        for &a in alphabet {
            for &b in alphabet {
                for &c in alphabet {
                    let text = [a, b, c];
                    for len in 1..=3 {
                        let text = &text[..len];
                        assert_eq!(punct_len(text), longest(text), "{}", text.escape_ascii());
                    }
                }
            }
        }
    }

    fn depth(source: &str) -> usize {
        measure(source).depth
    }

    fn chain(source: &str) -> usize {
        measure(source).chain
    }

    #[test]
    fn brackets_count() {
        assert_eq!(depth(""), 0);
        assert_eq!(depth("fn f() {}"), 1);
        assert_eq!(depth("fn f() { g(((1))); }"), 4);
        assert_eq!(depth("fn f() { let x = [[1]]; }"), 4);
    }

    #[test]
    fn brackets_in_comments_strings_chars_and_raw_strings_do_not_count() {
        let text = r####"
            // ((((((
            /* (((( /* nested (((( */ (((( */
            fn f() {
                let a = "((((\"((((";
                let b = r#"(((("((((  "#;
                let c = br##"(((( "# (((("##;
                let d = '(';
                let e = '\'';
                let f = b'[';
                let g = '\u{28}';
                let h: &'static str = "";
                let r#type = 1;
                'outer: loop { break 'outer; }
            }
        "####;
        assert_eq!(depth(text), 3, "{:?}", measure(text));
    }

    #[test]
    fn prefix_operators_and_recursing_tokens_count() {
        assert_eq!(depth("fn f() { !!!!x; }"), 5);
        assert_eq!(depth("fn f() { - - -x; }"), 4);
        assert_eq!(depth("fn f() { &&&x; }"), 4);
        assert_eq!(depth("fn f() { a = b = c = d; }"), 4);
        assert_eq!(depth("type T = Vec<Vec<Vec<u8>>>;"), 4);
        assert_eq!(depth("fn f() { return return return; }"), 4);
        assert_eq!(depth("fn f() { let _ = || || || 1; }"), 5);
    }

    #[test]
    fn binary_operators_are_chains_not_depth() {
        assert_eq!(depth("{ a - b - c - d; }"), 1);
        assert_eq!(chain("{ a - b - c - d; }"), 3);
        assert_eq!(chain("{ x.a().b()?.c; }"), 6);
        assert_eq!(depth("fn f() { m!(x); }"), 2);
        // Statements and items reset the counts.
        assert_eq!(chain("{ a.b; c.d; e.f }"), 1);
        let items = "fn a() -> u8 { 1 }\n".repeat(5000);
        assert_eq!(depth(&items), 2);
        let arms = format!("fn f() {{ match x {{ {} }} }}", "A => {} ".repeat(5000));
        assert_eq!(depth(&arms), 3);
    }

    #[test]
    fn deep_nesting_is_refused_at_the_place() {
        let n = 100_000;
        let text = format!("fn f() {{ let x = {}1{}; }}", "(".repeat(n), ")".repeat(n));
        let err = check(&text).unwrap_err();
        assert_eq!(err.measure, Measure::Depth);
        // The fn's braces and the `=` count too.
        let start = "fn f() { let x = ".len() + MAX_DEPTH - 2;
        assert_eq!(err.range, start..start + 1);

        let text = format!("fn f() {{ x{}; }}", ".f()".repeat(MAX_CHAIN));
        assert_eq!(check(&text).unwrap_err().measure, Measure::Chain);
        let text = format!("fn f() {{ x{}; }}", ".0".repeat(MAX_CHAIN / 2));
        assert_eq!(check(&text).unwrap_err().measure, Measure::Chain);
        let text = format!(
            "fn f() {{ if a {{}}{} }}",
            " else if a {}".repeat(MAX_CHAIN)
        );
        assert_eq!(check(&text).unwrap_err().measure, Measure::Chain);
        assert!(check("fn main() {}").is_ok());
    }

    #[test]
    fn unterminated_tokens_end_the_scan() {
        for text in [
            "\"abc", "r#\"abc", "/* abc", "'", "'\\", "br", "r#", "x = 1e",
        ] {
            let _ = measure(text);
        }
    }
}
