//! rustc-style diagnostics rendered by codespan-reporting, then one summary line.

use super::{count, Emitter, LineIndex};
use crate::driver::{Report, ReportedFile};
use appstract_lints::{Diagnostic, Edit, Suggestion};
use codespan_reporting::diagnostic::{self as cs, Severity};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::termcolor::{ColorSpec, WriteColor};
use codespan_reporting::term::{self, Chars, Config};
use std::io::{self, Write};
use std::ops::Range;

pub struct Human<W: WriteColor> {
    writer: RustcLayout<W>,
    config: Config,
    quiet: bool,
}

impl<W: WriteColor> Human<W> {
    pub fn new(writer: W) -> Human<W> {
        let config = rustc_config();
        Human {
            writer: RustcLayout::new(writer),
            config,
            quiet: false,
        }
    }

    /// Without the summary line.
    pub fn quiet(mut self, quiet: bool) -> Human<W> {
        self.quiet = quiet;
        self
    }
}

/// One finding as the human format shows it, without colour: the `rendered` text of the JSON
/// format.
pub fn render_one(file: &ReportedFile, finding: &Diagnostic) -> String {
    let files = std::slice::from_ref(file);
    let sources = Sources::new(files);
    let config = rustc_config();
    let mut buffer = Vec::new();
    {
        let mut writer = RustcLayout::new(codespan_reporting::term::termcolor::NoColor::new(
            &mut buffer,
        ));
        let diagnostic = to_codespan(0, file, &sources.lines[0], finding);
        let _ = term::emit_to_write_style(&mut writer, &config, &sources, &diagnostic);
        let _ = writer.flush();
    }
    String::from_utf8_lossy(&buffer).into_owned()
}

/// codespan's ASCII characters, with multi-line spans drawn as rustc draws them: an
/// underscore line from the gutter to the start (`____^`), a bar down the gutter, and an
/// underscore line to the end (`|____^`); secondary spans end in `-` as in rustc.
fn rustc_config() -> Config {
    Config {
        chars: Chars {
            multi_top_left: ' ',
            multi_top: '_',
            multi_bottom_left: '|',
            multi_bottom: '_',
            multi_secondary_caret_start: '-',
            multi_secondary_caret_end: '-',
            ..Chars::ascii()
        },
        ..Config::default()
    }
}

impl<W: WriteColor> Emitter for Human<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        let sources = Sources::new(&report.files);
        for (id, file) in report.files.iter().enumerate() {
            for finding in &file.findings {
                let diagnostic = to_codespan(id, file, &sources.lines[id], finding);
                term::emit_to_write_style(&mut self.writer, &self.config, &sources, &diagnostic)
                    .map_err(into_io)?;
            }
        }
        if !self.quiet {
            self.writer.set_color(ColorSpec::new().set_bold(true))?;
            write!(self.writer, "{}", summary(report))?;
            self.writer.reset()?;
            writeln!(self.writer)?;
        }
        self.writer.flush()
    }
}

/// `2 errors, 1 warning in 14 files`.
pub fn summary(report: &Report) -> String {
    let files = report.linted_file_count();
    let summary = match (report.error_count(), report.warning_count()) {
        (0, 0) if files == 0 => "no Rust files found".to_string(),
        (0, 0) => format!("no errors or warnings in {}", count(files, "file")),
        (errors, warnings) => format!(
            "{}, {} in {}",
            count(errors, "error"),
            count(warnings, "warning"),
            count(files, "file")
        ),
    };
    match report.skipped.len() {
        0 => summary,
        skipped => format!("{summary} ({skipped} skipped)"),
    }
}

