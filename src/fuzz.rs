//! The entry point of the fuzz target in `fuzz/`, and of the test that replays its seed corpus
//! and every input that once crashed it (`tests/fuzz_inputs.rs`): one file's whole pipeline,
//! with panics left uncaught so that a fuzzer sees them.

use crate::cli::MessageFormat;
use crate::{driver, output};
use clap::ValueEnum;

/// Lints `data` as one file (invalid UTF-8 replaced) and renders the report in every format.
pub fn pipeline(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let report = driver::lint_source("fuzz.rs", &text);
    for format in MessageFormat::value_variants() {
        let _ = output::render_plain(*format, &report);
    }
}
