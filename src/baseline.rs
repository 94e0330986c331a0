//! Baselines for legacy code: `--write-baseline FILE` records every current finding, and
//! `--baseline FILE` reports only the findings it does not record. An entry is keyed by the
//! file (relative to the baseline's directory), the lint, and a fingerprint of the finding's
//! code line that survives lines moving (see [`crate::output::common::fingerprints`]).
//! Entries for linted files that match no finding any more are reported as stale.

use crate::driver::{Report, ReportedFile};
use crate::error::Error;
use crate::output::common::fingerprints;
use crate::paths;
use appstract_lints::{Diagnostic, Label, Level};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A baseline entry that matches no finding.
pub const STALE_ENTRY: &str = "stale_baseline_entry";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    path: String,
    lint: String,
    fingerprint: String,
    /// For readers of the file; not part of the key.
    #[serde(default)]
    message: String,
}

fn entries(report: &Report, dir: &Path) -> Vec<(usize, usize, Entry)> {
    let mut out = Vec::new();
    for (file_index, file) in report.files.iter().enumerate() {
        let key = key_path(dir, &file.path);
        for (index, (finding, print)) in file.findings.iter().zip(fingerprints(file)).enumerate() {
            out.push((
                file_index,
                index,
                Entry {
                    path: key.clone(),
                    lint: finding.code.to_string(),
                    fingerprint: format!("{print:016x}"),
                    message: finding.message.clone(),
                },
            ));
        }
    }
    out
}

fn key_path(dir: &Path, file: &Path) -> String {
    match file.strip_prefix(dir) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => file.to_string_lossy().into_owned(),
    }
}

fn dir_of(baseline: &Path) -> PathBuf {
    baseline.parent().unwrap_or(Path::new("/")).to_path_buf()
}

/// Writes every finding of the report to `path`; returns how many.
pub fn write(cwd: &Path, path: &Path, report: &Report) -> Result<usize, Error> {
    let path = paths::absolute(cwd, path);
    let mut recorded: Vec<Entry> = entries(report, &dir_of(&path))
        .into_iter()
        .map(|(_, _, entry)| entry)
        .collect();
    recorded.sort();
    let count = recorded.len();
    let file = BaselineFile {
        version: VERSION,
        entries: recorded,
    };
    let mut text = serde_json::to_string_pretty(&file)
        .map_err(|err| Error::new(format!("cannot write the baseline: {err}")))?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|err| {
        Error::new(format!(
            "cannot write the baseline `{}`: {err}",
            paths::display(cwd, &path)
        ))
    })?;
    Ok(count)
}

/// A baseline that does not parse: serde's message without its position, which goes to the
/// ` --> ` line instead. serde counts columns from 0 at the start of a line (where it stops at
/// a line break, or at the end of the text); rustc counts from 1.
fn parse_error(shown: &str, err: &serde_json::Error) -> Error {
    let message = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    let message = message.strip_suffix(&position).unwrap_or(&message);
    Error::new(format!("cannot parse the baseline `{shown}`: {message}"))
        .at(format!("{shown}:{}:{}", err.line(), err.column().max(1)))
        .with_help("write a new one with `--write-baseline`")
}

/// Removes the findings recorded in the baseline at `path` from the report, and reports its
/// stale entries. Returns how many findings were left out.
pub fn apply(cwd: &Path, path: &Path, report: &mut Report) -> Result<usize, Error> {
    let path = paths::absolute(cwd, path);
    let shown = paths::display(cwd, &path);
    let text = std::fs::read_to_string(&path)
        .map_err(|err| Error::new(format!("cannot read the baseline `{shown}`: {err}")))?;
    let baseline: BaselineFile =
        serde_json::from_str(&text).map_err(|err| parse_error(&shown, &err))?;
    if baseline.version != VERSION {
        return Err(Error::new(format!(
            "the baseline `{shown}` has version {}, this version of appstract-lint reads version {VERSION}",
            baseline.version
        ))
        .with_help("write a new one with `--write-baseline`"));
    }
    let dir = dir_of(&path);
    let mut remaining: Vec<Option<Entry>> = baseline.entries.into_iter().map(Some).collect();
    let mut dropped: HashSet<(usize, usize)> = HashSet::new();
    for (file_index, index, entry) in entries(report, &dir) {
        if let Some(slot) = remaining.iter_mut().find(|slot| {
            slot.as_ref().is_some_and(|known| {
                known.path == entry.path
                    && known.lint == entry.lint
                    && known.fingerprint == entry.fingerprint
            })
        }) {
            *slot = None;
            dropped.insert((file_index, index));
        }
    }
    for (file_index, file) in report.files.iter_mut().enumerate() {
        let mut index = 0;
        file.findings.retain(|_| {
            let keep = !dropped.contains(&(file_index, index));
            index += 1;
            keep
        });
    }

    // Stale: entries about files this run linted, or that no longer exist.
    let linted: HashSet<String> = report
        .files
        .iter()
        .filter(|file| file.linted)
        .map(|file| key_path(&dir, &file.path))
        .collect();
    let stale: Vec<Diagnostic> = remaining
        .into_iter()
        .flatten()
        .filter(|entry| linted.contains(&entry.path) || !dir.join(&entry.path).exists())
        .map(|entry| {
            Diagnostic::new(
                STALE_ENTRY,
                Level::Warn,
                format!(
                    "baseline entry for `{}` in `{}` matches no finding",
                    entry.lint, entry.path
                ),
                Label::new(0..0, ""),
            )
            .with_note(format!("recorded message: {}", entry.message))
            .with_help("write the baseline again with `--write-baseline` to drop it")
        })
        .collect();
    if !stale.is_empty() {
        report.files.push(ReportedFile {
            path: path.clone(),
            display: shown,
            source: None,
            findings: stale,
            linted: false,
            cargo: None,
        });
        report.files.sort_by(|a, b| a.display.cmp(&b.display));
    }
    Ok(dropped.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_for(text: &str) -> Error {
        let err = serde_json::from_str::<BaselineFile>(text)
            .err()
            .expect("an error");
        parse_error("b.json", &err)
    }

    #[test]
    fn parse_errors_point_at_a_column_from_1() {
        let empty = error_for("");
        assert_eq!(
            empty.message,
            "cannot parse the baseline `b.json`: EOF while parsing a value"
        );
        assert_eq!(empty.location.as_deref(), Some("b.json:1:1"));
        let truncated = error_for("{\"version\": 1,\n");
        assert_eq!(truncated.location.as_deref(), Some("b.json:2:1"));
        let wrong = error_for("{\"version\": 1, \"entries\": [}");
        assert_eq!(wrong.location.as_deref(), Some("b.json:1:28"));
        assert_eq!(
            wrong.message,
            "cannot parse the baseline `b.json`: expected value"
        );
    }
}
