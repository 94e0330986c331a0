//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it: one run, a rule per
//! lint (and per tool problem reported), a result per finding with a location relative to the
//! `%SRCROOT%` base (the cargo workspace's root, or the current directory), and partial fingerprints that survive line shifts.

use super::common::{fingerprints, position, uri_path};
use super::{Emitter, LineIndex};
use crate::driver::{Report, ReportedFile};
use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::Path;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const BASE_ID: &str = "%SRCROOT%";

pub struct Sarif<W> {
    writer: W,
}

impl<W: Write> Sarif<W> {
    pub fn new(writer: W) -> Sarif<W> {
        Sarif { writer }
    }
}

impl<W: Write> Emitter for Sarif<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        let mut rules: Vec<Value> = Vec::new();
        let mut rule_ids: Vec<&str> = Vec::new();
        for lint in crate::all_lints() {
            rule_ids.push(lint.name);
            let documentation = lint.documentation();
            let mut rule = json!({
                "id": lint.name,
                "name": lint.name,
                "shortDescription": { "text": lint.summary },
                "fullDescription": { "text": first_section(&documentation) },
                "help": { "text": documentation, "markdown": documentation },
                "defaultConfiguration": { "level": sarif_level(lint.default_level) },
            });
            if let Some(uri) = help_uri(repository(), lint.name) {
                rule["helpUri"] = json!(uri);
            }
            rules.push(rule);
        }
        for problem in &crate::codes::PROBLEMS {
            let code = problem.name;
            rule_ids.push(code);
            let mut rule = json!({
                "id": code,
                "name": code,
                "shortDescription": { "text": problem.summary },
                "fullDescription": { "text": first_section(problem.docs) },
                "help": { "text": problem.docs, "markdown": problem.docs },
                "defaultConfiguration": { "level": "error" },
            });
            if let Some(uri) = help_uri(repository(), code) {
                rule["helpUri"] = json!(uri);
            }
            rules.push(rule);
        }

        let mut results = Vec::new();
        for file in &report.files {
            let lines = LineIndex::new(file.source.as_deref().unwrap_or(""));
            for (finding, print) in file.findings.iter().zip(fingerprints(file)) {
                let mut result = json!({
                    "ruleId": finding.code,
                    "level": if finding.level.is_error() { "error" } else { "warning" },
                    "message": { "text": super::common::full_message(finding) },
                    "locations": [location(report, file, &lines, &finding.primary.range, None)],
                    "partialFingerprints": { "appstractLint/v1": format!("{print:016x}") },
                });
                if let Some(index) = rule_ids.iter().position(|id| *id == finding.code) {
                    result["ruleIndex"] = json!(index);
                }
                if file.source.is_some() && !finding.secondary.is_empty() {
                    result["relatedLocations"] = finding
                        .secondary
                        .iter()
                        .enumerate()
                        .map(|(id, label)| {
                            let mut related =
                                location(report, file, &lines, &label.range, Some(&label.message));
                            related["id"] = json!(id);
                            related
                        })
                        .collect();
                }
                results.push(result);
            }
        }

        let mut driver = json!({
            "name": "appstract-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        });
        if let Some(uri) = repository() {
            driver["informationUri"] = json!(uri);
        }
        let log = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": driver },
                "originalUriBaseIds": base_ids(&report.base),
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut self.writer, &log)?;
        self.writer.write_all(b"\n")?;
        self.writer.flush()
    }
}

fn sarif_level(level: appstract_lints::Level) -> &'static str {
    match level {
        appstract_lints::Level::Allow => "none",
        appstract_lints::Level::Warn => "warning",
        _ => "error",
    }
}

/// The `## What it does` section of a lint's documentation, without its heading.
fn first_section(documentation: &str) -> String {
    let mut out = Vec::new();
    for line in documentation.lines() {
        if line.starts_with("## ") {
            if out.is_empty() {
                continue;
            }
            break;
        }
        out.push(line);
    }
    out.join("\n").trim().to_string()
}

pub(crate) fn repository() -> Option<&'static str> {
    Some(env!("CARGO_PKG_REPOSITORY")).filter(|uri| !uri.is_empty())
}

/// Where a rule's documentation lives in the package's repository (`repository` in
/// Cargo.toml; without one, rules have no `helpUri`): the doc comment of the lint's source
/// file, or `src/codes.rs` for the tool's own lints and problems.
pub(crate) fn help_uri(repository: Option<&str>, code: &str) -> Option<String> {
    let repository = repository?.trim_end_matches('/');
    let path = if appstract_lints::find_lint(code).is_some() {
        format!("lints/src/rules/{code}.rs")
    } else if [
        crate::suppress::UNUSED_SUPPRESSION.name,
        crate::suppress::INVALID_SUPPRESSION.name,
    ]
    .contains(&code)
    {
        "src/suppress.rs".to_string()
    } else {
        "src/codes.rs".to_string()
    };
    Some(format!("{repository}/blob/main/{path}"))
}

fn location(
    report: &Report,
    file: &ReportedFile,
    lines: &LineIndex,
    range: &std::ops::Range<usize>,
    message: Option<&str>,
) -> Value {
    let relative = file
        .path
        .strip_prefix(&report.base)
        .ok()
        .filter(|relative| !relative.as_os_str().is_empty() && relative.is_relative());
    let artifact = match relative {
        Some(relative) => json!({
            "uri": uri_path(&relative.to_string_lossy()),
            "uriBaseId": BASE_ID,
        }),
        None => json!({ "uri": file_uri(&file.path) }),
    };
    let mut physical = json!({ "artifactLocation": artifact });
    if let Some(at) = position(file, lines, range) {
        physical["region"] = json!({
            "startLine": at.line_start,
            "startColumn": at.column_start,
            "endLine": at.line_end,
            "endColumn": at.column_end,
            "charOffset": file.source.as_deref().map_or(0, |text| text.get(..range.start).map_or(0, |t| t.chars().count())),
            "charLength": file.source.as_deref().and_then(|text| text.get(range.clone())).map_or(0, |t| t.chars().count()),
        });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some(message) = message.filter(|m| !m.is_empty()) {
        location["message"] = json!({ "text": message });
    }
    location
}

/// `%SRCROOT%`, the directory paths are shown from; none when every path is shown whole.
fn base_ids(base: &Path) -> Value {
    if base.as_os_str().is_empty() {
        json!({})
    } else {
        json!({ BASE_ID: { "uri": directory_uri(base) } })
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", uri_path(&path.to_string_lossy()))
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(dir);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_uris_point_at_each_rules_documentation() {
        let repository = Some("https://example.org/appstract-lint/");
        assert_eq!(help_uri(None, "nested_runtime_block_on"), None);
        assert_eq!(
            help_uri(repository, "nested_runtime_block_on").as_deref(),
            Some("https://example.org/appstract-lint/blob/main/lints/src/rules/nested_runtime_block_on.rs")
        );
        assert_eq!(
            help_uri(repository, "syntax_error").as_deref(),
            Some("https://example.org/appstract-lint/blob/main/src/codes.rs")
        );
        // Every link resolves in the repository.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for code in crate::all_lints()
            .map(|lint| lint.name)
            .chain(crate::codes::PROBLEMS.iter().map(|problem| problem.name))
        {
            let uri = help_uri(repository, code).unwrap();
            let path = uri.split_once("/blob/main/").unwrap().1;
            assert!(root.join(path).is_file(), "{code}: {path}");
        }
    }
}
