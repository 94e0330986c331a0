//! Diagnostics as plain data: byte ranges into one file's text, no spans, no rendering.

use std::fmt;
use std::ops::Range;

/// How loudly a finding is reported, ordered from silent to unremovable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Level {
    Allow,
    Warn,
    Deny,
    Forbid,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            "forbid" => Some(Level::Forbid),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
            Level::Forbid => "forbid",
        }
    }

    /// The word rustc prints in a diagnostic header for this level.
    pub fn severity(self) -> &'static str {
        match self {
            Level::Allow | Level::Warn => "warning",
            Level::Deny | Level::Forbid => "error",
        }
    }

    pub fn is_error(self) -> bool {
        self >= Level::Deny
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message attached to a byte range of the file the diagnostic belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Label {
    pub range: Range<usize>,
    pub message: String,
}

impl Label {
    pub fn new(range: Range<usize>, message: impl Into<String>) -> Label {
        Label {
            range,
            message: message.into(),
        }
    }
}

/// How sure a suggestion is, with rustc's names (`rustfix` applies only `MachineApplicable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Applicability {
    MachineApplicable,
    MaybeIncorrect,
    HasPlaceholders,
    Unspecified,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
            Applicability::HasPlaceholders => "HasPlaceholders",
            Applicability::Unspecified => "Unspecified",
        }
    }
}

/// One replacement of a byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// A fix: a help message with the edits that carry it out.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Suggestion {
    pub message: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// One finding in one file. `code` is a lint name or a tool code such as `syntax_error`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Diagnostic {
    pub code: &'static str,
    pub level: Level,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Vec<String>,
    pub suggestions: Vec<Suggestion>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        level: Level,
        message: impl Into<String>,
        primary: Label,
    ) -> Diagnostic {
        Diagnostic {
            code,
            level,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
            suggestions: Vec::new(),
        }
    }

    pub fn with_label(mut self, range: Range<usize>, message: impl Into<String>) -> Self {
        self.secondary.push(Label::new(range, message));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    pub fn with_suggestion(mut self, suggestion: Suggestion) -> Self {
        self.suggestions.push(suggestion);
        self
    }
}

/// Read back from a cache, the code must be a lint's name or a tool code of the analysis.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Diagnostic, D::Error> {
        /// `Diagnostic` as it is serialized, with an owned code.
        #[derive(serde::Deserialize)]
        struct Repr {
            code: String,
            level: Level,
            message: String,
            primary: Label,
            secondary: Vec<Label>,
            notes: Vec<String>,
            help: Vec<String>,
            suggestions: Vec<Suggestion>,
        }
        let repr = Repr::deserialize(d)?;
        let code = match crate::rules::find_lint(&repr.code) {
            Some(lint) => lint.name,
            None if repr.code == crate::SYNTAX_ERROR => crate::SYNTAX_ERROR,
            None => return Err(serde::de::Error::custom("unknown diagnostic code")),
        };
        Ok(Diagnostic {
            code,
            level: repr.level,
            message: repr.message,
            primary: repr.primary,
            secondary: repr.secondary,
            notes: repr.notes,
            help: repr.help,
            suggestions: repr.suggestions,
        })
    }
}
