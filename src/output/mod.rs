//! Rendering a report: one [`Emitter`] per `--message-format`.
//!
//! Findings go to stderr, as rustc and clippy print theirs; output that is the answer to a
//! question (`--list`, `--explain`) goes to stdout.

pub mod common;
mod github;
mod gitlab;
mod human;
mod json;
mod lines;
pub(crate) mod sarif;
mod short;
mod xml;

pub use github::Github;
pub use gitlab::Gitlab;
pub use human::{summary, Human};
pub use json::Json;
pub use lines::LineIndex;
pub use sarif::Sarif;
pub use short::Short;
pub use xml::{Checkstyle, Junit};

use crate::cli::{ColorWhen, MessageFormat};
use crate::driver::Report;
use codespan_reporting::term::termcolor::{ColorChoice, NoColor, WriteColor};
use std::ffi::OsStr;
use std::io;

/// Writes a whole report in one format.
pub trait Emitter {
    fn emit(&mut self, report: &Report) -> io::Result<()>;
}

pub fn emitter<'w, W: WriteColor + 'w>(format: MessageFormat, writer: W) -> Box<dyn Emitter + 'w> {
    emitter_with(format, writer, false)
}

/// An emitter; `quiet` leaves out the summary line of the human format.
pub fn emitter_with<'w, W: WriteColor + 'w>(
    format: MessageFormat,
    writer: W,
    quiet: bool,
) -> Box<dyn Emitter + 'w> {
    match format {
        MessageFormat::Human => Box::new(Human::new(writer).quiet(quiet)),
        MessageFormat::Short => Box::new(Short::new(writer)),
        MessageFormat::Json => Box::new(Json::new(writer)),
        MessageFormat::Github => Box::new(Github::new(writer)),
        MessageFormat::Sarif => Box::new(Sarif::new(writer)),
        MessageFormat::Gitlab => Box::new(Gitlab::new(writer)),
        MessageFormat::Junit => Box::new(Junit::new(writer)),
        MessageFormat::Checkstyle => Box::new(Checkstyle::new(writer)),
    }
}

/// The report as plain text, as it is written to a file or a pipe.
pub fn render_plain(format: MessageFormat, report: &Report) -> String {
    let mut buffer = Vec::new();
    // Writing into memory cannot fail.
    let _ = emitter(format, NoColor::new(&mut buffer)).emit(report);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// Whether to colour a stream: `--color` or `CARGO_TERM_COLOR` when given, otherwise only on a
/// terminal and unless `NO_COLOR` is set to anything non-empty (<https://no-color.org>).
pub fn color_choice(when: ColorWhen, is_terminal: bool) -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR");
    let term = std::env::var_os("TERM");
    if should_color(when, is_terminal, no_color.as_deref(), term.as_deref()) {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    }
}

fn should_color(
    when: ColorWhen,
    is_terminal: bool,
    no_color: Option<&OsStr>,
    term: Option<&OsStr>,
) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let no_color = no_color.is_some_and(|value| !value.is_empty());
            let dumb = term.is_some_and(|term| term == "dumb");
            is_terminal && !no_color && !dumb
        }
    }
}

/// "1 error", "2 warnings".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_follows_flag_then_terminal_and_no_color() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        let dumb = Some(OsStr::new("dumb"));
        let xterm = Some(OsStr::new("xterm-256color"));
        assert!(should_color(ColorWhen::Auto, true, None, xterm));
        assert!(!should_color(ColorWhen::Auto, false, None, xterm));
        assert!(!should_color(ColorWhen::Auto, true, set, xterm));
        // An empty `NO_COLOR` does not count, per the convention.
        assert!(should_color(ColorWhen::Auto, true, empty, xterm));
        assert!(!should_color(ColorWhen::Auto, true, None, dumb));
        // An explicit choice wins over `NO_COLOR` and over a pipe.
        assert!(should_color(ColorWhen::Always, false, set, None));
        assert!(!should_color(ColorWhen::Never, true, None, xterm));
    }
}
