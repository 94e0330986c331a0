//! One file through the whole per-file pipeline: guard, parse, model, every lint, every output
//! format. `cargo fuzz run pipeline fuzz/corpus/pipeline ui-tests`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    appstract_lint::fuzz::pipeline(data);
});
