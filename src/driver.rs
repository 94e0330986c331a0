//! The pipeline. Each file is read and analysed once, on a worker thread (syn trees never leave
//! it); `mod` items are followed as rustc does; then each crate is checked as a whole. Crates are
//! processed in parallel too.

use crate::cache::{self, Cache, CrateKey, EncodedModel, Key, SummaryStore};
use crate::config::{find_any_lint, Settings};
use crate::discover::deps::DependencyGraph;
use crate::discover::{CargoTarget, CrateUnit, Plan, IO_ERROR};
use crate::isolate::{self, INTERNAL_ERROR, REPORT_IT};
use crate::output::LineIndex;
use crate::paths::{self, FileId};
use crate::suppress::FileSuppressions;
use appstract_lints::model::AttrAllow;
use appstract_lints::{self as lints, Diagnostic, FileInput, FileModel, Label, Level, LintLevels};
use appstract_lints::{
    CrateInfo, CrateKind, CrateSummary, ModDecl, LINTS, NESTING_TOO_DEEP, SYNTAX_ERROR,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Instant;

pub mod session;
pub use session::{FileFindings, Session};

/// A `mod` item whose file is missing or ambiguous. Not fatal: the rest of the crate is linted.
pub const UNRESOLVED_MODULE: &str = "unresolved_module";

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Report {
    /// Paths are shown relative to this directory (the current directory).
    pub base: PathBuf,
    /// Every reported file, sorted by displayed path; findings sorted by position and code.
    pub files: Vec<ReportedFile>,
    /// Failures of the analysis itself (a panic in a lint): the run ends with status 2.
    pub internal_errors: Vec<String>,
    /// Files that were not linted or not reported, with the reason (shown with `-v`): excluded,
    /// unreadable, not UTF-8, not parsing, nesting too deeply, failing the analysis, or a
    /// symlink that was not followed.
    pub skipped: Vec<(String, String)>,
    /// What was read of the dependencies, for `-v`.
    pub dependencies: DependencyStats,
    /// The summaries of the libraries checked, by root file (for `--emit-summary`).
    pub summaries: Vec<(PathBuf, CrateSummary)>,
    /// The summaries of the dependency graph's packages made or loaded in the run, by
    /// package (`None`: the package has none).
    pub dependency_summaries: HashMap<usize, Option<Summary>>,
    /// The files each crate reached, reported or not: the plan's crates in their order, then
    /// a crate of its own for each selected file none of them reached ([`Session`] reads it).
    pub crate_files: Vec<Vec<PathBuf>>,
}

/// The dependency packages whose summaries a run made or found in the store, and why there
/// were none to read when there were none.
#[derive(Debug, Default, Clone)]
pub struct DependencyStats {
    /// Summarised from their sources in this run.
    pub summarised: usize,
    /// Found in the user's summary store.
    pub from_store: usize,
    /// Named by code but whose sources could not be summarised (no library, not readable).
    pub skipped: usize,
    /// Time spent on them (wall clock, summed over threads).
    pub seconds: f64,
    /// Why the dependencies were not read, if they were not.
    pub unavailable: Option<String>,
}

#[derive(Debug)]
pub struct ReportedFile {
    pub path: PathBuf,
    /// The path as shown: relative to the current directory when under it.
    pub display: String,
    /// The text the findings' byte ranges point into. Dropped when there is nothing to show,
    /// absent when the file could not be read.
    pub source: Option<String>,
    pub findings: Vec<Diagnostic>,
    /// A Rust file that was analysed, as opposed to a directory or manifest that could not be
    /// read.
    pub linted: bool,
    /// The cargo package and target the file was analysed in (the first, when several).
    pub cargo: Option<Arc<CargoTarget>>,
}

impl Report {
    pub fn findings(&self) -> impl Iterator<Item = (&ReportedFile, &Diagnostic)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |finding| (file, finding)))
    }

    pub fn error_count(&self) -> usize {
        self.findings().filter(|(_, d)| d.level.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.findings().filter(|(_, d)| !d.level.is_error()).count()
    }

    pub fn linted_file_count(&self) -> usize {
        self.files.iter().filter(|file| file.linted).count()
    }
}

/// Runs the plan on the current rayon pool. Each crate is checked with every lint at deny
/// level, so that a finding's level tells whether it is certain; the levels of the file's
/// configuration and the command line are applied afterwards, then the suppressions.
pub fn lint(plan: &Plan) -> Report {
    lint_cached(plan, None)
}

/// [`lint`], reusing and recording per-file analyses in `cache`.
pub fn lint_cached(plan: &Plan, cache: Option<&Cache>) -> Report {
    lint_with(plan, cache, true)
}

/// [`lint_cached`]; with `prefilter`, the files of a crate are only outlined until one of them
/// names a trigger word ([`lints::prefilter`]), and those of a crate without one are never
/// modelled. Without it every file is analysed in full. The findings are the same.
pub fn lint_with(plan: &Plan, cache: Option<&Cache>, prefilter: bool) -> Report {
    let mut probe = LintLevels::default();
    for lint in LINTS {
        probe.set(lint, Level::Deny);
    }
    let levels = &probe;
    let selected: Option<HashSet<FileId>> = plan.selection.as_ref().map(|selection| {
        selection
            .iter()
            .map(|file| paths::identity(&file.path))
            .collect()
    });
    let context = Context::new(plan, selected.as_ref(), levels, cache, prefilter);

    let mut results = context.check_in_order(&plan.crates);

    // Selected files no crate reached are crates of their own.
    if let Some(selection) = &plan.selection {
        let reached: HashSet<&FileId> = results
            .iter()
            .flat_map(|result| result.files.iter().map(|file| &file.identity))
            .collect();
        let loose: Vec<CrateUnit> = selection
            .iter()
            .filter(|file| !reached.contains(&paths::identity(&file.path)))
            .map(|file| file.loose_unit())
            .collect();
        results.extend(
            loose
                .par_iter()
                .with_max_len(1)
                .map(|unit| context.check_crate(unit, &[]))
                .collect::<Vec<_>>(),
        );
    }

    let stats = &context.dependencies;
    let dependency_summaries = lock(&stats.made)
        .iter()
        .filter_map(|(&package, made)| Some((package, made.get()?.clone())))
        .collect();
    let mut report = Report {
        dependency_summaries,
        base: plan.base.clone(),
        dependencies: DependencyStats {
            summarised: stats.summarised.load(Ordering::Relaxed),
            from_store: stats.from_store.load(Ordering::Relaxed),
            skipped: stats.skipped.load(Ordering::Relaxed),
            seconds: stats.nanos.load(Ordering::Relaxed) as f64 / 1e9,
            unavailable: plan.dependencies.as_ref().err().cloned(),
        },
        ..Report::default()
    };
    let mut files: BTreeMap<FileId, ReportedFile> = BTreeMap::new();
    for result in results {
        if let (Some(summary), Some(root)) = (result.summary, result.root) {
            report.summaries.push((root, summary));
        }
        report
            .crate_files
            .push(result.files.iter().map(|file| file.path.clone()).collect());
        report.internal_errors.extend(result.internal_errors);
        report.skipped.extend(result.skipped);
        for file in result.files.into_iter().filter(|file| file.reported) {
            match files.get_mut(&file.identity) {
                // Reached by several crates (a module shared by the lib and a bin).
                Some(known) => {
                    known.findings.extend(file.findings);
                    if known.source.is_none() {
                        known.source = file.source;
                    }
                }
                None => {
                    files.insert(
                        file.identity,
                        ReportedFile {
                            path: file.path,
                            display: file.display,
                            source: file.source,
                            findings: file.findings,
                            linted: true,
                            cargo: Some(file.cargo),
                        },
                    );
                }
            }
        }
    }
    report.files = files.into_values().collect();
    report
        .files
        .extend(plan.problems.iter().map(|problem| ReportedFile {
            display: paths::display(&plan.base, &problem.path),
            path: problem.path.clone(),
            source: None,
            findings: vec![Diagnostic {
                notes: problem.notes.clone(),
                ..Diagnostic::new(
                    problem.code,
                    problem.level,
                    problem.message.clone(),
                    Label::new(0..0, ""),
                )
            }],
            linted: false,
            cargo: None,
        }));
    for file in &mut report.files {
        tidy(file);
    }
    report.files.sort_by(|a, b| a.display.cmp(&b.display));
    report.internal_errors.sort();
    report.skipped.extend(
        plan.skipped
            .iter()
            .map(|(path, reason)| (paths::display(&plan.base, path), reason.clone())),
    );
    report.skipped.sort();
    report.skipped.dedup();
    report
}

