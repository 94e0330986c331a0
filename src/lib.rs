//! `cargo appstract-lint`: finds async-runtime misuse in Rust code by parsing it, without
//! compiling. This crate is the tool around the analysis in `appstract-lints`: it knows files,
//! flags and output formats, and no lint by name.
//!
//! [`run`] is the whole program after argument parsing; tests call the stages directly:
//! [`discover`] makes a [`discover::Plan`], [`lint`] turns it into a [`driver::Report`], and
//! [`output`] renders that.

pub mod baseline;
pub mod cache;
pub mod cli;
pub mod codes;
pub mod config;
pub mod discover;
pub mod driver;
mod error;
pub mod fix;
pub mod floor;
#[doc(hidden)]
pub mod fuzz;
pub(crate) mod isolate;
pub mod lsp;
pub mod output;
mod paths;
pub mod summary_file;
pub mod suppress;

pub use cli::Args;
pub use error::Error;

use appstract_lints::{Lint, LINTS};
use codespan_reporting::term::termcolor::{
    BufferedStandardStream, Color, ColorChoice, ColorSpec, NoColor, StandardStream, WriteColor,
};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

/// Codes the tool reports that are not lints: problems that leave a file unlinted, or a bug of
/// the tool. They are always errors and cannot be allowed ([`codes::PROBLEMS`] documents them).
pub const TOOL_CODES: &[&str] = &[
    appstract_lints::SYNTAX_ERROR,
    appstract_lints::NESTING_TOO_DEEP,
    discover::IO_ERROR,
    isolate::INTERNAL_ERROR,
];

/// syn parses recursively; deeply nested expressions need more than the default 2 MiB.
pub(crate) const WORKER_STACK_SIZE: usize = 64 * 1024 * 1024;

/// How a run ended; the process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing at deny level.
    Clean,
    /// A deny-level finding, or a file that does not parse or cannot be read.
    Findings,
    /// A usage error, a path that does not exist, or an internal error.
    Failure,
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Failure => 2,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// Runs one invocation, writing to this process's stdout and stderr.
pub fn run(args: &Args) -> Status {
    let color = output::color_choice(args.color, io::stderr().is_terminal());
    match execute(args, color) {
        Ok(status) => status,
        Err(err) => {
            print_error(&err, color);
            Status::Failure
        }
    }
}

