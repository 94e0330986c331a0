//! The analysis behind `cargo appstract-lint`.
//!
//! Two entry points, matching the tool's data flow:
//! 1. [`analyze_file`] runs once per file, on any thread: it parses the text and builds the file's
//!    part of the semantic model ([`FileModel`], plain `Send` data) and the `mod` items to follow.
//! 2. [`check_crate`] runs once per crate on all of its file models: it builds the crate index and
//!    call graph and runs every lint, returning each file's diagnostics.
//!
//! Nothing here does I/O, and no syn tree leaves the thread that parsed it.

pub mod census;
pub mod delimiters;
pub mod diagnostic;
pub mod guard;
pub mod lex;
pub mod lint;
pub mod model;
pub mod prefilter;
pub mod rules;

pub use diagnostic::{Applicability, Diagnostic, Edit, Label, Level, Suggestion};
pub use lint::{Lint, LintLevels};
pub use model::outline::Outline;
pub use model::summary::CrateSummary;
pub use model::{CrateInfo, CrateKind, Dependency, FileModel, ModDecl};
pub use prefilter::{declared_modules, Triggers, WordSet};
pub use rules::{find_lint, CrateCheck, LINTS};

/// Tool codes that are not lints: they cannot be allowed and always report at error level.
pub const SYNTAX_ERROR: &str = "syntax_error";
/// A file nested too deeply to parse without risking the stack ([`guard`]); it is not linted.
pub const NESTING_TOO_DEEP: &str = "nesting_too_deep";

/// What the driver hands over for one file.
#[derive(Clone, Copy)]
pub struct FileInput<'a> {
    /// The path as it is shown to the user.
    pub path: &'a str,
    pub source: &'a str,
    /// Module path inside the crate: empty for the crate root, `["net", "tcp"]` for `crate::net::tcp`.
    pub module_path: &'a [String],
}

/// The result of [`analyze_file`].
pub struct FileAnalysis {
    pub model: FileModel,
    /// `mod name;` items, for the driver to find and analyse their files.
    pub modules: Vec<ModDecl>,
    /// Findings known from this file alone (a syntax error).
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file and builds its model. Never panics on any input text.
///
/// Call `proc_macro2::extra::invalidate_current_thread_spans()` on the same thread afterwards.
pub fn analyze_file(krate: &CrateInfo, input: FileInput<'_>) -> FileAnalysis {
    match guard::check(input.source) {
        Ok(lexed) => model::build::analyze(krate, input, &lexed),
        Err(too_deep) => refused(input, too_deep),
    }
}

/// Whether a file parses and its `mod` items, for a file of a crate without runtime code
/// ([`prefilter`]): the same modules and errors as [`analyze_file`], without a model.
///
/// Call `proc_macro2::extra::invalidate_current_thread_spans()` on the same thread afterwards.
pub fn outline_file(input: FileInput<'_>) -> Outline {
    match guard::check(input.source) {
        Ok(lexed) => model::outline::outline(input, &lexed),
        Err(too_deep) => Outline {
            modules: Vec::new(),
            diagnostics: vec![too_deep_error(too_deep)],
        },
    }
}

/// The analysis of a file the guard refused: an empty model and one error at the place.
fn refused(input: FileInput<'_>, too_deep: guard::TooDeep) -> FileAnalysis {
    let model = FileModel {
        path: input.path.to_string(),
        module_path: input.module_path.to_vec(),
        line_starts: model::spans::line_starts(input.source),
        ..FileModel::default()
    };
    FileAnalysis {
        model,
        modules: Vec::new(),
        diagnostics: vec![too_deep_error(too_deep)],
    }
}

fn too_deep_error(too_deep: guard::TooDeep) -> Diagnostic {
    let (message, label) = match too_deep.measure {
        guard::Measure::Depth => (
            format!("this file nests deeper than {} levels", guard::MAX_DEPTH),
            "the nesting exceeds the limit here",
        ),
        guard::Measure::Chain => (
            format!(
                "this file chains more than {} operators in one expression",
                guard::MAX_CHAIN
            ),
            "the chain exceeds the limit here",
        ),
    };
    Diagnostic::new(
        NESTING_TOO_DEEP,
        Level::Deny,
        message,
        Label::new(too_deep.range, label),
    )
    .with_note("the file was not linted: parsing it could overflow the stack")
}

/// Runs every lint over a crate's files, with the summaries of the dependencies it calls
/// into. Returns one list of diagnostics per file, in the order of `files`, each sorted by
/// position, and for a library its own summary ([`model::summary`]).
pub fn check_crate(
    krate: &CrateInfo,
    files: &[FileModel],
    deps: &[&CrateSummary],
    levels: &LintLevels,
) -> CrateCheck {
    rules::check_crate(krate, files, deps, levels)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Lints one source as a loose crate's root: `(code, line, level)` per finding.
    pub fn lint(source: &str) -> Vec<(&'static str, usize, Level)> {
        let krate = CrateInfo::default();
        let analysis = analyze_file(
            &krate,
            FileInput {
                path: "test.rs",
                source,
                module_path: &[],
            },
        );
        let mut found: Vec<_> = analysis
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code,
                    analysis.model.line_of(d.primary.range.start),
                    d.level,
                )
            })
            .collect();
        let model = analysis.model;
        let files = [model];
        for d in &check_crate(&krate, &files, &[], &LintLevels::default()).diagnostics[0] {
            found.push((d.code, files[0].line_of(d.primary.range.start), d.level));
        }
        found
    }

    /// Lints `source` as a binary that depends on a library `client` made of `library`: the
    /// library is checked first for its summary. `(code, line, level)` per finding in `source`.
    pub fn lint_with_library(library: &str, source: &str) -> Vec<(&'static str, usize, Level)> {
        let dependency = |name: &str| Dependency {
            name: name.to_string(),
            package: name.to_string(),
        };
        let watched = ["tokio", "futures", "actix-rt", "reqwest"].map(dependency);
        let lib = CrateInfo {
            name: "client".into(),
            kind: CrateKind::Lib,
            dependencies: watched.to_vec(),
            ..CrateInfo::default()
        };
        let analyse = |krate: &CrateInfo, path: &str, source: &str| {
            let input = FileInput {
                path,
                source,
                module_path: &[],
            };
            analyze_file(krate, input).model
        };
        let lib_files = [analyse(&lib, "client/src/lib.rs", library)];
        let summary = check_crate(&lib, &lib_files, &[], &LintLevels::default())
            .summary
            .expect("a library has a summary");
        let mut dependencies = watched.to_vec();
        dependencies.push(dependency("client"));
        let bin = CrateInfo {
            name: "app".into(),
            kind: CrateKind::Bin,
            dependencies,
            summarized: vec!["client".into()],
            ..CrateInfo::default()
        };
        let files = [analyse(&bin, "app/src/main.rs", source)];
        check_crate(&bin, &files, &[&summary], &LintLevels::default()).diagnostics[0]
            .iter()
            .map(|d| (d.code, files[0].line_of(d.primary.range.start), d.level))
            .collect()
    }
}
