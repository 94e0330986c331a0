//! Findings as the protocol shows them: byte offsets as UTF-16 positions, paths as `file:`
//! URIs, a finding as an LSP diagnostic.

use crate::output::LineIndex;
use appstract_lints::{Diagnostic, Level};
use lsp_types as lsp;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What every diagnostic gives as its `source`.
pub const SOURCE: &str = "appstract-lint";

/// Lines of a text, to turn byte offsets into positions and back. Columns are UTF-16 code
/// units, the protocol's default (and only mandatory) encoding.
pub struct Lines<'a> {
    text: &'a str,
    index: LineIndex,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text,
            index: LineIndex::new(text),
        }
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_index(offset);
        let start = self.index.line_range(line).map_or(0, |range| range.start);
        let character = self.text[start..offset].encode_utf16().count();
        lsp::Position::new(line as u32, character as u32)
    }

    pub fn range(&self, range: &Range<usize>) -> lsp::Range {
        lsp::Range::new(
            self.position(range.start),
            self.position(range.end.max(range.start)),
        )
    }

    /// The byte offset of a position; past the end of its line, the line's end (before its
    /// line break), as the protocol says; past the last line, the end of the text.
    pub fn offset(&self, position: lsp::Position) -> usize {
        let Some(range) = self.index.line_range(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[range.clone()];
        let content = line.trim_end_matches(['\n', '\r']);
        let mut units = 0;
        for (at, c) in content.char_indices() {
            if units >= position.character as usize {
                return range.start + at;
            }
            units += c.len_utf16();
        }
        range.start + content.len()
    }
}

/// The `file:` URI of an absolute path, with every byte outside the unreserved set and `/`
/// percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// The path of a `file:` URI (`file:///p`, `file://localhost/p`), percent-decoded.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'%' {
            let hex = rest
                .get(at + 1..at + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if let Some(value) = hex {
                decoded.push(value);
                at += 3;
                continue;
            }
        }
        if byte == b'?' || byte == b'#' {
            break;
        }
        decoded.push(byte);
        at += 1;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(decoded)))
    }
    #[cfg(not(unix))]
    {
        Some(PathBuf::from(
            String::from_utf8_lossy(&decoded).into_owned(),
        ))
    }
}

pub fn uri(text: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_str(text).ok()
}

