//! One walk over a file's syntax tree that builds its [`FileModel`].

use super::*;
use crate::{Diagnostic, FileAnalysis, FileInput, Label, Level, SYNTAX_ERROR};

pub fn analyze(_krate: &CrateInfo, input: FileInput<'_>) -> FileAnalysis {
    let mut model = FileModel {
        path: input.path.to_string(),
        module_path: input.module_path.to_vec(),
        line_starts: line_starts(input.source),
        ..FileModel::default()
    };
    let mut diagnostics = Vec::new();
    let modules = Vec::new();
    match syn::parse_file(input.source) {
        Ok(_file) => model.parsed = true,
        Err(err) => {
            let range = err.span().byte_range();
            diagnostics.push(Diagnostic::new(
                SYNTAX_ERROR,
                Level::Deny,
                format!("{err}"),
                Label::new(range, ""),
            ));
        }
    }
    FileAnalysis {
        model,
        modules,
        diagnostics,
    }
}

fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}