fn execute(args: &Args, color: ColorChoice) -> Result<Status, Error> {
    if args.list {
        finish_output(print_list())?;
        return Ok(Status::Clean);
    }
    if let Some(name) = &args.explain {
        explain(name)?;
        return Ok(Status::Clean);
    }
    if args.lsp {
        return lsp::run(args);
    }

    let started = Instant::now();
    let cwd = std::env::current_dir()
        .map_err(|err| Error::new(format!("cannot read the current directory: {err}")))?;
    let cli = config::CliLevels::parse(&args.levels)?;
    let mut finder = config::Finder::new(&cwd, args.config.as_deref(), cli)?;
    let mut plan = if let Some(root) = &args.crate_root {
        let kind = match args.crate_type.as_str() {
            "lib" => appstract_lints::CrateKind::Lib,
            "bin" => appstract_lints::CrateKind::Bin,
            "test" => appstract_lints::CrateKind::Test,
            "example" => appstract_lints::CrateKind::Example,
            "bench" => appstract_lints::CrateKind::Bench,
            other => {
                return Err(Error::new(format!("unknown crate type `{other}`"))
                    .with_help("use `lib`, `bin`, `test`, `example` or `bench`"))
            }
        };
        let mut externs = Vec::new();
        for spec in &args.externs {
            let Some((name, file)) = spec.split_once('=') else {
                return Err(Error::new(format!("`--extern {spec}` is not `NAME=FILE`")));
            };
            let summary = summary_file::read(&paths::absolute(&cwd, std::path::Path::new(file)))
                .map_err(Error::new)?;
            externs.push((name.replace('-', "_"), summary));
        }
        let root = paths::absolute(&cwd, root);
        if !root.is_file() {
            return Err(Error::new(format!(
                "the crate root `{}` is not a file",
                paths::display(&cwd, &root)
            )));
        }
        discover::single_crate(
            &cwd,
            &root,
            args.crate_name.as_deref(),
            kind,
            externs,
            &mut finder,
        )?
    } else if args.paths.is_empty() {
        discover::cargo_project(&cwd, &project_selection(args), &mut finder)?
    } else {
        let store = summary_store_dir(args);
        let dependencies = discover::DependencyOptions {
            enabled: !args.no_deps,
            cache: store.as_deref(),
        };
        let plan = discover::paths(&cwd, &args.paths, &mut finder, dependencies)?;
        warn_about_empty_directories(&cwd, &args.paths, &plan);
        plan
    };
    plan.base = display_base(&cwd, args.manifest_path.as_deref(), &plan);
    let discovered = started.elapsed();
    if args.parse_only {
        return parse_only(&plan, discovered);
    }
    let cache = match (&args.cache_dir, args.no_cache) {
        (_, true) => None,
        (Some(dir), false) => cache::Cache::new(paths::absolute(&cwd, dir)),
        (None, false) => cache::default_dir(&cwd).and_then(cache::Cache::new),
    };
    let jobs = args.jobs.map_or(0, |jobs| jobs.get());
    if let Some(path) = &args.write_baseline {
        let report = lint_with(&plan, jobs, cache.as_ref(), !args.no_prefilter)?;
        let count = baseline::write(&cwd, path, &report)?;
        if !args.quiet {
            eprintln!(
                "recorded {} in `{}`",
                output::count(count, "finding"),
                paths::display(&cwd, &paths::absolute(&cwd, path))
            );
        }
        return Ok(Status::Clean);
    }
    let baselined = std::cell::Cell::new(0);
    let finder = std::cell::RefCell::new(finder);
    let lint_once = || {
        let mut report = lint_with(&plan, jobs, cache.as_ref(), !args.no_prefilter)?;
        if let Some(path) = &args.baseline {
            baselined.set(baseline::apply(&cwd, path, &mut report)?);
        }
        set_levels_outside_files(&cwd, &mut finder.borrow_mut(), &mut report)?;
        Ok(report)
    };
    let mut fix_summary = None;
    let report = if args.fixing() {
        let options = fix::Options {
            unsafe_fixes: args.unsafe_fixes,
            allow_dirty: args.allow_dirty,
            allow_staged: args.allow_staged,
            allow_no_vcs: args.allow_no_vcs,
        };
        let mut outcome = fix::fix(lint_once, &options)?;
        for warning in &outcome.warnings {
            eprintln!("warning: {warning}");
        }
        if args.diff {
            finish_output(print_diff(&outcome.files))?;
            if !args.quiet {
                eprintln!("{}", fix::summary(&outcome, true));
            }
            return Ok(if !outcome.report.internal_errors.is_empty() {
                Status::Failure
            } else if outcome.files.is_empty() {
                Status::Clean
            } else {
                Status::Findings
            });
        }
        if !outcome.files.is_empty() {
            let changed: Vec<&std::path::Path> = outcome
                .files
                .iter()
                .map(|file| file.path.as_path())
                .collect();
            let cache_dir = cache.as_ref().map(|cache| cache.dir());
            fix::check_vcs(&cwd, &changed, cache_dir, &options)?;
            let failed = fix::write_all(&outcome.files);
            if !failed.is_empty() {
                for (file, reason) in &failed {
                    eprintln!("warning: `{file}` was not fixed: {reason}");
                }
                outcome.forget(&failed);
                // What is left is what the files on disk hold.
                outcome.report = lint_once()?;
            }
        }
        fix_summary = Some(fix::summary(&outcome, false));
        outcome.report
    } else {
        lint_once()?
    };
    let baselined = baselined.get();
    let linted = started.elapsed();
    if let (Some(out), Some(root)) = (&args.emit_summary, plan.crates.first()) {
        let summary = report
            .summaries
            .iter()
            .find(|(path, _)| *path == root.root)
            .map(|(_, summary)| summary);
        summary_file::write(&paths::absolute(&cwd, out), &root.info.name, summary)
            .map_err(Error::new)?;
    }

    if args.verbose > 1 {
        print_crates(&plan, color).map_err(|err| Error::new(format!("cannot write: {err}")))?;
    }
    if args.verbose > 0 {
        finish_output(print_files(&report, color))?;
    }
    let human_stream = !args.message_format.is_machine() && args.output_file.is_none();
    let result = match &args.output_file {
        Some(path) => {
            let path = paths::absolute(&cwd, path);
            let file = std::fs::File::create(&path).map_err(|err| {
                Error::new(format!(
                    "cannot create the output file `{}`: {err}",
                    paths::display(&cwd, &path)
                ))
            })?;
            let writer = NoColor::new(io::BufWriter::new(file));
            output::emitter_with(args.message_format, writer, args.quiet).emit(&report)
        }
        None if args.message_format.is_machine() => {
            let writer = NoColor::new(io::BufWriter::new(io::stdout().lock()));
            output::emitter_with(args.message_format, writer, args.quiet).emit(&report)
        }
        None => {
            let stderr = BufferedStandardStream::stderr(color);
            output::emitter_with(args.message_format, stderr, args.quiet).emit(&report)
        }
    };
    finish_output(result)?;

    if args.statistics {
        finish_output(print_statistics(&report))?;
    }
    if !args.quiet && !human_stream {
        // The findings went to a file or to stdout: say on the terminal what they were.
        eprintln!("{}", output::summary(&report));
    }
    if baselined > 0 && !args.quiet {
        eprintln!(
            "{} recorded in the baseline not shown",
            output::count(baselined, "finding")
        );
    }
    if let Some(summary) = fix_summary.filter(|_| !args.quiet) {
        eprintln!("{summary}");
    }
    if args.verbose > 0 {
        let deps = &report.dependencies;
        match &deps.unavailable {
            Some(why) if args.paths.is_empty() => {
                eprintln!("dependencies not read: {why}")
            }
            Some(_) => {}
            None => eprintln!(
                "dependencies: {} summarised, {} from the summary store{}, in {:.2}s",
                deps.summarised,
                deps.from_store,
                match deps.skipped {
                    0 => String::new(),
                    n => format!(", {n} without readable sources"),
                },
                deps.seconds,
            ),
        }
        eprintln!(
            "discovered {} in {:.2?}, linted {} in {:.2?}",
            output::count(plan.crates.len(), "crate"),
            discovered,
            output::count(report.linted_file_count(), "file"),
            linted.saturating_sub(discovered),
        );
    }
    // Each internal error is an `internal_error` finding of its file; the status says so too.
    Ok(if !report.internal_errors.is_empty() {
        Status::Failure
    } else if report.error_count() > 0 && !args.exit_zero {
        Status::Findings
    } else {
        Status::Clean
    })
}

