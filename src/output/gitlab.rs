//! GitLab Code Quality report: a JSON array of issues, each with a fingerprint that stays the
//! same when lines move, so merge requests show only new and fixed findings.

use super::common::{fingerprints, full_message, position, Fnv};
use super::{Emitter, LineIndex};
use crate::driver::Report;
use appstract_lints::Level;
use serde_json::json;
use std::io::{self, Write};

pub struct Gitlab<W> {
    writer: W,
}

impl<W: Write> Gitlab<W> {
    pub fn new(writer: W) -> Gitlab<W> {
        Gitlab { writer }
    }
}

impl<W: Write> Emitter for Gitlab<W> {
    fn emit(&mut self, report: &Report) -> io::Result<()> {
        let mut issues = Vec::new();
        for file in &report.files {
            let lines = LineIndex::new(file.source.as_deref().unwrap_or(""));
            for (finding, print) in file.findings.iter().zip(fingerprints(file)) {
                let at = position(file, &lines, &finding.primary.range);
                let mut hasher = Fnv::new();
                hasher.write(file.display.as_bytes());
                hasher.write(&[0]);
                hasher.write(&print.to_le_bytes());
                issues.push(json!({
                    "type": "issue",
                    "description": full_message(finding),
                    "check_name": finding.code,
                    "fingerprint": format!("{:016x}", hasher.finish()),
                    "severity": severity(finding.level),
                    "categories": ["Bug Risk"],
                    "location": {
                        "path": file.display,
                        "lines": {
                            "begin": at.map_or(1, |at| at.line_start),
                            "end": at.map_or(1, |at| at.line_end),
                        },
                    },
                }));
            }
        }
        serde_json::to_writer_pretty(&mut self.writer, &issues)?;
        self.writer.write_all(b"\n")?;
        self.writer.flush()
    }
}

fn severity(level: Level) -> &'static str {
    match level {
        Level::Allow => "info",
        Level::Warn => "minor",
        Level::Deny => "major",
        Level::Forbid => "critical",
    }
}
