//! `--parse-only`: the parse floor the benchmark compares the lint with. Reads and parses every
//! selected file on the calling thread, as cheaply as any syn-based tool can, and reports the
//! time. Nothing is linted.

use crate::discover::Plan;
use crate::error::Error;
use std::time::Instant;

/// What the floor measured.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Floor {
    pub files: usize,
    pub bytes: usize,
    pub lines: usize,
    /// Files that could not be read as UTF-8 or did not parse.
    pub failed: usize,
}

/// Reads and parses the files a run with paths reports, one after the other.
pub fn parse_files(plan: &Plan) -> Result<(Floor, std::time::Duration), Error> {
    let Some(selection) = &plan.selection else {
        return Err(Error::new(
            "`--parse-only` needs the files or directories to parse",
        ));
    };
    let started = Instant::now();
    let mut floor = Floor::default();
    for file in selection {
        floor.files += 1;
        let Ok(text) = std::fs::read_to_string(&file.path) else {
            floor.failed += 1;
            continue;
        };
        floor.bytes += text.len();
        floor.lines += text.lines().count();
        if syn::parse_file(&text).is_err() {
            floor.failed += 1;
        }
        proc_macro2::extra::invalidate_current_thread_spans();
    }
    Ok((floor, started.elapsed()))
}