/// Lints one text as a loose file, in memory, without catching panics: the per-file pipeline
/// (guard, parse, model, every lint, levels and suppressions, tidying for output) for fuzzing
/// and its regression tests. It also outlines the text, and panics if the outline's modules or
/// errors differ from the full analysis's: the prefilter would then change what is reported.
pub fn lint_source(display: &str, text: &str) -> Report {
    let info = CrateInfo::default();
    let input = FileInput {
        path: display,
        source: text,
        module_path: &[],
    };
    let analysis = lints::analyze_file(&info, input);
    let outline = lints::outline_file(input);
    proc_macro2::extra::invalidate_current_thread_spans();
    assert_eq!(outline.modules, analysis.modules, "the outline's modules");
    assert_eq!(
        outline.diagnostics, analysis.diagnostics,
        "the outline's errors"
    );
    let mut probe = LintLevels::default();
    for lint in LINTS {
        probe.set(lint, Level::Deny);
    }
    let cargo = Arc::new(crate::discover::loose_target(Path::new(display), None));
    let mut file = AnalysedFile {
        identity: FileId::Path(PathBuf::from(display)),
        path: PathBuf::from(display),
        display: display.to_string(),
        reported: true,
        source: Some(text.to_string()),
        model: None,
        key: None,
        findings: analysis.diagnostics,
        suppressions: FileSuppressions::from_comments(text),
        cargo: Arc::clone(&cargo),
    };
    file.suppressions.add_attributes(&analysis.model.allows);
    let models = [analysis.model];
    file.findings.extend(
        lints::check_crate(&info, &models, &[], &probe)
            .diagnostics
            .into_iter()
            .flatten(),
    );
    finalize(&mut file, &Settings::default());
    let mut reported = ReportedFile {
        path: file.path,
        display: file.display,
        source: file.source,
        findings: file.findings,
        linted: true,
        cargo: Some(cargo),
    };
    tidy(&mut reported);
    Report {
        files: vec![reported],
        ..Report::default()
    }
}

/// Sorts and deduplicates a file's findings, keeps every range inside its text, and drops the
/// text when nothing will show it.
fn tidy(file: &mut ReportedFile) {
    file.findings
        .retain(|finding| finding.level != Level::Allow);
    let text = file.source.as_deref().unwrap_or("");
    for finding in &mut file.findings {
        fit(&mut finding.primary.range, text);
        for label in &mut finding.secondary {
            fit(&mut label.range, text);
        }
        for edit in finding.suggestions.iter_mut().flat_map(|s| &mut s.edits) {
            fit(&mut edit.range, text);
        }
    }
    file.findings.sort_by(|a, b| {
        (
            a.primary.range.start,
            a.code,
            a.primary.range.end,
            &a.message,
            std::cmp::Reverse(a.level),
        )
            .cmp(&(
                b.primary.range.start,
                b.code,
                b.primary.range.end,
                &b.message,
                std::cmp::Reverse(b.level),
            ))
    });
    // A file checked with several crates (a library with its binaries, a module shared by
    // two targets) may get one finding from each, with other call chains in its notes: the
    // most severe is kept.
    file.findings.dedup_by(|later, kept| {
        (later.primary.range.clone(), later.code, &later.message)
            == (kept.primary.range.clone(), kept.code, &kept.message)
    });
    if file.findings.is_empty() {
        file.source = None;
    }
}

/// Clamps a byte range to `text` and to char boundaries, so rendering never slices badly.
fn fit(range: &mut Range<usize>, text: &str) {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    *range = start..end;
}

struct Context<'a> {
    base: &'a Path,
    /// Identities of the files to report; `None` reports everything.
    selected: Option<&'a HashSet<FileId>>,
    levels: &'a LintLevels,
    cache: Option<&'a Cache>,
    prefilter: bool,
    /// What outlining each file found (with its length): it depends on the text alone, and a
    /// package's library is outlined again as a module of each of its binaries.
    outlines: Mutex<HashMap<FileId, (usize, lints::Outline)>>,
    /// Full analyses of files that several crates include alike.
    shared: SharedAnalyses,
    /// Summaries of the packages of the dependency graph, made when code names them.
    dependencies: DependencySummaries<'a>,
}

impl<'a> Context<'a> {
    fn new(
        plan: &'a Plan,
        selected: Option<&'a HashSet<FileId>>,
        levels: &'a LintLevels,
        cache: Option<&'a Cache>,
        prefilter: bool,
    ) -> Context<'a> {
        let graph = plan.dependencies.as_ref().ok().map(|graph| &**graph);
        Context {
            base: &plan.base,
            selected,
            levels,
            cache,
            prefilter,
            outlines: Mutex::new(HashMap::new()),
            shared: SharedAnalyses::default(),
            dependencies: DependencySummaries {
                graph,
                // The store is a cache: runs without one do not use it either.
                store: cache.filter(|_| graph.is_some()).and_then(|cache| {
                    Some(SummaryStore::new(
                        SummaryStore::default_dir()?,
                        cache.tool(),
                    ))
                }),
                made: Mutex::new(HashMap::new()),
                summarised: AtomicUsize::new(0),
                from_store: AtomicUsize::new(0),
                skipped: AtomicUsize::new(0),
                nanos: AtomicU64::new(0),
            },
        }
    }
}

/// The packages of the dependency graph whose summaries have been asked for: each is made
/// once, by the first crate whose code names it (the others wait for it), from the user's
/// summary store when its sources never change and it is there.
struct DependencySummaries<'a> {
    graph: Option<&'a DependencyGraph>,
    store: Option<SummaryStore>,
    made: Mutex<HashMap<usize, Arc<OnceLock<Option<Summary>>>>>,
    summarised: AtomicUsize,
    from_store: AtomicUsize,
    skipped: AtomicUsize,
    nanos: AtomicU64,
}

/// Full analyses of the modules of tests, examples and benches, which the crates of a package
/// often share (`mod common;` in each integration test), so that each is parsed once. Keyed
/// by [`cache::file_hash`] under the crate as files see it; held encoded, within
/// [`SHARED_ANALYSES_BUDGET`] bytes.
#[derive(Default)]
struct SharedAnalyses(Mutex<SharedEntries>);

#[derive(Default)]
struct SharedEntries {
    entries: HashMap<u128, Arc<SharedAnalysis>>,
    bytes: usize,
}

struct SharedAnalysis {
    model: EncodedModel,
    modules: Vec<ModDecl>,
    diagnostics: Vec<Diagnostic>,
}

const SHARED_ANALYSES_BUDGET: usize = 32 << 20;

impl SharedAnalyses {
    fn get(&self, key: u128) -> Option<lints::FileAnalysis> {
        let found = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .get(&key)
            .cloned()?;
        Some(lints::FileAnalysis {
            model: found.model.decode()?,
            modules: found.modules.clone(),
            diagnostics: found.diagnostics.clone(),
        })
    }

    fn insert(&self, key: u128, analysis: &lints::FileAnalysis) {
        let Some(model) = EncodedModel::encode(&analysis.model) else {
            return;
        };
        let mut shared = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if shared.bytes + model.size() > SHARED_ANALYSES_BUDGET {
            return;
        }
        shared.bytes += model.size();
        let entry = SharedAnalysis {
            model,
            modules: analysis.modules.clone(),
            diagnostics: analysis.diagnostics.clone(),
        };
        shared.entries.insert(key, Arc::new(entry));
    }
}

struct CrateResult {
    files: Vec<AnalysedFile>,
    internal_errors: Vec<String>,
    skipped: Vec<(String, String)>,
    /// For a library that was checked: its summary, for the crates that depend on it.
    summary: Option<CrateSummary>,
    /// The crate's root file.
    root: Option<PathBuf>,
}

/// Which crates wait for which libraries' summaries, and what the checked ones found.
#[derive(Default)]
struct Schedule {
    /// Crates not started, with the libraries they need.
    waiting: Vec<(usize, Vec<FileId>)>,
    summaries: HashMap<FileId, Summary>,
    /// Libraries checked (with or without a summary).
    done: HashSet<FileId>,
    /// How many crates still need each library's summary: it is let go after the last.
    readers: HashMap<FileId, usize>,
    results: Vec<(usize, CrateResult)>,
}

