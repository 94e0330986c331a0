//! A workspace whose bugs cross boundaries (`tests/fixtures/workspace`): a binary, a test and
//! an example call into their package's library and into another package of the workspace,
//! and the findings are reported at those calls, with the other crates' chains in notes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workspace")
}

struct Run {
    code: i32,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-appstract-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
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
        .filter(|line| line.contains("["))
        .collect()
}

const EXPECTED: &[&str] = &[
    "app/examples/render.rs:3:5: error[spawn_local_outside_local_set]: `client::spawn_render` calls `spawn_local` and is called outside a `LocalSet`",
    "app/src/main.rs:3:14: error[nested_runtime_block_on]: `app::load` blocks on a tokio runtime and is called from async code",
    "app/src/main.rs:4:14: error[nested_runtime_block_on]: `app::load_renamed` blocks on a tokio runtime and is called from async code",
    "app/src/main.rs:5:36: error[nested_runtime_block_on]: `client::fetch_blocking` blocks on a tokio runtime and is called from async code",
    "app/src/main.rs:8:20: error[nested_runtime_block_on]: `client::sync::Client::query` blocks on a tokio runtime and is called from async code",
    "app/src/main.rs:20:5: warning[task_lost_at_runtime_exit]: spawned task is not awaited before the runtime shuts down",
    "app/src/main.rs:21:1: warning[runtime_dropped_in_async]: tokio runtime owned by `_pool` is dropped inside async code",
    "app/src/main.rs:21:1: warning[runtime_dropped_in_async]: tokio runtime owned by `query` is dropped inside async code",
    "app/tests/flow.rs:3:14: error[block_in_place_on_current_thread]: `client::crunch` calls `block_in_place` and is called on a current-thread runtime",
    "app/tests/flow.rs:8:5: error[tokio_call_outside_runtime]: `client::start_worker` needs a tokio runtime and is called where none is running",
];

/// Binary, test and example to library, and package to package, with their look-alikes
/// silent (a helper only called from `main` or `spawn_blocking`, a guarded API, a method of
/// the same name on another type, a closure stored or run on a thread, a multi-thread test, a
/// `LocalSet`, an entered runtime).
#[test]
fn calls_are_followed_across_targets_and_packages() {
    let out = run(
        &fixture(),
        &["--workspace", "--no-cache", "--message-format", "short"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(findings(&out), EXPECTED, "{}", out.stderr);

    let human = run(&fixture(), &["--workspace", "--no-cache"]);
    for note in [
        "= note: `app::load` calls `client::fetch_blocking` (app/src/lib.rs:5)",
        "= note: `client::fetch_blocking` calls `Runtime::block_on` (client/src/lib.rs:10)",
        "= note: `client::crunch` calls `tokio::task::block_in_place` (client/src/lib.rs:32)",
        "= note: `client::upload_in_background` spawns a task with `tokio::spawn` and drops its handle (client/src/lib.rs:20)",
    ] {
        assert!(human.stderr.contains(note), "{note}\n{}", human.stderr);
    }
}

/// Linting one package, or one file of it, reports its findings whose sinks are in another
/// package (that package is read for its summary, not reported).
#[test]
fn one_package_or_one_file_sees_the_other_package() {
    let out = run(
        &fixture(),
        &["-p", "app", "--no-cache", "--message-format", "short"],
    );
    assert_eq!(findings(&out), EXPECTED, "{}", out.stderr);

    let file = run(
        &fixture(),
        &[
            "--no-cache",
            "--message-format",
            "short",
            "app/tests/flow.rs",
        ],
    );
    let in_flow: Vec<&str> = EXPECTED
        .iter()
        .copied()
        .filter(|line| line.starts_with("app/tests/flow.rs"))
        .collect();
    assert_eq!(findings(&file), in_flow, "{}", file.stderr);

    let client = run(
        &fixture().join("client"),
        &["--no-cache", "--message-format", "short"],
    );
    assert_eq!(client.code, 0, "{}", client.stderr);
    assert!(findings(&client).is_empty(), "{}", client.stderr);
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("readable fixture") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            fs::create_dir_all(&target).expect("a directory");
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("a copy");
        }
    }
}

/// With the cache, an edit to a library changes what its dependents report, though their
/// files did not change.
#[test]
fn an_edit_to_a_library_reaches_its_dependents_through_the_cache() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("ws");
    fs::create_dir_all(&dir).expect("a directory");
    copy_tree(&fixture(), &dir);
    let cache = tmp.path().join("cache");
    let args = [
        "--workspace",
        "--message-format",
        "short",
        "--cache-dir",
        cache.to_str().expect("a UTF-8 path"),
    ];
    let before = run(&dir, &args);
    assert_eq!(findings(&before), EXPECTED, "{}", before.stderr);
    let lib = dir.join("client/src/lib.rs");
    let text = fs::read_to_string(&lib).expect("the library");
    fs::write(&lib, text.replace("tokio::task::block_in_place(|| 2)", "2")).expect("an edit");
    let after = run(&dir, &args);
    let expected: Vec<&str> = EXPECTED
        .iter()
        .copied()
        .filter(|line| !line.contains("block_in_place_on_current_thread"))
        .collect();
    assert_eq!(findings(&after), expected, "{}", after.stderr);
    // And back: the entries of the first run are used again.
    fs::write(&lib, text).expect("an edit");
    assert_eq!(findings(&run(&dir, &args)), EXPECTED);
}

/// A build system runs the tool once per crate, handing each the summaries of its
/// dependencies as rustc hands on `.rmeta` files: the findings are those of the workspace run.
#[test]
fn one_action_per_crate_with_summary_files() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let file = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let (client, app) = (file("client.summary"), file("app.summary"));
    let ok = |args: &[&str]| {
        let out = run(&fixture(), args);
        assert_eq!(out.code, 0, "{}", out.stderr);
    };
    ok(&[
        "--no-cache",
        "-q",
        "--crate-root",
        "client/src/lib.rs",
        "--crate-name",
        "client",
        "--emit-summary",
        &client,
    ]);
    let client_extern = format!("client={client}");
    let net_extern = format!("net={client}");
    ok(&[
        "--no-cache",
        "-q",
        "--crate-root",
        "app/src/lib.rs",
        "--crate-name",
        "app",
        "--extern",
        &client_extern,
        "--extern",
        &net_extern,
        "--emit-summary",
        &app,
    ]);
    let app_extern = format!("app={app}");
    let main = run(
        &fixture(),
        &[
            "--no-cache",
            "--message-format",
            "short",
            "--crate-root",
            "app/src/main.rs",
            "--crate-type",
            "bin",
            "--extern",
            &client_extern,
            "--extern",
            &app_extern,
        ],
    );
    let in_main: Vec<&str> = EXPECTED
        .iter()
        .copied()
        .filter(|line| line.starts_with("app/src/main.rs"))
        .collect();
    assert_eq!(findings(&main), in_main, "{}", main.stderr);

    // A file that is not a summary is an error that says so.
    std::fs::write(tmp.path().join("bad.summary"), "not a summary").expect("a file");
    let bad_extern = format!("client={}", file("bad.summary"));
    let bad = run(
        &fixture(),
        &[
            "--no-cache",
            "--crate-root",
            "app/src/lib.rs",
            "--extern",
            &bad_extern,
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr
            .contains("is not a summary written by `--emit-summary`"),
        "{}",
        bad.stderr
    );
}
