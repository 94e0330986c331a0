//! Skipping Rust's comments and literals in raw text, for the scans that run before or beside
//! parsing: the nesting guard, the suppression comments and the trigger prefilter.

/// Past a block comment that starts at `i` (its `/*`); block comments nest.
pub fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut level = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            level += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            level -= 1;
            i += 2;
            if level == 0 {
                return i;
            }
        } else {
            // Only a `/` or a `*` can open or close a comment.
            i = memchr::memchr2(b'/', b'*', &bytes[i + 1..]).map_or(bytes.len(), |at| i + 1 + at);
        }
    }
    bytes.len()
}

/// Past a string whose body starts at `i` (after the opening quote).
pub fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        // Only a backslash or a quote matters in a string's body.
        match memchr::memchr2(b'\\', b'"', &bytes[i..]) {
            Some(at) if bytes[i + at] == b'"' => return i + at + 1,
            Some(at) => i += at + 2,
            None => break,
        }
    }
    bytes.len()
}

/// Past a raw string whose body starts at `i`, closed by a quote and `hashes` hashes.
pub fn raw_string_end(bytes: &[u8], mut i: usize, hashes: usize) -> usize {
    while i < bytes.len() {
        let closes = bytes.len() - (i + 1) >= hashes
            && bytes[i + 1..i + 1 + hashes].iter().all(|&b| b == b'#');
        if bytes[i] == b'"' && closes {
            return i + 1 + hashes;
        }
        i += 1;
    }
    bytes.len()
}

/// At a `'` at `i`: past the char literal (`'a'`, `'\n'`, `'\u{1F600}'`, or an unterminated
/// one), or `None` when it starts a lifetime or a label.
pub fn char_literal_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i + 1) {
        Some(b'\\') => {
            let mut j = i + 3;
            while j < bytes.len() && bytes[j] != b'\'' && bytes[j] != b'\n' {
                j += 1;
            }
            Some((j + 1).min(bytes.len()))
        }
        // One char (maybe several bytes), then a quote.
        Some(&first) => {
            let width = utf8_width(first);
            (bytes.get(i + 1 + width) == Some(&b'\'')).then_some(i + 2 + width)
        }
        None => Some(bytes.len()),
    }
}

/// Walks a text forward and tells whether places in it are code: not in a comment, a string,
/// a char literal or a lifetime.
pub struct CodeCursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The last comment or literal passed.
    skipped: std::ops::Range<usize>,
}

impl<'a> CodeCursor<'a> {
    pub fn new(text: &'a str) -> Self {
        CodeCursor {
            bytes: text.as_bytes(),
            pos: 0,
            skipped: 0..0,
        }
    }

    /// Whether the token at `at` is code. Places are asked for in increasing order.
    pub fn in_code(&mut self, at: usize) -> bool {
        let bytes = self.bytes;
        if at < self.pos {
            return !self.skipped.contains(&at);
        }
        while self.pos < at {
            let i = self.pos;
            let end = match bytes[i] {
                b'/' if bytes.get(i + 1) == Some(&b'/') => bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p),
                b'/' if bytes.get(i + 1) == Some(&b'*') => block_comment_end(bytes, i),
                b'"' => string_end(bytes, i + 1),
                b'\'' => quote_end(bytes, i).0,
                b if is_ident_byte(b) => {
                    let word_end = ident_end(bytes, i);
                    match raw_string_start(bytes, i, word_end) {
                        Some((body, hashes)) => raw_string_end(bytes, body, hashes),
                        None => {
                            // A word is code, whatever part of it is asked for.
                            self.pos = word_end;
                            continue;
                        }
                    }
                }
                _ => {
                    self.pos = i + 1;
                    continue;
                }
            };
            self.skipped = i..end;
            self.pos = end;
            if end > at {
                return false;
            }
        }
        true
    }
}

/// Whether a byte can be part of an identifier (any non-ASCII byte counts).
#[inline]
pub fn is_ident_byte(byte: u8) -> bool {
    IDENT_BYTES[usize::from(byte)]
}

/// [`is_ident_byte`] as a table: the scans ask it of nearly every byte of every file.
static IDENT_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = ident_byte(byte as u8);
        byte += 1;
    }
    table
};

/// [`is_ident_byte`] computed, for tables built at compile time.
pub const fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// A doc comment that a line comment makes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LineDoc {
    /// `///`, but not `////`.
    Outer,
    /// `//!`
    Inner,
}

/// The doc comment a line comment starting at `comment[0]` is, if it is one.
pub fn line_doc(comment: &[u8]) -> Option<LineDoc> {
    match comment {
        [b'/', b'/', b'/', b'/', ..] => None,
        [b'/', b'/', b'/', ..] => Some(LineDoc::Outer),
        [b'/', b'/', b'!', ..] => Some(LineDoc::Inner),
        _ => None,
    }
}

/// Past the identifier bytes from `i`.
pub fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_ident_byte(bytes[i]) {
        i += 1;
    }
    i
}

/// For a word `r`, `br` or `cr` that opens a raw string: where its body starts and its hashes.
pub fn raw_string_start(bytes: &[u8], word: usize, word_end: usize) -> Option<(usize, usize)> {
    if !matches!(&bytes[word..word_end], b"r" | b"br" | b"cr") {
        return None;
    }
    let mut i = word_end;
    while bytes.get(i) == Some(&b'#') {
        i += 1;
    }
    (bytes.get(i) == Some(&b'"')).then_some((i + 1, i - word_end))
}

/// At a `'` at `i`: past the char literal or the lifetime or label (`'a`, `'static`,
/// `'r#async`), and whether it is a char literal.
pub fn quote_end(bytes: &[u8], i: usize) -> (usize, bool) {
    match char_literal_end(bytes, i) {
        Some(end) => (end, true),
        None => {
            let mut name = i + 1;
            if bytes[name..].starts_with(b"r#") {
                name += 2;
            }
            (ident_end(bytes, name).max(i + 1), false)
        }
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::CodeCursor;

    #[test]
    fn comments_literals_and_lifetimes_are_not_code() {
        let text = r###"// no
/* no /* no */ no */ yes "no \" no" yes 'n' r#"no " no"# yes b"no" br"no" yes '\'' yes 'no: loop {} r#yes
//! no /// no
yes"###;
        let mut cursor = CodeCursor::new(text);
        for (at, _) in text.match_indices(char::is_alphabetic) {
            let word_end = text[at..]
                .find(|c: char| !c.is_alphanumeric())
                .map_or(text.len(), |end| at + end);
            match &text[at..word_end] {
                "yes" => assert!(cursor.in_code(at), "{at}"),
                "no" => assert!(!cursor.in_code(at), "{at}"),
                _ => {}
            }
        }
    }
}
