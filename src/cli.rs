//! Command-line flags.
//!
//! Cargo runs `cargo appstract-lint ARGS` as `cargo-appstract-lint appstract-lint ARGS`; the
//! subcommand name is dropped before parsing so both forms accept the same arguments.

use appstract_lints::Level;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};
use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// The name cargo passes as the first argument when run as `cargo appstract-lint`.
pub const SUBCOMMAND: &str = "appstract-lint";

#[derive(Debug, Clone, Parser)]
#[command(
    name = "cargo-appstract-lint",
    bin_name = "cargo appstract-lint",
    version,
    about = "Finds async-runtime misuse in Rust code: nested runtimes, blocking in async, lost tasks",
    after_help = "With no PATHS, lints every target of the cargo package or workspace of the current \
                  directory.\n\nExit status: 0 no deny-level finding, 1 a deny-level finding or a \
                  file that does not parse, 2 a usage or tool error."
)]
pub struct Args {
    /// Files and directories to lint [default: the cargo package or workspace of the current
    /// directory]
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// How findings are printed
    #[arg(
        long,
        value_enum,
        value_name = "FMT",
        default_value_t = MessageFormat::Human,
        help_heading = "Output"
    )]
    pub message_format: MessageFormat,

    /// When to colour the output
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        env = "CARGO_TERM_COLOR",
        default_value_t = ColorWhen::Auto,
        help_heading = "Output"
    )]
    pub color: ColorWhen,

    /// Write the findings to this file instead of the terminal
    #[arg(short = 'o', long, value_name = "PATH", help_heading = "Output")]
    pub output_file: Option<PathBuf>,

    /// Print only the findings: no summary line, no notes about the run
    #[arg(short, long, conflicts_with = "verbose", help_heading = "Output")]
    pub quiet: bool,

    /// Print each file `Linted` or `Skipped` (and why), and timings; `-vv` also each crate
    /// with its root and configuration
    #[arg(short, long, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,

    /// Print how many findings each lint reported
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,

    /// Apply every machine-applicable suggestion in place, then report what is left
    #[arg(
        long,
        conflicts_with_all = ["write_baseline", "parse_only"],
        help_heading = "Fixes"
    )]
    pub fix: bool,

    /// Also apply suggestions that may be incorrect (review the result)
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change, and write nothing (exit status 1 when
    /// something would change)
    #[arg(
        long,
        conflicts_with_all = ["write_baseline", "parse_only", "output_file"],
        help_heading = "Fixes"
    )]
    pub diff: bool,

    /// Fix even if the git working tree has uncommitted or staged changes
    #[arg(long, requires = "fix", help_heading = "Fixes")]
    pub allow_dirty: bool,

    /// Fix even if the git working tree has staged changes
    #[arg(long, requires = "fix", help_heading = "Fixes")]
    pub allow_staged: bool,

    /// Fix even files that no git working tree holds
    #[arg(long, requires = "fix", help_heading = "Fixes")]
    pub allow_no_vcs: bool,

    /// Path to the `Cargo.toml` of the package or workspace to lint
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with = "paths",
        help_heading = "Package Selection"
    )]
    pub manifest_path: Option<PathBuf>,

    /// Lint only this package (repeatable; accepts globs such as `'svc-*'`)
    #[arg(
        short,
        long,
        value_name = "SPEC",
        conflicts_with = "paths",
        help_heading = "Package Selection"
    )]
    pub package: Vec<String>,

    /// Lint every member of the workspace
    #[arg(
        long,
        visible_alias = "all",
        conflicts_with = "paths",
        help_heading = "Package Selection"
    )]
    pub workspace: bool,

    /// Leave out this package (repeatable; accepts globs)
    #[arg(
        long,
        value_name = "SPEC",
        conflicts_with = "paths",
        help_heading = "Package Selection"
    )]
    pub exclude: Vec<String>,

    /// Lint one crate from its root file, without cargo: for build systems that run the tool
    /// once per crate (with `--extern` and `--emit-summary`)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["paths", "manifest_path", "package", "workspace"],
        help_heading = "One Crate"
    )]
    pub crate_root: Option<PathBuf>,

    /// The crate's name [default: `lib` for `src/lib.rs`, else the root file's stem]
    #[arg(
        long,
        value_name = "NAME",
        requires = "crate_root",
        help_heading = "One Crate"
    )]
    pub crate_name: Option<String>,

    /// The crate's kind: `lib`, `bin`, `test`, `example` or `bench`
    #[arg(
        long,
        value_name = "KIND",
        default_value = "lib",
        requires = "crate_root",
        help_heading = "One Crate"
    )]
    pub crate_type: String,

    /// A dependency's summary, as `--emit-summary` wrote it, by the name code uses for it
    /// (repeatable)
    #[arg(
        long = "extern",
        value_name = "NAME=FILE",
        requires = "crate_root",
        help_heading = "One Crate"
    )]
    pub externs: Vec<String>,

    /// Write the crate's summary to this file, for the crates that depend on it
    #[arg(
        long,
        value_name = "FILE",
        requires = "crate_root",
        help_heading = "One Crate"
    )]
    pub emit_summary: Option<PathBuf>,

    /// Set a lint to `allow` (repeatable; the last level given for a lint wins)
    #[arg(
        short = 'A',
        long = "allow",
        value_name = "LINT",
        help_heading = "Lint Levels"
    )]
    pub allow: Vec<String>,

    /// Set a lint to `warn`
    #[arg(
        short = 'W',
        long = "warn",
        value_name = "LINT",
        help_heading = "Lint Levels"
    )]
    pub warn: Vec<String>,

    /// Set a lint to `deny`; `-D warnings` makes every warning an error
    #[arg(
        short = 'D',
        long = "deny",
        value_name = "LINT",
        help_heading = "Lint Levels"
    )]
    pub deny: Vec<String>,

    /// Set a lint to `forbid`: like `deny`, and no suppression can lower it
    #[arg(
        short = 'F',
        long = "forbid",
        value_name = "LINT",
        help_heading = "Lint Levels"
    )]
    pub forbid: Vec<String>,

    /// Exit with status 0 even when deny-level findings are reported
    #[arg(long, help_heading = "Lint Levels")]
    pub exit_zero: bool,

    /// Read the configuration from this file instead of looking for one
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<PathBuf>,

    /// Report only findings that are not recorded in this baseline file
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "write_baseline",
        help_heading = "Configuration"
    )]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file, then exit with status 0
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub write_baseline: Option<PathBuf>,

    /// Number of files analysed in parallel [default: the number of CPUs]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Keep analysis results here between runs [default: `target/appstract-lint` of the cargo
    /// project or workspace]
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,

    /// Analyse every file afresh, without reading or writing the cache
    #[arg(long)]
    pub no_cache: bool,

    /// Do not read the dependencies' sources: calls into them are not followed (also
    /// `dependencies = false` in the configuration)
    #[arg(long)]
    pub no_deps: bool,

    /// Analyse every file in full, also in crates none of whose files names a trigger word
    /// (the findings are the same: this checks that the prefilter loses none)
    #[arg(long, hide = true)]
    pub no_prefilter: bool,

    /// Only read and parse the files, on one thread, and print how long it took (the
    /// benchmark's parse floor)
    #[arg(long, hide = true, conflicts_with_all = ["write_baseline", "baseline"])]
    pub parse_only: bool,

    /// Print a lint's documentation and exit
    #[arg(
        long,
        value_name = "LINT",
        conflicts_with_all = ["list", "paths"],
        help_heading = "Lints"
    )]
    pub explain: Option<String>,

    /// List every lint with its default level and exit
    #[arg(long, conflicts_with = "paths", help_heading = "Lints")]
    pub list: bool,

    /// Serve findings to an editor: a language server on stdin and stdout (the other flags
    /// configure it as they configure a run)
    #[arg(
        long,
        conflicts_with_all = [
            "paths", "fix", "diff", "write_baseline", "baseline", "parse_only", "explain",
            "list", "output_file",
        ],
        help_heading = "Editors"
    )]
    pub lsp: bool,

    /// `-A/-W/-D/-F` in the order they were given, the last one winning.
    #[arg(skip)]
    pub levels: Vec<(Level, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-style diagnostics with source snippets
    Human,
    /// one line per finding: `path:line:col: level[lint]: message`
    Short,
    /// cargo's JSON messages (`compiler-message` lines with rustc diagnostics), for editors
    Json,
    /// GitHub Actions workflow commands: annotations on the changed lines
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitLab Code Quality report
    Gitlab,
    /// JUnit XML
    Junit,
    /// Checkstyle XML
    Checkstyle,
}

