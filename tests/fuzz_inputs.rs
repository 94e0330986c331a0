//! Replays the fuzz target's seed corpus (the ui-tests fixtures and the demo's sources) and every
//! input that once crashed it (`fuzz/regressions/`) through the fuzz target's own entry point,
//! so CI checks them with no fuzzer. Inputs that crash the analysis and await a fix are kept in
//! `fuzz/known-crashes/`, replayed by an ignored test.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files directly in `dir` (recursively for directories of sources), sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(files_in(&path));
        } else if path.file_name().is_none_or(|name| name != "README.md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Runs each input on a thread of its own, as large as a worker's, naming the ones that panic.
fn replay(inputs: &[PathBuf]) -> Vec<String> {
    inputs
        .iter()
        .filter_map(|input| {
            let data = fs::read(input).expect("a readable input");
            let outcome = std::thread::Builder::new()
                .stack_size(64 * 1024 * 1024)
                .spawn(move || appstract_lint::fuzz::pipeline(&data))
                .expect("a thread")
                .join();
            outcome.is_err().then(|| input.display().to_string())
        })
        .collect()
}

#[test]
fn seed_corpus_and_regressions_do_not_crash() {
    let mut inputs = files_in(&root().join("ui-tests"));
    inputs.retain(|path| path.extension().is_some_and(|ext| ext == "rs"));
    let seeds = inputs.len();
    inputs.extend(files_in(&root().join("examples/demo/src")));
    inputs.extend(files_in(&root().join("fuzz/regressions")));
    assert!(seeds > 0 && inputs.len() > seeds, "inputs are missing");
    let crashed = replay(&inputs);
    assert!(crashed.is_empty(), "these inputs panic: {crashed:?}");
}

#[test]
#[ignore = "crashes in the analysis that await a fix: see fuzz/known-crashes/README.md"]
fn known_crashes_are_fixed() {
    let inputs = files_in(&root().join("fuzz/known-crashes"));
    let crashed = replay(&inputs);
    assert!(crashed.is_empty(), "these inputs still panic: {crashed:?}");
}
