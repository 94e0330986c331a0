//! `--fix`, `--unsafe-fixes` and `--diff`: every suggestion of the ui-test fixtures applied and
//! linted again, and the command line end to end (git checks, writing, diffs).

use appstract_lint::config::CliLevels;
use appstract_lint::fix::{self, Options};
use appstract_lint::{discover, lint};
use appstract_lints::{Level, LINTS};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-appstract-lint");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> Vec<PathBuf> {
    let mut fixtures: Vec<PathBuf> = fs::read_dir(root().join("ui-tests"))
        .expect("ui-tests/ is readable")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    fixtures.sort();
    fixtures
}

/// Each finding of a file as `(code, message)`, counted; every lint at least at warn level.
fn findings(dir: &Path, file: &Path) -> BTreeMap<(String, String), usize> {
    let plan = plan(dir, file);
    let report = lint(&plan, 1).expect("a report");
    assert!(
        report.internal_errors.is_empty(),
        "{:?}",
        report.internal_errors
    );
    let mut counted = BTreeMap::new();
    for (_, finding) in report.findings() {
        *counted
            .entry((finding.code.to_string(), finding.message.clone()))
            .or_insert(0) += 1;
    }
    counted
}

fn plan(dir: &Path, file: &Path) -> discover::Plan {
    let mut plan = discover::loose_files(dir, &[file.to_path_buf()]);
    let allowed: Vec<(Level, String)> = LINTS
        .iter()
        .filter(|lint| lint.default_level == Level::Allow)
        .map(|lint| (Level::Warn, lint.name.to_string()))
        .collect();
    let cli = std::sync::Arc::new(CliLevels::parse(&allowed).expect("known lints"));
    for file in plan.selection.iter_mut().flatten() {
        file.settings.cli = cli.clone();
    }
    plan
}

/// What applying a fixture's suggestions did: the fixes made, and the findings after them
/// that were not there before (by code and message), if the result parses.
struct Fixed {
    fixes: usize,
    new_findings: Vec<String>,
    parses: bool,
}

fn fix_fixture(fixture: &Path, unsafe_fixes: bool) -> Fixed {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let file = tmp.path().join(fixture.file_name().expect("a name"));
    fs::copy(fixture, &file).expect("copy the fixture");
    let before = findings(tmp.path(), &file);
    let plan = plan(tmp.path(), &file);
    let options = Options {
        unsafe_fixes,
        ..Options::default()
    };
    let outcome = fix::fix(|| lint(&plan, 1), &options).expect("fixing runs");
    let Some(fixed) = outcome.files.first() else {
        return Fixed {
            fixes: 0,
            new_findings: Vec::new(),
            parses: true,
        };
    };
    let parses = fix::parses("fixed.rs", &fixed.fixed);
    fs::write(&file, &fixed.fixed).expect("write the fixed text");
    // Linted afresh from the file: no overlay, no cache.
    let after = findings(tmp.path(), &file);
    let mut new_findings: Vec<String> = after
        .iter()
        .filter(|(key, count)| before.get(*key).copied().unwrap_or(0) < **count)
        .map(|((code, message), _)| format!("{code}: {message}"))
        .collect();
    let (total_before, total_after): (usize, usize) = (before.values().sum(), after.values().sum());
    if total_after + fixed.fixes > total_before {
        new_findings.push(format!(
            "{total_before} findings before, {} fixed, {total_after} after: a fix did not remove its finding",
            fixed.fixes
        ));
    }
    Fixed {
        fixes: fixed.fixes,
        new_findings,
        parses,
    }
}

