//! What the lexer rejected, said as rustc says it. syn's lexer (proc-macro2's) reports every
//! failure as `cannot parse string into token stream`; this scan finds which one it was: an
//! unclosed, mismatched or unexpected delimiter, an unterminated string, raw string or block
//! comment, or a character that starts no token.

use crate::lex;
use std::ops::Range;

/// A lexing problem: rustc's message, and labels (the first is the primary one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexProblem {
    pub message: String,
    pub labels: Vec<(Range<usize>, String)>,
    pub notes: Vec<String>,
}

/// How many unclosed delimiters are labelled, innermost first.
const MAX_UNCLOSED_LABELS: usize = 4;

/// The first problem in `source` from `base` on (past a BOM or shebang), if the scan finds one.
pub fn find(source: &str, base: usize) -> Option<LexProblem> {
    let bytes = source.as_bytes();
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut i = base;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match block_comment_end(bytes, i) {
                Some(end) => i = end,
                None => return Some(unterminated(source, i, "unterminated block comment")),
            },
            b'"' => match string_end(bytes, i + 1) {
                Some(end) => i = end,
                None => return Some(unterminated(source, i, "unterminated double quote string")),
            },
            b'\'' => i = lex::quote_end(bytes, i).0,
            b'(' | b'[' | b'{' => {
                open.push((b, i));
                i += 1;
            }
            b')' | b']' | b'}' => {
                let closer = b;
                match open.pop() {
                    Some((opener, _)) if matching(opener) == closer => {}
                    Some((_, at)) => {
                        let mut labels = vec![
                            (at..at + 1, "unclosed delimiter".to_string()),
                            (i..i + 1, "mismatched closing delimiter".to_string()),
                        ];
                        if let Some((_, meant)) = open
                            .iter()
                            .rev()
                            .find(|(outer, _)| matching(*outer) == closer)
                        {
                            labels.push((
                                *meant..*meant + 1,
                                "closing delimiter possibly meant for this".to_string(),
                            ));
                        }
                        return Some(LexProblem {
                            message: format!("mismatched closing delimiter: `{}`", closer as char),
                            labels,
                            notes: Vec::new(),
                        });
                    }
                    None => {
                        return Some(LexProblem {
                            message: format!("unexpected closing delimiter: `{}`", closer as char),
                            labels: vec![(i..i + 1, "unexpected closing delimiter".to_string())],
                            notes: Vec::new(),
                        })
                    }
                }
                i += 1;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => {
                let end = word_end(source, i);
                let word = &bytes[i..end];
                if let Some((body, hashes)) = lex::raw_string_start(bytes, i, end) {
                    match raw_string_end(bytes, body, hashes) {
                        Some(after) => i = after,
                        None => {
                            return Some(LexProblem {
                                message: "unterminated raw string".to_string(),
                                labels: vec![(i..i + 1, "unterminated raw string".to_string())],
                                notes: vec![format!(
                                    "this raw string should be terminated with `\"{}`",
                                    "#".repeat(hashes)
                                )],
                            })
                        }
                    }
                } else if matches!(word, b"b" | b"c") && bytes.get(end) == Some(&b'"') {
                    match string_end(bytes, end + 1) {
                        Some(after) => i = after,
                        None => {
                            let message = if word == b"b" {
                                "unterminated double quote byte string"
                            } else {
                                "unterminated C string"
                            };
                            return Some(unterminated(source, end, message));
                        }
                    }
                } else if word == b"r" && bytes.get(end) == Some(&b'#') {
                    // A raw identifier: `r#async`.
                    i = word_end(source, end + 1).max(end + 1);
                } else {
                    i = end.max(i + 1);
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => i += 1,
            b';' | b',' | b'.' | b'@' | b'#' | b'~' | b'?' | b':' | b'$' | b'=' | b'!' | b'<'
            | b'>' | b'-' | b'&' | b'|' | b'+' | b'*' | b'/' | b'^' | b'%' => i += 1,
            _ => {
                let c = source[i..].chars().next()?;
                if c.is_alphanumeric() || c.is_whitespace() {
                    i += c.len_utf8();
                    continue;
                }
                let shown = match c {
                    ' '..='~' => c.to_string(),
                    _ => c.escape_unicode().to_string(),
                };
                return Some(LexProblem {
                    message: format!("unknown start of token: {shown}"),
                    labels: vec![(i..i + c.len_utf8(), String::new())],
                    notes: Vec::new(),
                });
            }
        }
    }
    if open.is_empty() {
        return None;
    }
    let labels = open
        .iter()
        .rev()
        .take(MAX_UNCLOSED_LABELS)
        .map(|&(_, at)| (at..at + 1, "unclosed delimiter".to_string()))
        .collect();
    Some(LexProblem {
        message: "this file contains an unclosed delimiter".to_string(),
        labels,
        notes: Vec::new(),
    })
}

/// Past the identifier or number from `i`: ASCII letters, digits and `_`, and letters and
/// digits of any script.
fn word_end(source: &str, i: usize) -> usize {
    source[i..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(source.len(), |(at, _)| i + at)
}

fn matching(opener: u8) -> u8 {
    match opener {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// A literal or comment from `start` that runs to the end of the text, as rustc shows it.
fn unterminated(source: &str, start: usize, message: &str) -> LexProblem {
    let end = source.trim_end_matches(['\n', '\r']).len().max(start + 1);
    LexProblem {
        message: message.to_string(),
        labels: vec![(start..end, String::new())],
        notes: Vec::new(),
    }
}

/// Past the block comment at `i`, or `None` when it is not closed (block comments nest).
fn block_comment_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut level = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            level += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            level -= 1;
            i += 2;
            if level == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Past the string whose body starts at `i`, or `None` when it is not closed.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        match memchr::memchr2(b'\\', b'"', &bytes[i..]) {
            Some(at) if bytes[i + at] == b'"' => return Some(i + at + 1),
            Some(at) => i += at + 2,
            None => break,
        }
    }
    None
}

/// Past the raw string whose body starts at `i`, closed by a quote and `hashes` hashes.
fn raw_string_end(bytes: &[u8], i: usize, hashes: usize) -> Option<usize> {
    let end = lex::raw_string_end(bytes, i, hashes);
    let closed = end >= i + 1 + hashes
        && bytes[end - hashes - 1] == b'"'
        && bytes[end - hashes..end].iter().all(|&b| b == b'#');
    closed.then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(source: &str) -> (String, Vec<(&str, String)>) {
        let found = find(source, 0).expect("a problem");
        let labels = found
            .labels
            .iter()
            .map(|(range, label)| (&source[range.clone()], label.clone()))
            .collect();
        (found.message, labels)
    }

    #[test]
    fn delimiters_are_named_as_rustc_names_them() {
        let (message, labels) = problem("fn main() {\n    let x = (1, 2;\n}\n");
        assert_eq!(message, "mismatched closing delimiter: `}`");
        assert_eq!(
            labels,
            [
                ("(", "unclosed delimiter".to_string()),
                ("}", "mismatched closing delimiter".to_string()),
                ("{", "closing delimiter possibly meant for this".to_string()),
            ]
        );
        let (message, labels) = problem("fn main() {\n    foo(\n");
        assert_eq!(message, "this file contains an unclosed delimiter");
        assert_eq!(labels.len(), 2);
        assert_eq!(labels[0].0, "(");
        let (message, _) = problem("fn main() {}\n}\n");
        assert_eq!(message, "unexpected closing delimiter: `}`");
    }

    #[test]
    fn literals_and_comments_hide_delimiters() {
        let fine = "fn f<'a>(x: &'a str) -> char { let _ = \"(\\\"\"; let _ = r#\"]\"#; \
                    let _ = b'{'; let _ = br\")\"; /* ( /* ) */ ] */ // }\n '}' }\n";
        assert_eq!(find(fine, 0), None);
        let raw_ident = "fn r#match() { let r#try = 1; }";
        assert_eq!(find(raw_ident, 0), None);
    }

    #[test]
    fn unterminated_literals_and_unknown_tokens() {
        assert_eq!(
            problem("fn f() { let s = \"abc; }\n").0,
            "unterminated double quote string"
        );
        assert_eq!(
            problem("fn f() { let s = b\"abc; }\n").0,
            "unterminated double quote byte string"
        );
        assert_eq!(
            problem("fn f() { /* /* */ }\n").0,
            "unterminated block comment"
        );
        let raw = find("fn f() { r##\"x\"# }", 0).unwrap();
        assert_eq!(raw.message, "unterminated raw string");
        assert_eq!(
            raw.notes,
            ["this raw string should be terminated with `\"##`"]
        );
        assert_eq!(
            problem("fn f() { 1 € 2 }").0,
            "unknown start of token: \\u{20ac}"
        );
        assert_eq!(problem("fn f() { `a` }").0, "unknown start of token: `");
        assert_eq!(problem("fn f() {\0}").0, "unknown start of token: \\u{0}");
        // Letters of any script are identifiers.
        assert_eq!(find("fn größe() {}", 0), None);
    }
}
