//! Checks over the benchmark's corpus of published crates (`bench/corpus/`, vendored by
//! `bench/run.sh` into `$APPSTRACT_CORPUS` or `~/.cache/appstract-corpus/vendor`). They need
//! the corpus and take a while, so they run on demand:
//! `cargo test --release --test corpus -- --ignored`.

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-appstract-lint");

fn corpus() -> PathBuf {
    let dir = std::env::var_os("APPSTRACT_CORPUS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|home| PathBuf::from(home).join(".cache/appstract-corpus/vendor"))
        })
        .expect("APPSTRACT_CORPUS or HOME");
    assert!(
        dir.is_dir(),
        "no corpus at {}: run bench/run.sh once to fetch it",
        dir.display()
    );
    dir
}

/// The crates of the benchmark's ~1M-line subset.
fn subset() -> Vec<String> {
    let list = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/subset-1m.txt"),
    )
    .expect("bench/subset-1m.txt");
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn json(args: &[&str]) -> (Option<i32>, String) {
    let dir = corpus();
    let output = Command::new(BIN)
        .args(["--message-format", "json", "--no-cache"])
        .args(args)
        .args(subset())
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    (output.status.code(), stdout)
}

/// Findings are the same whether files without a trigger word are outlined or analysed in
/// full.
#[test]
#[ignore = "needs the benchmark corpus (bench/run.sh fetches it)"]
fn the_prefilter_changes_no_finding_on_the_corpus_subset() {
    let full = json(&["--no-prefilter"]);
    let filtered = json(&[]);
    assert!(full.1.lines().count() > 10, "findings on the subset");
    assert!(full == filtered, "the outputs differ");
}