impl CrateResult {
    /// The summary, for a library that was checked and is not needed by another crate of
    /// the run: it goes to the report.
    fn keep_summary(&mut self, summary: Option<CrateSummary>) {
        self.summary = summary;
    }
}

impl Schedule {
    /// The waiting crates whose libraries are all checked.
    fn take_ready(&mut self) -> Vec<(usize, Vec<FileId>)> {
        let done = &self.done;
        let (ready, waiting) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|(_, needs)| needs.iter().all(|need| done.contains(need)));
        self.waiting = waiting;
        ready
    }

    fn take_all(&mut self) -> Vec<(usize, Vec<FileId>)> {
        std::mem::take(&mut self.waiting)
    }

    fn summaries_for(&self, needs: &[FileId]) -> Vec<Summary> {
        needs
            .iter()
            .filter_map(|need| self.summaries.get(need).cloned())
            .collect()
    }

    /// Records a checked crate; returns the crates that can start now.
    fn finish(
        &mut self,
        unit: &CrateUnit,
        needs: &[FileId],
        summary: Option<CrateSummary>,
        index: usize,
        result: CrateResult,
    ) -> Vec<(usize, Vec<FileId>)> {
        for need in needs {
            let left = self.readers.entry(need.clone()).or_default();
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.summaries.remove(need);
            }
        }
        self.results.push((index, result));
        let Some(root) = &unit.provides else {
            return Vec::new();
        };
        let identity = paths::identity(root);
        let wanted = self.readers.get(&identity).is_some_and(|&n| n > 0);
        if !wanted {
            if let Some((_, result)) = self.results.last_mut() {
                result.keep_summary(summary);
            }
            self.done.insert(identity);
            return self.take_ready();
        }
        if let Some(summary) = summary {
            let hash = cache::summary_hash(&summary);
            self.summaries.insert(
                identity.clone(),
                Summary {
                    summary: Arc::new(summary),
                    hash,
                },
            );
        }
        self.done.insert(identity);
        self.take_ready()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A library's summary, with a hash of it for the cache keys of the crates checked with it.
#[derive(Clone)]
pub struct Summary {
    summary: Arc<CrateSummary>,
    hash: u128,
}

impl std::fmt::Debug for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Summary({}, {:032x})", self.summary.name, self.hash)
    }
}

/// The summaries of packages of the plan's dependency graph, made as a run makes them (from
/// the user's store, or from their sources): for a session, when an edit calls into a
/// package no run has summarised yet.
pub(crate) fn dependency_summaries(
    plan: &Plan,
    cache: Option<&Cache>,
    packages: &[usize],
) -> Vec<(usize, Option<Summary>)> {
    let mut levels = LintLevels::default();
    for lint in LINTS {
        levels.set(lint, Level::Deny);
    }
    let context = Context::new(plan, None, &levels, cache, true);
    packages
        .iter()
        .map(|&package| (package, context.dependency_summary(package)))
        .collect()
}

struct AnalysedFile {
    identity: FileId,
    path: PathBuf,
    display: String,
    reported: bool,
    source: Option<String>,
    model: Option<Model>,
    /// The file's cache key, when the cache is on and the file could be read.
    key: Option<Key>,
    findings: Vec<Diagnostic>,
    suppressions: FileSuppressions,
    cargo: Arc<CargoTarget>,
}

/// A file's model: decoded, encoded (from its cache entry, or to hold it small until its
/// crate turns out to need it), or not built: the file was only outlined, as no trigger word
/// had been seen in its crate yet ([`lints::prefilter`]), and is analysed in full only if the
/// crate is checked.
enum Model {
    Fresh(Box<FileModel>),
    Encoded(EncodedModel),
    Outlined { module_path: Vec<String> },
}

/// Files larger than this are parsed within [`LARGE_FILES_BUDGET`].
const LARGE_FILE: usize = 1 << 20;
/// How much text of large files may be parsed at once. A syntax tree takes about 70 times its
/// text, so two multi-megabyte files parsed together set the peak memory of the whole run; a
/// file larger than the budget is parsed alone (among large files).
const LARGE_FILES_BUDGET: usize = 8 << 20;
static LARGE_FILES: Mutex<usize> = Mutex::new(0);
static LARGE_FILE_DONE: Condvar = Condvar::new();

/// A large file's share of [`LARGE_FILES_BUDGET`], held while it is parsed.
struct LargeFileTurn(usize);

impl LargeFileTurn {
    /// Waits until parsing `text` fits in the budget; `None` for a small file, which never
    /// waits.
    fn wait(text: &str) -> Option<LargeFileTurn> {
        let size = text.len();
        if size <= LARGE_FILE {
            return None;
        }
        let mut in_flight = LARGE_FILES.lock().unwrap_or_else(PoisonError::into_inner);
        while *in_flight > 0 && *in_flight + size > LARGE_FILES_BUDGET {
            in_flight = LARGE_FILE_DONE
                .wait(in_flight)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *in_flight += size;
        Some(LargeFileTurn(size))
    }
}

impl Drop for LargeFileTurn {
    fn drop(&mut self) {
        *LARGE_FILES.lock().unwrap_or_else(PoisonError::into_inner) -= self.0;
        LARGE_FILE_DONE.notify_all();
    }
}

/// A file to analyse, with where its own `mod` items are looked for.
struct FileJob {
    path: PathBuf,
    module_path: Vec<String>,
    /// The directory module files are looked up in...
    dir: PathBuf,
    /// ...under this subdirectory, for a non-`mod.rs` file (`foo.rs` owns `foo/`).
    relative: Option<String>,
}

/// One crate's files being analysed.
struct Crawl<'a> {
    context: &'a Context<'a>,
    unit: &'a CrateUnit,
    cache_key: Option<CrateKey>,
    seen: Mutex<HashSet<FileId>>,
    /// Some file of the crate has runtime code ([`FileModel::has_runtime_code`]): without
    /// one, no lint can find anything and the crate is not checked.
    runtime_code: AtomicBool,
    /// Some file of the crate names a trigger word, or the crate depends on a watched crate:
    /// the files read from now on are analysed in full, not just outlined.
    triggered: AtomicBool,
    /// A library or binary that depends on a watched crate ([`lints::Triggers::expected`]):
    /// it almost always turns out to have runtime code, so its models are held decoded.
    runtime_expected: bool,
    triggers: lints::Triggers,
    /// For a test, example or bench: the hash of the crate as files see it, under which the
    /// analyses of its modules are shared ([`SharedAnalyses`]).
    crate_seen: Option<u128>,
    done: Mutex<Vec<AnalysedFile>>,
    internal_errors: Mutex<Vec<String>>,
    skipped: Mutex<Vec<(String, String)>>,
    /// The names of the crate's dependency packages, to find which its code names.
    dependency_words: Option<lints::WordSet>,
    /// The dependency packages (indexes of the graph) the crate's files name.
    named_dependencies: Mutex<BTreeSet<usize>>,
}

