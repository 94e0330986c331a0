//! Calls into dependencies whose sync APIs block on a runtime of their own, or need one: the
//! dependencies are read from their sources on disk (here vendored, through a `[source]`
//! replacement, as `cargo vendor` sets it up), summarised, and the findings reported at the
//! calls in the project. The three client crates behave as their summaries say: each was run
//! from async code, the blocking pool and a plain `main` against tokio 1.54.1 (`syncdb`
//! panics with "Cannot start a runtime from within a runtime" in async code, `guarded` does
//! not, `needsrt` panics with "there is no reactor running" in `main`).

#[path = "support/lsp_client.rs"]
mod lsp_client;

use serde_json::json;
use std::fs;
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stderr: String,
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
    fs::write(path, text).expect("a write");
}

/// A vendored package; `checksum` goes into `.cargo-checksum.json`, and so into `Cargo.lock`.
fn vendor(dir: &Path, name: &str, deps: &str, lib: &str, checksum: char) {
    write(
        dir,
        &format!("vendor/{name}/Cargo.toml"),
        &format!("[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"),
    );
    write(dir, &format!("vendor/{name}/src/lib.rs"), lib);
    let sum: String = std::iter::repeat_n(checksum, 64).collect();
    write(
        dir,
        &format!("vendor/{name}/.cargo-checksum.json"),
        &format!("{{\"files\":{{}},\"package\":\"{sum}\"}}"),
    );
}

const SYNCDB: &str = "/// Connects with a runtime of its own, blocking the caller.
pub fn connect() -> u32 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { 1 })
}

pub struct Config;

impl std::str::FromStr for Config {
    type Err = ();
    fn from_str(_: &str) -> Result<Config, ()> {
        Ok(Config)
    }
}

impl Config {
    pub fn open(&self) -> u32 {
        connect()
    }
}

/// The same, through a parsed configuration's method.
pub fn open(params: &str) -> Result<u32, ()> {
    Ok(params.parse::<Config>()?.open())
}
";

const GUARDED: &str = "/// Connects on a thread of its own when a runtime is running.
pub fn connect() -> u32 {
    match tokio::runtime::Handle::try_current() {
        Ok(_) => std::thread::spawn(block).join().unwrap(),
        Err(_) => block(),
    }
}

fn block() -> u32 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { 2 })
}
";

const NEEDSRT: &str = "/// Starts a background worker on the current runtime.
pub fn start_worker() {
    tokio::spawn(async {});
}
";

/// A project that depends on the three clients from vendored sources, with its `Cargo.lock`.
fn project(dir: &Path, syncdb_checksum: char) {
    write(
        dir,
        ".cargo/config.toml",
        "[source.crates-io]\nreplace-with = \"vendored\"\n\n[source.vendored]\ndirectory = \"vendor\"\n",
    );
    vendor(dir, "tokio", "", "", '1');
    vendor(dir, "syncdb", "tokio = \"1\"\n", SYNCDB, syncdb_checksum);
    vendor(dir, "guarded", "tokio = \"1\"\n", GUARDED, '3');
    vendor(dir, "needsrt", "tokio = \"1\"\n", NEEDSRT, '4');
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\nsyncdb = \"1\"\nguarded = \"1\"\nneedsrt = \"1\"\n",
    );
    write(
        dir,
        "src/main.rs",
        "#[tokio::main]
async fn main() {
    let _a = syncdb::connect();
    let _b = syncdb::open(\"host=db\");
    // Correct: a guarded client, the blocking pool, a runtime to start the worker on.
    let _g = guarded::connect();
    let _c = tokio::task::spawn_blocking(syncdb::connect).await;
    needsrt::start_worker();
}
",
    );
    write(
        dir,
        "src/bin/plain.rs",
        "fn main() {
    // Correct: blocking where nothing else runs.
    let _a = syncdb::connect();
    needsrt::start_worker();
}
",
    );
    let lock = Command::new(env!("CARGO"))
        .args(["generate-lockfile", "--offline"])
        .current_dir(dir)
        .output()
        .expect("cargo runs");
    assert!(
        lock.status.success(),
        "{}",
        String::from_utf8_lossy(&lock.stderr)
    );
}