fn to_codespan(
    id: usize,
    file: &ReportedFile,
    lines: &LineIndex,
    finding: &Diagnostic,
) -> cs::Diagnostic<usize> {
    let severity = if finding.level.is_error() {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut diagnostic = cs::Diagnostic::new(severity)
        .with_code(finding.code)
        .with_message(&finding.message);
    // Without the text (an unreadable file) there is no snippet; the message names the file.
    if let Some(text) = &file.source {
        let mut labels = vec![cs::Label::primary(id, finding.primary.range.clone())
            .with_message(&finding.primary.message)];
        labels.extend(finding.secondary.iter().map(|label| {
            cs::Label::secondary(id, label.range.clone()).with_message(&label.message)
        }));
        diagnostic = diagnostic.with_labels(labels);
        let notes = finding
            .notes
            .iter()
            .map(|note| format!("note: {note}"))
            .chain(finding.help.iter().map(|help| format!("help: {help}")))
            .chain(
                finding
                    .suggestions
                    .iter()
                    .map(|suggestion| suggestion_note(suggestion, text, lines)),
            );
        diagnostic = diagnostic.with_notes(notes.collect());
    } else {
        let notes = finding
            .notes
            .iter()
            .map(|note| format!("note: {note}"))
            .chain(finding.help.iter().map(|help| format!("help: {help}")));
        diagnostic = diagnostic.with_notes(notes.collect());
    }
    diagnostic
}

/// A suggestion as a help line, rustc's inline way: `help: <message>: `<code>`` with the code the
/// edits make of the text they cover; when that code spans lines, the whole lines as they would
/// read.
fn suggestion_note(suggestion: &Suggestion, text: &str, lines: &LineIndex) -> String {
    let message = &suggestion.message;
    match suggestion.edits.as_slice() {
        [] => format!("help: {message}"),
        [edit] if !edit.replacement.contains('\n') => {
            if edit.replacement.is_empty() {
                let removed = text.get(edit.range.clone()).unwrap_or("");
                format!("help: {message}: remove `{removed}`")
            } else {
                format!("help: {message}: `{}`", edit.replacement)
            }
        }
        edits => match edited_lines(edits, text, lines) {
            Some(code) if code.len() == 1 => format!("help: {message}: `{}`", code[0]),
            Some(code) => {
                let mut note = format!("help: {message}:");
                for line in code {
                    note.push_str("\n      ");
                    note.push_str(&line);
                }
                note
            }
            // Overlapping edits: name each one.
            None => {
                let mut note = format!("help: {message}:");
                for edit in edits {
                    let (line, column) = lines.line_col(text, edit.range.start);
                    note.push_str(&format!("\n      {line}:{column}: `{}`", edit.replacement));
                }
                note
            }
        },
    }
}

/// The code the edits make of the text they cover, or, when that spans lines, of the whole lines,
/// with their common indentation removed; `None` when edits overlap.
fn edited_lines(edits: &[Edit], text: &str, lines: &LineIndex) -> Option<Vec<String>> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    if edits
        .windows(2)
        .any(|pair| pair[0].range.end > pair[1].range.start)
    {
        return None;
    }
    let covered_start = edits.first()?.range.start;
    let covered_end = edits.iter().map(|edit| edit.range.end).max()?;
    let covered = apply(&edits, text, covered_start..covered_end)?;
    if !covered.contains('\n') {
        // Whole lines removed before the code: its indentation is theirs.
        let removed_lines = text.get(covered_start..covered_end)?.contains('\n');
        return Some(vec![match removed_lines {
            true => covered.trim_start().to_string(),
            false => covered,
        }]);
    }
    let start = lines.line_range(lines.line_index(covered_start))?.start;
    let end = lines.line_range(lines.line_index(covered_end))?.end;
    let edited = apply(&edits, text, start..end)?;

    let code: Vec<&str> = edited
        .trim_end_matches(['\r', '\n'])
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .collect();
    let indent = code
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    Some(
        code.iter()
            .map(|line| line.get(indent..).unwrap_or("").trim_end().to_string())
            .collect(),
    )
}

/// `text[range]` with the edits (sorted, disjoint, inside `range`) made.
fn apply(edits: &[&Edit], text: &str, range: Range<usize>) -> Option<String> {
    let mut edited = String::new();
    let mut at = range.start;
    for edit in edits {
        edited.push_str(text.get(at..edit.range.start)?);
        edited.push_str(&edit.replacement);
        at = edit.range.end;
    }
    edited.push_str(text.get(at..range.end)?);
    Some(edited)
}

