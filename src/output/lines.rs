//! Byte offsets to lines and columns, as rustc counts them: lines split at `\n` (a `\r` before
//! it belongs to the line), columns 1-based and counted in chars.

use std::ops::Range;

#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// 0-based line of a byte offset; offsets past the end are on the last line.
    pub fn line_index(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The bytes of a 0-based line, with its line ending.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line)?;
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        Some(start..end)
    }

    /// 1-based line and column of a byte offset in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_index(offset);
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map_or(0, |before| before.chars().count());
        (line + 1, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_char_columns() {
        let text = "fn a() {}\n    let é = 1;\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 3), (1, 4));
        // After the two-byte `é`, the column counts one char.
        let eq = text.find('=').unwrap();
        assert_eq!(index.line_col(text, eq), (2, 11));
        assert_eq!(index.line_col(text, text.len()), (3, 1));
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn crlf_belongs_to_the_line() {
        let text = "a\r\nbc\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 3), (2, 1));
        assert_eq!(index.line_col(text, 4), (2, 2));
        assert_eq!(index.line_range(1), Some(3..7));
        assert_eq!(index.line_range(3), None);
    }

    #[test]
    fn out_of_range_offsets_do_not_panic() {
        let text = "ab";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 99), (1, 3));
        assert_eq!(index.line_index(99), 0);
        assert_eq!(LineIndex::new("").line_col("", 0), (1, 1));
    }
}