/// The cargo project selection the flags make: packages, and whether (and with which cache)
/// dependencies are read.
pub(crate) fn project_selection(args: &Args) -> discover::Selection {
    discover::Selection {
        manifest_path: args.manifest_path.clone(),
        packages: args.package.clone(),
        workspace: args.workspace,
        exclude: args.exclude.clone(),
        dependencies: !args.no_deps,
        dependency_cache: summary_store_dir(args),
    }
}

/// The user's summary store, unless the run uses no cache.
pub(crate) fn summary_store_dir(args: &Args) -> Option<std::path::PathBuf> {
    (!args.no_cache)
        .then(cache::SummaryStore::default_dir)
        .flatten()
}

/// Where paths are shown from: the cargo workspace's root, as cargo shows them (from the
/// current directory, or from the `--manifest-path`), when it holds every file to report.
pub(crate) fn display_base(
    cwd: &std::path::Path,
    manifest_path: Option<&std::path::Path>,
    plan: &discover::Plan,
) -> std::path::PathBuf {
    let start = manifest_path
        .map(|manifest| paths::absolute(cwd, manifest))
        .and_then(|manifest| manifest.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| cwd.to_path_buf());
    let root = paths::workspace_root(&start);
    let files: Vec<&std::path::Path> = match &plan.selection {
        Some(selection) => selection
            .iter()
            .map(|file| file.path.as_path())
            .chain(plan.problems.iter().map(|problem| problem.path.as_path()))
            .collect(),
        None => plan.crates.iter().map(|unit| unit.root.as_path()).collect(),
    };
    paths::display_base(cwd, root.as_deref(), &files)
}

