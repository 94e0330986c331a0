//! GitHub Actions workflow commands: `::error file=..,line=..::message`, one per finding, which
//! GitHub shows as annotations on the pull request's changed lines.

use super::common::{full_message, position};
use super::{Emitter, LineIndex};
use crate::driver::Report;
use std::io::{self, Write};

pub struct Github<W> {
    writer: W,
}

impl<W: Write> Github<W> {
    pub fn new(writer: W) -> Github<W> {
        Github { writer }
    }
}

impl<W: Write> Emitter for Github<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        for file in &report.files {
            let lines = LineIndex::new(file.source.as_deref().unwrap_or(""));
            for finding in &file.findings {
                let command = if finding.level.is_error() {
                    "error"
                } else {
                    "warning"
                };
                let mut properties = vec![format!("file={}", property(&file.display))];
                if let Some(at) = position(file, &lines, &finding.primary.range) {
                    properties.push(format!("line={}", at.line_start));
                    properties.push(format!("endLine={}", at.line_end));
                    properties.push(format!("col={}", at.column_start));
                    properties.push(format!("endColumn={}", at.column_end));
                }
                properties.push(format!(
                    "title={}",
                    property(&format!("appstract-lint: {}", finding.code))
                ));
                writeln!(
                    self.writer,
                    "::{command} {}::{}",
                    properties.join(","),
                    data(&full_message(finding))
                )?;
            }
        }
        self.writer.flush()
    }
}

/// Escapes a message as `@actions/core` does (`escapeData`).
pub fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value as `@actions/core` does (`escapeProperty`).
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_the_toolkit() {
        assert_eq!(data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }
}
