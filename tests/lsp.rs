//! The language server driven over stdio as an editor drives it: the built binary, framed
//! JSON-RPC messages in and out.

#[path = "support/lsp_client.rs"]
mod lsp_client;

use lsp_client::{uri, Client};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap())
        .collect()
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const MANIFEST: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n";
const LIB: &str = "pub mod helpers;\npub mod jobs;\n";
/// A library helper that blocks on a runtime of its own: fine from sync code.
const HELPERS: &str = "pub fn load() -> u32 {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(async { 1 })\n}\n";
const HELPERS_FIXED: &str = "pub fn load() -> u32 {\n    1\n}\n";
/// The binary calls the helper from async code: the finding is in `main.rs`.
const MAIN: &str = "#[tokio::main]\nasync fn main() {\n    let _n = app::helpers::load();\n}\n";
const JOBS_BUGGY: &str = "use std::sync::Arc;\nuse tokio::sync::Mutex;\n\npub async fn remember(state: Arc<Mutex<Vec<u32>>>, job: u32) {\n    state.blocking_lock().push(job);\n}\n";
const JOBS_FIXED: &str = "use std::sync::Arc;\nuse tokio::sync::Mutex;\n\npub async fn remember(state: Arc<Mutex<Vec<u32>>>, job: u32) {\n    state.lock().await.push(job);\n}\n";

fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    write(
        &root,
        &[
            ("Cargo.toml", MANIFEST),
            ("src/lib.rs", LIB),
            ("src/helpers.rs", HELPERS),
            ("src/jobs.rs", JOBS_FIXED),
            ("src/main.rs", MAIN),
        ],
    );
    (tmp, root)
}

/// Applies LSP text edits (UTF-16 positions; ASCII here) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            (
                offset(&edit["range"]["start"]),
                offset(&edit["range"]["end"]),
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut text = text.to_string();
    for (start, end, new) in edits {
        text.replace_range(start..end, new);
    }
    text
}