impl Context<'_> {
    /// Checks the crates, each library before the crates that call into it, so that they are
    /// checked with its summary. A crate starts as soon as the libraries it needs are
    /// checked, one crate per job: a batch of crates per thread would leave a thread idle
    /// while another works through its batch.
    fn check_in_order(&self, crates: &[CrateUnit]) -> Vec<CrateResult> {
        let provided: HashSet<FileId> = crates
            .iter()
            .filter_map(|unit| unit.provides.as_deref().map(paths::identity))
            .collect();
        let mut schedule = Schedule::default();
        for (index, unit) in crates.iter().enumerate() {
            let needs: Vec<FileId> = unit
                .needs
                .iter()
                .map(|root| paths::identity(root))
                .filter(|identity| provided.contains(identity))
                .collect();
            for need in &needs {
                *schedule.readers.entry(need.clone()).or_default() += 1;
            }
            schedule.waiting.push((index, needs));
        }
        let schedule = Mutex::new(schedule);
        loop {
            let ready = lock(&schedule).take_ready();
            // Nothing is ready and crates still wait: their libraries need each other. Check
            // them with what summaries there are.
            let ready = match ready.is_empty() {
                true => lock(&schedule).take_all(),
                false => ready,
            };
            if ready.is_empty() {
                break;
            }
            rayon::scope(|scope| {
                for job in ready {
                    self.spawn_check(scope, crates, &schedule, job);
                }
            });
        }
        let mut results = std::mem::take(&mut lock(&schedule).results);
        results.sort_by_key(|(index, _)| *index);
        results.into_iter().map(|(_, result)| result).collect()
    }

    /// Checks a crate on the pool, then starts the crates that waited only for it.
    fn spawn_check<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        crates: &'s [CrateUnit],
        schedule: &'s Mutex<Schedule>,
        (index, needs): (usize, Vec<FileId>),
    ) {
        scope.spawn(move |scope| {
            let deps = lock(schedule).summaries_for(&needs);
            let mut result = self.check_crate(&crates[index], &deps);
            let summary = result.summary.take();
            let ready = lock(schedule).finish(&crates[index], &needs, summary, index, result);
            for job in ready {
                self.spawn_check(scope, crates, schedule, job);
            }
        });
    }

    /// The summaries of the dependency packages a crate calls into, by the names its code
    /// uses for them, among those its text names.
    fn called_summaries<'n>(
        &self,
        unit: &CrateUnit,
        named: &[usize],
        calls: impl Iterator<Item = &'n str>,
    ) -> Vec<Summary> {
        let mut packages: Vec<usize> = calls
            .flat_map(|name| {
                unit.dep_packages
                    .iter()
                    .filter(move |(dep, _)| dep == name)
                    .map(|&(_, package)| package)
            })
            .filter(|package| named.contains(package))
            .collect();
        packages.sort_unstable();
        packages.dedup();
        packages
            .into_iter()
            .filter_map(|package| self.dependency_summary(package))
            .collect()
    }

    /// The summary of a package of the dependency graph, made once: from the user's store for
    /// a package whose sources never change, otherwise by analysing and checking its library
    /// (with the summaries of the packages its own code names, in turn).
    fn dependency_summary(&self, package: usize) -> Option<Summary> {
        let deps = &self.dependencies;
        let graph = deps.graph?;
        let cell = lock(&deps.made).entry(package).or_default().clone();
        cell.get_or_init(|| {
            let started = Instant::now();
            let made = self.make_dependency_summary(graph, package);
            deps.nanos
                .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
            made.map(|summary| Summary {
                hash: cache::summary_hash(&summary),
                summary: Arc::new(summary),
            })
        })
        .clone()
    }

    fn make_dependency_summary(
        &self,
        graph: &DependencyGraph,
        package: usize,
    ) -> Option<CrateSummary> {
        let deps = &self.dependencies;
        let dep = &graph.packages[package];
        let Some((lib_name, root)) = &dep.lib else {
            deps.skipped.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let store = deps.store.as_ref().filter(|_| dep.source.immutable());
        let key = store.map(|store| store.key(dep.graph_hash));
        if let Some(found) = store.zip(key).and_then(|(store, key)| store.load(key)) {
            deps.from_store.fetch_add(1, Ordering::Relaxed);
            return found;
        }
        if !root.is_file() {
            deps.skipped.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let dependencies: Vec<lints::Dependency> = dep
            .deps
            .iter()
            .map(|edge| lints::Dependency {
                name: edge.name.clone(),
                package: graph.packages[edge.package].lib.as_ref().map_or_else(
                    || graph.packages[edge.package].name.clone(),
                    |(n, _)| n.clone(),
                ),
            })
            .collect();
        let unit = CrateUnit {
            info: CrateInfo {
                name: lib_name.clone(),
                kind: CrateKind::Lib,
                dependencies,
                ..CrateInfo::default()
            },
            root: root.clone(),
            follow_modules: true,
            settings: Settings::default(),
            cargo: Arc::new(CargoTarget {
                package_id: dep.id.clone(),
                manifest_path: dep.manifest_path.clone(),
                target: crate::discover::target_json(lib_name, CrateKind::Lib, root, &dep.edition),
            }),
            provides: None,
            needs: Vec::new(),
            reported: false,
            dep_packages: dep
                .deps
                .iter()
                .filter(|edge| crate::discover::deps::summarizable(&graph.packages[edge.package]))
                .map(|edge| (edge.name.clone(), edge.package))
                .collect(),
            externs: Vec::new(),
        };
        let summary = self.check_crate(&unit, &[]).summary;
        deps.summarised.fetch_add(1, Ordering::Relaxed);
        if let (Some(store), Some(key)) = (store, key) {
            store.store(key, summary.as_ref());
        }
        summary
    }

    /// Analyses a crate's files and checks them with the summaries of the libraries it calls
    /// into (`deps`).
    fn check_crate(&self, unit: &CrateUnit, deps: &[Summary]) -> CrateResult {
        // Summaries handed in (`--extern`) come first.
        let with_externs: Vec<Summary>;
        let deps = if unit.externs.is_empty() {
            deps
        } else {
            with_externs = unit
                .externs
                .iter()
                .map(|summary| Summary {
                    hash: cache::summary_hash(summary),
                    summary: summary.clone(),
                })
                .chain(deps.iter().cloned())
                .collect();
            &with_externs
        };
        // Dependencies whose calls can be wrong somewhere make the crate worth checking, as
        // a watched dependency does.
        let summarized: Vec<String> = deps
            .iter()
            .filter(|dep| dep.summary.has_effects())
            .map(|dep| dep.summary.name.clone())
            .collect();
        let with_summaries;
        let unit = if summarized.is_empty() {
            unit
        } else {
            let mut info = unit.info.clone();
            info.summarized = summarized;
            with_summaries = CrateUnit {
                info,
                ..unit.clone()
            };
            &with_summaries
        };
        let root_identity = paths::identity(&unit.root);
        let crawl_key = self.cache.map(|cache| cache.crate_key(&unit.info));
        let calls_summaries = !unit.info.summarized.is_empty();
        let runtime_expected = lints::Triggers::expected(&unit.info) || calls_summaries;
        let crawl = Crawl {
            context: self,
            unit,
            cache_key: crawl_key,
            seen: Mutex::new(HashSet::from([root_identity.clone()])),
            runtime_code: AtomicBool::new(calls_summaries),
            triggered: AtomicBool::new(!self.prefilter || runtime_expected),
            runtime_expected,
            triggers: lints::Triggers::for_crate(&unit.info),
            crate_seen: matches!(
                unit.info.kind,
                CrateKind::Test | CrateKind::Example | CrateKind::Bench
            )
            .then(|| cache::crate_hash(0, &unit.info.seen_by_files())),
            done: Mutex::new(Vec::new()),
            internal_errors: Mutex::new(Vec::new()),
            skipped: Mutex::new(Vec::new()),
            dependency_words: (!unit.dep_packages.is_empty()).then(|| {
                lints::WordSet::new(unit.dep_packages.iter().map(|(name, _)| name.as_str()))
            }),
            named_dependencies: Mutex::new(BTreeSet::new()),
        };
        let root = FileJob {
            dir: unit.root.parent().unwrap_or(Path::new("")).to_path_buf(),
            path: unit.root.clone(),
            module_path: Vec::new(),
            relative: None,
        };
        rayon::scope(|scope| {
            crawl.spawn(scope, root, root_identity);
        });

        // Dependency packages the crate's text names: it may call into them, so it is checked
        // even without runtime code of its own, and the summaries of those its code calls
        // are made then.
        let named: Vec<usize> = lock(&crawl.named_dependencies).iter().copied().collect();
        // Without runtime code of its own, a crate is checked only if calls into a package it
        // names can be wrong somewhere.
        let runtime_code = crawl.runtime_code.into_inner()
            || named.iter().any(|&package| {
                self.dependency_summary(package)
                    .is_some_and(|dep| dep.summary.has_effects())
            });
        let mut files = crawl
            .done
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut internal_errors = crawl
            .internal_errors
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut skipped = crawl
            .skipped
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));

        let mut summary = None;
        if runtime_code {
            summary = self.check_files(
                unit,
                deps,
                &named,
                crawl_key,
                &mut files,
                &mut internal_errors,
                &mut skipped,
            );
        } else {
            for file in &mut files {
                file.model = None;
            }
        }
        for file in files.iter_mut().filter(|file| file.reported) {
            finalize(file, &unit.settings);
        }
        // Only text with findings is rendered; let the rest go before other crates finish.
        for file in &mut files {
            if file
                .findings
                .iter()
                .all(|finding| finding.level == Level::Allow)
            {
                file.source = None;
            } else if file.reported && file.source.is_none() {
                file.source = read_source(&file.path, &file.display).ok();
            }
        }
        CrateResult {
            files,
            internal_errors,
            skipped,
            summary,
            root: Some(unit.root.clone()),
        }
    }

    /// Checks the crate's files together and adds what it finds to each. When the cache holds
    /// the findings for exactly these files, their models are not even decoded.
    /// Returns the crate's summary, for a library. `named` are the dependency packages the
    /// crate's text names: the summaries of those its models call into are made, and what
    /// they are is cached with the findings.
    #[allow(clippy::too_many_arguments)]
    fn check_files(
        &self,
        unit: &CrateUnit,
        deps: &[Summary],
        named: &[usize],
        crate_key: Option<CrateKey>,
        files: &mut [AnalysedFile],
        internal_errors: &mut Vec<String>,
        skipped: &mut Vec<(String, String)>,
    ) -> Option<CrateSummary> {
        let indices: Vec<usize> = (0..files.len())
            .filter(|&index| files[index].model.is_some())
            .collect();
        if indices.is_empty() {
            return None;
        }
        // Two entries: which dependency packages the crate calls into, under a key without
        // their summaries; then the findings, under a key with them.
        let cache = self.cache.zip(crate_key).and_then(|(cache, krate)| {
            let keys: Option<Vec<Key>> = indices.iter().map(|&index| files[index].key).collect();
            Some((cache, krate, keys?))
        });
        let check_key = |called: &[Summary]| {
            cache.as_ref().map(|(cache, krate, keys)| {
                let hashes = deps.iter().chain(called).map(|dep| dep.hash);
                (
                    *cache,
                    cache.check_key(*krate, keys.iter().copied(), hashes),
                )
            })
        };
        let calls_key = check_key(&[]).map(|(cache, key)| (cache, cache.calls_key(key)));
        let cached_calls = calls_key
            .as_ref()
            .and_then(|(cache, key)| cache.load_calls(*key));
        if let Some(called) = &cached_calls {
            let called = self.called_summaries(unit, named, called.iter().map(String::as_str));
            if let Some((found, summary)) =
                check_key(&called).and_then(|(cache, key)| cache.load_findings(key, indices.len()))
            {
                for (index, findings) in indices.into_iter().zip(found) {
                    files[index].model = None;
                    files[index].findings.extend(findings);
                }
                return summary;
            }
        }

        // Files outlined before a trigger word turned up in the crate: analysed now.
        let problems = Mutex::new(Vec::new());
        files.par_iter_mut().for_each(|file| {
            if let Some(Model::Outlined { module_path }) = &file.model {
                let module_path = module_path.clone();
                if let Err(problem) = self.analyse_outlined(unit, file, &module_path) {
                    file.findings.push(internal_error(problem.clone()));
                    file.model = None;
                    problems
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(problem);
                }
            }
        });
        let problems = problems
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        internal_errors.extend(problems);

        let wanted = indices.len();
        let indices: Vec<usize> = indices
            .into_iter()
            .filter(|&index| files[index].model.is_some())
            .collect();
        let mut models = Vec::with_capacity(wanted);
        let mut decoded = Vec::with_capacity(wanted);
        for index in indices {
            let file = &mut files[index];
            let model = match file.model.take() {
                Some(Model::Fresh(model)) => Some(*model),
                Some(Model::Encoded(encoded)) => encoded.decode(),
                Some(Model::Outlined { .. }) | None => None,
            };
            match model {
                Some(model) => {
                    models.push(model);
                    decoded.push(index);
                }
                None => {
                    let message = format!(
                        "the cached analysis of `{}` does not decode; run with `--no-cache`",
                        file.display
                    );
                    file.findings.push(internal_error(message.clone()));
                    internal_errors.push(message);
                }
            }
        }
        let complete = decoded.len() == wanted;
        let indices = decoded;
        // The dependency packages the models call into, and their summaries.
        let mut calls: Vec<String> = models
            .iter()
            .flat_map(|model| model.named_crates())
            .filter(|name| unit.dep_packages.iter().any(|(dep, _)| dep == name))
            .map(str::to_string)
            .collect();
        calls.sort();
        calls.dedup();
        let called = self.called_summaries(unit, named, calls.iter().map(String::as_str));
        let cache = check_key(&called);
        let all_deps: Vec<&Summary> = deps.iter().chain(&called).collect();
        let summaries: Vec<&CrateSummary> = all_deps.iter().map(|dep| &*dep.summary).collect();
        let checked = isolate::catch(|| {
            isolate::injected("check", &unit.info.name);
            lints::check_crate(&unit.info, &models, &summaries, self.levels)
        });
        match checked {
            Ok(check) => {
                if let (Some((cache, key)), true) = (cache, complete) {
                    cache.store_findings(key, &check.diagnostics, check.summary.as_ref());
                    if let Some((cache, key)) = calls_key {
                        cache.store_calls(key, &calls);
                    }
                }
                for (index, findings) in indices.into_iter().zip(check.diagnostics) {
                    files[index].findings.extend(findings);
                }
                // A summary from a check that missed files would tell dependents less.
                check.summary.filter(|_| complete)
            }
            Err(panic) => {
                let message = format!(
                    "checking the crate `{}` ({}) panicked: {panic}",
                    unit.info.name,
                    paths::display(self.base, &unit.root),
                );
                self.salvage(unit, files, indices, models, &message, skipped);
                internal_errors.push(message);
                None
            }
        }
    }

    /// Analyses in full a file that was outlined, for the crate's check; its `mod` items were
    /// followed already. An error when the file can no longer be read or its analysis panics.
    fn analyse_outlined(
        &self,
        unit: &CrateUnit,
        file: &mut AnalysedFile,
        module_path: &[String],
    ) -> Result<(), String> {
        let text = read_source(&file.path, &file.display).map_err(|_| {
            format!(
                "`{}` could not be read again to analyse it; it was not linted",
                file.display
            )
        })?;
        let analysis = analyse_text(&unit.info, file, module_path, &text)
            .map_err(|panic| format!("analysing `{}` panicked: {panic}", file.display))?;
        let runtime_code = analysis.model.has_runtime_code();
        if let (Some(cache), Some(key)) = (self.cache, file.key) {
            cache.store(key, &analysis, runtime_code, None);
        }
        file.model = Some(Model::Fresh(Box::new(analysis.model)));
        Ok(())
    }

    /// After checking a crate panicked: checks each file on its own to keep what it shows
    /// alone, and reports the failure on the crate's root (or the first reported file).
    fn salvage(
        &self,
        unit: &CrateUnit,
        files: &mut [AnalysedFile],
        indices: Vec<usize>,
        models: Vec<FileModel>,
        message: &str,
        skipped: &mut Vec<(String, String)>,
    ) {
        let carrier = files
            .iter()
            .position(|file| file.path == unit.root && file.reported)
            .or_else(|| files.iter().position(|file| file.reported));
        for (index, model) in indices.into_iter().zip(models) {
            let file = &mut files[index];
            let alone = isolate::catch(|| {
                isolate::injected("check", &unit.info.name);
                lints::check_crate(&unit.info, std::slice::from_ref(&model), &[], self.levels)
                    .diagnostics
            });
            match alone {
                Ok(per_file) => file.findings.extend(per_file.into_iter().flatten()),
                Err(_) if Some(index) != carrier => file.findings.push(internal_error(format!(
                    "{message}; this file was not linted"
                ))),
                Err(_) => {}
            }
            if file.reported {
                skipped.push((
                    file.display.clone(),
                    "the crate's analysis failed (internal error)".to_string(),
                ));
            }
        }
        if let Some(carrier) = carrier {
            files[carrier]
                .findings
                .push(internal_error(message.to_string()));
        }
    }

    fn is_reported(&self, identity: &FileId) -> bool {
        self.selected
            .is_none_or(|selected| selected.contains(identity))
    }
}

