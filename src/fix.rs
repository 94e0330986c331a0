//! `--fix`, `--unsafe-fixes` and `--diff`: the findings' suggestions applied to the files.
//!
//! Fixes are made in memory, in passes, as ruff makes them: each pass lints the files as they
//! would read, applies in each file every chosen suggestion that overlaps no other (a
//! suggestion's edits go in together or not at all), and checks that the file still parses;
//! suggestions left out for overlapping are offered again by the next pass, at most
//! [`MAX_PASSES`] times. The files being fixed are read through an [`Overlay`], so the
//! analysis sees their new text without anything written. Only at the end is each changed file
//! written, atomically, after checking that git holds a clean copy of it (as `cargo fix` does).
//! `--diff` prints the changes instead and writes nothing.

use crate::driver::{Report, ReportedFile};
use crate::error::Error;
use crate::output::{count, LineIndex};
use crate::paths::{self, FileId};
use appstract_lints::{Applicability, Diagnostic, Edit, FileInput, Suggestion};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// How many times the files are linted and fixed again when some suggestions overlapped.
pub const MAX_PASSES: usize = 10;

/// The fix flags of the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also apply suggestions that may be incorrect (`MaybeIncorrect`).
    pub unsafe_fixes: bool,
    pub allow_dirty: bool,
    pub allow_staged: bool,
    pub allow_no_vcs: bool,
}

impl Options {
    /// Whether a suggestion of this applicability is applied.
    pub fn applies(&self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::MachineApplicable => true,
            Applicability::MaybeIncorrect => self.unsafe_fixes,
            Applicability::HasPlaceholders | Applicability::Unspecified => false,
        }
    }
}

/// What fixing did.
#[derive(Debug)]
pub struct Outcome {
    /// The report of the last pass: the findings left, as the fixed files read.
    pub report: Report,
    /// Each file changed, by displayed path.
    pub files: Vec<FixedFile>,
    /// How many findings a suggestion was applied for.
    pub fixed: usize,
    /// Of the findings left, how many have a suggestion `--unsafe-fixes` would apply.
    pub unsafe_left: usize,
    /// Problems met on the way (a fix that would not parse, no convergence), as warnings.
    pub warnings: Vec<String>,
}

/// A file and the text fixing made of it.
#[derive(Debug, Clone)]
pub struct FixedFile {
    pub path: PathBuf,
    pub display: String,
    /// The text as read, without a byte-order mark (`bom` tells whether it had one).
    pub original: String,
    pub fixed: String,
    pub bom: bool,
    /// How many findings the changes fix.
    pub fixes: usize,
}

impl Outcome {
    /// Leaves out files that were not written after all.
    pub fn forget(&mut self, failed: &[(String, String)]) {
        self.files.retain(|file| {
            let keep = !failed.iter().any(|(display, _)| *display == file.display);
            if !keep {
                self.fixed -= file.fixes;
            }
            keep
        });
    }
}

