//! What the machine formats share: positions, fingerprints, escaping.

use super::LineIndex;
use crate::driver::ReportedFile;
use appstract_lints::Diagnostic;
use std::ops::Range;

/// A range as lines and columns, 1-based, the end column exclusive, columns in chars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line_start: usize,
    pub column_start: usize,
    pub line_end: usize,
    pub column_end: usize,
}

/// The position of `range` in the file, or `None` when there is no text to point into (a
/// manifest or directory that could not be read).
pub fn position(file: &ReportedFile, lines: &LineIndex, range: &Range<usize>) -> Option<Position> {
    let text = file.source.as_deref()?;
    let (line_start, column_start) = lines.line_col(text, range.start);
    let (line_end, column_end) = lines.line_col(text, range.end.max(range.start));
    Some(Position {
        line_start,
        column_start,
        line_end,
        column_end,
    })
}

/// A fingerprint of each finding of a file that survives edits elsewhere in the file: the lint,
/// the code of the finding's first line with its whitespace collapsed, and the number of
/// earlier findings in the file with the same two. Line numbers play no part.
pub fn fingerprints(file: &ReportedFile) -> Vec<u64> {
    let text = file.source.as_deref().unwrap_or("");
    let lines = LineIndex::new(text);
    let mut seen: Vec<(u64, usize)> = Vec::new();
    file.findings
        .iter()
        .map(|finding| {
            let base = content_hash(finding, text, &lines);
            let occurrence = match seen.iter_mut().find(|(hash, _)| *hash == base) {
                Some((_, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    seen.push((base, 0));
                    0
                }
            };
            let mut hasher = Fnv::new();
            hasher.write(&base.to_le_bytes());
            hasher.write(&(occurrence as u64).to_le_bytes());
            hasher.finish()
        })
        .collect()
}

fn content_hash(finding: &Diagnostic, text: &str, lines: &LineIndex) -> u64 {
    let mut hasher = Fnv::new();
    hasher.write(finding.code.as_bytes());
    hasher.write(&[0]);
    let line = lines
        .line_range(lines.line_index(finding.primary.range.start.min(text.len())))
        .and_then(|range| text.get(range))
        .unwrap_or("");
    let normalized: Vec<&str> = line.split_whitespace().collect();
    if normalized.is_empty() {
        // No code to anchor on (a file-level problem): the message stands in.
        hasher.write(finding.message.as_bytes());
    } else {
        hasher.write(normalized.join(" ").as_bytes());
    }
    hasher.finish()
}

/// 64-bit FNV-1a: stable across runs, platforms and versions, unlike `std`'s hasher.
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv::new()
    }
}

/// Text for XML character data and attribute values: markup characters escaped, line breaks
/// and tabs kept as character references (attributes would lose them), and characters XML 1.0
/// cannot hold replaced by U+FFFD.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A finding's message with its notes and help, as one text.
pub fn full_message(finding: &Diagnostic) -> String {
    let mut text = finding.message.clone();
    for note in &finding.notes {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    for help in finding
        .help
        .iter()
        .chain(finding.suggestions.iter().map(|s| &s.message))
    {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

/// A relative path as a URI reference: `/` separators, reserved characters percent-encoded.
pub fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_markup_and_control_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\u{fffd}"
        );
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("src/a b%,:.rs"), "src/a%20b%25%2C%3A.rs");
    }

    #[test]
    fn fnv_is_stable() {
        let mut hasher = Fnv::new();
        hasher.write(b"a");
        assert_eq!(hasher.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
