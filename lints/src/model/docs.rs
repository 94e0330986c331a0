//! Doc comments made cheap to parse. The lexer turns each `/// text` line into
//! `#[doc = "text"]`, escaping the text into a string literal, and syn then parses the
//! attribute; in documented code that is about a seventh of the parse, and the model never
//! reads a doc string. So the model parses a copy of the text in which each run of line doc
//! comments is one bare `#[doc]` attribute: the first line of the run becomes `#[doc]//…`
//! and the others plain `// …` comments.
//!
//! The copy parses exactly when the text does: an attribute stands where the run's first
//! comment stood, and several attributes in a row are valid wherever one is. Every byte keeps
//! its offset and every line break its place, so code keeps its lines, columns and offsets.
//! A comment the lexer would reject (a bare carriage return) is left as it is.

use crate::lex::{line_doc, LineDoc};
use std::borrow::Cow;

/// Parses `source` from `base` (past a BOM or shebang line) with `parser`: the copy with bare
/// doc comments, and when that does not parse, the text as written, for syn's own error.
/// Returns what was parsed with the source it was parsed from.
pub fn parse<'a, T>(
    source: &'a str,
    base: usize,
    line_doc_comments: &[usize],
    parser: impl Fn(&str) -> syn::Result<T>,
) -> syn::Result<(T, Cow<'a, str>)> {
    if let Cow::Owned(rewritten) = bare(source, line_doc_comments) {
        if let Ok(parsed) = parser(&rewritten[base..]) {
            return Ok((parsed, Cow::Owned(rewritten)));
        }
    }
    parser(&source[base..]).map(|parsed| (parsed, Cow::Borrowed(source)))
}

/// Texts longer than this are parsed as written. The largest trees set a run's peak memory,
/// and a copy of their text would add to it, for a gain that is no larger a share of their
/// parse than of any other file's.
const MAX_REWRITTEN: usize = 1 << 20;

/// `text` with its line doc comments rewritten, or `text` itself when it has none to rewrite
/// or is longer than [`MAX_REWRITTEN`].
/// `line_doc_comments` are where the line comments in code that start like doc comments start,
/// in order (as the nesting guard finds them: [`crate::guard::Lexed`]); those that begin
/// their line are rewritten.
pub fn bare<'a>(text: &'a str, line_doc_comments: &[usize]) -> Cow<'a, str> {
    if text.len() > MAX_REWRITTEN {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    // The kind of the run that the line ending at `run_end` belongs to.
    let mut run: Option<LineDoc> = None;
    let mut run_end = 0;
    for &start in line_doc_comments {
        let Some(comment) = bytes.get(start..) else {
            break;
        };
        let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |n| n + 1);
        let line_end = memchr::memchr(b'\n', comment).map_or(bytes.len(), |n| start + n);
        let comment = &bytes[start..line_end];
        let kind = line_doc(comment).filter(|_| {
            bytes[line_start..start]
                .iter()
                .all(|&b| b == b' ' || b == b'\t')
                && memchr::memchr(b'\r', comment).is_none_or(|cr| cr + 1 == comment.len())
        });
        let continues = run.is_some() && run == kind && run_end + 1 == line_start;
        run = match kind {
            // `// …`, a plain comment (a fourth `/` would have made the line no doc comment).
            Some(_) if continues => {
                out.get_or_insert_with(|| bytes.to_vec())[start + 2] = b' ';
                kind
            }
            // Too short to hold the attribute: left a doc comment of its own.
            Some(kind) if content_len(comment) < kind.attribute().len() => None,
            Some(kind) => {
                let out = out.get_or_insert_with(|| bytes.to_vec());
                kind.host(&mut out[start..start + content_len(comment)]);
                Some(kind)
            }
            None => None,
        };
        run_end = line_end;
    }
    match out {
        // Only whole chars were replaced, by ASCII.
        Some(out) => Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string())),
        None => Cow::Borrowed(text),
    }
}

impl LineDoc {
    fn attribute(self) -> &'static [u8] {
        match self {
            LineDoc::Outer => b"#[doc]",
            LineDoc::Inner => b"#![doc]",
        }
    }

    /// Rewrites a doc comment (without its line break, and at least as long as the attribute)
    /// as the attribute, followed by a plain comment or blanks.
    fn host(self, comment: &mut [u8]) {
        let attribute = self.attribute();
        comment[..attribute.len()].copy_from_slice(attribute);
        let mut rest = attribute.len();
        if comment.len() >= rest + 2 {
            comment[rest..rest + 2].copy_from_slice(b"//");
            rest += 2;
            // No char cut in two, and no `///` or `//!` made anew.
            while rest < comment.len() && is_continuation(comment[rest]) {
                comment[rest] = b' ';
                rest += 1;
            }
            if matches!(comment.get(rest), Some(b'/' | b'!')) {
                comment[rest] = b' ';
            }
        } else {
            comment[rest..].fill(b' ');
        }
    }
}