/// Lints and fixes until no chosen suggestion is left to apply. `lint` runs the whole
/// analysis; it is called once per pass, with the overlay holding the files fixed so far.
pub fn fix(
    mut lint: impl FnMut() -> Result<Report, Error>,
    options: &Options,
) -> Result<Outcome, Error> {
    let overlay = Overlay::default();
    let mut files: BTreeMap<FileId, FixedFile> = BTreeMap::new();
    let mut rejected: HashSet<String> = HashSet::new();
    let mut warnings = Vec::new();
    let mut report = lint()?;
    for pass in 0.. {
        let mut applied_any = false;
        for file in &report.files {
            let Some(text) = file.source.as_deref() else {
                continue;
            };
            let chosen = choose(file, options, &rejected);
            if chosen.is_empty() {
                continue;
            }
            if pass == MAX_PASSES {
                warnings.push(format!(
                    "`{}`: fixes still apply after {MAX_PASSES} passes; run `--fix` again",
                    file.display
                ));
                continue;
            }
            let (accepted, refused) = apply_parsing(text, &file.display, &chosen);
            for suggestion in refused {
                let (line, column) = LineIndex::new(text).line_col(text, suggestion.start());
                warnings.push(format!(
                    "`{}:{line}:{column}`: the fix for `{}` was not applied: the file would no longer parse",
                    file.display, suggestion.code
                ));
                rejected.insert(suggestion.key(text));
            }
            let Some((new_text, count)) = accepted else {
                continue;
            };
            let identity = paths::identity(&file.path);
            let entry = match files.get_mut(&identity) {
                Some(entry) => entry,
                None => {
                    let bom = read_bom(&file.path);
                    files.entry(identity.clone()).or_insert(FixedFile {
                        path: file.path.clone(),
                        display: file.display.clone(),
                        original: text.to_string(),
                        fixed: String::new(),
                        bom,
                        fixes: 0,
                    })
                }
            };
            entry.fixed = new_text.clone();
            entry.fixes += count;
            overlay.set(identity, new_text);
            applied_any = true;
        }
        if !applied_any || pass == MAX_PASSES {
            break;
        }
        report = lint()?;
    }
    let unsafe_left = if options.unsafe_fixes {
        0
    } else {
        let unsafe_options = Options {
            unsafe_fixes: true,
            ..*options
        };
        report
            .findings()
            .filter(|(_, finding)| chosen_suggestion(finding, &unsafe_options).is_some())
            .count()
    };
    let files: Vec<FixedFile> = files
        .into_values()
        .filter(|file| file.fixed != file.original)
        .collect();
    let fixed = files.iter().map(|file| file.fixes).sum();
    Ok(Outcome {
        report,
        files,
        fixed,
        unsafe_left,
        warnings,
    })
}

/// `fixed 3 findings in 2 files; 5 left need a manual change`, or with `--diff`,
/// `would fix ...`.
pub fn summary(outcome: &Outcome, diff: bool) -> String {
    let mut out = match (outcome.fixed, diff) {
        (0, _) => "nothing to fix".to_string(),
        (n, false) => format!(
            "fixed {} in {}",
            count(n, "finding"),
            count(outcome.files.len(), "file")
        ),
        (n, true) => format!(
            "would fix {} in {}",
            count(n, "finding"),
            count(outcome.files.len(), "file")
        ),
    };
    let left = outcome.report.findings().count();
    match left {
        0 => {}
        1 => out.push_str("; 1 left needs a manual change"),
        n => out.push_str(&format!("; {n} left need a manual change")),
    }
    if outcome.unsafe_left > 0 {
        out.push_str(&format!(
            " (`--unsafe-fixes` would fix {} of them)",
            outcome.unsafe_left
        ));
    }
    out
}

/// A unified diff of every changed file, as `git diff` shows it (`a/` and `b/` prefixes, paths
/// as displayed), for `git apply` or `patch -p1`.
pub fn unified_diff(files: &[FixedFile]) -> String {
    let mut out = String::new();
    for file in files {
        let diff = similar::TextDiff::from_lines(&file.original, &file.fixed);
        let old = format!("a/{}", file.display);
        let new = format!("b/{}", file.display);
        out.push_str(&format!("--- {old}\n+++ {new}\n"));
        for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
            out.push_str(&hunk.to_string());
        }
    }
    out
}

/// A suggestion chosen for a finding, with the finding's code.
#[derive(Debug, Clone)]
pub struct Chosen<'a> {
    pub code: &'static str,
    pub suggestion: &'a Suggestion,
}

impl Chosen<'_> {
    fn start(&self) -> usize {
        self.suggestion
            .edits
            .iter()
            .map(|edit| edit.range.start)
            .min()
            .unwrap_or(0)
    }

    /// What identifies the suggestion across passes, when positions have moved: the code, the
    /// message, and what each edit replaces with what.
    fn key(&self, text: &str) -> String {
        let mut key = format!("{}\0{}", self.code, self.suggestion.message);
        for edit in &self.suggestion.edits {
            let replaced = text.get(edit.range.clone()).unwrap_or("");
            key.push_str(&format!("\0{replaced}\0{}", edit.replacement));
        }
        key
    }
}

