//! One line per finding: `path:line:col: error[code]: message`, nothing else.

use super::{Emitter, LineIndex};
use crate::driver::Report;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use std::io;

pub struct Short<W> {
    writer: W,
}

impl<W: WriteColor> Short<W> {
    pub fn new(writer: W) -> Short<W> {
        Short { writer }
    }
}

impl<W: WriteColor> Emitter for Short<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        for file in &report.files {
            let text = file.source.as_deref().unwrap_or("");
            let lines = LineIndex::new(text);
            for finding in &file.findings {
                let (line, column) = lines.line_col(text, finding.primary.range.start);
                write!(self.writer, "{}:{line}:{column}: ", file.display)?;
                let color = if finding.level.is_error() {
                    Color::Red
                } else {
                    Color::Yellow
                };
                self.writer
                    .set_color(ColorSpec::new().set_fg(Some(color)).set_bold(true))?;
                write!(
                    self.writer,
                    "{}[{}]",
                    finding.level.severity(),
                    finding.code
                )?;
                self.writer.reset()?;
                // One finding per line, whatever the message holds.
                let message = finding.message.replace(['\r', '\n'], " ");
                writeln!(self.writer, ": {message}")?;
            }
        }
        self.writer.flush()
    }
}