#[test]
fn an_editor_session() {
    let (_tmp, root) = project();
    let jobs = uri(&root.join("src/jobs.rs"));
    let helpers = uri(&root.join("src/helpers.rs"));
    let main = uri(&root.join("src/main.rs"));
    let mut client = Client::start(&root, &[]);
    client.initialize(&root);

    // The first run: the binary's finding, from the files on disk.
    let first = client.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(
        codes(first["diagnostics"].as_array().unwrap()),
        ["nested_runtime_block_on"]
    );

    // A buggy buffer, not saved: its finding, for its version.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": jobs, "languageId": "rust", "version": 1, "text": JOBS_BUGGY } }),
    );
    let found = client.diagnostics(&jobs, |d| !d.is_empty());
    assert_eq!(found["version"], 1);
    let diagnostic = found["diagnostics"][0].clone();
    assert_eq!(diagnostic["code"], "tokio_blocking_method_in_async");
    assert_eq!(diagnostic["source"], "appstract-lint");
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(
        diagnostic["range"]["start"],
        json!({ "line": 4, "character": 10 })
    );

    // Its quick fix, applied as an editor applies it: an incremental change.
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": jobs },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic] },
        }),
    );
    let actions = client.response(id)["result"].as_array().unwrap().clone();
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    let edits = actions[0]["edit"]["changes"][&jobs]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(apply(JOBS_BUGGY, &edits), JOBS_FIXED);
    let changes: Vec<Value> = edits
        .iter()
        .map(|edit| json!({ "range": edit["range"], "text": edit["newText"] }))
        .collect();
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": jobs, "version": 2 }, "contentChanges": changes }),
    );
    let cleared = client.diagnostics(&jobs, |d| d.is_empty());
    assert_eq!(cleared["version"], 2);

    // The bug again, then suppressed with the comment action.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": jobs, "version": 3 }, "contentChanges": [{ "text": JOBS_BUGGY }] }),
    );
    let found = client.diagnostics(&jobs, |d| !d.is_empty());
    assert_eq!(found["version"], 3);
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": jobs },
            "range": found["diagnostics"][0]["range"],
            "context": { "diagnostics": found["diagnostics"] },
        }),
    );
    let actions = client.response(id)["result"].as_array().unwrap().clone();
    let suppress = actions
        .iter()
        .find(|action| action["title"].as_str().unwrap().starts_with("Suppress"))
        .expect("a suppression action");
    let edits = suppress["edit"]["changes"][&jobs]
        .as_array()
        .unwrap()
        .clone();
    let suppressed = apply(JOBS_BUGGY, &edits);
    assert!(suppressed.contains(
        "    // appstract-lint: allow(tokio_blocking_method_in_async) -- <reason>\n    state.blocking_lock()"
    ));
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": jobs, "version": 4 }, "contentChanges": [{ "text": suppressed }] }),
    );
    assert_eq!(client.diagnostics(&jobs, |d| d.is_empty())["version"], 4);

    // Edited to the fixed text (full synchronisation): nothing to show.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": jobs, "version": 5 }, "contentChanges": [{ "text": JOBS_FIXED }] }),
    );
    assert_eq!(client.diagnostics(&jobs, |d| d.is_empty())["version"], 5);

    // The helper another file's finding depends on: fixed in its buffer, the binary's
    // finding goes; back as it was, it returns.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": helpers, "languageId": "rust", "version": 1, "text": HELPERS } }),
    );
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": helpers, "version": 2 }, "contentChanges": [{ "text": HELPERS_FIXED }] }),
    );
    let gone = client.diagnostics(&main, |d| d.is_empty());
    assert_eq!(gone["version"], Value::Null);
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": helpers, "version": 3 }, "contentChanges": [{ "text": HELPERS }] }),
    );
    let back = client.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(
        codes(back["diagnostics"].as_array().unwrap()),
        ["nested_runtime_block_on"]
    );
    // Its chain, as related information pointing into the helper.
    let related = back["diagnostics"][0]["relatedInformation"]
        .as_array()
        .unwrap();
    assert!(
        related
            .iter()
            .any(|info| info["location"]["uri"] == helpers),
        "{related:#?}"
    );

    // An unknown method, a message that is not JSON, a request without a method: errors, and
    // the server goes on.
    let id = client.request("appstract/unknown", json!({}));
    assert_eq!(client.response(id)["error"]["code"], -32601);
    client.send_raw("{ not json");
    let parse_error = client.wait_for("a parse error", |message| {
        message["error"]["code"] == -32700 && message["id"].is_null()
    });
    assert!(parse_error["error"]["message"].is_string());
    client.send_raw(r#"{"jsonrpc":"2.0","id":99,"params":{}}"#);
    assert_eq!(client.response(99)["error"]["code"], -32600);
    let id = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": jobs }, "range": "nowhere" }),
    );
    assert_eq!(client.response(id)["error"]["code"], -32602);

    // Closed: the file on disk stands again (the clean version).
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": jobs } }),
    );

    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn an_internal_error_in_one_file_is_a_diagnostic_and_the_server_goes_on() {
    let (_tmp, root) = project();
    write(
        &root,
        &[
            (
                "src/lib.rs",
                "pub mod helpers;\npub mod jobs;\npub mod boom;\n",
            ),
            ("src/boom.rs", "pub async fn f() {}\n"),
        ],
    );
    let jobs = uri(&root.join("src/jobs.rs"));
    let boom = uri(&root.join("src/boom.rs"));
    let mut client = Client::start(&root, &[("APPSTRACT_LINT_INJECT_PANIC", "analyze:boom.rs")]);
    client.initialize(&root);
    if cfg!(debug_assertions) {
        let found = client.diagnostics(&boom, |d| !d.is_empty());
        assert_eq!(
            codes(found["diagnostics"].as_array().unwrap()),
            ["internal_error"]
        );
    }
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": jobs, "languageId": "rust", "version": 1, "text": JOBS_BUGGY } }),
    );
    let found = client.diagnostics(&jobs, |d| !d.is_empty());
    assert_eq!(
        codes(found["diagnostics"].as_array().unwrap()),
        ["tokio_blocking_method_in_async"]
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn requests_before_initialize_are_refused_and_exit_without_shutdown_fails() {
    let (_tmp, root) = project();
    let mut client = Client::start(&root, &[]);
    let id = client.request("textDocument/codeAction", json!({}));
    assert_eq!(client.response(id)["error"]["code"], -32002);
    client.initialize(&root);
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    assert_eq!(client.child.wait().unwrap().code(), Some(1));
}

#[test]
fn a_closed_buffer_reads_the_disk_and_a_configuration_change_is_seen() {
    let (_tmp, root) = project();
    let jobs = uri(&root.join("src/jobs.rs"));
    let main = uri(&root.join("src/main.rs"));
    let mut client = Client::start(&root, &[]);
    client.initialize(&root);
    client.diagnostics(&main, |d| !d.is_empty());

    // A buggy buffer, closed without saving: the clean file on disk again.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": jobs, "languageId": "rust", "version": 1, "text": JOBS_BUGGY } }),
    );
    client.diagnostics(&jobs, |d| !d.is_empty());
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": jobs } }),
    );
    let closed = client.diagnostics(&jobs, |d| d.is_empty());
    assert_eq!(closed["version"], Value::Null);

    // A configuration written beside the manifest, as the editor's file watcher reports it.
    write(
        &root,
        &[(
            "appstract-lint.toml",
            "[lints]\nnested_runtime_block_on = \"allow\"\n",
        )],
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root.join("appstract-lint.toml")), "type": 1 }] }),
    );
    client.diagnostics(&main, |d| d.is_empty());
    assert_eq!(client.shutdown_and_exit(), 0);
}