impl<'a> Crawl<'a> {
    fn spawn<'scope>(&'scope self, scope: &rayon::Scope<'scope>, job: FileJob, identity: FileId)
    where
        'a: 'scope,
    {
        scope.spawn(move |scope| {
            let (mut file, modules) = self.analyse(&job, identity);
            if self.unit.follow_modules {
                for decl in &modules {
                    match resolve_module(&job, decl) {
                        Ok(child) => {
                            let identity = paths::identity(&child.path);
                            let first_visit = self
                                .seen
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .insert(identity.clone());
                            // A file reached twice (`#[path]` cycles, shared modules) is
                            // analysed once.
                            if first_visit {
                                self.spawn(scope, child, identity);
                            }
                        }
                        Err(problem) => file
                            .findings
                            .push(problem.diagnostic(decl, self.context.base)),
                    }
                }
            }
            self.done
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(file);
        });
    }

    /// Whether a file that the root of a test, example or bench declares as a module has a
    /// trigger word: then the root is analysed at once rather than outlined first and parsed
    /// again once that module turns up (a test's `mod common;` that uses tokio). Only a look
    /// ahead: files not found here are still crawled as the root's `mod` items say. Libraries
    /// and binaries are not looked at: those without a watched dependency seldom have runtime
    /// code, and reading their modules twice would cost more than it saves.
    fn modules_have_triggers(&self, root: &FileJob, text: &str) -> bool {
        if !matches!(
            self.unit.info.kind,
            CrateKind::Test | CrateKind::Example | CrateKind::Bench
        ) {
            return false;
        }
        lints::declared_modules(text).into_iter().any(|name| {
            let decl = ModDecl {
                name: name.to_string(),
                path_attr: None,
                inline_parents: Vec::new(),
                range: 0..0,
            };
            resolve_module(root, &decl).is_ok_and(|module| {
                read_regular_file(&module.path).is_ok_and(|bytes| {
                    std::str::from_utf8(&bytes).is_ok_and(|text| self.triggers.found_in(text))
                })
            })
        })
    }