/// `warning: no Rust files found in `DIR`` for each directory named that holds none, so that a
/// wrong path does not pass silently.
fn warn_about_empty_directories(
    cwd: &std::path::Path,
    args: &[std::path::PathBuf],
    plan: &discover::Plan,
) {
    let selected = plan.selection.as_deref().unwrap_or_default();
    for arg in args {
        let dir = paths::absolute(cwd, arg);
        if dir.is_dir() && !selected.iter().any(|file| file.path.starts_with(&dir)) {
            eprintln!("warning: no Rust files found in `{}`", arg.display());
        }
    }
}

/// Gives the tool's lints about things other than Rust files (a manifest that does not parse, a
/// stale baseline entry) the levels of the configuration found from their directory, and of
/// the command line.
fn set_levels_outside_files(
    cwd: &std::path::Path,
    finder: &mut config::Finder,
    report: &mut driver::Report,
) -> Result<(), Error> {
    for file in report.files.iter_mut().filter(|file| !file.linted) {
        if !file
            .findings
            .iter()
            .any(|finding| config::find_any_lint(finding.code).is_some())
        {
            continue;
        }
        let dir = file.path.parent().unwrap_or(std::path::Path::new("/"));
        let levels = finder.settings(cwd, dir, None)?.levels_for(&file.path);
        for finding in &mut file.findings {
            if let Some(lint) = config::find_any_lint(finding.code) {
                finding.level = levels.effective(lint, false);
            }
        }
        file.findings
            .retain(|finding| finding.level != appstract_lints::Level::Allow);
    }
    report
        .files
        .retain(|file| file.linted || !file.findings.is_empty());
    Ok(())
}

/// A status line as cargo prints them: the word right-aligned in 12 columns, in bold colour.
fn status_line(out: &mut StandardStream, word: &str, color: Color, rest: &str) -> io::Result<()> {
    out.set_color(ColorSpec::new().set_fg(Some(color)).set_bold(true))?;
    write!(out, "{word:>12}")?;
    out.reset()?;
    writeln!(out, " {rest}")
}

/// `-v`: every file found, `Linted path` or `Skipped path (reason)`, on stderr.
fn print_files(report: &driver::Report, color: ColorChoice) -> io::Result<()> {
    let skipped: std::collections::HashSet<&str> = report
        .skipped
        .iter()
        .map(|(file, _)| file.as_str())
        .collect();
    let mut entries: Vec<(&str, Option<&str>)> = report
        .files
        .iter()
        .filter(|file| file.linted && !skipped.contains(file.display.as_str()))
        .map(|file| (file.display.as_str(), None))
        .chain(
            report
                .skipped
                .iter()
                .map(|(file, reason)| (file.as_str(), Some(reason.as_str()))),
        )
        .collect();
    entries.sort();
    entries.dedup();
    let mut stderr = StandardStream::stderr(color);
    for (file, reason) in entries {
        match reason {
            None => status_line(&mut stderr, "Linted", Color::Green, file)?,
            Some(reason) => status_line(
                &mut stderr,
                "Skipped",
                Color::Yellow,
                &format!("{file} ({})", unnest(reason)),
            )?,
        }
    }
    stderr.flush()
}

/// A reason with a remark in parentheses, `a (b)`, as `a: b`, to go inside parentheses.
fn unnest(reason: &str) -> String {
    match reason
        .strip_suffix(')')
        .and_then(|inner| inner.split_once(" ("))
    {
        Some((head, remark)) => format!("{head}: {remark}"),
        None => reason.to_string(),
    }
}

