//! Command-line flags.
//!
//! Cargo runs `cargo appstract-lint ARGS` as `cargo-appstract-lint appstract-lint ARGS`; the
//! subcommand name is dropped before parsing so both forms accept the same arguments.

use clap::{Parser, ValueEnum};
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

    /// Number of files analysed in parallel [default: the number of CPUs]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-style diagnostics with source snippets
    Human,
    /// one line per finding: `path:line:col: level[lint]: message`
    Short,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// colour when writing to a terminal, unless `NO_COLOR` is set
    Auto,
    Always,
    Never,
}

impl Args {
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
        Args::try_parse_from(args)
    }
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
    fn explain_conflicts_with_paths() {
        assert!(Args::try_parse_args(["cargo-appstract-lint", "--explain", "x", "src"]).is_err());
    }
}
