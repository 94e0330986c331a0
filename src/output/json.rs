//! cargo's JSON messages: one `compiler-message` object per finding, each carrying a rustc
//! diagnostic, then `build-finished`. rust-analyzer (`check.overrideCommand`) and rustfix read
//! them as they read `cargo check --message-format=json`.

use super::common::position;
use super::{human, Emitter, LineIndex};
use crate::driver::{Report, ReportedFile};
use appstract_lints::{Diagnostic, Label};
use serde_json::{json, Value};
use std::io::{self, Write};

pub struct Json<W> {
    writer: W,
}

impl<W: Write> Json<W> {
    pub fn new(writer: W) -> Json<W> {
        Json { writer }
    }
}

impl<W: Write> Emitter for Json<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        for file in &report.files {
            let lines = LineIndex::new(file.source.as_deref().unwrap_or(""));
            for finding in &file.findings {
                let message = json!({
                    "reason": "compiler-message",
                    "package_id": file.cargo.as_ref().map(|c| c.package_id.clone()).unwrap_or_default(),
                    "manifest_path": file.cargo.as_ref().map_or(file.path.clone(), |c| c.manifest_path.clone()),
                    "target": file.cargo.as_ref().map_or_else(|| problem_target(file), |c| c.target.clone()),
                    "message": diagnostic(file, &lines, finding),
                });
                serde_json::to_writer(&mut self.writer, &message)?;
                self.writer.write_all(b"\n")?;
            }
        }
        let finished = json!({
            "reason": "build-finished",
            "success": report.error_count() == 0 && report.internal_errors.is_empty(),
        });
        serde_json::to_writer(&mut self.writer, &finished)?;
        self.writer.write_all(b"\n")?;
        self.writer.flush()
    }
}

/// A manifest or directory that could not be read belongs to no target; it is named as one.
fn problem_target(file: &ReportedFile) -> Value {
    crate::discover::target_json(
        "appstract-lint",
        appstract_lints::CrateKind::Loose,
        &file.path,
        "2021",
    )
}

/// A rustc diagnostic (`$message_type: diagnostic`).
pub fn diagnostic(file: &ReportedFile, lines: &LineIndex, finding: &Diagnostic) -> Value {
    let mut spans = Vec::new();
    if file.source.is_some() {
        spans.push(span(file, lines, &finding.primary, true, None));
        for label in &finding.secondary {
            spans.push(span(file, lines, label, false, None));
        }
    }
    let mut children = Vec::new();
    for note in &finding.notes {
        children.push(child("note", note, Vec::new()));
    }
    for help in &finding.help {
        children.push(child("help", help, Vec::new()));
    }
    for suggestion in &finding.suggestions {
        let spans = if file.source.is_some() {
            suggestion
                .edits
                .iter()
                .map(|edit| {
                    span(
                        file,
                        lines,
                        &Label::new(edit.range.clone(), ""),
                        true,
                        Some((&edit.replacement, suggestion.applicability.as_str())),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        children.push(child("help", &suggestion.message, spans));
    }
    let explanation = crate::codes::explanation(finding.code);
    json!({
        "$message_type": "diagnostic",
        "message": finding.message,
        "code": { "code": finding.code, "explanation": explanation },
        "level": finding.level.severity(),
        "spans": spans,
        "children": children,
        "rendered": human::render_one(file, finding),
    })
}

fn child(level: &str, message: &str, spans: Vec<Value>) -> Value {
    json!({
        "$message_type": "diagnostic",
        "message": message,
        "code": null,
        "level": level,
        "spans": spans,
        "children": [],
        "rendered": null,
    })
}

fn span(
    file: &ReportedFile,
    lines: &LineIndex,
    label: &Label,
    is_primary: bool,
    replacement: Option<(&str, &str)>,
) -> Value {
    let text = file.source.as_deref().unwrap_or("");
    let range = label.range.clone();
    let at = position(file, lines, &range).unwrap_or(super::common::Position {
        line_start: 1,
        column_start: 1,
        line_end: 1,
        column_end: 1,
    });
    // The text of every line the span touches, with the highlighted columns.
    let mut line_texts = Vec::new();
    for line in at.line_start..=at.line_end {
        let Some(line_range) = lines.line_range(line - 1) else {
            continue;
        };
        let line_text = text
            .get(line_range)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r']);
        let width = line_text.chars().count() + 1;
        let start = if line == at.line_start {
            at.column_start
        } else {
            1
        };
        let end = if line == at.line_end {
            at.column_end
        } else {
            width
        };
        line_texts.push(json!({
            "text": line_text,
            "highlight_start": start,
            "highlight_end": end,
        }));
    }
    json!({
        "file_name": file.display,
        "byte_start": range.start,
        "byte_end": range.end,
        "line_start": at.line_start,
        "line_end": at.line_end,
        "column_start": at.column_start,
        "column_end": at.column_end,
        "is_primary": is_primary,
        "text": line_texts,
        "label": if label.message.is_empty() { None } else { Some(&label.message) },
        "suggested_replacement": replacement.map(|(text, _)| text),
        "suggestion_applicability": replacement.map(|(_, applicability)| applicability),
        "expansion": null,
    })
}