fn into_io(err: files::Error) -> io::Error {
    match err {
        files::Error::Io(err) => err,
        other => io::Error::other(other.to_string()),
    }
}

/// The report's files as codespan sees them, with the same line index the short format uses.
struct Sources<'a> {
    files: &'a [ReportedFile],
    lines: Vec<LineIndex>,
}

impl<'a> Sources<'a> {
    fn new(files: &'a [ReportedFile]) -> Sources<'a> {
        let lines = files
            .iter()
            .map(|file| LineIndex::new(file.source.as_deref().unwrap_or("")))
            .collect();
        Sources { files, lines }
    }

    fn file(&self, id: usize) -> Result<&'a ReportedFile, files::Error> {
        self.files.get(id).ok_or(files::Error::FileMissing)
    }
}

impl<'a> Files<'a> for Sources<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.file(id)?.display)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(self.file(id)?.source.as_deref().unwrap_or(""))
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        self.file(id)?;
        Ok(self.lines[id].line_index(byte_index))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        self.file(id)?;
        let lines = &self.lines[id];
        lines
            .line_range(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: lines.line_count() - 1,
            })
    }
}

/// Adjusts codespan's ASCII layout to rustc's, line by line: the `-->` line starts one column
/// further left (` --> src/lib.rs:3:5` above `  |`), and lines carry no trailing spaces.
struct RustcLayout<W: WriteColor> {
    inner: W,
    line: Vec<Piece>,
}

enum Piece {
    Text(String),
    Color(ColorSpec),
    Reset,
}

