//! Skipping Rust's comments and literals in raw text, for the scans that run before or beside
//! parsing: the nesting guard and the suppression comments.

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
            i += 1;
        }
    }
    bytes.len()
}

/// Past a string whose body starts at `i` (after the opening quote).
pub fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
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

fn utf8_width(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}
