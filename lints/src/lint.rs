//! Lint metadata and levels. A lint is declared once, with its documentation as its doc comment.

use crate::diagnostic::Level;
use std::collections::HashMap;

/// A lint's identity and documentation, made only by [`declare_lint!`].
#[derive(Debug)]
pub struct Lint {
    pub name: &'static str,
    pub default_level: Level,
    pub summary: &'static str,
    /// The doc comment, Markdown, with `## What it does`, `## Why is this bad?`, ...
    pub docs: &'static str,
}

impl Lint {
    /// The documentation with the one leading space of each `///` line removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim_end().to_string() + "\n"
    }
}

/// Declares a `static` [`Lint`]; the doc comment above it becomes its documentation.
#[macro_export]
macro_rules! declare_lint {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            name: $name:literal,
            level: $level:ident,
            summary: $summary:literal $(,)?
        };
    ) => {
        $vis static $ident: $crate::lint::Lint = $crate::lint::Lint {
            name: $name,
            default_level: $crate::diagnostic::Level::$level,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
        };
    };
}

/// The level of every lint for one run: defaults, then configuration and flags in order.
#[derive(Clone, Debug, Default)]
pub struct LintLevels {
    overrides: HashMap<&'static str, Level>,
    /// `-D warnings`: every finding at warn level is raised to this level.
    warnings: Option<Level>,
}

impl LintLevels {
    /// Sets a lint's level; a `forbid` already in force cannot be lowered.
    pub fn set(&mut self, lint: &'static Lint, level: Level) {
        let current = self.configured(lint);
        if current == Level::Forbid && level < Level::Forbid {
            return;
        }
        self.overrides.insert(lint.name, level);
    }

    /// `-D warnings` / `-F warnings`.
    pub fn set_warnings(&mut self, level: Level) {
        self.warnings = Some(level);
    }

    pub fn configured(&self, lint: &Lint) -> Level {
        self.overrides
            .get(lint.name)
            .copied()
            .unwrap_or(lint.default_level)
    }

    /// The level a finding is reported at. `uncertain` findings (an unknown receiver, a
    /// call chain) are capped at warn: the tool never guesses at deny level.
    pub fn effective(&self, lint: &Lint, uncertain: bool) -> Level {
        let mut level = self.configured(lint);
        if uncertain && level > Level::Warn && level != Level::Forbid {
            level = Level::Warn;
        }
        if level == Level::Warn {
            if let Some(promoted) = self.warnings {
                level = promoted;
            }
        }
        level
    }
}