/// A finding as an LSP diagnostic of the file `uri` whose text `lines` holds. Secondary
/// labels, the primary label's message and the notes that name a place (the links of a call
/// chain, `(src/lib.rs:12)`) are related information; other notes and the help go into the
/// message, as rustc prints them.
pub fn diagnostic(
    finding: &Diagnostic,
    lines: &Lines<'_>,
    uri: &lsp::Uri,
    base: &Path,
    repository: Option<&str>,
) -> lsp::Diagnostic {
    let range = lines.range(&finding.primary.range);
    let mut message = finding.message.clone();
    let mut related = Vec::new();
    if !finding.primary.message.is_empty() {
        related.push(lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), range),
            message: finding.primary.message.clone(),
        });
    }
    for label in &finding.secondary {
        related.push(lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), lines.range(&label.range)),
            message: if label.message.is_empty() {
                "related code".to_string()
            } else {
                label.message.clone()
            },
        });
    }
    for note in &finding.notes {
        match chain_link(note, base) {
            Some((text, location)) => related.push(lsp::DiagnosticRelatedInformation {
                location,
                message: text,
            }),
            None => {
                message.push_str("\nnote: ");
                message.push_str(note);
            }
        }
    }
    for help in finding.help.iter().chain(
        finding
            .suggestions
            .iter()
            .map(|suggestion| &suggestion.message),
    ) {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let code_description = crate::output::sarif::help_uri(repository, finding.code)
        .and_then(|href| self::uri(&href))
        .map(|href| lsp::CodeDescription { href });
    lsp::Diagnostic {
        range,
        severity: Some(severity(finding.level)),
        code: Some(lsp::NumberOrString::String(finding.code.to_string())),
        code_description,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn severity(level: Level) -> lsp::DiagnosticSeverity {
    if level.is_error() {
        lsp::DiagnosticSeverity::ERROR
    } else {
        lsp::DiagnosticSeverity::WARNING
    }
}

/// A note that ends with the place it is about, `text (path:line)`: the text, and the place
/// (the path as shown, from `base`).
fn chain_link(note: &str, base: &Path) -> Option<(String, lsp::Location)> {
    let inner = note.strip_suffix(')')?;
    let (text, place) = inner.rsplit_once(" (")?;
    let (path, line) = place.rsplit_once(':')?;
    let line: u32 = line.parse().ok()?;
    if !path.ends_with(".rs") || line == 0 {
        return None;
    }
    let uri = uri(&file_uri(&crate::paths::absolute(base, Path::new(path))))?;
    let at = lsp::Position::new(line - 1, 0);
    Some((
        text.to_string(),
        lsp::Location::new(uri, lsp::Range::new(at, at)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use appstract_lints::Label;

    #[test]
    fn positions_count_utf16_units() {
        let text = "fn a() {}\r\nlet 😀 = é;\n";
        let lines = Lines::new(text);
        let eq = text.find('=').unwrap();
        // `let ` is 4 units, the emoji 2, the space 1.
        assert_eq!(lines.position(eq), lsp::Position::new(1, 7));
        assert_eq!(lines.offset(lsp::Position::new(1, 7)), eq);
        // Past the line's end: the end of the line, before `\r\n`.
        assert_eq!(lines.offset(lsp::Position::new(0, 99)), 9);
        assert_eq!(lines.offset(lsp::Position::new(9, 0)), text.len());
        assert_eq!(lines.position(text.len()), lsp::Position::new(2, 0));
        // Inside a character: its start.
        assert_eq!(lines.position(eq - 3), lsp::Position::new(1, 4));
    }

    #[test]
    fn uris_round_trip() {
        let path = Path::new("/work/my crate/src/lib #1.rs");
        let uri = file_uri(path);
        assert_eq!(uri, "file:///work/my%20crate/src/lib%20%231.rs");
        assert_eq!(uri_path(&uri).unwrap(), path);
        assert_eq!(
            uri_path("file://localhost/a/b%3A.rs").unwrap(),
            Path::new("/a/b:.rs")
        );
        assert_eq!(uri_path("untitled:Untitled-1"), None);
    }

    #[test]
    fn chain_notes_are_related_places() {
        let text = "fn main() {\n    load();\n}\n";
        let lines = Lines::new(text);
        let uri = uri("file:///ws/src/main.rs").unwrap();
        let start = text.find("load").unwrap();
        let finding = Diagnostic::new(
            "nested_runtime_block_on",
            Level::Warn,
            "`load` blocks",
            Label::new(start..start + 6, "this blocks"),
        )
        .with_label(0..2, "")
        .with_note("`load` calls `Runtime::block_on` (src/lib.rs:10)")
        .with_note("tokio panics")
        .with_help("use spawn_blocking");
        let lsp = diagnostic(
            &finding,
            &lines,
            &uri,
            Path::new("/ws"),
            Some("https://example.org/x"),
        );
        assert_eq!(lsp.range.start, lsp::Position::new(1, 4));
        assert_eq!(lsp.severity, Some(lsp::DiagnosticSeverity::WARNING));
        assert_eq!(
            lsp.message,
            "`load` blocks\nnote: tokio panics\nhelp: use spawn_blocking"
        );
        assert_eq!(lsp.source.as_deref(), Some(SOURCE));
        assert_eq!(
            lsp.code_description.unwrap().href.as_str(),
            "https://example.org/x/blob/main/lints/src/rules/nested_runtime_block_on.rs"
        );
        let related = lsp.related_information.unwrap();
        assert_eq!(related.len(), 3);
        assert_eq!(related[0].message, "this blocks");
        assert_eq!(related[1].message, "related code");
        assert_eq!(related[2].message, "`load` calls `Runtime::block_on`");
        assert_eq!(related[2].location.uri.as_str(), "file:///ws/src/lib.rs");
        assert_eq!(related[2].location.range.start, lsp::Position::new(9, 0));
    }
}