/// A line comment's length without a carriage return before its line break.
fn content_len(comment: &[u8]) -> usize {
    comment.len() - usize::from(comment.ends_with(b"\r"))
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    /// [`super::bare`] with the positions the nesting guard finds.
    fn bare(text: &str) -> Cow<'_, str> {
        let lexed = crate::guard::check(text).expect("shallow text");
        super::bare(text, &lexed.line_doc_comments)
    }

    #[test]
    fn runs_of_doc_lines_become_one_bare_attribute() {
        let text = "//! Crate docs.\n//! More.\n\n/// One.\n///\n/// Two.\nfn f() {}\n";
        assert_eq!(
            bare(text),
            "#![doc]// docs.\n//  More.\n\n#[doc]//\n// \n//  Two.\nfn f() {}\n"
        );
    }

    #[test]
    fn offsets_and_line_breaks_are_kept() {
        for text in [
            "/// ünïcödé ✓\r\nstruct S;\r\n",
            "    /// 🦀🦀\n    fn f() {}\n",
            "///12345\n///1234\n///é\nfn f() {}",
        ] {
            let rewritten = bare(text);
            assert_eq!(rewritten.len(), text.len(), "{text:?}");
            let breaks = |t: &str| -> Vec<usize> {
                t.match_indices(['\n', '\r']).map(|(at, _)| at).collect()
            };
            assert_eq!(breaks(&rewritten), breaks(text), "{text:?}");
        }
    }

    #[test]
    fn a_rewritten_comment_never_starts_a_doc_comment_anew() {
        assert_eq!(bare("/// ab///c\nfn f() {}"), "#[doc]// c\nfn f() {}");
        assert_eq!(bare("/// abcd!e\nfn f() {}"), "#[doc]// e\nfn f() {}");
        assert_eq!(bare("/// abcé\nfn f() {}"), "#[doc]// \nfn f() {}");
        assert_eq!(bare("/// abcdé\nfn f() {}"), "#[doc]//é\nfn f() {}");
    }

    #[test]
    fn what_is_no_line_doc_comment_is_left_alone() {
        for text in [
            "//// not docs\nfn f() {}",
            "// plain\nfn f() {}",
            "/** block docs */\nfn f() {}",
            "const S: &str = \"\n/// in a string\n\";",
            "/*\n/// in a comment\n*/ fn f() {}",
            "let s = r#\"\n//! raw\n\"#;",
            "/// bare\r carriage return\nfn f() {}",
            "///ab\nfn f() {}",
        ] {
            assert_eq!(bare(text), text, "{text:?}");
        }
    }

    #[test]
    fn a_text_past_the_limit_is_parsed_as_written() {
        let mut text = "/// Docs.\nfn f() {}\n".repeat(2);
        assert_ne!(bare(&text), text);
        text.push_str(&" ".repeat(super::MAX_REWRITTEN));
        assert_eq!(bare(&text), text);
    }

    #[test]
    fn a_short_first_line_stays_a_doc_comment_and_the_next_hosts_the_run() {
        assert_eq!(
            bare("///\n/// Text.\n/// More.\nfn f() {}"),
            "///\n#[doc]//.\n//  More.\nfn f() {}"
        );
    }

    #[test]
    fn the_rewritten_text_parses_exactly_when_the_text_does() {
        for text in [
            "/// Docs.\nfn f() {}",
            "fn f() {\n    let x = 1;\n    /// Nothing documented.\n}",
            "/// Dangling at the end.",
            "struct S {\n    /// A field.\n    a: u8,\n}",
            "fn f() {}\n//! Inner docs after an item.",
            "mod m {\n    //! Inner docs of a module.\n    fn f() {}\n}",
            "enum E {\n    /// A.\n    A,\n    /// B.\n    B,\n}",
            "fn f() {\n    match 1 {\n        /// An arm.\n        _ => {}\n    }\n}",
            "fn f(\n    /// A param.\n    x: u8,\n) {}",
            "impl S {\n    /// Docs.\n}",
        ] {
            let rewritten = bare(text);
            assert_ne!(rewritten, text, "{text:?}");
            assert_eq!(
                syn::parse_file(&rewritten).is_ok(),
                syn::parse_file(text).is_ok(),
                "{text:?}"
            );
        }
    }

    /// The guard's positions are the doc-like line comments that the lexer of the prefilter
    /// sees in code, on this crate's sources and the fixtures.
    #[test]
    fn the_guard_finds_the_doc_comments_in_code() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = 0;
        for dir in [root.join("src"), root.join("../ui-tests")] {
            for entry in walk(&dir) {
                let text = std::fs::read_to_string(&entry).unwrap();
                let Ok(lexed) = crate::guard::check(&text) else {
                    continue;
                };
                let mut cursor = crate::lex::CodeCursor::new(&text);
                let expected: Vec<usize> = text
                    .match_indices("//")
                    .map(|(at, _)| at)
                    .filter(|&at| {
                        let doc = crate::lex::line_doc(&text.as_bytes()[at..]).is_some();
                        cursor.in_code(at) && doc
                    })
                    .collect();
                assert_eq!(lexed.line_doc_comments, expected, "{}", entry.display());
                texts += 1;
            }
        }
        assert!(texts > 50, "only {texts} files");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }
}