/// `-vv`: every crate analysed, with its root file and the configuration its files get.
fn print_crates(plan: &discover::Plan, color: ColorChoice) -> io::Result<()> {
    let mut stderr = StandardStream::stderr(color);
    for unit in &plan.crates {
        let kind = match unit.info.kind {
            appstract_lints::CrateKind::Lib => "lib",
            appstract_lints::CrateKind::Bin => "bin",
            appstract_lints::CrateKind::Test => "test",
            appstract_lints::CrateKind::Example => "example",
            appstract_lints::CrateKind::Bench => "bench",
            appstract_lints::CrateKind::BuildScript => "build script",
            appstract_lints::CrateKind::Loose => "file",
        };
        let config = match &unit.settings.config.source {
            Some(source) => format!("configuration `{}`", paths::display(&plan.base, source)),
            None => "default configuration".to_string(),
        };
        let root = paths::display(&plan.base, &unit.root);
        status_line(
            &mut stderr,
            "Crate",
            Color::Cyan,
            &format!("{} ({kind}) {root}, {config}", unit.info.name),
        )?;
    }
    stderr.flush()
}

/// `--diff`: the changes `--fix` would make, on stdout.
fn print_diff(files: &[fix::FixedFile]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(fix::unified_diff(files).as_bytes())?;
    stdout.flush()
}

/// `--statistics`: how many findings each lint reported, most first, on stderr.
fn print_statistics(report: &driver::Report) -> io::Result<()> {
    let mut counts: Vec<(&str, &str, usize)> = Vec::new();
    for (_, finding) in report.findings() {
        let severity = finding.level.severity();
        match counts
            .iter_mut()
            .find(|(code, level, _)| *code == finding.code && *level == severity)
        {
            Some(entry) => entry.2 += 1,
            None => counts.push((finding.code, severity, 1)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    let width = counts
        .iter()
        .map(|(_, _, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let mut stderr = io::stderr().lock();
    for (code, severity, n) in counts {
        writeln!(stderr, "{n:>width$}  {severity:<7}  {code}")?;
    }
    stderr.flush()
}

/// `--parse-only`: the parse floor, on one thread with the workers' stack size.
fn parse_only(plan: &discover::Plan, discovered: std::time::Duration) -> Result<Status, Error> {
    let (floor, took) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_SIZE)
            .spawn_scoped(scope, || floor::parse_files(plan))
            .map_err(|err| Error::new(format!("cannot start a thread: {err}")))?
            .join()
            .map_err(|_| Error::new("parsing panicked"))?
    })?;
    eprintln!(
        "parse-only: files={} bytes={} lines={} failed={} discover_s={:.3} parse_s={:.3} MBps={:.1}",
        floor.files,
        floor.bytes,
        floor.lines,
        floor.failed,
        discovered.as_secs_f64(),
        took.as_secs_f64(),
        floor.bytes as f64 / 1e6 / took.as_secs_f64().max(1e-9),
    );
    Ok(Status::Clean)
}

/// Runs a plan on `jobs` worker threads (0: one per CPU) with the default lint levels.
pub fn lint(plan: &discover::Plan, jobs: usize) -> Result<driver::Report, Error> {
    lint_cached(plan, jobs, None)
}

/// [`lint`], reusing and recording per-file analyses in `cache`.
pub fn lint_cached(
    plan: &discover::Plan,
    jobs: usize,
    cache: Option<&cache::Cache>,
) -> Result<driver::Report, Error> {
    lint_with(plan, jobs, cache, true)
}

/// [`lint_cached`], with the trigger prefilter on or off (see [`driver::lint_with`]).
pub fn lint_with(
    plan: &discover::Plan,
    jobs: usize,
    cache: Option<&cache::Cache>,
    prefilter: bool,
) -> Result<driver::Report, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK_SIZE)
        .thread_name(|index| format!("appstract-lint-{index}"))
        .build()
        .map_err(|err| Error::new(format!("cannot start worker threads: {err}")))?;
    Ok(pool.install(|| driver::lint_with(plan, cache, prefilter)))
}

