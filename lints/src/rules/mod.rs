//! The lint registry: one module per lint.

use crate::lint::{Lint, LintLevels};
use crate::model::{CrateInfo, FileModel};
use crate::Diagnostic;

/// Every lint, in the order `--list` shows them.
pub static LINTS: &[&Lint] = &[];

pub fn find_lint(name: &str) -> Option<&'static Lint> {
    LINTS.iter().copied().find(|l| l.name == name)
}

pub fn check_crate(
    _krate: &CrateInfo,
    files: &[FileModel],
    _levels: &LintLevels,
) -> Vec<Vec<Diagnostic>> {
    files.iter().map(|_| Vec::new()).collect()
}
