//! A library's summary as a file, for build systems that run the tool once per crate and hand
//! each crate the summaries of its dependencies, as rustc hands on `.rmeta` files
//! (`--emit-summary`, `--extern`): a magic number, the summary format's version, then the
//! summary.

use appstract_lints::model::summary::SUMMARY_FORMAT;
use appstract_lints::CrateSummary;
use bincode::Options;
use std::path::Path;

const MAGIC: &[u8; 8] = b"APLSUMRY";

fn options() -> impl Options {
    bincode::DefaultOptions::new()
}

/// Writes a summary (an empty one for a crate without runtime code: its fns do nothing a
/// dependent could be told about), through a temporary file renamed into place.
pub fn write(path: &Path, name: &str, summary: Option<&CrateSummary>) -> Result<(), String> {
    let empty = CrateSummary {
        format: SUMMARY_FORMAT,
        name: name.to_string(),
        ..CrateSummary::default()
    };
    let summary = summary.unwrap_or(&empty);
    let body = options()
        .serialize(summary)
        .map_err(|err| format!("cannot encode the summary: {err}"))?;
    let mut bytes = Vec::with_capacity(12 + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&SUMMARY_FORMAT.to_le_bytes());
    bytes.extend_from_slice(&body);
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temp, bytes)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|err| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot write `{}`: {err}", path.display())
        })
}

/// Reads a summary file; the error says why it cannot be used.
pub fn read(path: &Path) -> Result<CrateSummary, String> {
    let bytes =
        std::fs::read(path).map_err(|err| format!("cannot read `{}`: {err}", path.display()))?;
    let shown = path.display();
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| format!("`{shown}` is not a summary written by `--emit-summary`"))?;
    let (version, body) = rest
        .split_at_checked(4)
        .ok_or_else(|| format!("`{shown}` is truncated"))?;
    let version = u32::from_le_bytes(version.try_into().unwrap_or_default());
    if version != SUMMARY_FORMAT {
        return Err(format!(
            "`{shown}` is a summary of format {version}; this version of the tool reads format {SUMMARY_FORMAT}: make it again"
        ));
    }
    options()
        .with_limit(body.len() as u64 * 64 + 4096)
        .deserialize(body)
        .map_err(|_| format!("`{shown}` is damaged: make it again"))
}