    /// Lists a reported file as skipped.
    fn skip(&self, file: &AnalysedFile, reason: &str) {
        if file.reported {
            self.skipped
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((file.display.clone(), reason.to_string()));
        }
    }

    /// Reads and analyses one file on this thread.
    fn analyse(&self, job: &FileJob, identity: FileId) -> (AnalysedFile, Vec<ModDecl>) {
        let display = paths::display(self.context.base, &job.path);
        let mut reported = self.unit.reported && self.context.is_reported(&identity);
        if reported && self.unit.settings.is_excluded(&job.path) {
            reported = false;
            let origin = self
                .unit
                .settings
                .config
                .source
                .as_ref()
                .map_or_else(String::new, |source| {
                    format!(" in `{}`", paths::display(self.context.base, source))
                });
            self.skipped
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((display.clone(), format!("matches `exclude`{origin}")));
        }
        let mut file = AnalysedFile {
            reported,
            identity,
            path: job.path.clone(),
            source: None,
            model: None,
            key: None,
            findings: Vec::new(),
            display,
            suppressions: FileSuppressions::default(),
            cargo: self.unit.cargo.clone(),
        };
        let text = match read_source(&job.path, &file.display) {
            Ok(text) => text,
            Err(unreadable) => {
                self.skip(&file, unreadable.reason);
                file.source = unreadable.lossy_text;
                file.findings.push(unreadable.diagnostic);
                return (file, Vec::new());
            }
        };

        if let Some(words) = &self.dependency_words {
            let found = words.found_in(&text);
            if !found.is_empty() {
                let mut named = lock(&self.named_dependencies);
                named.extend(found.into_iter().map(|at| self.unit.dep_packages[at].1));
            }
        }
        let cache = self.context.cache.zip(self.cache_key);
        let key =
            cache.map(|(cache, krate)| cache.key(krate, &file.display, &job.module_path, &text));
        file.key = key;
        let full = self.triggered.load(Ordering::Relaxed)
            || self.triggers.found_in(&text)
            || (job.module_path.is_empty() && self.modules_have_triggers(job, &text));
        if full {
            self.triggered.store(true, Ordering::Relaxed);
        }
        let cached = cache.zip(key).and_then(|((cache, _), key)| cache.load(key));
        let analysed = match cached {
            Some(cached) if cached.model.is_some() || !full => Ok(Analysed {
                model: match cached.model {
                    Some(encoded) => Model::Encoded(encoded),
                    None => Model::Outlined {
                        module_path: job.module_path.clone(),
                    },
                },
                modules: cached.modules,
                diagnostics: cached.diagnostics,
                allows: cached.allows,
                runtime_code: cached.runtime_code,
            }),
            _ if !full => self.outline(&file, job, &text, key),
            _ => self.analyse_fully(&file, &job.module_path, &text, key),
        };

        let mut allows = Vec::new();
        let modules = match analysed {
            Ok(Analysed {
                model,
                modules,
                diagnostics,
                allows: attr_allows,
                runtime_code,
            }) => {
                if runtime_code {
                    self.runtime_code.store(true, Ordering::Relaxed);
                }
                let reason = diagnostics.iter().find_map(|d| match d.code {
                    SYNTAX_ERROR => Some("does not parse"),
                    NESTING_TOO_DEEP => Some("nests too deeply to parse safely"),
                    _ => None,
                });
                if let Some(reason) = reason {
                    self.skip(&file, reason);
                }
                file.model = Some(model);
                file.findings = diagnostics;
                allows = attr_allows;
                modules
            }
            Err(panic) => {
                let message = format!("analysing `{}` panicked: {panic}", file.display);
                file.findings.push(internal_error(message.clone()));
                self.skip(&file, "the analysis failed (internal error)");
                self.internal_errors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(message);
                Vec::new()
            }
        };
        if file.reported {
            file.suppressions = FileSuppressions::from_comments(&text);
            file.suppressions.add_attributes(&allows);
            // Suppressions are applied with the text; otherwise it is read again only if the
            // crate's check finds something, so that a crate's texts are not all held at once.
            if !file.suppressions.is_empty() || !file.findings.is_empty() {
                file.source = Some(text);
            }
        }
        (file, modules)
    }

    /// Outlines a file of a crate in which no trigger word has been seen so far.
    fn outline(
        &self,
        file: &AnalysedFile,
        job: &FileJob,
        text: &str,
        key: Option<Key>,
    ) -> Result<Analysed, String> {
        let outlines = &self.context.outlines;
        let known = outlines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&file.identity)
            .filter(|(len, _)| *len == text.len())
            .map(|(_, outline)| outline.clone());
        let outline = match known {
            Some(outline) => outline,
            None => {
                let _turn = LargeFileTurn::wait(text);
                let file_name = job.path.file_name().unwrap_or_default().to_string_lossy();
                let outline = isolate::catch(|| {
                    isolate::injected("analyze", &file_name);
                    lints::outline_file(FileInput {
                        path: &file.display,
                        source: text,
                        module_path: &job.module_path,
                    })
                });
                proc_macro2::extra::invalidate_current_thread_spans();
                let outline = outline?;
                outlines
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(file.identity.clone(), (text.len(), outline.clone()));
                outline
            }
        };
        if let (Some(cache), Some(key)) = (self.context.cache, key) {
            cache.store_outline(key, &outline);
        }
        Ok(Analysed {
            model: Model::Outlined {
                module_path: job.module_path.clone(),
            },
            modules: outline.modules,
            diagnostics: outline.diagnostics,
            allows: Vec::new(),
            runtime_code: false,
        })
    }

    /// Parses a file and builds its model.
    fn analyse_fully(
        &self,
        file: &AnalysedFile,
        module_path: &[String],
        text: &str,
        key: Option<Key>,
    ) -> Result<Analysed, String> {
        // A crate's root is its own; its modules may be another crate's too.
        let shared = self
            .crate_seen
            .filter(|_| !module_path.is_empty())
            .map(|crate_seen| cache::file_hash(crate_seen, &file.display, module_path, text));
        let known = shared.and_then(|key| self.context.shared.get(key));
        let analysis = match known {
            Some(analysis) => analysis,
            None => {
                let analysis = analyse_text(&self.unit.info, file, module_path, text)?;
                if let Some(key) = shared {
                    self.context.shared.insert(key, &analysis);
                }
                analysis
            }
        };
        let allows = analysis.model.allows.clone();
        let runtime_code = analysis.model.has_runtime_code();
        // Held encoded (a fraction of the size) until the crate turns out to need it: whole
        // crates without runtime code are never decoded. Once the crate is known to be
        // checked, or almost sure to be, encoding would only cost time.
        let checked =
            runtime_code || self.runtime_expected || self.runtime_code.load(Ordering::Relaxed);
        let model = match checked {
            true => None,
            false => EncodedModel::encode(&analysis.model),
        };
        if let (Some(cache), Some(key)) = (self.context.cache, key) {
            cache.store(key, &analysis, runtime_code, model.as_ref());
        }
        let model = match model {
            Some(encoded) => Model::Encoded(encoded),
            None => Model::Fresh(Box::new(analysis.model)),
        };
        Ok(Analysed {
            model,
            modules: analysis.modules,
            diagnostics: analysis.diagnostics,
            allows,
            runtime_code,
        })
    }
}