impl MessageFormat {
    /// Formats for machines: written to stdout (or `-o`), without a summary line.
    pub fn is_machine(self) -> bool {
        !matches!(self, MessageFormat::Human | MessageFormat::Short)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// colour when writing to a terminal, unless `NO_COLOR` is set
    Auto,
    Always,
    Never,
}

impl Args {
    /// `--fix` or `--diff`: the suggestions are applied.
    pub fn fixing(&self) -> bool {
        self.fix || self.diff
    }

    /// Parses a full argument list (`argv[0]` first) in either invocation form.
    pub fn try_parse_args<I, T>(args: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        if args.get(1).is_some_and(|arg| arg == SUBCOMMAND) {
            args.remove(1);
        }
        let matches = Args::command().try_get_matches_from(args)?;
        let mut parsed = Args::from_arg_matches(&matches)?;
        parsed.levels = ordered_levels(&matches);
        if parsed.unsafe_fixes && !parsed.fixing() {
            let mut command = Args::command();
            return Err(command.error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "`--unsafe-fixes` applies suggestions: give it with `--fix` or `--diff`",
            ));
        }
        Ok(parsed)
    }
}

/// The level flags in command-line order: rustc applies them in order, the last one winning.
fn ordered_levels(matches: &ArgMatches) -> Vec<(Level, String)> {
    let mut levels: Vec<(usize, Level, String)> = Vec::new();
    for (id, level) in [
        ("allow", Level::Allow),
        ("warn", Level::Warn),
        ("deny", Level::Deny),
        ("forbid", Level::Forbid),
    ] {
        let (Some(indices), Some(values)) =
            (matches.indices_of(id), matches.get_many::<String>(id))
        else {
            continue;
        };
        for (index, value) in indices.zip(values) {
            levels.push((index, level, value.clone()));
        }
    }
    levels.sort_by_key(|(index, _, _)| *index);
    levels
        .into_iter()
        .map(|(_, level, name)| (level, name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn cargo_form_drops_the_subcommand_name() {
        let direct =
            Args::try_parse_args(["cargo-appstract-lint", "--message-format", "short", "src"])
                .unwrap();
        let via_cargo = Args::try_parse_args([
            "cargo-appstract-lint",
            "appstract-lint",
            "--message-format",
            "short",
            "src",
        ])
        .unwrap();
        assert_eq!(direct.paths, via_cargo.paths);
        assert_eq!(via_cargo.paths, [PathBuf::from("src")]);
        assert_eq!(via_cargo.message_format, MessageFormat::Short);
    }

    #[test]
    fn a_path_named_like_the_subcommand_is_kept_in_later_positions() {
        let args = Args::try_parse_args(["cargo-appstract-lint", "src", "appstract-lint"]).unwrap();
        assert_eq!(
            args.paths,
            [PathBuf::from("src"), PathBuf::from("appstract-lint")]
        );
    }

    #[test]
    fn jobs_must_be_positive() {
        assert!(Args::try_parse_args(["cargo-appstract-lint", "-j", "0"]).is_err());
        let args = Args::try_parse_args(["cargo-appstract-lint", "-j", "3"]).unwrap();
        assert_eq!(args.jobs.map(NonZeroUsize::get), Some(3));
    }

    #[test]
    fn level_flags_keep_their_order() {
        let args = Args::try_parse_args([
            "cargo-appstract-lint",
            "-D",
            "warnings",
            "-A",
            "a",
            "--deny=a",
            "-Wb",
            "-F",
            "c",
        ])
        .unwrap();
        let names: Vec<(Level, &str)> = args
            .levels
            .iter()
            .map(|(level, name)| (*level, name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (Level::Deny, "warnings"),
                (Level::Allow, "a"),
                (Level::Deny, "a"),
                (Level::Warn, "b"),
                (Level::Forbid, "c"),
            ]
        );
    }

    #[test]
    fn fix_flags_go_together() {
        let parse = |args: &[&str]| {
            Args::try_parse_args(
                std::iter::once("cargo-appstract-lint").chain(args.iter().copied()),
            )
        };
        assert!(parse(&["--fix", "--unsafe-fixes", "--allow-dirty"]).is_ok());
        assert!(parse(&["--diff", "--unsafe-fixes"]).is_ok());
        assert!(parse(&["--unsafe-fixes"]).is_err());
        assert!(parse(&["--allow-dirty"]).is_err());
        assert!(parse(&["--diff", "--allow-dirty"]).is_err());
        assert!(parse(&["--fix", "--write-baseline", "b.json"]).is_err());
        assert!(parse(&["--diff", "-o", "out.txt"]).is_err());
        assert!(parse(&["--fix", "--diff"]).unwrap().fixing());
    }

    #[test]
    fn explain_conflicts_with_paths() {
        assert!(Args::try_parse_args(["cargo-appstract-lint", "--explain", "x", "src"]).is_err());
    }
}