/// Every machine-applicable suggestion of every fixture, applied: the file parses, and linting
/// it again finds nothing new, and fewer findings by as many as were fixed.
#[test]
fn machine_applicable_fixes_of_the_fixtures_leave_no_new_finding() {
    let mut problems = Vec::new();
    let mut fixes = 0;
    for fixture in fixtures() {
        let fixed = fix_fixture(&fixture, false);
        fixes += fixed.fixes;
        if !fixed.parses {
            problems.push(format!(
                "{}: the fixed file does not parse",
                fixture.display()
            ));
        }
        for finding in fixed.new_findings {
            problems.push(format!("{}: {finding}", fixture.display()));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert!(
        fixes >= 5,
        "only {fixes} machine-applicable fixes in the fixtures"
    );
}

/// Fixtures whose maybe-incorrect suggestions leave a new finding behind today. When a lint's
/// suggestion is made whole, its fixture leaves this list (the test fails until it does).
/// `nested_runtime_block_on`: `rt.block_on(fut)` becomes `fut.await`, and the runtime's
/// `let` goes with it only when that was its one use; one blocked on twice is left unused, and
/// is then `runtime_never_entered` and `runtime_dropped_in_async`.
const UNSAFE_FIXES_WITH_NEW_FINDINGS: &[&str] = &["nested_runtime_block_on"];

/// `--unsafe-fixes` on every fixture: the file always parses; no new finding appears, except
/// in the fixtures listed above, which must still show one.
#[test]
fn unsafe_fixes_of_the_fixtures_parse_and_known_gaps_are_listed() {
    let mut problems = Vec::new();
    let mut fixes = 0;
    for fixture in fixtures() {
        let name = fixture
            .file_stem()
            .expect("a stem")
            .to_string_lossy()
            .into_owned();
        let fixed = fix_fixture(&fixture, true);
        fixes += fixed.fixes;
        if !fixed.parses {
            problems.push(format!("{name}: the fixed file does not parse"));
        }
        let known = UNSAFE_FIXES_WITH_NEW_FINDINGS.contains(&name.as_str());
        match (known, fixed.new_findings.is_empty()) {
            (false, false) => problems.push(format!(
                "{name}: new findings after `--unsafe-fixes`:\n  {}",
                fixed.new_findings.join("\n  ")
            )),
            (true, true) => problems.push(format!(
                "{name}: `--unsafe-fixes` leaves no new finding any more: remove it from \
                 UNSAFE_FIXES_WITH_NEW_FINDINGS"
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert!(
        fixes >= 10,
        "only {fixes} fixes with --unsafe-fixes in the fixtures"
    );
}

// ---------------------------------------------------------------------------------------------
// The command line

/// A guard dropped at once (a machine-applicable fix) and a nested `block_on` (maybe
/// incorrect).
const FIXABLE: &str = "use tokio::runtime::Runtime;

async fn work() {}

fn discarded(rt: &Runtime) {
    let _ = rt.enter();
    tokio::spawn(work());
}

pub async fn nested() -> u32 {
    let rt = Runtime::new().unwrap();
    rt.block_on(async { 1 })
}
";

const FIXED: &str = "use tokio::runtime::Runtime;

async fn work() {}

fn discarded(rt: &Runtime) {
    let _guard = rt.enter();
    tokio::spawn(work());
}

pub async fn nested() -> u32 {
    let rt = Runtime::new().unwrap();
    rt.block_on(async { 1 })
}
";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TERM_COLOR")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// A git repository with `src/lib.rs` committed.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temp dir");
    fs::create_dir_all(tmp.path().join("src")).unwrap();
    fs::write(tmp.path().join("src/lib.rs"), FIXABLE).unwrap();
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "init"]);
    tmp
}

fn lib(dir: &Path) -> String {
    fs::read_to_string(dir.join("src/lib.rs")).unwrap()
}

#[test]
fn diff_prints_the_changes_and_writes_nothing() {
    let tmp = repository();
    let out = run(tmp.path(), &["--diff", "src"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -3,7 +3,7 @@\n async fn work() {}\n \n fn discarded(rt: &Runtime) {\n-    let _ = rt.enter();\n+    let _guard = rt.enter();\n     tokio::spawn(work());\n }\n \n"
    );
    assert_eq!(
        out.stderr,
        "would fix 1 finding in 1 file; 1 left needs a manual change (`--unsafe-fixes` would fix 1 of them)\n"
    );
    assert_eq!(lib(tmp.path()), FIXABLE);
    // The diff applies as it is.
    fs::write(tmp.path().join("fix.patch"), &out.stdout).unwrap();
    git(tmp.path(), &["apply", "--check", "fix.patch"]);

    // Nothing to change: exit 0, even with findings left.
    fs::write(tmp.path().join("src/lib.rs"), FIXED).unwrap();
    let out = run(tmp.path(), &["--diff", "src"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("nothing to fix; 1 left needs"),
        "{}",
        out.stderr
    );
}

#[test]
fn fix_writes_the_fixes_and_reports_what_is_left() {
    let tmp = repository();
    let out = run(tmp.path(), &["--fix", "--message-format", "short", "src"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(lib(tmp.path()), FIXED);
    // The guard bound, `tokio::spawn` runs inside the runtime too: two findings fixed by one.
    assert_eq!(
        out.stderr,
        "src/lib.rs:12:8: error[nested_runtime_block_on]: `Runtime::block_on` called from async code\n\
         fixed 1 finding in 1 file; 1 left needs a manual change (`--unsafe-fixes` would fix 1 of them)\n"
    );
    // Fixed again: nothing left to do, nothing written.
    git(tmp.path(), &["commit", "-q", "-am", "fixed"]);
    let out = run(tmp.path(), &["--fix", "-q", "src"]);
    assert_eq!(out.code, 1);
    assert_eq!(lib(tmp.path()), FIXED);

    let out = run(
        tmp.path(),
        &[
            "--fix",
            "--unsafe-fixes",
            "--message-format",
            "short",
            "src",
        ],
    );
    // The runtime made only to block on the future goes with the `block_on`.
    assert!(
        lib(tmp.path()).ends_with("pub async fn nested() -> u32 {\n    async { 1 }.await\n}\n"),
        "{}",
        lib(tmp.path())
    );
    assert_eq!(out.stderr, "fixed 1 finding in 1 file\n");
}

#[test]
fn fix_refuses_uncommitted_changes_naming_them() {
    let tmp = repository();
    fs::write(tmp.path().join("notes.txt"), "new\n").unwrap();
    fs::write(
        tmp.path().join("src/lib.rs"),
        format!("{FIXABLE}// edited\n"),
    )
    .unwrap();
    let out = run(tmp.path(), &["--fix", "src"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: the working tree has uncommitted changes, which `--fix` could overwrite:\n  \
         * notes.txt (dirty)\n  * src/lib.rs (dirty)\n  = help: commit or stash them first, or pass `--allow-dirty`\n"
    );
    assert_eq!(lib(tmp.path()), format!("{FIXABLE}// edited\n"));

    // Staged changes: refused unless `--allow-staged`.
    git(tmp.path(), &["add", "."]);
    let out = run(tmp.path(), &["--fix", "src"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("  * src/lib.rs (staged)\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("pass `--allow-staged`"));
    let out = run(tmp.path(), &["--fix", "--allow-staged", "-q", "src"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(lib(tmp.path()).contains("let _guard = rt.enter();"));

    // `--allow-dirty` covers both.
    fs::write(tmp.path().join("src/lib.rs"), FIXABLE).unwrap();
    let out = run(tmp.path(), &["--fix", "--allow-dirty", "-q", "src"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(lib(tmp.path()), FIXED);
}

#[test]
fn fix_outside_a_repository_needs_allow_no_vcs() {
    let tmp = tempfile::tempdir().unwrap();
    // Not inside any repository, whatever the temp dir's parents are.
    let dir = tmp.path().join("plain");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("lib.rs"), FIXABLE).unwrap();
    let ceiling = tmp.path().to_str().unwrap();
    let out = Command::new(BIN)
        .args(["--fix", "lib.rs"])
        .current_dir(&dir)
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: no git repository holds `lib.rs`: `--fix` would change what git cannot restore\n  \
         = help: commit the code to git first, or pass `--allow-no-vcs`\n"
    );
    assert_eq!(fs::read_to_string(dir.join("lib.rs")).unwrap(), FIXABLE);
    let out = Command::new(BIN)
        .args(["--fix", "--allow-no-vcs", "-q", "lib.rs"])
        .current_dir(&dir)
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read_to_string(dir.join("lib.rs")).unwrap(), FIXED);
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_byte_order_marks_and_line_endings() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = repository();
    let path = tmp.path().join("src/lib.rs");
    let crlf = format!("\u{feff}{}", FIXABLE.replace('\n', "\r\n"));
    fs::write(&path, &crlf).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(tmp.path(), &["--fix", "--allow-dirty", "-q", "src/lib.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let expected = format!("\u{feff}{}", FIXED.replace('\n', "\r\n"));
    assert_eq!(fs::read_to_string(&path).unwrap(), expected);
    let mode = fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    let names: Vec<String> = fs::read_dir(tmp.path().join("src"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["lib.rs"], "no temporary file is left behind");
}

#[test]
fn fix_changes_only_the_files_named() {
    let tmp = repository();
    fs::write(tmp.path().join("src/other.rs"), FIXABLE).unwrap();
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "other"]);
    let out = run(tmp.path(), &["--fix", "-q", "src/other.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(tmp.path().join("src/other.rs")).unwrap(),
        FIXED
    );
    assert_eq!(lib(tmp.path()), FIXABLE);
}

/// The tool's own cache (`target/appstract-lint`, untracked when `target/` is not ignored)
/// does not make the working tree dirty.
#[test]
fn fix_ignores_its_own_cache() {
    let tmp = repository();
    fs::write(
        tmp.path().join("Cargo.toml"),
        "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    git(tmp.path(), &["add", "Cargo.toml"]);
    git(tmp.path(), &["commit", "-q", "-m", "manifest"]);
    let out = run(tmp.path(), &["-q", "src/lib.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(tmp.path().join("target/appstract-lint").is_dir());
    let out = run(tmp.path(), &["--fix", "-q", "src/lib.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(lib(tmp.path()), FIXED);
    // Anything else untracked under `target/` still counts.
    fs::write(tmp.path().join("target/notes.txt"), "x").unwrap();
    git(tmp.path(), &["checkout", "src/lib.rs"]);
    let out = run(tmp.path(), &["--fix", "-q", "src/lib.rs"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("  * target/notes.txt (dirty)\n"),
        "{}",
        out.stderr
    );
}