/// The suggestion applied for a finding: the first one the options allow, if its edits are
/// well formed (inside the text, on char boundaries, not overlapping each other).
fn chosen_suggestion<'a>(finding: &'a Diagnostic, options: &Options) -> Option<&'a Suggestion> {
    finding
        .suggestions
        .iter()
        .find(|suggestion| options.applies(suggestion.applicability))
        .filter(|suggestion| !suggestion.edits.is_empty())
}

/// The suggestions to apply in a file, in the order of their first edits.
fn choose<'a>(
    file: &'a ReportedFile,
    options: &Options,
    rejected: &HashSet<String>,
) -> Vec<Chosen<'a>> {
    let text = file.source.as_deref().unwrap_or("");
    let mut chosen: Vec<Chosen> = file
        .findings
        .iter()
        .filter_map(|finding| {
            let suggestion = chosen_suggestion(finding, options)?;
            let chosen = Chosen {
                code: finding.code,
                suggestion,
            };
            (well_formed(&suggestion.edits, text) && !rejected.contains(&chosen.key(text)))
                .then_some(chosen)
        })
        .collect();
    chosen.sort_by_key(Chosen::start);
    chosen
}

fn well_formed(edits: &[Edit], text: &str) -> bool {
    let inside = edits.iter().all(|edit| {
        edit.range.start <= edit.range.end
            && text.is_char_boundary(edit.range.start)
            && text.is_char_boundary(edit.range.end)
            && edit.range.end <= text.len()
    });
    inside
        && edits
            .iter()
            .enumerate()
            .all(|(i, a)| edits[i + 1..].iter().all(|b| !conflict(&a.range, &b.range)))
}

/// Whether two edits cannot both be made: they overlap, or start at the same place (two
/// insertions there would be made in no defined order).
fn conflict(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.start == b.start {
        return true;
    }
    let (first, second) = if a.start < b.start { (a, b) } else { (b, a) };
    second.start < first.end
}

/// The suggestions that overlap none before them, applied to `text`, with their count; and
/// when the result would not parse, those that do parse, one by one, and the ones that do not.
fn apply_parsing<'a>(
    text: &str,
    display: &str,
    chosen: &[Chosen<'a>],
) -> (Option<(String, usize)>, Vec<Chosen<'a>>) {
    let mut taken: Vec<&Chosen> = Vec::new();
    for candidate in chosen {
        let free = taken.iter().all(|kept| {
            kept.suggestion.edits.iter().all(|a| {
                candidate
                    .suggestion
                    .edits
                    .iter()
                    .all(|b| !conflict(&a.range, &b.range))
            })
        });
        if free {
            taken.push(candidate);
        }
    }
    if taken.is_empty() {
        return (None, Vec::new());
    }
    let all = apply(text, &taken);
    if parses(display, &all) {
        return (Some((all, taken.len())), Vec::new());
    }
    // Some fix breaks the file: keep those that do not, adding them one at a time.
    let mut kept: Vec<&Chosen> = Vec::new();
    let mut refused = Vec::new();
    for candidate in taken {
        kept.push(candidate);
        if !parses(display, &apply(text, &kept)) {
            kept.pop();
            refused.push(candidate.clone());
        }
    }
    let accepted = (!kept.is_empty()).then(|| (apply(text, &kept), kept.len()));
    (accepted, refused)
}

/// `text` with the edits of the suggestions made (they conflict with none of each other).
pub fn apply(text: &str, chosen: &[&Chosen]) -> String {
    let mut edits: Vec<&Edit> = chosen
        .iter()
        .flat_map(|chosen| &chosen.suggestion.edits)
        .collect();
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Whether a text parses as the analysis parses files (the nesting guard, then syn), on a
/// thread with the workers' stack size.
pub fn parses(display: &str, text: &str) -> bool {
    let check = || {
        crate::isolate::catch(|| {
            let outline = appstract_lints::outline_file(FileInput {
                path: display,
                source: text,
                module_path: &[],
            });
            proc_macro2::extra::invalidate_current_thread_spans();
            outline.diagnostics.is_empty()
        })
        .unwrap_or(false)
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(crate::WORKER_STACK_SIZE)
            .spawn_scoped(scope, check)
            .is_ok_and(|thread| thread.join().unwrap_or(false))
    })
}