/// What the analysis of one file gives the crawl.
struct Analysed {
    model: Model,
    modules: Vec<ModDecl>,
    diagnostics: Vec<Diagnostic>,
    allows: Vec<AttrAllow>,
    runtime_code: bool,
}

/// Parses a file and builds its model on this thread, catching a panic.
fn analyse_text(
    info: &CrateInfo,
    file: &AnalysedFile,
    module_path: &[String],
    text: &str,
) -> Result<lints::FileAnalysis, String> {
    let _turn = LargeFileTurn::wait(text);
    let file_name = file.path.file_name().unwrap_or_default().to_string_lossy();
    let analysis = isolate::catch(|| {
        isolate::injected("analyze", &file_name);
        lints::analyze_file(
            info,
            FileInput {
                path: &file.display,
                source: text,
                module_path,
            },
        )
    });
    // The syn tree is gone; free the thread's span table before the next file.
    proc_macro2::extra::invalidate_current_thread_spans();
    analysis
}

/// Gives a reported file's findings their levels (configuration, overrides, command line),
/// applies its suppressions and reports the unused ones.
fn finalize(file: &mut AnalysedFile, settings: &Settings) {
    let levels = settings.levels_for(&file.path);
    for finding in &mut file.findings {
        if let Some(lint) = find_any_lint(finding.code) {
            // Checked at deny level: a finding below it was capped for being uncertain.
            let uncertain = finding.level < Level::Deny;
            finding.level = levels.effective(lint, uncertain);
        }
    }
    if !file.suppressions.is_empty() {
        let text = file.source.as_deref().unwrap_or("");
        let lines = LineIndex::new(text);
        file.suppressions
            .apply(&mut file.findings, &levels, |offset| {
                lines.line_col(text, offset).0
            });
    }
    file.findings
        .retain(|finding| finding.level != Level::Allow);
}

struct Unreadable {
    diagnostic: Diagnostic,
    /// Why the file is skipped, as `-v` says it.
    reason: &'static str,
    /// For a file that is not UTF-8: its text with invalid bytes replaced, to show where.
    lossy_text: Option<String>,
}

/// The file's text as the lints see it: UTF-8 with any byte-order mark removed, as rustc
/// removes it (syn strips it too, so ranges would otherwise be off by three bytes).
fn read_source(path: &Path, display: &str) -> Result<String, Box<Unreadable>> {
    // While `--fix` works, the files it changed are read as it left them.
    if let Some(text) = crate::fix::overlay_text(path) {
        return Ok(text);
    }
    let unreadable = |reason: String| {
        Box::new(Unreadable {
            diagnostic: Diagnostic::new(
                IO_ERROR,
                Level::Deny,
                format!("cannot read `{display}`: {reason}"),
                Label::new(0..0, ""),
            )
            .with_note("the file was not linted"),
            reason: "cannot be read",
            lossy_text: None,
        })
    };
    let bytes = read_regular_file(path).map_err(unreadable)?;
    // A NUL byte near the start makes a file binary, as git decides it: it is not quoted, as its
    // bytes would garble the terminal.
    if let Some(nul) = bytes.iter().take(BINARY_PROBE).position(|&byte| byte == 0) {
        return Err(Box::new(Unreadable {
            diagnostic: Diagnostic::new(
                IO_ERROR,
                Level::Deny,
                format!("`{display}` is not a text file"),
                Label::new(0..0, ""),
            )
            .with_note(format!("it holds a NUL byte at byte {}", nul + 1))
            .with_note("the file was not linted"),
            reason: "not a text file",
            lossy_text: None,
        }));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            // The lossy text matches the file up to the first invalid byte, which became U+FFFD.
            let marker = valid..valid + char::REPLACEMENT_CHARACTER.len_utf8();
            Err(Box::new(Unreadable {
                diagnostic: Diagnostic::new(
                    IO_ERROR,
                    Level::Deny,
                    format!("`{display}` is not valid UTF-8"),
                    Label::new(marker, "invalid byte"),
                )
                .with_note("the file was not linted"),
                reason: "not valid UTF-8",
                lossy_text: Some(lossy),
            }))
        }
    }
}

/// How much of a file is looked at for a NUL byte, as git does.
const BINARY_PROBE: usize = 8000;

/// Files larger than this are not read: no source file is, and `/dev/zero` never ends.
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// The bytes of a regular file. A FIFO or a device named on the command line (or as a module's
/// `#[path]`) would block or never end, so only regular files are read, and at most
/// [`MAX_FILE_SIZE`] bytes of them.
fn read_regular_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let too_large = || {
        format!(
            "the file is larger than {} MiB",
            MAX_FILE_SIZE / 1024 / 1024
        )
    };
    // Checked before opening: opening a FIFO blocks until something writes to it.
    if !std::fs::metadata(path)
        .map_err(|err| err.to_string())?
        .is_file()
    {
        return Err("not a regular file".to_string());
    }
    let file = std::fs::File::open(path).map_err(|err| err.to_string())?;
    let size = file.metadata().map_err(|err| err.to_string())?.len();
    if size > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| err.to_string())?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large());
    }
    Ok(bytes)
}

enum ModuleProblem {
    NotFound { candidates: Vec<PathBuf> },
    Ambiguous { both: [PathBuf; 2] },
}

impl ModuleProblem {
    fn diagnostic(&self, decl: &ModDecl, base: &Path) -> Diagnostic {
        let name = module_name(&decl.name);
        let shown = |path: &PathBuf| format!("`{}`", paths::display(base, path));
        match self {
            ModuleProblem::NotFound { candidates } => {
                // Certain, as every finding is before levels apply: at warn by default.
                let diagnostic = Diagnostic::new(
                    UNRESOLVED_MODULE,
                    Level::Deny,
                    format!("file not found for module `{name}`"),
                    Label::new(decl.range.clone(), ""),
                );
                let files: Vec<String> = candidates.iter().map(shown).collect();
                let help = if decl.path_attr.is_some() {
                    format!("the `#[path]` attribute points to {}", files.join(" and "))
                } else {
                    format!(
                        "to create the module `{name}`, create file {}",
                        files.join(" or ")
                    )
                };
                diagnostic
                    .with_help(help)
                    .with_note("the module's code was not linted")
            }
            ModuleProblem::Ambiguous { both } => Diagnostic::new(
                UNRESOLVED_MODULE,
                Level::Deny,
                format!(
                    "file for module `{name}` found at both {} and {}",
                    shown(&both[0]),
                    shown(&both[1])
                ),
                Label::new(decl.range.clone(), ""),
            )
            .with_help("delete or rename one of them to remove the ambiguity")
            .with_note("the module's code was not linted"),
        }
    }
}