fn run(dir: &Path, store: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-appstract-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("APPSTRACT_LINT_SUMMARIES", store)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn findings(out: &Run) -> Vec<&str> {
    out.stderr
        .lines()
        .filter(|line| line.contains("]: "))
        .collect()
}

const EXPECTED: [&str; 3] = [
    "src/bin/plain.rs:4:5: error[tokio_call_outside_runtime]: `needsrt::start_worker` needs a tokio runtime and is called where none is running",
    "src/main.rs:3:14: error[nested_runtime_block_on]: `syncdb::connect` blocks on a tokio runtime and is called from async code",
    "src/main.rs:4:14: error[nested_runtime_block_on]: `syncdb::open` blocks on a tokio runtime and is called from async code",
];

#[test]
fn calls_into_dependencies_are_followed_through_their_sources() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("app");
    let store = tmp.path().join("store");
    project(&dir, '2');
    let out = run(
        &dir,
        &store,
        &["--no-cache", "--message-format", "short", "-v"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(findings(&out), EXPECTED, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("dependencies: 3 summarised, 0 from the summary store"),
        "{}",
        out.stderr
    );
    let human = run(&dir, &store, &["--no-cache"]);
    for note in [
        "= note: `syncdb::connect` calls `Runtime::block_on` (vendor/syncdb/src/lib.rs:4)",
        "= note: `syncdb::open` calls `Config::open` (vendor/syncdb/src/lib.rs:24)",
        "= note: `Config::open` calls `connect` (vendor/syncdb/src/lib.rs:18)",
    ] {
        assert!(human.stderr.contains(note), "{note}\n{}", human.stderr);
    }
    // Named files (a pre-commit hook) are checked with the same summaries.
    let named = run(
        &dir,
        &store,
        &["--no-cache", "--message-format", "short", "src/main.rs"],
    );
    assert_eq!(findings(&named), EXPECTED[1..], "{}", named.stderr);
    // Turned off, nothing is followed.
    let off = run(
        &dir,
        &store,
        &["--no-cache", "--no-deps", "--message-format", "short"],
    );
    assert!(findings(&off).is_empty(), "{}", off.stderr);
    write(&dir, "appstract-lint.toml", "dependencies = false\n");
    let off = run(
        &dir,
        &store,
        &["--no-cache", "--message-format", "short", "-v"],
    );
    assert!(findings(&off).is_empty(), "{}", off.stderr);
    assert!(
        off.stderr.contains("dependencies not read: turned off"),
        "{}",
        off.stderr
    );
}

/// The summaries of registry packages go to the user's store: a second run reads them from
/// there, a changed checksum (another release of the package) is summarised again, and a
/// damaged entry is ignored and rewritten.
#[test]
fn summaries_are_kept_in_the_users_store() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("app");
    let store = tmp.path().join("store");
    let cache = tmp.path().join("cache");
    project(&dir, '2');
    let args = [
        "--message-format",
        "short",
        "-v",
        "--cache-dir",
        cache.to_str().expect("a UTF-8 path"),
    ];
    let first = run(&dir, &store, &args);
    assert_eq!(findings(&first), EXPECTED, "{}", first.stderr);
    assert!(
        first
            .stderr
            .contains("3 summarised, 0 from the summary store"),
        "{}",
        first.stderr
    );

    // Another project with the same packages reads them from the store.
    let other = tmp.path().join("other");
    project(&other, '2');
    let second = run(&other, &store, &args);
    assert_eq!(findings(&second), EXPECTED, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("0 summarised, 3 from the summary store"),
        "{}",
        second.stderr
    );

    // A new checksum for `syncdb` (another release): it alone is read again.
    let changed = tmp.path().join("changed");
    project(&changed, '9');
    let third = run(&changed, &store, &args);
    assert_eq!(findings(&third), EXPECTED, "{}", third.stderr);
    assert!(
        third
            .stderr
            .contains("1 summarised, 2 from the summary store"),
        "{}",
        third.stderr
    );

    // Damaged entries are ignored and rewritten.
    for entry in walk(&store) {
        let bytes = fs::read(&entry).expect("an entry");
        fs::write(&entry, &bytes[..bytes.len() / 2]).expect("a damaged entry");
    }
    let fourth = run(&other, &store, &args);
    assert_eq!(findings(&fourth), EXPECTED, "{}", fourth.stderr);
    assert!(
        fourth
            .stderr
            .contains("3 summarised, 0 from the summary store"),
        "{}",
        fourth.stderr
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Without a `Cargo.lock` the dependencies are not read (cargo would have to write one), and
/// `-v` says so; the rest of the run is the same.
#[test]
fn without_a_lock_file_dependencies_are_not_read() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("app");
    let store = tmp.path().join("store");
    project(&dir, '2');
    fs::remove_file(dir.join("Cargo.lock")).expect("the lock file");
    let out = run(
        &dir,
        &store,
        &["--no-cache", "--message-format", "short", "-v"],
    );
    assert!(findings(&out).is_empty(), "{}", out.stderr);
    assert!(
        out.stderr.contains("dependencies not read:"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("Cargo.lock").exists(), "no lock file is written");
}

/// Reading the dependency graph makes cargo ask rustc for the target's cfgs: the rustc, the
/// wrappers and the flags a project's `.cargo/config.toml` names are not used for it.
#[cfg(unix)]
#[test]
fn reading_dependencies_runs_no_program_the_project_configures() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("app");
    let store = tmp.path().join("store");
    project(&dir, '2');
    let marker = tmp.path().join("ran");
    let wrapper = tmp.path().join("wrapper.sh");
    fs::write(
        &wrapper,
        format!("#!/bin/sh\ntouch '{}'\nexec \"$@\"\n", marker.display()),
    )
    .expect("write the wrapper");
    fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).expect("chmod");
    let config = fs::read_to_string(dir.join(".cargo/config.toml")).expect("the config");
    for key in ["rustc-wrapper", "rustc-workspace-wrapper", "rustc"] {
        write(
            &dir,
            ".cargo/config.toml",
            &format!("{config}\n[build]\n{key} = \"{}\"\n", wrapper.display()),
        );
        let out = run(
            &dir,
            &store,
            &["--no-cache", "--message-format", "short", "-v"],
        );
        assert_eq!(findings(&out), EXPECTED, "{key}: {}", out.stderr);
        assert!(!marker.exists(), "{key}: the configured program ran");
    }
}

/// In the language server, an edit that calls into a dependency no run has summarised yet is
/// checked with its summary, made then.
#[test]
fn the_language_server_summarises_dependencies_an_edit_calls_into() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let root = tmp.path().canonicalize().expect("a path");
    let dir = root.join("app");
    let store = root.join("store");
    project(&dir, '2');
    fs::remove_file(dir.join("src/bin/plain.rs")).expect("remove the binary");
    write(&dir, "src/main.rs", "#[tokio::main]\nasync fn main() {}\n");
    let main = lsp_client::uri(&dir.join("src/main.rs"));
    let store = store.to_string_lossy().into_owned();
    let mut client = lsp_client::Client::start(&dir, &[("APPSTRACT_LINT_SUMMARIES", &store)]);
    client.initialize(&dir);
    let calling = "#[tokio::main]\nasync fn main() {\n    let _a = syncdb::connect();\n}\n";
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": main, "languageId": "rust", "version": 1, "text": calling } }),
    );
    let found = client.diagnostics(&main, |d| !d.is_empty());
    let diagnostic = &found["diagnostics"][0];
    assert_eq!(diagnostic["code"], "nested_runtime_block_on", "{found}");
    assert_eq!(
        diagnostic["range"]["start"],
        json!({ "line": 2, "character": 13 })
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}
