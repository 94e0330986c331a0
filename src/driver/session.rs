//! A session: the analysis held in memory between runs, for an editor.
//!
//! [`Session::start`] runs the plan as the command line does ([`lint_with`](super::lint_with),
//! with the same cache and prefilter), so the first findings cost what a run costs. It keeps
//! which files each crate reached and which libraries each crate is checked with. A crate is
//! then made *hot* when one of its files is opened or changed: its files are analysed again
//! (from the cache when it has them) and their models held decoded, with what checking the
//! crate found in each file and, for a library, its summary. Before a crate is made hot, the
//! libraries it needs are.
//!
//! A buffer's text stands for its file ([`Session::set_text`]); [`Session::update`] then
//! analyses only the files whose text changed, checks again only their crates, and, when a
//! library's summary changed, the crates checked with it, in dependency order. A file whose
//! `mod` items changed makes its crate's module tree be followed again (other files' analyses
//! are kept). Only files whose findings changed are returned.
//!
//! Findings are made as [`lint_with`](super::lint_with) makes them: the same analysis and
//! check per crate, the same levels and suppressions ([`finalize`]), the same merging of a file
//! reached by several crates and tidying ([`tidy`]); `tests/lsp.rs` and the tests below hold
//! the two to the same results.

use super::{
    analyse_text, dependency_summaries, finalize, internal_error, lint_with, read_source,
    resolve_module, tidy, AnalysedFile, FileJob, ReportedFile, Summary,
};
use crate::cache::{self, Cache, CrateKey};
use crate::discover::{CargoTarget, CrateUnit, Plan};
use crate::fix::Overlay;
use crate::isolate;
use crate::paths::{self, FileId};
use crate::suppress::FileSuppressions;
use appstract_lints::model::AttrAllow;
use appstract_lints::{
    self as lints, CrateInfo, CrateSummary, Diagnostic, FileModel, Level, LintLevels, ModDecl,
    LINTS,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use xxhash_rust::xxh3::xxh3_128;

/// A file's findings, ready to show.
#[derive(Debug, Clone)]
pub struct FileFindings {
    pub path: PathBuf,
    /// The path as shown in messages.
    pub display: String,
    /// The text the findings' byte ranges point into (`None` for a manifest or directory that
    /// could not be read, or when there are no findings).
    pub text: Option<Arc<str>>,
    /// Sorted by position; empty when the file has none (any more).
    pub findings: Vec<Diagnostic>,
}

/// The analysis of a workspace held in memory. See the module's documentation.
pub struct Session {
    plan: Plan,
    cache: Option<Cache>,
    prefilter: bool,
    /// Every lint at deny level, as [`lint_with`](super::lint_with) checks crates.
    levels: LintLevels,
    selected: Option<HashSet<FileId>>,
    /// The plan's crates, then a crate of its own for each selected file none reached.
    units: Vec<CrateUnit>,
    /// The files each crate reached, by [`key`].
    members: Vec<Vec<PathBuf>>,
    crates_of: HashMap<PathBuf, Vec<usize>>,
    /// The libraries each crate is checked with, in the order of its `needs` (repeated when
    /// the crate names a library twice, as the driver passes it).
    needs: Vec<Vec<usize>>,
    dependents: Vec<Vec<usize>>,
    /// A topological order of the crates: libraries before the crates checked with them.
    rank: Vec<usize>,
    hot: HashMap<usize, HotCrate>,
    /// Buffers that stand for files, by [`key`].
    texts: HashMap<PathBuf, Arc<str>>,
    /// Files whose text changed since the last [`Session::update`].
    dirty: BTreeSet<PathBuf>,
    /// Files whose findings may have changed since they were last returned.
    stale: BTreeSet<PathBuf>,
    /// What was last returned for each file with findings, by [`key`].
    shown: HashMap<PathBuf, Shown>,
    /// The summaries of the dependency graph's packages made so far, by package (`None`:
    /// the package has none): from the full run, then as edits call into more packages.
    dependency_summaries: HashMap<usize, Option<Summary>>,
}

struct Shown {
    /// The hash of the text the findings point into; 0 when not known.
    hash: u128,
    findings: Vec<Diagnostic>,
}

struct HotCrate {
    /// The crate as its files were analysed (with its summarized dependencies).
    info: CrateInfo,
    /// Sorted by path, as the driver checks them.
    files: Vec<HotFile>,
    summary: Option<Summary>,
}

struct HotFile {
    key: PathBuf,
    job: FileJob,
    display: String,
    reported: bool,
    /// The text read or given (lossy for a file that is not UTF-8), held only for a buffer,
    /// a file with suppressions and a file the analysis reports on; read again when needed.
    text: Option<Arc<str>>,
    /// Whether the file could be read.
    readable: bool,
    /// 0 when unreadable.
    hash: u128,
    /// For a reported file: its suppression comments and attributes.
    suppressions: FileSuppressions,
    modules: Vec<ModDecl>,
    /// The analysis's own findings (syntax errors, unreadable file, internal error).
    own: Vec<Diagnostic>,
    /// Its `mod` items whose files are missing or ambiguous.
    module_problems: Vec<Diagnostic>,
    allows: Vec<AttrAllow>,
    runtime_code: bool,
    model: Option<FileModel>,
    /// What checking the crate found in it.
    checked: Vec<Diagnostic>,
    cargo: Arc<CargoTarget>,
}

/// The key files are known by in a session: the canonical path, which stays when an editor
/// saves by writing a new file and renaming it (the inode changes).
pub fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Session {
    /// Runs `plan` in full, with `texts` standing for their files; returns the session and the
    /// findings of every reported file (those without findings too).
    pub fn start(
        plan: Plan,
        cache: Option<Cache>,
        prefilter: bool,
        texts: HashMap<PathBuf, Arc<str>>,
    ) -> (Session, Vec<FileFindings>) {
        let mut levels = LintLevels::default();
        for lint in LINTS {
            levels.set(lint, Level::Deny);
        }
        let mut session = Session {
            plan,
            cache,
            prefilter,
            levels,
            selected: None,
            units: Vec::new(),
            members: Vec::new(),
            crates_of: HashMap::new(),
            needs: Vec::new(),
            dependents: Vec::new(),
            rank: Vec::new(),
            hot: HashMap::new(),
            texts: texts
                .into_iter()
                .map(|(path, text)| (key(&path), text))
                .collect(),
            dirty: BTreeSet::new(),
            stale: BTreeSet::new(),
            shown: HashMap::new(),
            dependency_summaries: HashMap::new(),
        };
        let findings = session.full_run();
        (session, findings)
    }

    /// Replaces the plan (after the manifests or the configuration changed) and runs it in
    /// full; returns every reported file's findings, and an empty list for each file shown
    /// before that has none now.
    pub fn restart(&mut self, plan: Plan) -> Vec<FileFindings> {
        self.plan = plan;
        self.full_run()
    }

    /// The plan the session runs.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Lets `text` stand for the file at `path` (`None`: the file on disk again). Nothing is
    /// analysed until [`Session::update`].
    pub fn set_text(&mut self, path: &Path, text: Option<Arc<str>>) {
        let key = key(path);
        match text {
            Some(text) => {
                self.texts.insert(key.clone(), text);
            }
            None => {
                self.texts.remove(&key);
            }
        }
        self.dirty.insert(key);
    }

    /// Marks a file as changed on disk.
    pub fn touch(&mut self, path: &Path) {
        self.dirty.insert(key(path));
    }

    /// Whether some crate reaches the file.
    pub fn knows(&self, path: &Path) -> bool {
        self.crates_of
            .get(&key(path))
            .is_some_and(|crates| !crates.is_empty())
    }

    /// How many crates are held in memory.
    pub fn hot_crates(&self) -> usize {
        self.hot.len()
    }

    /// Makes the crates of the file hot, with the libraries they need and the crates checked
    /// with them, so that its next change is checked from memory. Returns the files whose
    /// findings differ from those returned before (a buffer opened with unsaved changes).
    pub fn prepare(&mut self, path: &Path) -> Vec<FileFindings> {
        let key = key(path);
        for index in self.crates_of.get(&key).cloned().unwrap_or_default() {
            self.hydrate(index);
        }
        if !self.dirty.is_empty() {
            return self.update();
        }
        self.refresh_stale(&BTreeSet::new())
    }

    /// Keeps in memory only the crates needed for the files `open` (as [`Session::prepare`]
    /// makes them hot), and lets the others go.
    pub fn retain(&mut self, open: &[PathBuf]) {
        let mut keep = HashSet::new();
        for path in open {
            for &index in self.crates_of.get(&key(path)).into_iter().flatten() {
                self.needed(index, &mut keep);
                for &dependent in &self.dependents[index] {
                    self.needed(dependent, &mut keep);
                }
            }
        }
        self.hot.retain(|index, _| keep.contains(index));
    }

    fn needed(&self, index: usize, keep: &mut HashSet<usize>) {
        if keep.insert(index) {
            for &need in &self.needs[index] {
                self.needed(need, keep);
            }
        }
    }

    /// Analyses the files changed since the last update and checks again what depends on
    /// them; returns the files whose findings changed, and every changed file that a crate
    /// reports (its findings now point into its new text).
    pub fn update(&mut self) -> Vec<FileFindings> {
        let dirty = std::mem::take(&mut self.dirty);
        let mut work: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut recrawl: HashSet<usize> = HashSet::new();
        // Crates made hot just now: what they tell the crates checked with them may have
        // changed since those were checked.
        let mut fresh: HashSet<usize> = HashSet::new();
        for file in &dirty {
            for index in self.crates_of.get(file).cloned().unwrap_or_default() {
                if self.hydrate(index) {
                    fresh.insert(index);
                }
                if self.reanalyse(index, file) {
                    recrawl.insert(index);
                }
                work.insert((self.rank[index], index));
            }
        }
        while let Some((_, index)) = work.pop_first() {
            let hydrated = self.hydrate(index);
            if recrawl.remove(&index) {
                let old = self.hot.remove(&index).map(|hot| hot.files);
                let hot = self.crawl(index, old.unwrap_or_default());
                self.install(index, hot);
            }
            // A crate made hot here was checked with the current summaries already.
            let changed = hydrated || self.check(index) || fresh.contains(&index);
            if changed {
                for &dependent in &self.dependents[index] {
                    work.insert((self.rank[dependent], dependent));
                }
            }
        }
        self.refresh_stale(&dirty)
    }

    /// The findings of the files whose findings may have changed, where they did, and of
    /// the files in `force` in any case.
    fn refresh_stale(&mut self, force: &BTreeSet<PathBuf>) -> Vec<FileFindings> {
        let mut files = std::mem::take(&mut self.stale);
        files.extend(force.iter().cloned());
        files
            .into_iter()
            .filter_map(|file| {
                let force = force.contains(&file);
                self.refresh(&file, force)
            })
            .collect()
    }

    /// Every file's findings as last returned, for tests.
    pub fn findings(&self) -> Vec<(PathBuf, Vec<Diagnostic>)> {
        let mut all: Vec<(PathBuf, Vec<Diagnostic>)> = self
            .shown
            .iter()
            .map(|(path, shown)| (path.clone(), shown.findings.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Runs the plan with the command line's pipeline, the buffers standing for their files.
    fn full_run(&mut self) -> Vec<FileFindings> {
        let overlay = Overlay::default();
        for (path, text) in &self.texts {
            overlay.set(paths::identity(path), text.to_string());
        }
        let report = lint_with(&self.plan, self.cache.as_ref(), self.prefilter);
        drop(overlay);
        self.dependency_summaries = report.dependency_summaries;
        self.dirty.clear();
        self.stale.clear();
        self.hot.clear();
        self.selected = self.plan.selection.as_ref().map(|selection| {
            selection
                .iter()
                .map(|file| paths::identity(&file.path))
                .collect()
        });

        // The crates, as the driver ran them.
        self.units = self.plan.crates.clone();
        self.members = Vec::with_capacity(report.crate_files.len());
        for (index, files) in report.crate_files.iter().enumerate() {
            if index >= self.plan.crates.len() {
                let selected = files.first().and_then(|root| {
                    self.plan
                        .selection
                        .iter()
                        .flatten()
                        .find(|file| &file.path == root)
                });
                let Some(selected) = selected else { continue };
                self.units.push(selected.loose_unit());
            }
            self.members
                .push(files.iter().map(|path| key(path)).collect());
        }
        self.members.resize(self.units.len(), Vec::new());
        self.crates_of.clear();
        for (index, files) in self.members.iter().enumerate() {
            for file in files {
                self.crates_of.entry(file.clone()).or_default().push(index);
            }
        }
        self.link();

        let mut out = Vec::new();
        let mut shown = HashMap::new();
        for file in report.files {
            let file_key = key(&file.path);
            let text: Option<Arc<str>> = file.source.map(Arc::from);
            let hash = text.as_deref().map_or(0, |text| xxh3_128(text.as_bytes()));
            shown.insert(
                file_key,
                Shown {
                    hash,
                    findings: file.findings.clone(),
                },
            );
            out.push(FileFindings {
                path: file.path,
                display: file.display,
                text,
                findings: file.findings,
            });
        }
        for (file, old) in std::mem::replace(&mut self.shown, shown) {
            if !self.shown.contains_key(&file) && !old.findings.is_empty() {
                out.push(FileFindings {
                    display: paths::display(&self.plan.base, &file),
                    path: file,
                    text: None,
                    findings: Vec::new(),
                });
            }
        }
        out
    }

    /// Which crates are checked with which libraries, and an order that checks libraries
    /// first.
    fn link(&mut self) {
        let providers: HashMap<PathBuf, usize> = self
            .units
            .iter()
            .enumerate()
            .filter_map(|(index, unit)| unit.provides.as_deref().map(|root| (key(root), index)))
            .collect();
        self.needs = self
            .units
            .iter()
            .map(|unit| {
                unit.needs
                    .iter()
                    .filter_map(|root| providers.get(&key(root)).copied())
                    .collect()
            })
            .collect();
        self.dependents = vec![Vec::new(); self.units.len()];
        for (index, needs) in self.needs.iter().enumerate() {
            for &need in needs {
                if !self.dependents[need].contains(&index) {
                    self.dependents[need].push(index);
                }
            }
        }
        // Depth-first, libraries first; a cycle is cut where it is met.
        let mut rank = vec![usize::MAX; self.units.len()];
        let mut next = 0;
        let mut visiting = vec![false; self.units.len()];
        for start in 0..self.units.len() {
            let mut stack = vec![(start, 0)];
            while let Some((index, child)) = stack.pop() {
                if rank[index] != usize::MAX {
                    continue;
                }
                visiting[index] = true;
                match self.needs[index].get(child) {
                    Some(&need) => {
                        stack.push((index, child + 1));
                        if rank[need] == usize::MAX && !visiting[need] {
                            stack.push((need, 0));
                        }
                    }
                    None => {
                        rank[index] = next;
                        next += 1;
                        visiting[index] = false;
                    }
                }
            }
        }
        self.rank = rank;
    }

    /// Makes a crate hot: the libraries it needs first, then its files analysed and the crate
    /// checked.
    /// Returns whether it was not hot.
    fn hydrate(&mut self, index: usize) -> bool {
        let mut visiting = HashSet::new();
        self.hydrate_with(index, &mut visiting)
    }

    fn hydrate_with(&mut self, index: usize, visiting: &mut HashSet<usize>) -> bool {
        if self.hot.contains_key(&index) || !visiting.insert(index) {
            return false;
        }
        for need in self.needs[index].clone() {
            self.hydrate_with(need, visiting);
        }
        let hot = self.crawl(index, Vec::new());
        self.install(index, hot);
        self.check(index);
        true
    }

    /// Records a crate's files.
    fn install(&mut self, index: usize, hot: HotCrate) {
        let files: Vec<PathBuf> = hot.files.iter().map(|file| file.key.clone()).collect();
        self.stale.extend(self.members[index].iter().cloned());
        self.stale.extend(files.iter().cloned());
        for old in &self.members[index] {
            if let Some(crates) = self.crates_of.get_mut(old) {
                crates.retain(|&crate_index| crate_index != index);
            }
        }
        for file in &files {
            let crates = self.crates_of.entry(file.clone()).or_default();
            if !crates.contains(&index) {
                crates.push(index);
                crates.sort_unstable();
            }
        }
        self.members[index] = files;
        self.hot.insert(index, hot);
    }

    /// The crate as its files and its check see it: with the dependencies whose summaries
    /// have effects, as the driver gives it. And the summaries it is checked with.
    fn crate_info(&self, index: usize) -> (CrateInfo, Vec<Summary>) {
        let deps: Vec<Summary> = self.needs[index]
            .iter()
            .filter_map(|need| self.hot.get(need).and_then(|hot| hot.summary.clone()))
            .collect();
        let mut info = self.units[index].info.clone();
        let summarized: Vec<String> = deps
            .iter()
            .filter(|dep| dep.summary.has_effects())
            .map(|dep| dep.summary.name.clone())
            .collect();
        if !summarized.is_empty() {
            info.summarized = summarized;
        }
        (info, deps)
    }

    /// Follows a crate's module tree from its root, analysing each file, reusing the
    /// analyses in `old` of files whose text and module path are unchanged.
    fn crawl(&self, index: usize, old: Vec<HotFile>) -> HotCrate {
        let unit = &self.units[index];
        let (info, _) = self.crate_info(index);
        let crate_key = self.cache.as_ref().map(|cache| cache.crate_key(&info));
        let root = FileJob {
            dir: unit.root.parent().unwrap_or(Path::new("")).to_path_buf(),
            path: unit.root.clone(),
            module_path: Vec::new(),
            relative: None,
        };
        let crawl = Crawl {
            session: self,
            unit,
            info: &info,
            crate_key,
            reuse: Mutex::new(
                old.into_iter()
                    .map(|file| (file.key.clone(), file))
                    .collect(),
            ),
            seen: Mutex::new(HashSet::from([key(&unit.root)])),
            done: Mutex::new(Vec::new()),
        };
        rayon::scope(|scope| crawl.visit(scope, root));
        let mut files = crawl
            .done
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.job.path.cmp(&b.job.path));
        HotCrate {
            info,
            files,
            summary: None,
        }
    }

    /// Analyses again a file of a hot crate whose text may have changed. Returns whether its
    /// `mod` items changed, so that the crate's module tree must be followed again.
    fn reanalyse(&mut self, index: usize, file: &Path) -> bool {
        let Some(hot) = self.hot.get(&index) else {
            return false;
        };
        let Some(position) = hot.files.iter().position(|hot_file| hot_file.key == file) else {
            return false;
        };
        let unit = &self.units[index];
        let old = &hot.files[position];
        let loaded = load(
            self,
            unit,
            &hot.info,
            self.cache
                .as_ref()
                .map(|cache| cache.crate_key(&hot.info))
                .filter(|_| !self.texts.contains_key(file)),
            FileJob {
                path: old.job.path.clone(),
                module_path: old.job.module_path.clone(),
                dir: old.job.dir.clone(),
                relative: old.job.relative.clone(),
            },
            None,
        );
        let Some(hot) = self.hot.get_mut(&index) else {
            return false;
        };
        let old = &mut hot.files[position];
        if loaded.hash == old.hash && loaded.readable == old.readable {
            return false;
        }
        let same_tree = loaded.modules.len() == old.modules.len()
            && loaded
                .modules
                .iter()
                .zip(&old.modules)
                .all(|(a, b)| same_module(a, b));
        let mut loaded = loaded;
        if same_tree && unit.follow_modules {
            // Only the items' places moved: their problems are found again where they are.
            loaded.module_problems = loaded
                .modules
                .iter()
                .filter_map(|decl| {
                    resolve_module(&loaded.job, decl)
                        .err()
                        .map(|problem| problem.diagnostic(decl, &self.plan.base))
                })
                .collect();
        }
        *old = loaded;
        !same_tree
    }

    /// The summaries of the dependency packages a hot crate's models call into, made when
    /// no run has made them yet.
    fn called_dependencies(&mut self, index: usize) -> Vec<Summary> {
        let unit = &self.units[index];
        let Some(hot) = self.hot.get(&index) else {
            return Vec::new();
        };
        let mut packages: Vec<usize> = hot
            .files
            .iter()
            .filter_map(|file| file.model.as_ref())
            .flat_map(|model| model.named_crates())
            .flat_map(|name| {
                unit.dep_packages
                    .iter()
                    .filter(move |(dep, _)| dep == name)
                    .map(|&(_, package)| package)
            })
            .collect();
        packages.sort_unstable();
        packages.dedup();
        let missing: Vec<usize> = packages
            .iter()
            .copied()
            .filter(|package| !self.dependency_summaries.contains_key(package))
            .collect();
        if !missing.is_empty() {
            let made = dependency_summaries(&self.plan, self.cache.as_ref(), &missing);
            self.dependency_summaries.extend(made);
        }
        packages
            .iter()
            .filter_map(|package| self.dependency_summaries.get(package).cloned().flatten())
            .collect()
    }

    /// Checks a hot crate from its models; returns whether its summary changed.
    fn check(&mut self, index: usize) -> bool {
        let (info, mut deps) = self.crate_info(index);
        let called = self.called_dependencies(index);
        let calls_dependencies = !called.is_empty();
        deps.extend(called);
        let levels = &self.levels;
        let unit = &self.units[index];
        let base = &self.plan.base;
        let Some(hot) = self.hot.get_mut(&index) else {
            return false;
        };
        let calls_summaries = !info.summarized.is_empty() || calls_dependencies;
        let runtime_code = calls_summaries || hot.files.iter().any(|file| file.runtime_code);
        let before: Vec<Vec<Diagnostic>> = hot
            .files
            .iter_mut()
            .map(|file| std::mem::take(&mut file.checked))
            .collect();
        let mut summary = None;
        if runtime_code {
            let with_models: Vec<usize> = (0..hot.files.len())
                .filter(|&position| hot.files[position].model.is_some())
                .collect();
            let models: Vec<FileModel> = with_models
                .iter()
                .filter_map(|&position| hot.files[position].model.take())
                .collect();
            let summaries: Vec<&CrateSummary> = deps.iter().map(|dep| &*dep.summary).collect();
            let checked = isolate::catch(|| {
                isolate::injected("check", &info.name);
                lints::check_crate(&info, &models, &summaries, levels)
            });
            for (&position, model) in with_models.iter().zip(models) {
                hot.files[position].model = Some(model);
            }
            match checked {
                Ok(check) => {
                    for (&position, findings) in with_models.iter().zip(check.diagnostics) {
                        hot.files[position].checked = findings;
                    }
                    summary = check.summary.map(|summary| Summary {
                        hash: cache::summary_hash(&summary),
                        summary: Arc::new(summary),
                    });
                }
                Err(panic) => {
                    let message = format!(
                        "checking the crate `{}` ({}) panicked: {panic}",
                        info.name,
                        paths::display(base, &unit.root),
                    );
                    let carrier = hot
                        .files
                        .iter()
                        .position(|file| file.job.path == unit.root && file.reported)
                        .or_else(|| hot.files.iter().position(|file| file.reported));
                    if let Some(carrier) = carrier {
                        hot.files[carrier].checked.push(internal_error(message));
                    }
                }
            }
        }
        for (file, before) in hot.files.iter().zip(before) {
            if file.checked != before {
                self.stale.insert(file.key.clone());
            }
        }
        let before = hot.summary.as_ref().map(|summary| summary.hash);
        let after = summary.as_ref().map(|summary| summary.hash);
        hot.info = info;
        hot.summary = summary;
        before != after
    }

    /// A file's findings from the hot crates that reach it, if they differ from those
    /// returned before (or in any case, with `force`).
    fn refresh(&mut self, file: &Path, force: bool) -> Option<FileFindings> {
        let crates = self.crates_of.get(file).cloned().unwrap_or_default();
        for &index in &crates {
            self.hydrate(index);
        }
        let mut merged: Option<ReportedFile> = None;
        let mut text: Option<Arc<str>> = None;
        let mut hash = 0;
        let mut source = None;
        for &index in &crates {
            let Some(hot_file) = self
                .hot
                .get(&index)
                .and_then(|hot| hot.files.iter().find(|hot_file| hot_file.key == file))
            else {
                continue;
            };
            if !hot_file.reported {
                continue;
            }
            let findings = self.finalized(index, hot_file);
            if hash == 0 {
                text = hot_file.text.clone();
                hash = hot_file.hash;
                source = Some((hot_file.job.path.clone(), hot_file.display.clone()));
            }
            match &mut merged {
                Some(known) => known.findings.extend(findings),
                None => {
                    merged = Some(ReportedFile {
                        path: hot_file.job.path.clone(),
                        display: hot_file.display.clone(),
                        source: None,
                        findings,
                        linted: true,
                        cargo: Some(hot_file.cargo.clone()),
                    })
                }
            }
        }
        let Some(mut merged) = merged else {
            // No crate reports the file (any more).
            let old = self.shown.remove(file)?;
            return (!old.findings.is_empty()).then(|| FileFindings {
                display: paths::display(&self.plan.base, file),
                path: file.to_path_buf(),
                text: None,
                findings: Vec::new(),
            });
        };
        if text.is_none() && !merged.findings.is_empty() {
            text = source.and_then(|(path, display)| self.text_of(&path, file, &display).ok());
        }
        merged.source = text.as_deref().map(str::to_string);
        tidy(&mut merged);
        let findings = merged.findings;
        let unchanged = self.shown.get(file).is_some_and(|shown| {
            shown.findings == findings && (findings.is_empty() || shown.hash == hash)
        });
        if unchanged && !force {
            return None;
        }
        self.shown.insert(
            file.to_path_buf(),
            Shown {
                hash,
                findings: findings.clone(),
            },
        );
        Some(FileFindings {
            path: merged.path,
            display: merged.display,
            text: text.filter(|_| !findings.is_empty()),
            findings,
        })
    }

    /// A reported file's findings in one crate, with their levels and suppressions, as the
    /// driver gives them ([`finalize`]).
    fn finalized(&self, index: usize, file: &HotFile) -> Vec<Diagnostic> {
        let text = file.text.as_deref().unwrap_or("");
        let suppressions = file.suppressions.clone();
        let mut findings =
            Vec::with_capacity(file.own.len() + file.module_problems.len() + file.checked.len());
        findings.extend(file.own.iter().cloned());
        findings.extend(file.module_problems.iter().cloned());
        findings.extend(file.checked.iter().cloned());
        let mut analysed = AnalysedFile {
            identity: FileId::Path(file.key.clone()),
            path: file.job.path.clone(),
            display: file.display.clone(),
            reported: true,
            source: (!suppressions.is_empty()).then(|| text.to_string()),
            model: None,
            key: None,
            findings,
            suppressions,
            cargo: file.cargo.clone(),
        };
        finalize(&mut analysed, &self.units[index].settings);
        analysed.findings
    }

    /// The text of a file: its buffer's, or what is on disk.
    fn text_of(
        &self,
        path: &Path,
        file_key: &Path,
        display: &str,
    ) -> Result<Arc<str>, Box<Loaded>> {
        if let Some(text) = self.texts.get(file_key) {
            return Ok(text.clone());
        }
        match read_source(path, display) {
            Ok(text) => Ok(Arc::from(text)),
            Err(unreadable) => Err(Box::new(Loaded {
                text: unreadable.lossy_text.map(Arc::from),
                hash: 0,
                modules: Vec::new(),
                own: vec![unreadable.diagnostic],
                allows: Vec::new(),
                runtime_code: false,
                model: None,
            })),
        }
    }
}

/// Two `mod` items that name the same file, wherever they are in the text.
fn same_module(a: &ModDecl, b: &ModDecl) -> bool {
    (&a.name, &a.path_attr, &a.inline_parents) == (&b.name, &b.path_attr, &b.inline_parents)
}

/// What reading and analysing one file gave.
struct Loaded {
    text: Option<Arc<str>>,
    hash: u128,
    modules: Vec<ModDecl>,
    own: Vec<Diagnostic>,
    allows: Vec<AttrAllow>,
    runtime_code: bool,
    model: Option<FileModel>,
}

/// Reads and analyses one file of a crate: from `reuse` when its text is the same, else
/// from the cache (`crate_key`), else afresh.
fn load(
    session: &Session,
    unit: &CrateUnit,
    info: &CrateInfo,
    crate_key: Option<CrateKey>,
    job: FileJob,
    reuse: Option<HotFile>,
) -> HotFile {
    let file_key = key(&job.path);
    let display = paths::display(&session.plan.base, &job.path);
    let reported = unit.reported
        && session
            .selected
            .as_ref()
            .is_none_or(|selected| selected.contains(&paths::identity(&job.path)))
        && !unit.settings.is_excluded(&job.path);
    let loaded = match session.text_of(&job.path, &file_key, &display) {
        Err(unreadable) => *unreadable,
        Ok(text) => {
            let hash = xxh3_128(text.as_bytes());
            match reuse.filter(|old| {
                old.hash == hash && old.readable && old.job.module_path == job.module_path
            }) {
                Some(old) => Loaded {
                    text: Some(text),
                    hash,
                    modules: old.modules,
                    own: old.own,
                    allows: old.allows,
                    runtime_code: old.runtime_code,
                    model: old.model,
                },
                None => analyse(session, unit, info, crate_key, &job, &display, text, hash),
            }
        }
    };
    let mut suppressions = FileSuppressions::default();
    if reported {
        if let Some(text) = &loaded.text {
            suppressions = FileSuppressions::from_comments(text);
        }
        suppressions.add_attributes(&loaded.allows);
    }
    let keep =
        session.texts.contains_key(&file_key) || !loaded.own.is_empty() || !suppressions.is_empty();
    HotFile {
        key: file_key,
        display,
        reported,
        readable: loaded.hash != 0,
        text: loaded.text.filter(|_| keep),
        suppressions,
        hash: loaded.hash,
        modules: loaded.modules,
        own: loaded.own,
        module_problems: Vec::new(),
        allows: loaded.allows,
        runtime_code: loaded.runtime_code,
        model: loaded.model,
        checked: Vec::new(),
        cargo: unit.cargo.clone(),
        job,
    }
}

#[allow(clippy::too_many_arguments)]
fn analyse(
    session: &Session,
    unit: &CrateUnit,
    info: &CrateInfo,
    crate_key: Option<CrateKey>,
    job: &FileJob,
    display: &str,
    text: Arc<str>,
    hash: u128,
) -> Loaded {
    let cached = session
        .cache
        .as_ref()
        .zip(crate_key)
        .and_then(|(cache, krate)| {
            let cached = cache.load(cache.key(krate, display, &job.module_path, &text))?;
            let model = cached.model?.decode()?;
            Some(Loaded {
                text: None,
                hash,
                modules: cached.modules,
                own: cached.diagnostics,
                allows: cached.allows,
                runtime_code: cached.runtime_code,
                model: Some(model),
            })
        });
    if let Some(cached) = cached {
        return Loaded {
            text: Some(text),
            ..cached
        };
    }
    let file = AnalysedFile {
        identity: FileId::Path(job.path.clone()),
        path: job.path.clone(),
        display: display.to_string(),
        reported: false,
        source: None,
        model: None,
        key: None,
        findings: Vec::new(),
        suppressions: FileSuppressions::default(),
        cargo: unit.cargo.clone(),
    };
    match analyse_text(info, &file, &job.module_path, &text) {
        Ok(analysis) => Loaded {
            text: Some(text),
            hash,
            runtime_code: analysis.model.has_runtime_code(),
            allows: analysis.model.allows.clone(),
            modules: analysis.modules,
            own: analysis.diagnostics,
            model: Some(analysis.model),
        },
        Err(panic) => Loaded {
            text: Some(text),
            hash,
            modules: Vec::new(),
            own: vec![internal_error(format!(
                "analysing `{display}` panicked: {panic}"
            ))],
            allows: Vec::new(),
            runtime_code: false,
            model: None,
        },
    }
}

/// One crate's module tree being followed, on the pool.
struct Crawl<'a> {
    session: &'a Session,
    unit: &'a CrateUnit,
    info: &'a CrateInfo,
    crate_key: Option<CrateKey>,
    reuse: Mutex<HashMap<PathBuf, HotFile>>,
    seen: Mutex<HashSet<PathBuf>>,
    done: Mutex<Vec<HotFile>>,
}

impl<'a> Crawl<'a> {
    fn visit<'scope>(&'scope self, scope: &rayon::Scope<'scope>, job: FileJob)
    where
        'a: 'scope,
    {
        scope.spawn(move |scope| {
            let old = self
                .reuse
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&key(&job.path));
            let mut file = load(self.session, self.unit, self.info, self.crate_key, job, old);
            if self.unit.follow_modules {
                for decl in &file.modules {
                    match resolve_module(&file.job, decl) {
                        Ok(child) => {
                            let first_visit = self
                                .seen
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .insert(key(&child.path));
                            if first_visit {
                                self.visit(scope, child);
                            }
                        }
                        Err(problem) => file
                            .module_problems
                            .push(problem.diagnostic(decl, &self.session.plan.base)),
                    }
                }
            }
            self.done
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(file);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }

    /// A plan as the command line makes it for `dir`'s cargo project.
    fn plan(dir: &Path) -> Plan {
        let mut finder =
            crate::config::Finder::new(dir, None, crate::config::CliLevels::default()).unwrap();
        let selection = crate::discover::Selection {
            workspace: true,
            ..Default::default()
        };
        let mut plan = crate::discover::cargo_project(dir, &selection, &mut finder).unwrap();
        plan.base = dir.to_path_buf();
        plan
    }

    fn codes(findings: &[Diagnostic]) -> Vec<&'static str> {
        findings.iter().map(|finding| finding.code).collect()
    }

    fn by_file<'a>(out: &'a [FileFindings], name: &str) -> Option<&'a FileFindings> {
        out.iter().find(|file| file.path.ends_with(name))
    }

    const LIB: &str = "pub mod helpers;\n";
    const HELPERS: &str = "pub fn load() -> u32 {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(async { 1 })\n}\n";
    const HELPERS_FIXED: &str = "pub fn load() -> u32 {\n    1\n}\n";
    const MAIN: &str = "#[tokio::main]\nasync fn main() {\n    let _n = app::helpers::load();\n}\n";

    fn project() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
                ),
                ("src/lib.rs", LIB),
                ("src/helpers.rs", HELPERS),
                ("src/main.rs", MAIN),
            ],
        );
        tmp
    }

    fn start(dir: &Path) -> (Session, Vec<FileFindings>) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .stack_size(crate::WORKER_STACK_SIZE)
            .build()
            .unwrap();
        pool.install(|| Session::start(plan(dir), None, true, HashMap::new()))
    }

    #[test]
    fn hot_crates_find_what_the_first_run_found() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workspace");
        let (mut session, first) = start(&workspace);
        assert!(first.iter().any(|file| !file.findings.is_empty()));
        let before = session.findings();
        let files: Vec<PathBuf> = first.iter().map(|file| file.path.clone()).collect();
        for file in &files {
            assert!(session.prepare(file).is_empty(), "{}", file.display());
        }
        assert!(session.hot_crates() > 0);
        // Every file changed to the same text: analysed again, nothing new to show.
        for file in &files {
            session.touch(file);
        }
        let again = session.update();
        assert_eq!(again.len(), files.len());
        assert_eq!(session.findings(), before);
    }

    #[test]
    fn a_change_to_a_library_file_changes_the_binary_that_calls_it() {
        let tmp = project();
        let (mut session, first) = start(tmp.path());
        let main = by_file(&first, "main.rs").unwrap();
        assert_eq!(codes(&main.findings), ["nested_runtime_block_on"]);
        let helpers = tmp.path().join("src/helpers.rs");
        session.prepare(&helpers);

        session.set_text(&helpers, Some(Arc::from(HELPERS_FIXED)));
        let out = session.update();
        let main = by_file(&out, "main.rs").expect("main.rs changes");
        assert!(main.findings.is_empty());

        // Closed without saving: the file on disk again.
        session.set_text(&helpers, None);
        let out = session.update();
        let main = by_file(&out, "main.rs").expect("main.rs changes back");
        assert_eq!(codes(&main.findings), ["nested_runtime_block_on"]);
    }

    #[test]
    fn a_new_module_is_followed_and_a_removed_one_let_go() {
        let tmp = project();
        write(
            tmp.path(),
            &[(
                "src/extra.rs",
                "pub async fn run() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
            )],
        );
        let (mut session, first) = start(tmp.path());
        assert!(by_file(&first, "extra.rs").is_none());
        let lib = tmp.path().join("src/lib.rs");
        let extra = tmp.path().join("src/extra.rs");
        session.set_text(&lib, Some(Arc::from("pub mod helpers;\npub mod extra;\n")));
        let out = session.update();
        assert_eq!(
            codes(&by_file(&out, "extra.rs").unwrap().findings),
            ["blocking_call_in_async"]
        );
        assert!(session.knows(&extra));
        session.set_text(&lib, Some(Arc::from(LIB)));
        let out = session.update();
        assert!(by_file(&out, "extra.rs").unwrap().findings.is_empty());
        assert!(!session.knows(&extra));
    }
}