/// `--list`: every lint with its default level, then the tool's problems, which are always
/// errors.
fn print_list() -> io::Result<()> {
    let width = all_lints()
        .map(|lint| lint.name)
        .chain(codes::PROBLEMS.iter().map(|problem| problem.name))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let mut stdout = io::stdout().lock();
    for lint in all_lints() {
        writeln!(
            stdout,
            "{:width$}  {:6}  {}",
            lint.name,
            lint.default_level.as_str(),
            lint.summary
        )?;
    }
    for problem in &codes::PROBLEMS {
        writeln!(
            stdout,
            "{:width$}  {:6}  {}",
            problem.name, "error", problem.summary
        )?;
    }
    stdout.flush()
}

fn explain(name: &str) -> Result<(), Error> {
    // Accept the spellings other tools use: `appstract::name`, `name-with-dashes`.
    let normalized = name
        .trim()
        .trim_start_matches("appstract::")
        .replace('-', "_");
    let Some(documentation) = codes::explanation(&normalized) else {
        let names = all_lints()
            .map(|lint| lint.name)
            .chain(codes::PROBLEMS.iter().map(|problem| problem.name));
        let help = match suggest(&normalized, names) {
            Some(nearest) => format!("did you mean `{nearest}`?"),
            None => "`cargo appstract-lint --list` shows every code".to_string(),
        };
        return Err(Error::new(format!("no lint or code named `{name}`")).with_help(help));
    };
    let mut stdout = io::stdout().lock();
    finish_output(
        stdout
            .write_all(documentation.as_bytes())
            .and_then(|()| stdout.flush()),
    )
}

/// Every lint: the analysis's, then the tool's own (about suppressions, modules, manifests
/// and baselines).
pub fn all_lints() -> impl Iterator<Item = &'static Lint> {
    LINTS
        .iter()
        .copied()
        .chain([
            &suppress::UNUSED_SUPPRESSION,
            &suppress::INVALID_SUPPRESSION,
        ])
        .chain(codes::TOOL_LINTS)
}

/// The candidate nearest to a misspelt name, if any is near enough.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|candidate| {
            let score = if !name.is_empty() && candidate.contains(name) {
                1.0
            } else {
                strsim::jaro_winkler(name, candidate)
            };
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A reader that went away (`| head`) has seen all it wanted: that is not a failure.
fn finish_output(result: io::Result<()>) -> Result<(), Error> {
    match result {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            Err(Error::new(format!("cannot write the output: {err}")))
        }
        _ => Ok(()),
    }
}

/// `error: message` and an optional `= help:` line, on stderr.
fn print_error(err: &Error, color: ColorChoice) {
    let mut stderr = StandardStream::stderr(color);
    let _ = stderr.set_color(ColorSpec::new().set_fg(Some(Color::Red)).set_bold(true));
    let _ = write!(stderr, "error");
    let _ = stderr.set_color(ColorSpec::new().set_bold(true));
    let _ = write!(stderr, ": {}", err.message);
    let _ = stderr.reset();
    let _ = writeln!(stderr);
    if let Some(location) = &err.location {
        let _ = writeln!(stderr, "  --> {location}");
    }
    if let Some(help) = &err.help {
        let _ = writeln!(stderr, "  = help: {help}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_pick_the_nearest_name() {
        let names = [
            "nested_runtime_block_on",
            "detached_spawn",
            "runtime_per_call",
        ];
        let pick = |query| suggest(query, names.iter().copied());
        assert_eq!(
            pick("nested_runtime_blockon"),
            Some("nested_runtime_block_on")
        );
        assert_eq!(pick("detached_spwan"), Some("detached_spawn"));
        assert_eq!(pick("block_on"), Some("nested_runtime_block_on"));
        assert_eq!(pick("completely_unrelated_words"), None);
        assert_eq!(pick(""), None);
        assert_eq!(suggest("anything", std::iter::empty()), None);
    }

    #[test]
    fn statuses_are_the_documented_exit_codes() {
        assert_eq!(Status::Clean.code(), 0);
        assert_eq!(Status::Findings.code(), 1);
        assert_eq!(Status::Failure.code(), 2);
    }
}