impl<W: WriteColor> RustcLayout<W> {
    fn new(inner: W) -> RustcLayout<W> {
        RustcLayout {
            inner,
            line: Vec::new(),
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(Piece::Text(last)) = self.line.last_mut() {
            last.push_str(text);
        } else {
            self.line.push(Piece::Text(text.to_string()));
        }
    }

    fn end_line(&mut self, newline: bool) -> io::Result<()> {
        let mut pieces = std::mem::take(&mut self.line);
        if newline {
            let plain: String = pieces
                .iter()
                .filter_map(|piece| match piece {
                    Piece::Text(text) => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            if plain.trim_start_matches(' ').starts_with("-->") && plain.starts_with("  ") {
                if let Some(Piece::Text(first)) = pieces.first_mut() {
                    if first.starts_with(' ') {
                        first.remove(0);
                    }
                }
            }
            for piece in pieces.iter_mut().rev() {
                if let Piece::Text(text) = piece {
                    let trimmed = text.trim_end_matches(' ').len();
                    let all_spaces = trimmed == 0;
                    text.truncate(trimmed);
                    if !all_spaces {
                        break;
                    }
                }
            }
        }
        for piece in &pieces {
            match piece {
                Piece::Text(text) => self.inner.write_all(text.as_bytes())?,
                Piece::Color(spec) => self.inner.set_color(spec)?,
                Piece::Reset => self.inner.reset()?,
            }
        }
        if newline {
            self.inner.write_all(b"\n")?;
        }
        Ok(())
    }
}

impl<W: WriteColor> io::Write for RustcLayout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // codespan writes UTF-8 text; a chunk may end inside a line but not inside a char.
        let text = String::from_utf8_lossy(buf);
        let mut rest: &str = &text;
        while let Some(newline) = rest.find('\n') {
            self.push_text(&rest[..newline]);
            self.end_line(true)?;
            rest = &rest[newline + 1..];
        }
        self.push_text(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.end_line(false)?;
        self.inner.flush()
    }
}

impl<W: WriteColor> WriteColor for RustcLayout<W> {
    fn supports_color(&self) -> bool {
        self.inner.supports_color()
    }

    fn set_color(&mut self, spec: &ColorSpec) -> io::Result<()> {
        self.line.push(Piece::Color(spec.clone()));
        Ok(())
    }

    fn reset(&mut self) -> io::Result<()> {
        self.line.push(Piece::Reset);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::MessageFormat;
    use crate::output::render_plain;
    use appstract_lints::{Applicability, Label, Level};

    const SOURCE: &str = "pub async fn to_usd_cents(currency: &str) -> i64 {
    let rate = Runtime::new().unwrap().block_on(fetch_rate(currency));
    rate as i64
}
";

    fn file(findings: Vec<Diagnostic>) -> ReportedFile {
        ReportedFile {
            path: "src/pricing.rs".into(),
            display: "src/pricing.rs".to_string(),
            source: Some(SOURCE.to_string()),
            findings,
            linted: true,
            cargo: None,
        }
    }

    fn report(files: Vec<ReportedFile>) -> Report {
        Report {
            files,
            ..Report::default()
        }
    }

    fn range_of(text: &str) -> Range<usize> {
        let start = SOURCE.find(text).unwrap();
        start..start + text.len()
    }

    #[test]
    fn renders_like_rustc() {
        let call = range_of("block_on(fetch_rate(currency))");
        let header = range_of("pub async fn to_usd_cents(currency: &str) -> i64");
        let finding = Diagnostic::new(
            "nested_runtime_block_on",
            Level::Deny,
            "`block_on` of a tokio runtime inside async code",
            Label::new(call.clone(), "blocks on a new runtime"),
        )
        .with_label(header, "this async fn runs on a runtime")
        .with_note("tokio panics here: `Cannot start a runtime from within a runtime`")
        .with_suggestion(Suggestion {
            message: "`.await` the future instead".to_string(),
            edits: vec![Edit {
                range: range_of("Runtime::new().unwrap().block_on(fetch_rate(currency))"),
                replacement: "fetch_rate(currency).await".to_string(),
            }],
            applicability: Applicability::MaybeIncorrect,
        });
        let rendered = render_plain(MessageFormat::Human, &report(vec![file(vec![finding])]));
        assert_eq!(
            rendered,
            "error[nested_runtime_block_on]: `block_on` of a tokio runtime inside async code
 --> src/pricing.rs:2:40
  |
1 | pub async fn to_usd_cents(currency: &str) -> i64 {
  | ------------------------------------------------ this async fn runs on a runtime
2 |     let rate = Runtime::new().unwrap().block_on(fetch_rate(currency));
  |                                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ blocks on a new runtime
  |
  = note: tokio panics here: `Cannot start a runtime from within a runtime`
  = help: `.await` the future instead: `fetch_rate(currency).await`

1 error, 0 warnings in 1 file
"
        );
    }

    /// Spans over several lines are drawn as rustc draws them: the snippet below is rustc
    /// 1.95's for this code's E0308 (`match` arms have incompatible types).
    #[test]
    fn multi_line_spans_are_drawn_as_rustc_draws_them() {
        let source = "fn main() {\n    let _x = match 1 {\n        0 => 1,\n        _ => \"a\",\n    };\n}\n";
        let at = |text: &str| {
            let start = source.find(text).unwrap();
            start..start + text.len()
        };
        let arms = source.find("match").unwrap()..source.find("};").unwrap() + 1;
        let finding = Diagnostic::new(
            "code",
            Level::Deny,
            "`match` arms have incompatible types",
            Label::new(at("\"a\""), "expected integer, found `&str`"),
        )
        .with_label(
            at("=> 1").end - 1..at("=> 1").end,
            "this is found to be of type `{integer}`",
        )
        .with_label(arms, "`match` arms have incompatible types");
        let file = ReportedFile {
            path: "ml2.rs".into(),
            display: "ml2.rs".to_string(),
            source: Some(source.to_string()),
            findings: vec![finding],
            linted: true,
            cargo: None,
        };
        let rendered = render_plain(MessageFormat::Human, &report(vec![file]));
        assert_eq!(
            rendered,
            "error[code]: `match` arms have incompatible types
 --> ml2.rs:4:14
  |
2 |       let _x = match 1 {
  |  ______________-
3 | |         0 => 1,
  | |              - this is found to be of type `{integer}`
4 | |         _ => \"a\",
  | |              ^^^ expected integer, found `&str`
5 | |     };
  | |_____- `match` arms have incompatible types

1 error, 0 warnings in 1 file
"
        );
    }

    #[test]
    fn suggestions_with_several_edits_or_deletions() {
        let lines = LineIndex::new(SOURCE);
        let removal = Suggestion {
            message: "drop the runtime".to_string(),
            edits: vec![Edit {
                range: range_of("Runtime::new().unwrap()."),
                replacement: String::new(),
            }],
            applicability: Applicability::MaybeIncorrect,
        };
        assert_eq!(
            suggestion_note(&removal, SOURCE, &lines),
            "help: drop the runtime: remove `Runtime::new().unwrap().`"
        );
        let several = Suggestion {
            message: "await both".to_string(),
            edits: vec![
                Edit {
                    range: range_of("rate as"),
                    replacement: "rate.await as".to_string(),
                },
                Edit {
                    range: range_of("pub async"),
                    replacement: "pub".to_string(),
                },
            ],
            applicability: Applicability::HasPlaceholders,
        };
        assert_eq!(
            suggestion_note(&several, SOURCE, &lines),
            "help: await both:\n      pub fn to_usd_cents(currency: &str) -> i64 {\n          \
             let rate = Runtime::new().unwrap().block_on(fetch_rate(currency));\n          rate.await as i64"
        );
    }

    #[test]
    fn edits_in_one_line_show_the_code_they_make() {
        let lines = LineIndex::new(SOURCE);
        let call = range_of("fetch_rate(currency));");
        let close = call.start + "fetch_rate(currency)".len();
        let awaited = Suggestion {
            message: "await the future".to_string(),
            edits: vec![
                Edit {
                    range: close..close + 1,
                    replacement: ".await".to_string(),
                },
                Edit {
                    range: range_of("Runtime::new().unwrap().block_on("),
                    replacement: String::new(),
                },
            ],
            applicability: Applicability::MachineApplicable,
        };
        assert_eq!(
            suggestion_note(&awaited, SOURCE, &lines),
            "help: await the future: `fetch_rate(currency).await`"
        );
        let overlapping = Suggestion {
            edits: vec![
                Edit {
                    range: range_of("rate as"),
                    replacement: "x".to_string(),
                },
                Edit {
                    range: range_of("as i64"),
                    replacement: "y".to_string(),
                },
            ],
            ..awaited
        };
        assert_eq!(
            suggestion_note(&overlapping, SOURCE, &lines),
            "help: await the future:\n      3:5: `x`\n      3:10: `y`"
        );
    }

    #[test]
    fn a_file_without_text_has_no_snippet() {
        let unreadable = ReportedFile {
            path: "src/gone.rs".into(),
            display: "src/gone.rs".to_string(),
            source: None,
            findings: vec![Diagnostic::new(
                "io_error",
                Level::Deny,
                "cannot read `src/gone.rs`: permission denied",
                Label::new(0..0, ""),
            )
            .with_help("check the file's permissions")],
            linted: true,
            cargo: None,
        };
        assert_eq!(
            render_plain(MessageFormat::Human, &report(vec![unreadable])),
            "error[io_error]: cannot read `src/gone.rs`: permission denied
 = help: check the file's permissions

1 error, 0 warnings in 1 file
"
        );
    }

    #[test]
    fn summary_counts_files_errors_and_warnings() {
        let warning = |at: &str| {
            Diagnostic::new(
                "unresolved_module",
                Level::Warn,
                "w",
                Label::new(range_of(at), ""),
            )
        };
        let error = Diagnostic::new("syntax_error", Level::Deny, "e", Label::new(0..1, ""));
        let clean = || file(Vec::new());
        assert_eq!(summary(&report(Vec::new())), "no Rust files found");
        assert_eq!(
            summary(&report(vec![clean(), clean()])),
            "no errors or warnings in 2 files"
        );
        assert_eq!(
            summary(&report(vec![file(vec![warning("rate as")]), clean()])),
            "0 errors, 1 warning in 2 files"
        );
        assert_eq!(
            summary(&report(vec![file(vec![
                error,
                warning("rate as"),
                warning("pub")
            ])])),
            "1 error, 2 warnings in 1 file"
        );
    }
}
