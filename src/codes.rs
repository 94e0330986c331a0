//! The codes the tool reports besides the analysis's lints: its own lints (warnings about the
//! project, which can be configured like any lint) and its problems (a file it could not lint,
//! or a bug of its own), which are always errors. Each has its documentation for `--explain`.

use appstract_lints::{declare_lint, Lint};

declare_lint! {
    /// ## What it does
    /// Reports a `mod` item whose file is missing, or found both as `name.rs` and
    /// `name/mod.rs`, where rustc looks for it (`#[path]` included).
    ///
    /// ## Why is this bad?
    /// The module's code is not linted. rustc would fail to build the crate, unless the item
    /// is compiled out (a `cfg` that picks another file, or a file a published crate leaves
    /// out), which this tool cannot tell.
    ///
    /// ## Example
    /// ```rust,ignore
    /// mod storage; // no src/storage.rs nor src/storage/mod.rs
    /// ```
    ///
    /// ## Use instead
    /// Create the file, fix the `#[path]`, or remove one of the two files. Where the item is
    /// compiled out on purpose, allow the lint: `-A unresolved_module`, or
    /// `unresolved_module = "allow"` under `[lints]`.
    pub static UNRESOLVED_MODULE = {
        name: "unresolved_module",
        level: Warn,
        summary: "a `mod` item whose file is missing or ambiguous: its code is not linted",
    };
}

declare_lint! {
    /// ## What it does
    /// Reports a `Cargo.toml` that cannot be parsed, met while finding the package of a file
    /// named on the command line.
    ///
    /// ## Why is this bad?
    /// Without its manifest, the package's files are linted each on its own: imports, calls
    /// across files and renamed dependencies are not known, so findings may be missed.
    ///
    /// ## Example
    /// ```toml
    /// [package
    /// name = "svc"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [package]
    /// name = "svc"
    /// ```
    pub static INVALID_MANIFEST = {
        name: "invalid_manifest",
        level: Warn,
        summary: "a `Cargo.toml` that cannot be parsed: its package's files are linted alone",
    };
}

declare_lint! {
    /// ## What it does
    /// Reports an entry of the `--baseline` file that matches no finding any more.
    ///
    /// ## Why is this bad?
    /// The finding it recorded was fixed or moved to other code; the stale entry would hide a
    /// new finding of the same lint on an identical line of the same file.
    ///
    /// ## Example
    /// A baseline recorded before `src/lib.rs` was fixed still lists its finding.
    ///
    /// ## Use instead
    /// Write the baseline again: `cargo appstract-lint --write-baseline FILE`.
    pub static STALE_BASELINE_ENTRY = {
        name: "stale_baseline_entry",
        level: Warn,
        summary: "a baseline entry that matches no finding",
    };
}

/// The tool's own lints.
pub static TOOL_LINTS: [&Lint; 3] = [&UNRESOLVED_MODULE, &INVALID_MANIFEST, &STALE_BASELINE_ENTRY];

/// A problem of the tool: always an error, never a lint.
#[derive(Debug)]
pub struct Problem {
    pub name: &'static str,
    pub summary: &'static str,
    pub docs: &'static str,
}

/// Every problem the tool reports, with its documentation.
pub static PROBLEMS: [Problem; 4] = [
    Problem {
        name: appstract_lints::SYNTAX_ERROR,
        summary: "a file that does not parse: it is not linted",
        docs: "## What it means
The file does not parse as Rust, so it is not linted; the rest of the run goes on. The error
is syn's, or rustc's wording when the text does not even split into tokens (an unclosed or
mismatched delimiter, an unterminated string). It points at the place parsing stopped.

## Why is it reported?
rustc would reject the file too, unless it is never compiled: a template named `.rs`, a
fixture, code in the Rust 2015 edition that syn does not read (`async` as an identifier,
trait methods without parameter names).

## What to do
Fix the syntax, or keep the file out of the run: `exclude = [\"path/to/file.rs\"]` in the
configuration. It cannot be allowed: a file that is not linted must not pass silently.
",
    },
    Problem {
        name: appstract_lints::NESTING_TOO_DEEP,
        summary: "a file nested too deeply to parse safely: it is not linted",
        docs: "## What it means
The file nests more than 1,000 levels (brackets, blocks, generics, prefix operators) or chains
more than 20,000 operators in one expression. Parsing it could overflow the stack, so it is not
parsed, and not linted.

## Why is it reported?
Such files are generated, or written to crash parsers; no hand-written code nests that deep.

## What to do
Exclude the file (`exclude` in the configuration), or split the expression. It cannot be
allowed.
",
    },
    Problem {
        name: crate::discover::IO_ERROR,
        summary: "a file or directory that cannot be read, or is not UTF-8 text: it is not linted",
        docs: "## What it means
A file or directory could not be read (permissions, a file that vanished, not a regular file,
larger than 256 MiB), or the file is not UTF-8 text: a binary file (a NUL byte in its first
8,000 bytes, as git decides it), or text in another encoding, shown up to its first byte that
is not UTF-8.

## Why is it reported?
rustc reads only UTF-8 sources; a file that cannot be read is not linted.

## What to do
Fix the permissions, convert the file to UTF-8, or keep it out of the run (`exclude`). It
cannot be allowed.
",
    },
    Problem {
        name: crate::isolate::INTERNAL_ERROR,
        summary: "a bug of the tool while analysing a file or a crate (exit status 2)",
        docs: "## What it means
The analysis failed on this file or crate: a bug of appstract-lint. The other files are still
linted (a crate's files are checked again one by one), and the run ends with exit status 2.

## What to do
Report it with the file named and the message, which tells where the analysis failed. Until it
is fixed, `exclude` the file to get a clean run.
",
    },
];

/// The problem of this name, if it is one.
pub fn find_problem(name: &str) -> Option<&'static Problem> {
    PROBLEMS.iter().find(|problem| problem.name == name)
}

/// The documentation of any code the tool can print: a lint's or a problem's.
pub fn explanation(code: &str) -> Option<String> {
    match crate::config::find_any_lint(code) {
        Some(lint) => Some(lint.documentation()),
        None => find_problem(code).map(|problem| problem.docs.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_those_the_tool_reports() {
        assert_eq!(UNRESOLVED_MODULE.name, crate::driver::UNRESOLVED_MODULE);
        assert_eq!(INVALID_MANIFEST.name, crate::discover::INVALID_MANIFEST);
        assert_eq!(STALE_BASELINE_ENTRY.name, crate::baseline::STALE_ENTRY);
        for problem in &PROBLEMS {
            assert!(
                crate::TOOL_CODES.contains(&problem.name),
                "{}",
                problem.name
            );
            assert!(problem.docs.starts_with("## What it means\n"));
        }
        assert_eq!(PROBLEMS.len(), crate::TOOL_CODES.len());
    }
}