/// A raw identifier names its file without `r#`: `mod r#async;` is `async.rs`.
fn module_name(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Finds the file of `mod name;` declared in `parent`'s file, as rustc does
/// (`rustc_expand::module`): `#[path]` is relative to the declaring file's directory and the
/// file it names owns its own directory; otherwise `name.rs` (owning `name/`) or
/// `name/mod.rs`, under the directories of any inline modules around the item.
fn resolve_module(parent: &FileJob, decl: &ModDecl) -> Result<FileJob, ModuleProblem> {
    let mut dir = parent.dir.clone();
    let mut relative = parent.relative.clone();
    let mut module_path = parent.module_path.clone();
    for (inline, path_attr) in &decl.inline_parents {
        match path_attr {
            // On an inline module, `#[path]` names the directory.
            Some(path) => {
                dir.push(path);
                relative = None;
            }
            None => {
                if let Some(owner) = relative.take() {
                    dir.push(owner);
                }
                dir.push(module_name(inline));
            }
        }
        module_path.push(module_name(inline).to_string());
    }
    let name = module_name(&decl.name);
    module_path.push(name.to_string());

    if let Some(path) = &decl.path_attr {
        let file = paths::absolute(&dir, Path::new(path));
        if !file.is_file() {
            return Err(ModuleProblem::NotFound {
                candidates: vec![file],
            });
        }
        return Ok(FileJob {
            dir: file.parent().unwrap_or(Path::new("")).to_path_buf(),
            path: file,
            module_path,
            relative: None,
        });
    }

    let mut base = dir;
    if let Some(owner) = relative {
        base.push(owner);
    }
    let flat = base.join(format!("{name}.rs"));
    let nested = base.join(name).join("mod.rs");
    match (flat.is_file(), nested.is_file()) {
        (true, false) => Ok(FileJob {
            path: flat,
            module_path,
            dir: base,
            relative: Some(name.to_string()),
        }),
        (false, true) => Ok(FileJob {
            dir: base.join(name),
            path: nested,
            module_path,
            relative: None,
        }),
        (false, false) => Err(ModuleProblem::NotFound {
            candidates: vec![flat, nested],
        }),
        (true, true) => Err(ModuleProblem::Ambiguous {
            both: [flat, nested],
        }),
    }
}

/// A failure of the analysis, reported against the file it happened in.
fn internal_error(message: String) -> Diagnostic {
    Diagnostic::new(INTERNAL_ERROR, Level::Deny, message, Label::new(0..0, ""))
        .with_note("the file's findings may be incomplete")
        .with_help(REPORT_IT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn decl(name: &str, path_attr: Option<&str>, parents: &[(&str, Option<&str>)]) -> ModDecl {
        ModDecl {
            name: name.to_string(),
            path_attr: path_attr.map(str::to_string),
            inline_parents: parents
                .iter()
                .map(|(name, path)| (name.to_string(), path.map(str::to_string)))
                .collect(),
            range: 0..0,
        }
    }

    /// A crate laid out in a temp dir, and its root's job.
    fn layout(files: &[&str]) -> (tempfile::TempDir, FileJob) {
        let tmp = tempfile::tempdir().unwrap();
        for file in files {
            let path = tmp.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "").unwrap();
        }
        let src = tmp.path().join("src");
        let root = FileJob {
            path: src.join("lib.rs"),
            module_path: Vec::new(),
            dir: src,
            relative: None,
        };
        (tmp, root)
    }

    fn resolved(parent: &FileJob, decl: &ModDecl, base: &Path) -> (String, Vec<String>) {
        match resolve_module(parent, decl) {
            Ok(job) => (
                job.path.strip_prefix(base).unwrap().display().to_string(),
                job.module_path,
            ),
            Err(_) => panic!("`{}` did not resolve", decl.name),
        }
    }

    #[test]
    fn modules_resolve_as_rustc_finds_them() {
        let (tmp, root) = layout(&[
            "src/lib.rs",
            "src/net.rs",
            "src/net/tcp.rs",
            "src/net/udp/mod.rs",
            "src/net/udp/frame.rs",
            "src/net/inline/c.rs",
            "src/net/inline/other.rs",
            "src/x.rs",
            "src/gen/codes.rs",
            "src/gen/table.rs",
            "src/a/b.rs",
            "src/thing/b.rs",
            "src/async.rs",
        ]);
        let base = tmp.path();
        let path = |p: &str| p.to_string();
        let module = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();

        // `foo.rs` owns the directory `foo/`.
        let net = resolve_module(&root, &decl("net", None, &[])).ok().unwrap();
        assert_eq!(
            resolved(&net, &decl("tcp", None, &[]), base),
            (path("src/net/tcp.rs"), module(&["net", "tcp"]))
        );
        // `foo/mod.rs` and its siblings.
        let udp = resolve_module(&net, &decl("udp", None, &[])).ok().unwrap();
        assert_eq!(udp.path, base.join("src/net/udp/mod.rs"));
        assert_eq!(
            resolved(&udp, &decl("frame", None, &[]), base),
            (
                path("src/net/udp/frame.rs"),
                module(&["net", "udp", "frame"])
            )
        );
        // `#[path]` outside inline modules is relative to the declaring file's directory, and
        // the file it names declares its modules beside itself.
        assert_eq!(
            resolved(&net, &decl("x", Some("x.rs"), &[]), base),
            (path("src/x.rs"), module(&["net", "x"]))
        );
        let codes = resolve_module(&root, &decl("codes", Some("gen/codes.rs"), &[]))
            .ok()
            .unwrap();
        assert_eq!(
            resolved(&codes, &decl("table", None, &[]), base),
            (path("src/gen/table.rs"), module(&["codes", "table"]))
        );
        // Inline modules add directories, after the owner's directory of a non-mod.rs file.
        assert_eq!(
            resolved(&root, &decl("b", None, &[("a", None)]), base),
            (path("src/a/b.rs"), module(&["a", "b"]))
        );
        assert_eq!(
            resolved(&net, &decl("c", None, &[("inline", None)]), base),
            (path("src/net/inline/c.rs"), module(&["net", "inline", "c"]))
        );
        assert_eq!(
            resolved(
                &net,
                &decl("inner", Some("other.rs"), &[("inline", None)]),
                base
            ),
            (
                path("src/net/inline/other.rs"),
                module(&["net", "inline", "inner"])
            )
        );
        // `#[path]` on an inline module names its directory.
        assert_eq!(
            resolved(&root, &decl("b", None, &[("a", Some("thing"))]), base),
            (path("src/thing/b.rs"), module(&["a", "b"]))
        );
        assert_eq!(
            resolved(&root, &decl("r#async", None, &[]), base),
            (path("src/async.rs"), module(&["async"]))
        );
    }

    #[test]
    fn missing_and_ambiguous_modules_are_reported_not_followed() {
        let (tmp, root) = layout(&["src/lib.rs", "src/both.rs", "src/both/mod.rs"]);
        let base = tmp.path();
        let missing = decl("missing", None, &[]);
        let Err(problem) = resolve_module(&root, &missing) else {
            panic!("a missing module resolved");
        };
        let diagnostic = problem.diagnostic(&missing, base);
        assert_eq!(diagnostic.code, UNRESOLVED_MODULE);
        // Levels apply later; the lint is at warn by default.
        assert_eq!(diagnostic.level, Level::Deny);
        assert_eq!(diagnostic.message, "file not found for module `missing`");
        assert_eq!(
            diagnostic.help,
            ["to create the module `missing`, create file `src/missing.rs` or `src/missing/mod.rs`"]
        );

        let pointed = decl("gone", Some("gen/gone.rs"), &[]);
        let Err(problem) = resolve_module(&root, &pointed) else {
            panic!("a missing #[path] file resolved");
        };
        assert_eq!(
            problem.diagnostic(&pointed, base).help,
            ["the `#[path]` attribute points to `src/gen/gone.rs`"]
        );

        let both = decl("both", None, &[]);
        let Err(problem) = resolve_module(&root, &both) else {
            panic!("an ambiguous module resolved");
        };
        assert_eq!(
            problem.diagnostic(&both, base).message,
            "file for module `both` found at both `src/both.rs` and `src/both/mod.rs`"
        );
    }

    #[test]
    fn ranges_are_fitted_to_the_text() {
        let text = "é = 1;";
        let mut range = 1..99;
        fit(&mut range, text);
        assert_eq!(range, 0..text.len());
        // A reversed range from a lint must not panic either.
        let mut range = Range { start: 5, end: 2 };
        fit(&mut range, text);
        assert_eq!(range, 5..5);
        let mut range = 0..1;
        fit(&mut range, "");
        assert_eq!(range, 0..0);
    }

    #[test]
    fn byte_order_mark_is_removed_and_invalid_utf8_located() {
        let tmp = tempfile::tempdir().unwrap();
        let bom = tmp.path().join("bom.rs");
        fs::write(&bom, "\u{feff}fn main() {}\n").unwrap();
        assert_eq!(read_source(&bom, "bom.rs").ok().unwrap(), "fn main() {}\n");

        let latin1 = tmp.path().join("latin1.rs");
        fs::write(&latin1, b"// caf\xe9\nfn main() {}\n").unwrap();
        let Err(unreadable) = read_source(&latin1, "latin1.rs") else {
            panic!("invalid UTF-8 was read");
        };
        assert_eq!(unreadable.diagnostic.code, IO_ERROR);
        assert_eq!(
            unreadable.diagnostic.message,
            "`latin1.rs` is not valid UTF-8"
        );
        let lossy = unreadable.lossy_text.unwrap();
        assert_eq!(
            &lossy[unreadable.diagnostic.primary.range.clone()],
            "\u{fffd}"
        );

        let Err(unreadable) = read_source(&tmp.path().join("absent.rs"), "absent.rs") else {
            panic!("a missing file was read");
        };
        assert!(unreadable
            .diagnostic
            .message
            .starts_with("cannot read `absent.rs`: "));
    }
}
