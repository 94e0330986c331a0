//! End-to-end tests of how the tool fits cargo, editors and CI: package selection, levels,
//! configuration, suppressions, machine formats and baselines, on cargo projects made here
//! (with real `cargo metadata`).

use std::fs;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-appstract-lint");
const LINT: &str = "nested_runtime_block_on";

/// `block_on` of a tokio runtime inside an async fn: the finding is on line 3.
const FINDING: &str = "pub async fn f() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {});
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
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn short(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--message-format", "short"];
    all.extend_from_slice(args);
    run(dir, &all)
}

fn write(dir: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
    fs::write(path, text).expect("write file");
}

fn package(dir: &Path, name: &str, extra: &str) {
    write(
        dir,
        "Cargo.toml",
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}"),
    );
}

/// A package whose `src/lib.rs` has one finding.
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temp dir");
    package(tmp.path(), "svc", "");
    write(tmp.path(), "src/lib.rs", FINDING);
    tmp
}

/// The `path:line` of each line of short output.
fn places(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|line| {
            let mut parts = line.splitn(3, ':');
            format!(
                "{}:{} {}",
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
                line.split(": ")
                    .nth(1)
                    .and_then(|s| s.split('[').nth(1))
                    .and_then(|s| s.split(']').next())
                    .unwrap_or("")
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Package selection

fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let dir = tmp.path();
    write(
        dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\ndefault-members = [\"crates/api\"]\nresolver = \"2\"\n",
    );
    for member in ["api", "worker", "worker-extra"] {
        package(&dir.join("crates").join(member), member, "");
        write(dir, &format!("crates/{member}/src/lib.rs"), FINDING);
    }
    tmp
}

fn files(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|line| line.split(':').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn default_selection_is_the_default_members() {
    let tmp = workspace();
    let out = short(tmp.path(), &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(files(&out.stderr), ["crates/api/src/lib.rs"]);
}

#[test]
fn package_workspace_and_exclude_select_like_cargo() {
    let tmp = workspace();
    let dir = tmp.path();
    assert_eq!(
        files(&short(dir, &["-p", "worker"]).stderr),
        ["crates/worker/src/lib.rs"]
    );
    assert_eq!(
        files(&short(dir, &["-p", "worker*", "--package", "api"]).stderr),
        [
            "crates/api/src/lib.rs",
            "crates/worker-extra/src/lib.rs",
            "crates/worker/src/lib.rs"
        ]
    );
    assert_eq!(
        files(&short(dir, &["--workspace", "--exclude", "worker-*"]).stderr),
        ["crates/api/src/lib.rs", "crates/worker/src/lib.rs"]
    );
    assert_eq!(
        files(&short(dir, &["--all", "--exclude", "api"]).stderr).len(),
        2
    );
    let out = short(dir, &["-p", "wroker"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("error: package `wroker` is not a member of the workspace"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `worker`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn manifest_path_selects_the_project() {
    let tmp = workspace();
    let outside = tempfile::tempdir().expect("a temp dir");
    let manifest = tmp.path().join("crates/worker/Cargo.toml");
    let out = short(
        outside.path(),
        &["--manifest-path", manifest.to_str().unwrap()],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1);
    assert!(
        out.stderr.contains("crates/worker/src/lib.rs:3:8"),
        "{}",
        out.stderr
    );

    let out = short(outside.path(), &["--manifest-path", "nowhere/Cargo.toml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    // Selection flags are about cargo projects, not paths.
    assert_eq!(short(tmp.path(), &["-p", "api", "crates"]).code, 2);
}

#[test]
fn a_path_is_reported_alone_but_analysed_in_its_crate() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let dir = tmp.path();
    package(
        dir,
        "svc",
        "[dependencies]\nrt = { package = \"tokio\", version = \"1\" }\n",
    );
    // The module only knows `Runtime` through the crate root's re-export of a renamed crate.
    write(
        dir,
        "src/lib.rs",
        format!("pub use rt::runtime::Runtime as Engine;\nmod jobs;\n{FINDING}"),
    );
    write(
        dir,
        "src/jobs.rs",
        "use crate::Engine;\n\npub async fn run() {\n    Engine::new().unwrap().block_on(async {});\n}\n",
    );
    let out = short(dir, &["src/jobs.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(places(&out.stderr), [format!("src/jobs.rs:4 {LINT}")]);
}

/// Paths are shown from the workspace root, as cargo shows them, from any directory in it and
/// in every format; a file outside it makes every path whole, never a mix.
#[test]
fn paths_are_shown_from_the_workspace_root() {
    let tmp = workspace();
    let dir = tmp.path();
    let member_src = dir.join("crates/worker/src");
    assert_eq!(
        files(&short(&member_src, &[]).stderr),
        ["crates/worker/src/lib.rs"]
    );
    assert_eq!(
        files(&short(&member_src, &["lib.rs"]).stderr),
        ["crates/worker/src/lib.rs"]
    );
    let json = run(&member_src, &["--message-format", "json"]);
    let message: serde_json::Value =
        serde_json::from_str(json.stdout.lines().next().expect("a message")).unwrap();
    assert_eq!(
        message["message"]["spans"][0]["file_name"],
        "crates/worker/src/lib.rs"
    );
    let sarif = run(&member_src, &["--message-format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run0 = &sarif["runs"][0];
    let root = format!("file://{}/", dir.display());
    assert_eq!(
        run0["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        root.as_str()
    );
    let location = &run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "crates/worker/src/lib.rs");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");

    // A file outside the workspace: every path is shown whole.
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "other.rs", FINDING);
    let other = outside.path().join("other.rs");
    let out = short(&member_src, &["lib.rs", other.to_str().unwrap()]);
    let shown = files(&out.stderr);
    assert_eq!(shown.len(), 2, "{}", out.stderr);
    assert!(shown.iter().all(|path| path.starts_with('/')), "{shown:?}");
}

// ---------------------------------------------------------------------------------------------
// Levels

#[test]
fn level_flags_apply_in_order() {
    let tmp = project();
    let dir = tmp.path();
    let out = short(dir, &["-A", LINT]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = short(dir, &["-A", LINT, "-W", LINT]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains(&format!("warning[{LINT}]")),
        "{}",
        out.stderr
    );
    let out = short(dir, &["-W", LINT, "-D", "warnings"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains(&format!("error[{LINT}]")));
    // Other spellings of a lint name.
    assert_eq!(
        short(dir, &["--allow", "appstract::nested-runtime-block-on"]).code,
        0
    );
    // forbid is not lowered by a later flag.
    assert_eq!(short(dir, &["-F", LINT, "-A", LINT]).code, 1);
    let out = short(dir, &["--exit-zero"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains(&format!("error[{LINT}]")));
}

#[test]
fn unknown_lint_on_the_command_line_exits_2() {
    let tmp = project();
    let out = short(tmp.path(), &["-D", "nested_runtime_blockon"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: unknown lint `nested_runtime_blockon` given to -D\n  = help: did you mean `nested_runtime_block_on`?\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Configuration

#[test]
fn configuration_files_and_metadata_tables_set_levels() {
    let tmp = workspace();
    let dir = tmp.path();
    // The workspace's file applies to every member...
    write(
        dir,
        "appstract-lint.toml",
        format!("[lints]\n{LINT} = \"warn\"\n"),
    );
    let out = short(dir, &["--workspace"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr.matches("warning[").count(), 3, "{}", out.stderr);
    // ...unless a nearer one says otherwise: a member's metadata table...
    package(
        &dir.join("crates/worker"),
        "worker",
        &format!("\n[package.metadata.appstract-lint.lints]\n{LINT} = \"allow\"\n"),
    );
    // ...or a hidden file in its directory.
    write(
        dir,
        "crates/api/.appstract-lint.toml",
        format!("[lints]\n{LINT} = \"deny\"\n"),
    );
    let out = short(dir, &["--workspace"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        places(&out.stderr),
        [
            format!("crates/api/src/lib.rs:3 {LINT}"),
            format!("crates/worker-extra/src/lib.rs:3 {LINT}"),
        ]
    );
    assert!(out
        .stderr
        .contains("crates/worker-extra/src/lib.rs:3:8: warning"));

    // The workspace's metadata table, when there is no file.
    fs::remove_file(dir.join("appstract-lint.toml")).unwrap();
    write(
        dir,
        "Cargo.toml",
        format!("[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n[workspace.metadata.appstract-lint.lints]\n{LINT} = \"allow\"\n"),
    );
    assert_eq!(
        files(&short(dir, &["--workspace"]).stderr),
        ["crates/api/src/lib.rs"]
    );

    // `--config` wins over every discovered configuration; the command line over it.
    write(
        dir,
        "strict.toml",
        format!("[lints]\n{LINT} = \"forbid\"\n"),
    );
    let out = short(dir, &["--workspace", "--config", "strict.toml"]);
    assert_eq!(out.stderr.matches("error[").count(), 3, "{}", out.stderr);
    write(dir, "lax.toml", format!("[lints]\n{LINT} = \"warn\"\n"));
    let out = short(dir, &["--workspace", "--config", "lax.toml", "-D", LINT]);
    assert_eq!(out.stderr.matches("error[").count(), 3, "{}", out.stderr);
}

#[test]
fn excludes_overrides_and_verbose_skips() {
    let tmp = project();
    let dir = tmp.path();
    write(
        dir,
        "src/lib.rs",
        format!("mod generated;\nmod legacy;\n{FINDING}"),
    );
    write(dir, "src/generated/mod.rs", "fn broken( {\n");
    write(dir, "src/legacy.rs", FINDING);
    write(
        dir,
        "appstract-lint.toml",
        format!(
            "exclude = [\"src/generated\"]\nentry-attributes = [\"my_rt::main\"]\n\
             blocking-functions = [\"my::io::read_all\"]\n\n\
             [[overrides]]\nfiles = [\"src/legacy.rs\"]\nlints = {{ {LINT} = \"warn\" }}\n"
        ),
    );
    let out = short(dir, &["-v"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("src/legacy.rs:3:8: warning[{LINT}]")),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains(&format!("src/lib.rs:5:8: error[{LINT}]")));
    assert!(!out.stderr.contains("syntax_error"));
    assert!(out.stderr.contains(
        "     Skipped src/generated/mod.rs (matches `exclude` in `appstract-lint.toml`)\n"
    ));
    assert!(out.stderr.contains("      Linted src/legacy.rs\n"));
    assert!(
        out.stderr.contains("discovered 5 crates") || out.stderr.contains("discovered 1 crate")
    );
    assert!(!out.stderr.contains("Crate "), "{}", out.stderr);
    // `-vv` also names each crate, its root and the configuration its files get.
    let out = short(dir, &["-vv"]);
    assert!(
        out.stderr
            .contains("       Crate svc (lib) src/lib.rs, configuration `appstract-lint.toml`\n"),
        "{}",
        out.stderr
    );
    // Excludes apply to files named on the command line too (pre-commit passes them).
    let out = short(dir, &["src/generated/mod.rs"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}

#[test]
fn malformed_configuration_exits_2_with_file_and_line() {
    let tmp = project();
    let dir = tmp.path();
    write(
        dir,
        "appstract-lint.toml",
        "[lints]\nnested_runtime_block_on = \"deny\"\n[lints\n",
    );
    let out = short(dir, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: cannot parse `appstract-lint.toml`: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("  --> appstract-lint.toml:3:"),
        "{}",
        out.stderr
    );

    write(
        dir,
        "appstract-lint.toml",
        "\n[lints]\nnested_runtime_blockon = \"deny\"\n",
    );
    let out = short(dir, &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: unknown lint `nested_runtime_blockon` in `appstract-lint.toml`\n  --> appstract-lint.toml:3:1\n  = help: did you mean `nested_runtime_block_on`?\n"
    );

    write(
        dir,
        "appstract-lint.toml",
        "exclude = []\nentry-attribute = []\n",
    );
    let out = short(dir, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown key `entry-attribute`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("appstract-lint.toml:2:1"));
    assert!(out.stderr.contains("did you mean `entry-attributes`?"));

    write(
        dir,
        "appstract-lint.toml",
        "[lints]\nnested_runtime_block_on = \"error\"\n",
    );
    let out = short(dir, &[]);
    assert_eq!(out.code, 2);
    assert!(out
        .stderr
        .contains("invalid level for lint `nested_runtime_block_on`"));
    assert!(
        out.stderr.contains("appstract-lint.toml:2:27"),
        "{}",
        out.stderr
    );

    // The same checks in a metadata table.
    fs::remove_file(dir.join("appstract-lint.toml")).unwrap();
    package(
        dir,
        "svc",
        "\n[package.metadata.appstract-lint]\nlints = { detached_spwan = \"deny\" }\n",
    );
    let out = short(dir, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("unknown lint `detached_spwan` in `Cargo.toml`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("  --> Cargo.toml:7:11"),
        "{}",
        out.stderr
    );

    assert_eq!(short(dir, &["--config", "missing.toml"]).code, 2);
}

// ---------------------------------------------------------------------------------------------
// Suppressions

#[test]
fn suppressions_cover_their_line_statement_file_and_item() {
    let tmp = project();
    let dir = tmp.path();
    write(
        dir,
        "src/lib.rs",
        "pub async fn a() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {}); // appstract-lint: allow(nested_runtime_block_on) -- startup only
    // appstract-lint: allow(nested_runtime_block_on) -- the whole statement

    let _n = rt
        .block_on(async { 1 });
    rt.block_on(async {});
}

#[cfg_attr(appstract_lint, allow(appstract::nested_runtime_block_on))]
pub async fn b() {
    tokio::runtime::Runtime::new().unwrap().block_on(async {});
}

pub fn c() {
    // appstract-lint: allow(nested_runtime_block_on, invalid_suppression)
    let _ = 1;
}
",
    );
    let out = short(dir, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        places(&out.stderr),
        [
            format!("src/lib.rs:8 {LINT}"),
            "src/lib.rs:17 unused_suppression".to_string(),
            "src/lib.rs:17 unused_suppression".to_string(),
        ],
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains("unused suppression of `invalid_suppression`"));

    // allow-file covers the rest; `-A unused_suppression` silences the unused ones.
    write(
        dir,
        "src/lib.rs",
        format!("// appstract-lint: allow-file(nested_runtime_block_on)\n{FINDING}"),
    );
    let out = short(dir, &[]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    write(
        dir,
        "src/lib.rs",
        "// appstract-lint: allow-file(nested_runtime_block_on)\n",
    );
    assert_eq!(
        short(dir, &[]).stderr.matches("unused_suppression").count(),
        1
    );
    assert_eq!(short(dir, &["-A", "unused_suppression"]).stderr, "");
}

#[test]
fn forbid_is_not_lowered_by_a_suppression() {
    let tmp = project();
    let dir = tmp.path();
    write(
        dir,
        "src/lib.rs",
        "pub async fn f() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // appstract-lint: allow(nested_runtime_block_on)
    rt.block_on(async {});
}
",
    );
    assert_eq!(short(dir, &[]).code, 0);
    let out = run(dir, &["-F", LINT]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains(
        "= note: the `// appstract-lint: allow(..)` comment on line 3 cannot allow it: `nested_runtime_block_on` is forbidden"
    ), "{}", out.stderr);
    assert!(!out.stderr.contains("unused_suppression"));
}

#[test]
fn unknown_and_malformed_suppressions_are_warnings() {
    let tmp = project();
    let dir = tmp.path();
    write(
        dir,
        "src/lib.rs",
        "// appstract-lint: allow(nested_runtime_blockon)\n// appstract-lint: allow(syntax_error)\n// appstract-lint: alow(x)\nfn f() {}\n",
    );
    let out = run(dir, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains(
        "warning[invalid_suppression]: unknown lint `nested_runtime_blockon` in a suppression"
    ));
    assert!(out
        .stderr
        .contains("= help: did you mean `nested_runtime_block_on`?"));
    assert!(out
        .stderr
        .contains("`syntax_error` is a problem of the tool, not a lint"));
    assert!(out
        .stderr
        .contains("malformed suppression: unknown directive `alow`"));
    assert_eq!(run(dir, &["-D", "warnings"]).code, 1);
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn json_is_cargo_compatible() {
    let tmp = project();
    let dir = tmp.path();
    let out = run(dir, &["--message-format=json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let messages: Vec<cargo_metadata::Message> =
        cargo_metadata::Message::parse_stream(out.stdout.as_bytes())
            .collect::<Result<_, _>>()
            .expect("JSON lines");
    assert_eq!(messages.len(), 2, "{}", out.stdout);
    let cargo_metadata::Message::CompilerMessage(message) = &messages[0] else {
        panic!("not a compiler message: {:?}", messages[0]);
    };
    assert!(
        message.package_id.repr.contains("svc"),
        "{}",
        message.package_id.repr
    );
    // `cargo_metadata` reads but does not keep `manifest_path`: check it in the raw line.
    let raw: serde_json::Value =
        serde_json::from_str(out.stdout.lines().next().unwrap()).expect("JSON");
    assert!(raw["manifest_path"]
        .as_str()
        .unwrap()
        .ends_with("/Cargo.toml"));
    assert_eq!(message.target.name, "svc");
    let diagnostic = &message.message;
    assert_eq!(
        diagnostic.code.as_ref().map(|c| c.code.as_str()),
        Some(LINT)
    );
    assert!(diagnostic
        .code
        .as_ref()
        .and_then(|c| c.explanation.as_ref())
        .is_some());
    assert_eq!(
        diagnostic.level,
        cargo_metadata::diagnostic::DiagnosticLevel::Error
    );
    let primary = diagnostic
        .spans
        .iter()
        .find(|s| s.is_primary)
        .expect("a primary span");
    assert_eq!(primary.file_name, "src/lib.rs");
    assert_eq!((primary.line_start, primary.column_start), (3, 8));
    assert_eq!(
        &FINDING[primary.byte_start as usize..primary.byte_end as usize],
        "block_on(async {})"
    );
    assert_eq!(primary.text[0].text, "    rt.block_on(async {});");
    let rendered = diagnostic.rendered.as_deref().unwrap_or("");
    assert!(
        rendered.starts_with(&format!("error[{LINT}]: ")),
        "{rendered}"
    );
    assert!(rendered.contains(" --> src/lib.rs:3:8"));
    // The fix is a help child with machine-readable replacements.
    let fix = diagnostic
        .children
        .iter()
        .find(|child| {
            child
                .spans
                .iter()
                .any(|s| s.suggested_replacement.is_some())
        })
        .expect("a suggestion");
    assert!(fix
        .spans
        .iter()
        .all(|s| s.suggestion_applicability.is_some()));
    assert!(matches!(
        messages[1],
        cargo_metadata::Message::BuildFinished(cargo_metadata::BuildFinished {
            success: false,
            ..
        })
    ));
}

/// A file whose name and message hold every character the formats must escape.
const HOSTILE: &str = "we%ird,na:me <&>\n\"x\".rs";

fn hostile_project() -> tempfile::TempDir {
    let tmp = project();
    // Not UTF-8: reported with its name in the message.
    write(tmp.path(), HOSTILE, b"fn f() { \xff }\n");
    write(
        tmp.path(),
        "src/lib.rs",
        format!("{FINDING}// appstract-lint: allow(a%b:c<&>)\n"),
    );
    tmp
}

fn hostile_args(format: &str) -> Vec<&str> {
    vec!["--message-format", format, "src/lib.rs", HOSTILE]
}

#[test]
fn github_annotations_escape_data_and_properties() {
    let tmp = hostile_project();
    let out = run(tmp.path(), &hostile_args("github"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines
        .iter()
        .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")));
    let hostile = lines
        .iter()
        .find(|l| l.contains("io_error"))
        .expect("the unreadable file");
    assert!(hostile.starts_with(
        "::error file=we%25ird%2Cna%3Ame <&>%0A\"x\".rs,line=1,endLine=1,col=10,endColumn=11,title=appstract-lint%3A io_error::`we%25ird,na:me <&>%0A\"x\".rs` is not valid UTF-8"
    ), "{hostile}");
    assert!(out.stdout.contains(
        "::error file=src/lib.rs,line=3,endLine=3,col=8,endColumn=26,title=appstract-lint%3A nested_runtime_block_on::"
    ));
    assert!(out
        .stdout
        .contains("unknown lint `a%25b:c<&>` in a suppression"));
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let tmp = hostile_project();
    let out = run(tmp.path(), &hostile_args("sarif"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let mut schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json"),
        )
        .expect("the schema"),
    )
    .expect("schema JSON");
    // The schema's `language` patterns, `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, have a
    // stray `]` that only ECMAScript regexes accept; the validator reads them as the
    // language tag pattern they mean. The rest of the official schema is used as published.
    assert_eq!(fix_language_patterns(&mut schema), 2);
    let validator = jsonschema::draft7::new(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["id"] == LINT)
        .expect("the lint's rule");
    for key in ["shortDescription", "fullDescription", "help"] {
        assert!(
            rule[key]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{key}"
        );
    }
    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let finding = results
        .iter()
        .find(|r| r["ruleId"] == LINT)
        .expect("the finding");
    let location = &finding["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/lib.rs");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 3);
    assert_eq!(
        rules[finding["ruleIndex"].as_u64().unwrap() as usize]["id"],
        LINT
    );
    assert!(finding["partialFingerprints"]["appstractLint/v1"].is_string());
    let hostile = results
        .iter()
        .find(|r| r["ruleId"] == "io_error")
        .expect("io error");
    assert_eq!(
        hostile["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "we%25ird%2Cna%3Ame%20%3C%26%3E%0A%22x%22.rs"
    );
}

fn fix_language_patterns(value: &mut serde_json::Value) -> usize {
    match value {
        serde_json::Value::Object(map) => {
            let mut fixed = 0;
            for (key, item) in map.iter_mut() {
                if key == "pattern" && item == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *item = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                    fixed += 1;
                } else {
                    fixed += fix_language_patterns(item);
                }
            }
            fixed
        }
        serde_json::Value::Array(items) => items.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

#[test]
fn gitlab_fingerprints_survive_line_shifts() {
    let tmp = project();
    let dir = tmp.path();
    let report = |dir: &Path| -> Vec<serde_json::Value> {
        let out = run(dir, &["--message-format", "gitlab"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        serde_json::from_str::<serde_json::Value>(&out.stdout)
            .expect("JSON")
            .as_array()
            .expect("an array")
            .clone()
    };
    let before = report(dir);
    assert_eq!(before.len(), 1);
    let issue = &before[0];
    assert_eq!(issue["check_name"], LINT);
    assert_eq!(issue["severity"], "major");
    assert_eq!(issue["location"]["path"], "src/lib.rs");
    assert_eq!(issue["location"]["lines"]["begin"], 3);
    assert!(issue["description"]
        .as_str()
        .unwrap()
        .starts_with("`Runtime::block_on`"));
    assert_eq!(report(dir)[0]["fingerprint"], issue["fingerprint"]);
    write(dir, "src/lib.rs", format!("// a comment\n\n{FINDING}"));
    let after = report(dir);
    assert_eq!(after[0]["location"]["lines"]["begin"], 5);
    assert_eq!(after[0]["fingerprint"], issue["fingerprint"]);
}

#[test]
fn junit_and_checkstyle_are_well_formed_xml() {
    let tmp = hostile_project();
    for format in ["junit", "checkstyle"] {
        let out = run(tmp.path(), &hostile_args(format));
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        let doc = roxmltree::Document::parse(&out.stdout)
            .unwrap_or_else(|e| panic!("{format}: {e}\n{}", out.stdout));
        let names: Vec<&str> = doc
            .descendants()
            .filter_map(|n| {
                n.attribute(if format == "junit" {
                    "classname"
                } else {
                    "name"
                })
            })
            .collect();
        assert!(names.contains(&HOSTILE), "{format}: {names:?}");
        // A warning is in JUnit's output of a passing test case, not a failure's message.
        let messages: Vec<&str> = doc
            .descendants()
            .filter_map(|n| match n.tag_name().name() {
                "system-out" => n.text(),
                _ => n.attribute("message"),
            })
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown lint `a%b:c<&>`")),
            "{format}: {messages:?}"
        );
    }
    let out = run(tmp.path(), &hostile_args("junit"));
    let doc = roxmltree::Document::parse(&out.stdout).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    // Two errors fail the run (the finding and the unreadable file); the warning does not.
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(root.attribute("errors"), Some("0"));
    let failed: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .filter_map(|n| n.parent()?.attribute("name"))
        .collect();
    assert_eq!(
        failed,
        [
            "appstract-lint.nested_runtime_block_on",
            "appstract-lint.io_error"
        ]
    );

    // Warnings alone: exit status 0, and no failed test.
    write(
        tmp.path(),
        "src/lib.rs",
        "// appstract-lint: allow(nested_runtime_block_on)\n",
    );
    let out = run(tmp.path(), &["--message-format", "junit", "src/lib.rs"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = roxmltree::Document::parse(&out.stdout).unwrap();
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert_eq!(doc.root_element().attribute("tests"), Some("1"));
    assert!(out
        .stdout
        .contains("<system-out>src/lib.rs:1:1: warning[unused_suppression]"));
}

#[test]
fn output_file_statistics_and_quiet() {
    let tmp = project();
    let dir = tmp.path();
    write(
        dir,
        "src/lib.rs",
        format!("{FINDING}// appstract-lint: allow(nested_runtime_block_on)\n"),
    );
    let out = run(
        dir,
        &[
            "--message-format",
            "sarif",
            "-o",
            "report.sarif",
            "--statistics",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let written = fs::read_to_string(dir.join("report.sarif")).expect("the output file");
    assert!(written.contains("\"version\": \"2.1.0\""));
    assert!(
        out.stderr.contains(&format!("1  error    {LINT}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1  warning  unused_suppression"));
    assert!(out.stderr.contains("1 error, 1 warning in 1 file"));

    let out = run(dir, &["-q"]);
    assert!(out.stderr.starts_with(&format!("error[{LINT}]")));
    assert!(!out.stderr.contains("in 1 file"), "{}", out.stderr);
    // The findings go to the file; the terminal still gets the summary.
    let out = run(dir, &["-o", "human.txt"]);
    assert_eq!(out.stderr, "1 error, 1 warning in 1 file\n");
    let out = run(dir, &["-o", "short.txt", "--message-format", "short"]);
    assert_eq!(out.stderr, "1 error, 1 warning in 1 file\n");
    assert!(fs::read_to_string(dir.join("short.txt"))
        .unwrap()
        .starts_with("src/lib.rs:3:"));
    assert_eq!(run(dir, &["-o", "quiet.txt", "-q"]).stderr, "");
    assert!(fs::read_to_string(dir.join("human.txt"))
        .unwrap()
        .ends_with("1 error, 1 warning in 1 file\n"));
    assert_eq!(run(dir, &["-o", "no/such/dir/out.txt"]).code, 2);
}

// ---------------------------------------------------------------------------------------------
// Baseline

#[test]
fn baseline_reports_only_new_findings_and_stale_entries() {
    let tmp = project();
    let dir = tmp.path();
    let out = run(dir, &["--write-baseline", "baseline.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "recorded 1 finding in `baseline.json`\n");
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(written["entries"][0]["path"], "src/lib.rs");
    assert_eq!(written["entries"][0]["lint"], LINT);

    let out = short(dir, &["--baseline", "baseline.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "1 finding recorded in the baseline not shown\n");

    // Lines move and a finding is added: only the new one is reported.
    write(
        dir,
        "src/lib.rs",
        format!("// moved\n{FINDING}pub async fn g() {{\n    tokio::runtime::Handle::current().block_on(async {{}});\n}}\n"),
    );
    let out = short(dir, &["--baseline", "baseline.json", "-q"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(places(&out.stderr), [format!("src/lib.rs:7 {LINT}")]);

    // The recorded finding is fixed: its entry is stale.
    write(dir, "src/lib.rs", "pub fn ok() {}\n");
    let out = short(dir, &["--baseline", "baseline.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains(&format!(
        "baseline.json:1:1: warning[stale_baseline_entry]: baseline entry for `{LINT}` in `src/lib.rs` matches no finding"
    )), "{}", out.stderr);

    // A lint like any other: allowed, the entry is not reported.
    let out = short(
        dir,
        &["--baseline", "baseline.json", "-A", "stale_baseline_entry"],
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));

    write(dir, "broken.json", "{\"version\": 1, \"entries\": [}");
    let out = short(dir, &["--baseline", "broken.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot parse the baseline `broken.json`"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// pre-commit

#[test]
fn pre_commit_hooks_are_declared() {
    let hooks =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .expect("the hooks file");
    for needle in [
        "- id: appstract-lint\n",
        "- id: appstract-lint-workspace\n",
        "language: rust",
        "types: [rust]",
        "pass_filenames: false",
        "entry: cargo-appstract-lint",
    ] {
        assert!(hooks.contains(needle), "{needle}");
    }
    // A passing hook's output is shown: warnings do not fail the hook.
    assert_eq!(hooks.matches("\n  verbose: true\n").count(), 2, "{hooks}");
}

/// The recipes need nothing that does not exist: no placeholder address, no tag that the
/// changelog does not describe, and the `repo: local` recipe shows warnings.
#[test]
fn recipes_name_only_what_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| fs::read_to_string(root.join(path)).expect(path);
    let version = env!("CARGO_PKG_VERSION");
    let changelog = read("CHANGELOG.md");
    assert!(
        changelog.contains(&format!("\n## [{version}]\n")),
        "CHANGELOG.md has no entry for {version}"
    );
    let ci = read("docs/ci.md");
    let readme = read("README.md");
    for (name, text) in [("docs/ci.md", &ci), ("README.md", &readme)] {
        assert!(!text.contains("<repository URL>"), "{name}");
        for (at, _) in text.match_indices("rev: v") {
            let rev = text[at + 5..]
                .split(|c: char| c.is_whitespace() || c == '`')
                .next()
                .unwrap_or("");
            assert_eq!(rev, format!("v{version}"), "{name} pins {rev}");
        }
        for (at, _) in text.match_indices("checkout v") {
            let tag = text[at + 9..]
                .split(|c: char| c.is_whitespace() || c == '`')
                .next()
                .unwrap_or("");
            assert_eq!(tag, format!("v{version}"), "{name} checks out {tag}");
        }
    }
    assert!(readme.contains("cargo install --locked --path .\n"));
    let local = ci
        .split_once("  - repo: local\n")
        .expect("a `repo: local` recipe")
        .1;
    let local = local.split_once("```").expect("the recipe ends").0;
    for needle in [
        "entry: cargo-appstract-lint\n",
        "language: system\n",
        "types: [rust]\n",
        "verbose: true\n",
    ] {
        assert!(local.contains(needle), "{needle}");
    }
    assert!(ci.contains("args: [-D, warnings]"));
}

/// The README is a user's page; the narrative lives in docs/, and every page it links exists.
#[test]
fn readme_is_a_users_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    let lines = readme.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines");
    for section in [
        "## What it catches",
        "## Try it",
        "## Install",
        "## Usage",
        "### Fixes",
        "### Exit status",
        "## Configuration",
        "## Suppressions",
        "## Formats",
    ] {
        assert!(readme.contains(&format!("\n{section}\n")), "{section}");
    }
    for (at, _) in readme.match_indices("](") {
        let target = readme[at + 2..].split(')').next().unwrap_or("");
        let file = target.split('#').next().unwrap_or("");
        if file.is_empty() || file.starts_with("http") {
            continue;
        }
        assert!(root.join(file).exists(), "README.md links to {target}");
    }
}