fn read_bom(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut start))
        .is_ok_and(|()| start == [0xef, 0xbb, 0xbf])
}

/// Texts that replace files' contents for the analysis while fixing, by file identity. Each
/// overlay removes its entries when dropped.
#[derive(Default)]
pub struct Overlay {
    entries: Mutex<HashSet<FileId>>,
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static TEXTS: Mutex<Option<HashMap<FileId, String>>> = Mutex::new(None);

impl Overlay {
    pub fn set(&self, identity: FileId, text: String) {
        let mut texts = TEXTS.lock().unwrap_or_else(PoisonError::into_inner);
        texts
            .get_or_insert_with(HashMap::new)
            .insert(identity.clone(), text);
        ACTIVE.store(true, Ordering::Release);
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(identity);
    }
}

impl Drop for Overlay {
    fn drop(&mut self) {
        let entries = self
            .entries
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let mut texts = TEXTS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(texts) = texts.as_mut() {
            for identity in entries.iter() {
                texts.remove(identity);
            }
            if texts.is_empty() {
                ACTIVE.store(false, Ordering::Release);
            }
        }
    }
}

/// The text a fix in progress made of this file, if any.
pub(crate) fn overlay_text(path: &Path) -> Option<String> {
    if !ACTIVE.load(Ordering::Acquire) {
        return None;
    }
    let identity = paths::identity(path);
    let texts = TEXTS.lock().unwrap_or_else(PoisonError::into_inner);
    texts.as_ref()?.get(&identity).cloned()
}

/// Refuses to write files that git does not hold a clean copy of, as `cargo fix` does: each
/// file must be in a git working tree (unless `--allow-no-vcs`, which skips every check), and
/// those working trees must have no uncommitted changes (unless `--allow-dirty`) nor staged
/// ones (unless `--allow-staged`). Untracked files count as uncommitted; the tool's own cache
/// (`cache`) does not.
pub fn check_vcs(
    cwd: &Path,
    files: &[&Path],
    cache: Option<&Path>,
    options: &Options,
) -> Result<(), Error> {
    if options.allow_no_vcs {
        return Ok(());
    }
    let mut roots: BTreeMap<PathBuf, ()> = BTreeMap::new();
    let mut outside = Vec::new();
    let mut known: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    for file in files {
        let dir = file.parent().unwrap_or(Path::new("/")).to_path_buf();
        let root = known
            .entry(dir.clone())
            .or_insert_with(|| git_toplevel(&dir))
            .clone();
        match root {
            Some(root) => {
                roots.insert(root, ());
            }
            None => outside.push(format!("`{}`", paths::display(cwd, file))),
        }
    }
    if !outside.is_empty() {
        return Err(Error::new(format!(
            "no git repository holds {}: `--fix` would change what git cannot restore",
            outside.join(", ")
        ))
        .with_help("commit the code to git first, or pass `--allow-no-vcs`"));
    }
    if options.allow_dirty {
        return Ok(());
    }
    let mut changes = Vec::new();
    for root in roots.keys() {
        let mut found = git_changes(root, cache)?;
        found.sort();
        for (path, staged) in found {
            if !(staged && options.allow_staged) {
                let kind = if staged { "staged" } else { "dirty" };
                let shown = paths::display(cwd, &root.join(&path));
                changes.push(format!("  * {shown} ({kind})"));
            }
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let staged_only = changes.iter().all(|change| change.ends_with("(staged)"));
    if changes.len() > MAX_LISTED {
        let more = changes.len() - MAX_LISTED;
        changes.truncate(MAX_LISTED);
        changes.push(format!("  and {more} more"));
    }
    let help = if staged_only {
        "commit them first, or pass `--allow-staged` (or `--allow-dirty`)"
    } else {
        "commit or stash them first, or pass `--allow-dirty`"
    };
    Err(Error::new(format!(
        "the working tree has uncommitted changes, which `--fix` could overwrite:\n{}",
        changes.join("\n")
    ))
    .with_help(help))
}

/// How many uncommitted changes are named when `--fix` refuses to run.
const MAX_LISTED: usize = 20;

/// The top directory of the git working tree `dir` is in.
fn git_toplevel(dir: &Path) -> Option<PathBuf> {
    let output = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(dir)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let top = String::from_utf8(output.stdout).ok()?;
    let top = top.trim_end_matches(['\n', '\r']);
    (!top.is_empty()).then(|| PathBuf::from(top))
}

/// The changed paths of a working tree (relative to its top), each with whether the change is
/// only staged.
fn git_changes(root: &Path, cache: Option<&Path>) -> Result<Vec<(String, bool)>, Error> {
    let mut command = Command::new("git");
    command
        .args([
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
            ".",
        ])
        .current_dir(root);
    if let Some(inside) = cache.and_then(|cache| cache.strip_prefix(root).ok()) {
        command.arg(format!(":(exclude){}", inside.display()));
    }
    let output = command
        .output()
        .map_err(|err| Error::new(format!("cannot run `git status`: {err}")))?;
    if !output.status.success() {
        return Err(Error::new(format!(
            "`git status` failed in `{}`: {}",
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(parse_porcelain(&output.stdout))
}

/// `git status --porcelain=v1 -z`: `XY path\0`, and after a rename or copy the old path as a
/// record of its own. A change is staged when it is in the index only (`X` set, `Y` blank).
fn parse_porcelain(output: &[u8]) -> Vec<(String, bool)> {
    let mut changes = Vec::new();
    let mut records = output.split(|&b| b == 0).filter(|r| !r.is_empty());
    while let Some(record) = records.next() {
        let (Some(&x), Some(&y), Some(path)) = (record.first(), record.get(1), record.get(3..))
        else {
            continue;
        };
        if matches!(x, b'R' | b'C') {
            records.next();
        }
        let staged = y == b' ' && x != b' ' && x != b'?';
        changes.push((String::from_utf8_lossy(path).into_owned(), staged));
    }
    changes
}

/// Writes each fixed file in place: to a temporary file beside it with the same permissions,
/// then renamed over it, so that a reader never sees half a file. A file that changed on disk
/// since it was read is left alone. Returns the files not written, with the reason.
pub fn write_all(files: &[FixedFile]) -> Vec<(String, String)> {
    let mut failed = Vec::new();
    for file in files {
        if let Err(reason) = write_one(file) {
            failed.push((file.display.clone(), reason));
        }
    }
    failed
}

fn write_one(file: &FixedFile) -> Result<(), String> {
    // A symbolic link stays one: the file it points to is written.
    let target = std::fs::canonicalize(&file.path).map_err(|err| err.to_string())?;
    let on_disk = std::fs::read(&target).map_err(|err| err.to_string())?;
    let bom: &[u8] = if file.bom { b"\xef\xbb\xbf" } else { b"" };
    if on_disk.strip_prefix(bom) != Some(file.original.as_bytes()) {
        return Err("it changed while it was being fixed".to_string());
    }
    let permissions = std::fs::metadata(&target)
        .map_err(|err| err.to_string())?
        .permissions();
    let dir = target.parent().unwrap_or(Path::new("/"));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temporary = dir.join(format!(".{name}.appstract-lint-{}.tmp", std::process::id()));
    let written = (|| {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        out.write_all(bom)?;
        out.write_all(file.fixed.as_bytes())?;
        out.sync_all()?;
        std::fs::set_permissions(&temporary, permissions)?;
        std::fs::rename(&temporary, &target)
    })();
    written.map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        err.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use appstract_lints::{Label, Level};

    fn suggestion(edits: &[(Range<usize>, &str)], applicability: Applicability) -> Suggestion {
        Suggestion {
            message: "m".to_string(),
            edits: edits
                .iter()
                .map(|(range, text)| Edit {
                    range: range.clone(),
                    replacement: text.to_string(),
                })
                .collect(),
            applicability,
        }
    }

    #[test]
    fn conflicts_are_overlaps_and_shared_starts() {
        assert!(conflict(&(0..4), &(2..6)));
        assert!(conflict(&(2..6), &(0..4)));
        assert!(!conflict(&(0..2), &(2..4)));
        // Two insertions at one place, or an insertion inside a replacement.
        assert!(conflict(&(3..3), &(3..3)));
        assert!(conflict(&(1..5), &(3..3)));
        assert!(conflict(&(3..3), &(3..5)));
        // An insertion where a replacement ends comes after it.
        assert!(!conflict(&(1..3), &(3..3)));
    }

    #[test]
    fn overlapping_suggestions_wait_for_the_next_pass_and_broken_ones_are_refused() {
        let text = "fn main() { a(); b(); }\n";
        let at = |s: &str| {
            let start = text.find(s).unwrap();
            start..start + s.len()
        };
        let first = suggestion(&[(at("a()"), "x()")], Applicability::MachineApplicable);
        let overlapping = suggestion(&[(at("a(); b()"), "y()")], Applicability::MachineApplicable);
        let breaking = suggestion(
            &[(at("b()"), "b("), (at("}"), "}")],
            Applicability::MachineApplicable,
        );
        let chosen = [
            Chosen {
                code: "one",
                suggestion: &first,
            },
            Chosen {
                code: "two",
                suggestion: &overlapping,
            },
            Chosen {
                code: "three",
                suggestion: &breaking,
            },
        ];
        let (accepted, refused) = apply_parsing(text, "t.rs", &chosen);
        assert_eq!(accepted, Some(("fn main() { x(); b(); }\n".to_string(), 1)));
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].code, "three");
    }

    #[test]
    fn only_allowed_and_well_formed_suggestions_are_chosen() {
        let text = "fn main() {}\n";
        let finding = |s: Suggestion| {
            Diagnostic::new("c", Level::Warn, "m", Label::new(0..1, "")).with_suggestion(s)
        };
        let file = ReportedFile {
            path: "t.rs".into(),
            display: "t.rs".to_string(),
            source: Some(text.to_string()),
            findings: vec![
                finding(suggestion(&[(3..7, "f")], Applicability::MachineApplicable)),
                finding(suggestion(&[(0..2, "")], Applicability::MaybeIncorrect)),
                finding(suggestion(&[(0..0, "x")], Applicability::HasPlaceholders)),
                finding(suggestion(&[(5..99, "")], Applicability::MachineApplicable)),
                finding(suggestion(
                    &[(1..3, ""), (2..4, "")],
                    Applicability::MachineApplicable,
                )),
            ],
            linted: true,
            cargo: None,
        };
        let safe = choose(&file, &Options::default(), &HashSet::new());
        assert_eq!(safe.len(), 1);
        assert_eq!(safe[0].start(), 3);
        let all = Options {
            unsafe_fixes: true,
            ..Options::default()
        };
        let starts: Vec<usize> = choose(&file, &all, &HashSet::new())
            .iter()
            .map(Chosen::start)
            .collect();
        assert_eq!(starts, [0, 3]);
    }

    #[test]
    fn porcelain_status_tells_staged_from_dirty() {
        let output = b" M src/lib.rs\0M  staged.rs\0MM both.rs\0?? new.rs\0R  new_name.rs\0old_name.rs\0A  added.rs\0";
        assert_eq!(
            parse_porcelain(output),
            [
                ("src/lib.rs".to_string(), false),
                ("staged.rs".to_string(), true),
                ("both.rs".to_string(), false),
                ("new.rs".to_string(), false),
                ("new_name.rs".to_string(), true),
                ("added.rs".to_string(), true),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_are_written_whole_keeping_permissions_bom_and_links() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("run.rs");
        std::fs::write(&path, "\u{feff}fn a() {}\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
        let link = tmp.path().join("link.rs");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let file = FixedFile {
            path: link.clone(),
            display: "link.rs".to_string(),
            original: "fn a() {}\n".to_string(),
            fixed: "fn b() {}\n".to_string(),
            bom: true,
            fixes: 1,
        };
        assert!(write_all(std::slice::from_ref(&file)).is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), b"\xef\xbb\xbffn b() {}\n");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o751);
        // Changed on disk since it was read: left alone.
        let failed = write_all(&[file]);
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(std::fs::read(&path).unwrap(), b"\xef\xbb\xbffn b() {}\n");
        let leftovers = std::fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(leftovers, 2);
    }
}
