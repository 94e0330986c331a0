//! End-to-end tests of the built binary: invocation forms, discovery, formats, exit codes.

use appstract_lints::{Level, LINTS};
use std::fs;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-appstract-lint");

/// The lint's canonical case: a tokio runtime's `block_on` inside an async fn, on line 3.
const NESTED_BLOCK_ON: &str = "async fn f() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {});
}
";

const SYNTAX_ERROR: &str = "fn main() {
    let x = ;
}
";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[])
}

fn write(dir: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
    fs::write(path, text).expect("write file");
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp dir")
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn version_prints_the_package_version() {
    let tmp = temp();
    let out = run(tmp.path(), &["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout.trim(),
        format!("cargo-appstract-lint {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_shows_the_cargo_usage_and_every_flag() {
    let tmp = temp();
    let out = run(tmp.path(), &["--help"]);
    assert_eq!(out.code, 0);
    assert!(out
        .stdout
        .contains("Usage: cargo appstract-lint [OPTIONS] [PATHS]..."));
    for flag in [
        "--message-format",
        "--color",
        "--jobs",
        "--explain",
        "--list",
        "--version",
        "CARGO_TERM_COLOR",
        "Exit status",
    ] {
        assert!(out.stdout.contains(flag), "help lacks {flag}");
    }
    // `cargo help appstract-lint` runs `cargo-appstract-lint appstract-lint --help`.
    assert_eq!(
        run(tmp.path(), &["appstract-lint", "--help"]).stdout,
        out.stdout
    );
}

#[test]
fn usage_errors_exit_2() {
    let tmp = temp();
    let out = run(tmp.path(), &["--message-format", "xml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("xml"), "{}", out.stderr);
    assert_eq!(run(tmp.path(), &["--jobs", "0"]).code, 2);
    assert_eq!(run(tmp.path(), &["--no-such-flag"]).code, 2);
}

#[test]
fn list_shows_every_registered_lint() {
    let tmp = temp();
    let out = run(tmp.path(), &["--list"]);
    assert_eq!(out.code, 0);
    let listed = lines(&out.stdout);
    // The analysis's lints, then the tool's own, then its problems (always errors).
    let all: Vec<_> = appstract_lint::all_lints().collect();
    let problems = &appstract_lint::codes::PROBLEMS;
    assert_eq!(listed.len(), all.len() + problems.len(), "{}", out.stdout);
    assert!(all.iter().zip(LINTS).all(|(a, b)| a.name == b.name));
    for (line, lint) in listed.iter().zip(&all) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words.first(), Some(&lint.name));
        assert_eq!(words.get(1), Some(&lint.default_level.as_str()));
        assert!(line.ends_with(lint.summary), "{line}");
    }
    for (line, problem) in listed[all.len()..].iter().zip(problems) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[..2], [problem.name, "error"]);
    }
}

/// Every code the tool can print is listed, explained, and configurable when it is a lint.
#[test]
fn every_code_the_tool_prints_is_listed_and_explained() {
    let tmp = temp();
    write(tmp.path(), "ok.rs", "fn main() {}\n");
    let listed = run(tmp.path(), &["--list"]).stdout;
    let codes = appstract_lint::all_lints()
        .map(|lint| lint.name)
        .chain(appstract_lint::TOOL_CODES.iter().copied())
        .chain([
            "syntax_error",
            "stale_baseline_entry",
            "unresolved_module",
            "invalid_manifest",
            "io_error",
            "nesting_too_deep",
            "internal_error",
            "unused_suppression",
            "invalid_suppression",
        ]);
    for code in codes {
        assert!(
            listed
                .lines()
                .any(|line| line.starts_with(&format!("{code} "))),
            "{code} is not listed"
        );
        let out = run(tmp.path(), &["--explain", code]);
        assert_eq!(out.code, 0, "{code}: {}", out.stderr);
        assert!(
            out.stdout.starts_with("## What it"),
            "{code}: {}",
            out.stdout
        );
        let configured = run(tmp.path(), &["-A", code, "ok.rs"]);
        let is_lint = appstract_lint::config::find_any_lint(code).is_some();
        assert_eq!(configured.code, if is_lint { 0 } else { 2 }, "{code}");
    }
    let out = run(tmp.path(), &["-A", "syntax_error", "x.rs"]);
    assert_eq!(
        out.stderr,
        "error: `syntax_error` given to -A is a problem of the tool, not a lint: its level cannot be set\n  \
         = help: `cargo appstract-lint --explain syntax_error` tells what to do about it\n"
    );

    // The tool's own lints take levels like any other.
    write(tmp.path(), "src/lib.rs", "mod missing;\n");
    write(
        tmp.path(),
        "Cargo.toml",
        "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let warned = run(tmp.path(), &["--message-format", "short", "src/lib.rs"]);
    assert_eq!(warned.code, 0);
    assert!(
        warned.stderr.contains("warning[unresolved_module]"),
        "{}",
        warned.stderr
    );
    let denied = run(
        tmp.path(),
        &[
            "--message-format",
            "short",
            "-D",
            "unresolved_module",
            "src/lib.rs",
        ],
    );
    assert_eq!(denied.code, 1);
    assert!(denied.stderr.contains("error[unresolved_module]"));
    let allowed = run(tmp.path(), &["-A", "unresolved-module", "src/lib.rs"]);
    assert_eq!(allowed.stderr, "no errors or warnings in 1 file\n");
    // A broken manifest: the file is linted alone (so its `mod` item is not followed).
    write(tmp.path(), "Cargo.toml", "[package\n");
    let warned = run(tmp.path(), &["src/lib.rs"]);
    assert!(
        warned.stderr.starts_with("warning[invalid_manifest]"),
        "{}",
        warned.stderr
    );
    let allowed = run(tmp.path(), &["-A", "invalid_manifest", "src/lib.rs"]);
    assert_eq!(
        (allowed.code, allowed.stderr.as_str()),
        (0, "no errors or warnings in 1 file\n")
    );
}

#[test]
fn explain_prints_each_lint_documentation() {
    let tmp = temp();
    for lint in LINTS {
        let out = run(tmp.path(), &["--explain", lint.name]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout, lint.documentation());
    }
}

#[test]
fn explain_nested_runtime_block_on() {
    let tmp = temp();
    let out = run(tmp.path(), &["--explain", "nested_runtime_block_on"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("## What it does"));
    assert!(out.stdout.contains("## Use instead"));
    // Other tools' spellings are accepted.
    let dashed = run(tmp.path(), &["--explain", "nested-runtime-block-on"]);
    assert_eq!(dashed.stdout, out.stdout);
    let misspelt = run(tmp.path(), &["--explain", "nested_runtime_blockon"]);
    assert_eq!(misspelt.code, 2);
    assert!(misspelt
        .stderr
        .contains("did you mean `nested_runtime_block_on`?"));
}

#[test]
fn explain_unknown_lint_exits_2_naming_it() {
    let tmp = temp();
    let out = run(tmp.path(), &["--explain", "no_such_lint"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .starts_with("error: no lint or code named `no_such_lint`\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("= help: "));
}

#[test]
fn missing_path_exits_2_naming_it() {
    let tmp = temp();
    write(tmp.path(), "real.rs", SYNTAX_ERROR);
    let out = run(tmp.path(), &["real.rs", "src/nowhere.rs"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr, "error: path `src/nowhere.rs` does not exist\n",
        "nothing is linted when a path is wrong"
    );
    let out = run(tmp.path(), &["gone.rs", "also-gone"]);
    assert_eq!(out.code, 2);
    assert!(out
        .stderr
        .contains("paths `gone.rs`, `also-gone` do not exist"));
}

#[test]
fn outside_a_cargo_project_without_paths_exits_2() {
    let tmp = temp();
    let out = run(tmp.path(), &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: `cargo metadata` failed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("pass the files or directories to lint"));
}

#[test]
fn clean_file_exits_0_with_a_summary() {
    let tmp = temp();
    write(tmp.path(), "ok.rs", "fn main() {}\n");
    let out = run(tmp.path(), &["ok.rs"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "no errors or warnings in 1 file\n");
    assert!(out.stdout.is_empty());

    let short = run(tmp.path(), &["--message-format", "short", "ok.rs"]);
    assert_eq!(short.code, 0);
    assert_eq!(short.stderr, "", "short prints findings only");
}

#[test]
fn correct_look_alikes_exit_0() {
    let tmp = temp();
    write(
        tmp.path(),
        "src/main.rs",
        "fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let value = tokio::task::spawn_blocking(|| {
            let inner = tokio::runtime::Runtime::new().unwrap();
            inner.block_on(async { 1 })
        })
        .await
        .unwrap();
        println!(\"{value}\");
    });
}

struct Executor;
impl Executor {
    fn block_on<F>(&self, _f: F) {}
}

async fn own_block_on(executor: &Executor) {
    executor.block_on(async {});
}

fn sync_helper() {
    futures::executor::block_on(async {});
}
",
    );
    let out = run(tmp.path(), &["src/main.rs"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "no errors or warnings in 1 file\n");
}

#[test]
fn empty_directory_exits_0_saying_so() {
    let tmp = temp();
    fs::create_dir(tmp.path().join("empty")).unwrap();
    fs::create_dir_all(tmp.path().join("docs/.hidden")).unwrap();
    write(tmp.path(), "docs/notes.txt", "not Rust");
    write(tmp.path(), "docs/.hidden/a.rs", "fn main() {}\n");
    write(tmp.path(), "src/main.rs", "fn main() {}\n");
    let out = run(tmp.path(), &["empty"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "warning: no Rust files found in `empty`\nno Rust files found\n"
    );
    // Each directory without Rust files is named, beside one that has some.
    let out = run(tmp.path(), &["empty", "src", "docs/"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "warning: no Rust files found in `empty`\nwarning: no Rust files found in `docs/`\n\
         no errors or warnings in 1 file\n"
    );
}

#[test]
fn syntax_error_fails_and_other_files_are_still_linted() {
    let tmp = temp();
    write(tmp.path(), "a_broken.rs", SYNTAX_ERROR);
    write(tmp.path(), "b_fine.rs", "fn main() {}\n");
    let out = run(tmp.path(), &["."]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error[syntax_error]: this file does not parse: expected an expression
 --> a_broken.rs:2:13
  |
2 |     let x = ;
  |             ^ expected an expression

1 error, 0 warnings in 2 files (1 skipped)
"
    );
}

/// What the lexer rejects is named as rustc 1.95 names it, at the places rustc shows.
#[test]
fn delimiter_and_literal_errors_say_what_rustc_says() {
    let tmp = temp();
    write(tmp.path(), "unclosed.rs", "fn main() {\n    foo(\n");
    write(
        tmp.path(),
        "mismatched.rs",
        "fn main() {\n    let x = [1, 2);\n}\n",
    );
    write(tmp.path(), "unexpected.rs", "fn main() {}\n}\n");
    write(
        tmp.path(),
        "string.rs",
        "fn main() {\n    let s = \"abc;\n}\n",
    );
    write(
        tmp.path(),
        "token.rs",
        "fn main() {\n    let x = 1 \u{20ac} 2;\n}\n",
    );
    let out = run(tmp.path(), &["mismatched.rs", "unclosed.rs"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error[syntax_error]: this file does not parse: mismatched closing delimiter: `)`
 --> mismatched.rs:2:13
  |
2 |     let x = [1, 2);
  |             ^    - mismatched closing delimiter
  |             |
  |             unclosed delimiter

error[syntax_error]: this file does not parse: this file contains an unclosed delimiter
 --> unclosed.rs:2:8
  |
1 | fn main() {
  |           - unclosed delimiter
2 |     foo(
  |        ^ unclosed delimiter

2 errors, 0 warnings in 2 files (2 skipped)
"
    );
    let out = run(
        tmp.path(),
        &[
            "--message-format",
            "short",
            "unexpected.rs",
            "string.rs",
            "token.rs",
        ],
    );
    assert_eq!(
        lines(&out.stderr),
        [
            "string.rs:2:13: error[syntax_error]: this file does not parse: unterminated double quote string",
            "token.rs:2:15: error[syntax_error]: this file does not parse: unknown start of token: \\u{20ac}",
            "unexpected.rs:2:1: error[syntax_error]: this file does not parse: unexpected closing delimiter: `}`",
        ]
    );
}

#[test]
fn syntax_error_and_finding_are_both_reported() {
    let tmp = temp();
    write(tmp.path(), "broken.rs", SYNTAX_ERROR);
    write(tmp.path(), "nested.rs", NESTED_BLOCK_ON);
    let out = run(tmp.path(), &["--message-format", "short", "."]);
    assert_eq!(out.code, 1);
    let reported = lines(&out.stderr);
    assert_eq!(reported.len(), 2, "{}", out.stderr);
    assert!(reported[0].starts_with("broken.rs:2:13: error[syntax_error]: "));
    assert!(reported[1].starts_with("nested.rs:3:8: error[nested_runtime_block_on]: "));
}

#[test]
fn finding_exits_1_in_rustc_style() {
    let tmp = temp();
    write(tmp.path(), "src/nested.rs", NESTED_BLOCK_ON);
    let out = run(tmp.path(), &["src/nested.rs"]);
    assert_eq!(out.code, 1);
    let shown = lines(&out.stderr);
    assert!(shown[0].starts_with("error[nested_runtime_block_on]: "));
    assert_eq!(shown[1], " --> src/nested.rs:3:8");
    assert!(out
        .stderr
        .contains("Cannot start a runtime from within a runtime"));
    assert!(out.stderr.contains("= help: "));
    assert!(out.stderr.ends_with("1 error, 0 warnings in 1 file\n"));
}

#[test]
fn non_utf8_file_is_reported_by_name_and_others_linted() {
    let tmp = temp();
    write(tmp.path(), "latin1.rs", b"fn main() {}\n// caf\xe9\n");
    write(tmp.path(), "other.rs", SYNTAX_ERROR);
    let out = run(tmp.path(), &["--message-format", "short", "."]);
    assert_eq!(out.code, 1);
    assert_eq!(
        lines(&out.stderr),
        [
            "latin1.rs:2:7: error[io_error]: `latin1.rs` is not valid UTF-8",
            "other.rs:2:13: error[syntax_error]: this file does not parse: expected an expression",
        ]
    );
    let human = run(tmp.path(), &["latin1.rs"]);
    assert!(
        human.stderr.contains(" --> latin1.rs:2:7"),
        "{}",
        human.stderr
    );
    assert!(human.stderr.contains("= note: the file was not linted"));
}

#[test]
fn short_format_is_one_exact_line_per_finding() {
    let tmp = temp();
    write(tmp.path(), "src/broken.rs", SYNTAX_ERROR);
    let out = run(tmp.path(), &["--message-format", "short", "src"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "src/broken.rs:2:13: error[syntax_error]: this file does not parse: expected an expression\n"
    );
}

#[test]
fn short_format_points_at_the_finding() {
    let tmp = temp();
    write(tmp.path(), "nested.rs", NESTED_BLOCK_ON);
    let out = run(tmp.path(), &["--message-format", "short", "nested.rs"]);
    assert_eq!(out.code, 1);
    let reported = lines(&out.stderr);
    assert_eq!(reported.len(), 1, "{}", out.stderr);
    assert!(reported[0].starts_with("nested.rs:3:8: error[nested_runtime_block_on]: "));
}

#[test]
fn positions_count_chars_and_ignore_bom_and_crlf() {
    let tmp = temp();
    write(tmp.path(), "bom.rs", "\u{feff}fn main() { let x = ; }\n");
    write(
        tmp.path(),
        "crlf.rs",
        "fn main() {\r\n    let x = ;\r\n}\r\n",
    );
    write(tmp.path(), "wide.rs", "fn main() { let é = ; }\n");
    let out = run(tmp.path(), &["--message-format", "short", "."]);
    assert_eq!(
        lines(&out.stderr),
        [
            "bom.rs:1:21: error[syntax_error]: this file does not parse: expected an expression",
            "crlf.rs:2:13: error[syntax_error]: this file does not parse: expected an expression",
            "wide.rs:1:21: error[syntax_error]: this file does not parse: expected an expression",
        ]
    );
    let human = run(tmp.path(), &["crlf.rs"]);
    assert!(!human.stderr.contains('\r'));
    assert!(human.stderr.contains("2 |     let x = ;\n"));
}

#[test]
fn cargo_form_matches_direct_form() {
    let tmp = temp();
    write(tmp.path(), "a.rs", SYNTAX_ERROR);
    write(tmp.path(), "b.rs", "fn main() {}\n");
    for args in [
        &["a.rs", "b.rs"][..],
        &["--message-format", "short", "."],
        &["--list"],
    ] {
        let direct = run(tmp.path(), args);
        let via_cargo = run(tmp.path(), &[&["appstract-lint"], args].concat());
        assert_eq!(direct.code, via_cargo.code);
        assert_eq!(direct.stdout, via_cargo.stdout);
        assert_eq!(direct.stderr, via_cargo.stderr);
    }
}

#[test]
fn jobs_do_not_change_the_output() {
    let tmp = temp();
    for i in 0..12 {
        let text = if i % 3 == 0 {
            SYNTAX_ERROR
        } else {
            "fn main() {}\n"
        };
        write(tmp.path(), &format!("src/f{i:02}.rs"), text);
    }
    let one = run(tmp.path(), &["-j", "1", "src"]);
    let two = run(tmp.path(), &["--jobs", "2", "src"]);
    assert_eq!(one.code, 1);
    assert_eq!(one.stderr, two.stderr);
    assert!(one
        .stderr
        .ends_with("4 errors, 0 warnings in 12 files (4 skipped)\n"));
}

#[test]
fn directories_skip_hidden_and_build_dirs() {
    let tmp = temp();
    write(tmp.path(), "Cargo.toml", "[package]\nname = \"svc\"\n");
    write(tmp.path(), "src/lib.rs", "pub fn f() {}\n");
    write(tmp.path(), "target/debug/build/gen.rs", SYNTAX_ERROR);
    write(tmp.path(), ".cache/x.rs", SYNTAX_ERROR);
    let out = run(tmp.path(), &["."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "no errors or warnings in 1 file\n");
}

/// A package with every kind of target, each root broken so it shows it was linted.
fn package_with_targets(dir: &Path) {
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nrt = { package = \"tokio\", version = \"1\" }\n",
    );
    for root in [
        "src/lib.rs",
        "src/main.rs",
        "src/bin/admin.rs",
        "src/bin/worker/main.rs",
        "tests/api.rs",
        "examples/demo.rs",
        "benches/load.rs",
        "build.rs",
    ] {
        write(dir, root, SYNTAX_ERROR);
    }
    // Compiled by no target.
    write(dir, "src/orphan.rs", SYNTAX_ERROR);
}

#[test]
fn cargo_project_targets_are_discovered() {
    let tmp = temp();
    package_with_targets(tmp.path());
    let out = run(tmp.path(), &["--message-format", "short"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let files: Vec<&str> = lines(&out.stderr)
        .iter()
        .map(|line| line.split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "benches/load.rs",
            "build.rs",
            "examples/demo.rs",
            "src/bin/admin.rs",
            "src/bin/worker/main.rs",
            "src/lib.rs",
            "src/main.rs",
            "tests/api.rs",
        ]
    );

    // From a subdirectory: the same package, paths relative to the package's root, as cargo
    // shows them, the files outside the current directory too.
    let out = run(&tmp.path().join("src"), &["--message-format", "short"]);
    assert_eq!(out.code, 1);
    let shown = lines(&out.stderr);
    assert!(shown.contains(
        &"src/lib.rs:2:13: error[syntax_error]: this file does not parse: expected an expression"
    ));
    assert!(shown.contains(
        &"build.rs:2:13: error[syntax_error]: this file does not parse: expected an expression"
    ));
}

#[test]
fn cargo_workspace_members_are_discovered() {
    let tmp = temp();
    write(
        tmp.path(),
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    for member in ["api", "worker"] {
        write(
            tmp.path(),
            &format!("crates/{member}/Cargo.toml"),
            format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        write(
            tmp.path(),
            &format!("crates/{member}/src/lib.rs"),
            SYNTAX_ERROR,
        );
    }
    let out = run(tmp.path(), &["--message-format", "short"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let files: Vec<&str> = lines(&out.stderr)
        .iter()
        .map(|line| line.split(':').next().unwrap())
        .collect();
    assert_eq!(files, ["crates/api/src/lib.rs", "crates/worker/src/lib.rs"]);

    // Inside a member, only that member, as cargo does, shown from the workspace's root.
    let out = run(
        &tmp.path().join("crates/worker"),
        &["--message-format", "short"],
    );
    assert_eq!(
        out.stderr,
        "crates/worker/src/lib.rs:2:13: error[syntax_error]: this file does not parse: expected an expression\n"
    );
}

#[test]
fn cargo_project_modules_are_followed_as_rustc_does() {
    let tmp = temp();
    let dir = tmp.path();
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir,
        "src/lib.rs",
        "mod net;\nmod store;\n#[path = \"generated/codes.rs\"]\nmod codes;\nmod missing;\n\
         mod inline {\n    mod nested;\n}\n",
    );
    write(dir, "src/net.rs", "mod tcp;\n");
    write(dir, "src/net/tcp.rs", SYNTAX_ERROR);
    write(dir, "src/store/mod.rs", "mod disk;\n");
    write(dir, "src/store/disk.rs", SYNTAX_ERROR);
    write(dir, "src/generated/codes.rs", "mod table;\n");
    write(dir, "src/generated/table.rs", SYNTAX_ERROR);
    write(dir, "src/inline/nested.rs", SYNTAX_ERROR);
    write(dir, "src/main.rs", "mod cli;\nfn main() {}\n");
    write(dir, "src/cli.rs", SYNTAX_ERROR);
    write(dir, "src/orphan.rs", SYNTAX_ERROR);
    // A `#[path]` cycle is analysed once.
    write(
        dir,
        "src/bin/loop.rs",
        "#[path = \"loop.rs\"]\nmod again;\nfn main() {}\n",
    );

    let out = run(dir, &["--message-format", "short"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        lines(&out.stderr),
        [
            "src/cli.rs:2:13: error[syntax_error]: this file does not parse: expected an expression",
            "src/generated/table.rs:2:13: error[syntax_error]: this file does not parse: expected an expression",
            "src/inline/nested.rs:2:13: error[syntax_error]: this file does not parse: expected an expression",
            "src/lib.rs:5:1: warning[unresolved_module]: file not found for module `missing`",
            "src/net/tcp.rs:2:13: error[syntax_error]: this file does not parse: expected an expression",
            "src/store/disk.rs:2:13: error[syntax_error]: this file does not parse: expected an expression",
        ]
    );

    // Naming a module file lints it in its crate: it is not a loose file.
    let out = run(dir, &["--message-format", "short", "src/net/tcp.rs"]);
    assert_eq!(
        out.stderr,
        "src/net/tcp.rs:2:13: error[syntax_error]: this file does not parse: expected an expression\n"
    );
}

#[test]
fn paths_inside_a_package_report_only_the_named_files() {
    let tmp = temp();
    package_with_targets(tmp.path());
    write(tmp.path(), "src/lib.rs", "pub fn ok() {}\n");
    let out = run(tmp.path(), &["--message-format", "short", "src/lib.rs"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");

    // A file no target compiles is still linted, as a file of its own.
    let out = run(
        tmp.path(),
        &["--message-format", "short", "src/orphan.rs", "src/lib.rs"],
    );
    assert_eq!(
        out.stderr,
        "src/orphan.rs:2:13: error[syntax_error]: this file does not parse: expected an expression\n"
    );
}

#[test]
fn broken_manifest_is_a_warning_and_files_are_still_linted() {
    let tmp = temp();
    write(tmp.path(), "Cargo.toml", "[package\nname = ");
    write(tmp.path(), "src/lib.rs", SYNTAX_ERROR);
    let out = run(tmp.path(), &["--message-format", "short", "src"]);
    assert_eq!(out.code, 1);
    let reported = lines(&out.stderr);
    assert_eq!(reported.len(), 2, "{}", out.stderr);
    assert!(reported[0]
        .starts_with("Cargo.toml:1:1: warning[invalid_manifest]: cannot parse `Cargo.toml`: "));
    assert_eq!(
        reported[1],
        "src/lib.rs:2:13: error[syntax_error]: this file does not parse: expected an expression"
    );
}

#[test]
fn renamed_dependency_is_resolved_from_the_manifest() {
    let tmp = temp();
    write(
        tmp.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nrt = { package = \"tokio\", version = \"1\" }\n",
    );
    write(
        tmp.path(),
        "src/lib.rs",
        "pub async fn f() {\n    let runtime = rt::runtime::Runtime::new().unwrap();\n    \
         runtime.block_on(async {});\n}\n",
    );
    for args in [
        &["--message-format", "short"][..],
        &["--message-format", "short", "src/lib.rs"],
    ] {
        let out = run(tmp.path(), args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(out
            .stderr
            .starts_with("src/lib.rs:3:13: error[nested_runtime_block_on]: "));
    }
}

#[test]
fn color_follows_flag_cargo_term_color_and_no_color() {
    let tmp = temp();
    write(tmp.path(), "broken.rs", SYNTAX_ERROR);
    let escape = '\u{1b}';
    let colored = |args: &[&str], env: &[(&str, &str)]| {
        run_with(tmp.path(), args, env).stderr.contains(escape)
    };
    // Not a terminal: plain by default.
    assert!(!colored(&["broken.rs"], &[]));
    assert!(colored(&["--color", "always", "broken.rs"], &[]));
    assert!(colored(&["broken.rs"], &[("CARGO_TERM_COLOR", "always")]));
    assert!(!colored(
        &["--color", "never", "broken.rs"],
        &[("CARGO_TERM_COLOR", "always")]
    ));
    // `NO_COLOR` turns off automatic colour only; an explicit choice wins.
    assert!(!colored(&["broken.rs"], &[("NO_COLOR", "1")]));
    assert!(colored(
        &["--color", "always", "broken.rs"],
        &[("NO_COLOR", "1")]
    ));
    assert!(colored(
        &[
            "--message-format",
            "short",
            "--color",
            "always",
            "broken.rs"
        ],
        &[]
    ));
    assert_eq!(
        run_with(
            tmp.path(),
            &["broken.rs"],
            &[("CARGO_TERM_COLOR", "sometimes")]
        )
        .code,
        2
    );
}

#[test]
fn demo_shows_findings() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let out = run(&demo, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("error[nested_runtime_block_on]"));
    assert!(!out.stderr.contains("syntax_error"));
    let from_root = run(Path::new(env!("CARGO_MANIFEST_DIR")), &["examples/demo"]);
    assert_eq!(from_root.code, 1);
    assert!(from_root.stderr.contains(" --> examples/demo/src/"));
}

/// `(path, lint)` of each finding in `--message-format short` output, in order.
fn short_findings(stderr: &str) -> Vec<(&str, &str)> {
    stderr
        .lines()
        .filter_map(|line| {
            let (path, rest) = line.split_once(':')?;
            let lint = rest.split_once('[')?.1.split_once(']')?.0;
            Some((path, lint))
        })
        .collect()
}

#[test]
fn demo_shows_every_lint_that_is_on_by_default() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(root, &["--message-format", "short", "examples/demo"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let shown: Vec<&str> = short_findings(&out.stderr)
        .into_iter()
        .map(|(_, lint)| lint)
        .collect();
    let missing: Vec<&str> = LINTS
        .iter()
        .filter(|lint| lint.default_level != Level::Allow)
        .map(|lint| lint.name)
        .filter(|name| !shown.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "examples/demo shows no finding of {missing:?}:\n{}",
        out.stderr
    );
}

/// The demo's README lists each finding, as `| `path`, `fn` | `lint` | ..`, in the order of
/// the output.
#[test]
fn demo_readme_lists_the_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("examples/demo/README.md")).expect("README");
    let listed: Vec<(&str, &str)> = readme
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let mut cells = line.trim_start_matches('|').split(" | ");
            let path = cells.next().and_then(|cell| cell.split('`').nth(1));
            let lint = cells.next().map(|cell| cell.trim_matches('`'));
            (path.expect("a path"), lint.expect("a lint"))
        })
        .collect();
    let out = run(&root.join("examples/demo"), &["--message-format", "short"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        listed,
        short_findings(&out.stderr),
        "examples/demo/README.md's table is not what the tool reports:\n{}",
        out.stderr
    );
}

/// The repository's README quotes a finding on the demo; the quote stays exact.
#[test]
fn readme_quotes_the_demo_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).expect("README");
    let (_, after) = readme
        .split_once("from `cargo run -- examples/demo`:\n\n```text\n")
        .expect("the README quotes the demo's output");
    let (quote, _) = after.split_once("```").expect("the quote ends");
    let out = run(root, &["examples/demo"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(quote),
        "README.md quotes:\n{quote}\nbut the tool prints:\n{}",
        out.stderr
    );
}

#[test]
fn demo_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(root, &["--message-format", "short", "examples/demo"]);
    assert!(!out.stderr.contains("syntax_error"), "{}", out.stderr);
    assert!(!out.stderr.contains("io_error"), "{}", out.stderr);
    assert_ne!(out.code, 2, "{}", out.stderr);
}

/// A cached run prints what a run without the cache prints: after an edit that changes what
/// an unchanged file reports (through the call graph), with nothing changed, and with every
/// cache entry damaged.
#[test]
fn cached_runs_report_what_uncached_runs_report() {
    let tmp = temp();
    let project = tmp.path().join("svc");
    let cache = tmp.path().join("cache");
    let cache_arg = cache.to_str().expect("a UTF-8 path");
    write(
        &project,
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n",
    );
    write(
        &project,
        "src/main.rs",
        "mod worker;\n\nfn main() {\n    worker::start();\n}\n",
    );
    write(
        &project,
        "src/worker.rs",
        "pub fn start() {\n    tokio::spawn(async {});\n}\n",
    );
    let compare = |expect_in_worker: bool| {
        let cached = run(
            &project,
            &["--message-format", "short", "--cache-dir", cache_arg],
        );
        let uncached = run(&project, &["--message-format", "short", "--no-cache"]);
        assert_eq!(cached.code, uncached.code);
        assert_eq!(cached.stderr, uncached.stderr);
        assert_eq!(cached.stdout, uncached.stdout);
        let in_worker = "src/worker.rs:2:5: error[tokio_call_outside_runtime]";
        assert_eq!(
            cached.stderr.contains(in_worker),
            expect_in_worker,
            "{}",
            cached.stderr
        );
        cached.stderr
    };

    let cold = compare(true);
    assert!(fs::read_dir(&cache).is_ok(), "the cache was written");
    assert_eq!(compare(true), cold, "a warm run with nothing changed");

    // `worker.rs` is unchanged; what it reports depends on its caller.
    write(
        &project,
        "src/main.rs",
        "mod worker;\n\n#[tokio::main]\nasync fn main() {\n    worker::start();\n}\n",
    );
    compare(false);
    compare(false);
    write(
        &project,
        "src/main.rs",
        "mod worker;\n\nfn main() {\n    worker::start();\n}\n",
    );
    assert_eq!(compare(true), cold, "back to the first version");

    let mut damaged = 0;
    for entry in walkdir::WalkDir::new(&cache) {
        let entry = entry.expect("a cache entry");
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path()).expect("read an entry");
            fs::write(entry.path(), &bytes[..bytes.len() / 2]).expect("damage an entry");
            damaged += 1;
        }
    }
    assert!(damaged >= 3, "file entries and a crate entry: {damaged}");
    assert_eq!(compare(true), cold, "damaged entries are ignored");
}

/// The trigger prefilter only outlines the files of crates without a trigger word, and of
/// others until one turns up: the output is the same as when every file is analysed in full,
/// with and without the cache, and after an edit that turns a crate without runtime code into
/// one with it.
/// The test crates of a package share the analyses of the modules they include alike, and
/// only those: a module included under another name is analysed again.
#[test]
fn test_crates_share_their_common_modules() {
    let tmp = temp();
    let dir = tmp.path();
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dev-dependencies]\ntokio = \"1\"\n",
    );
    write(dir, "src/lib.rs", "pub fn f() {}\n");
    write(
        dir,
        "tests/common/mod.rs",
        "pub fn run_blocking() {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(async {});\n}\n",
    );
    // Analysed first, from a sync test: nothing to report.
    for name in ["alpha", "beta"] {
        write(
            dir,
            &format!("tests/{name}.rs"),
            format!("mod common;\n\n#[test]\nfn {name}() {{\n    common::run_blocking();\n}}\n"),
        );
    }
    // The same file as the module `support`, called from async code.
    write(
        dir,
        "tests/gamma.rs",
        "#[path = \"common/mod.rs\"]\nmod support;\n\n#[tokio::test]\nasync fn gamma() {\n    support::run_blocking();\n}\n",
    );
    for jobs in ["1", "2"] {
        let out = run(dir, &["-j", jobs]);
        // A certain chain from an async test to `block_on`: it panics, so it is an error.
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.contains(
                "tests/common/mod.rs:3:8\n"
            ) && out
                .stderr
                .contains("= note: `run_blocking` is called from the `#[tokio::test]` fn `gamma` (tests/gamma.rs:6)"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn the_prefilter_changes_no_finding() {
    let tmp = temp();
    let ws = tmp.path().join("ws");
    let cache = tmp.path().join("cache");
    let cache_arg = cache.to_str().expect("a UTF-8 path");
    // Without a watched crate among its dependencies, a crate is outlined until a trigger
    // word turns up (tokio's paths resolve all the same).
    let package = |name: &str, dependencies: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dependencies}")
    };
    write(
        &ws,
        "Cargo.toml",
        "[workspace]\nmembers = [\"inert\", \"live\", \"app\"]\n",
    );
    // No trigger word anywhere but in comments and strings.
    write(
        &ws,
        "inert/Cargo.toml",
        package("inert", "cfg-if = \"1\"\n"),
    );
    write(
        &ws,
        "inert/src/lib.rs",
        "//! Numbers, not async code.\nmod parse;\nmod missing;\n#[path = \"extra/more.rs\"]\nmod more;\ncfg_if::cfg_if! {\n    if #[cfg(unix)] { mod unix; }\n}\n// appstract-lint: allow(nested_runtime_block_on) -- nothing to allow\npub fn f() {}\n",
    );
    write(
        &ws,
        "inert/src/parse.rs",
        "pub fn parse() -> u8 { 1 }\nmod deep;\n",
    );
    write(&ws, "inert/src/parse/deep.rs", "fn broken( {}\n");
    write(&ws, "inert/src/extra/more.rs", "pub const X: u8 = 1;\n");
    write(
        &ws,
        "inert/src/unix.rs",
        "const S: &str = \"tokio::spawn(async {})\";\n",
    );
    write(&ws, "inert/templates/gen.rs", "{{ name }}\n");
    // Neither the root nor its modules name a trigger word, only theirs do: the root is
    // outlined first, and the call chain runs through it.
    write(&ws, "live/Cargo.toml", package("live", ""));
    write(
        &ws,
        "live/src/lib.rs",
        "mod a;\nmod b;\nmod c;\n\npub fn helper() {\n    a::sync_helper();\n}\n",
    );
    write(
        &ws,
        "live/src/a.rs",
        "pub fn sync_helper() {\n    crate::b::inner();\n}\n",
    );
    write(
        &ws,
        "live/src/b.rs",
        "mod start;\n\npub fn inner() {\n    start::start();\n}\n",
    );
    write(
        &ws,
        "live/src/b/start.rs",
        "pub fn start() {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(std::future::ready(()));\n}\n",
    );
    write(&ws, "live/src/c.rs", "mod serve;\n");
    write(
        &ws,
        "live/src/c/serve.rs",
        "pub async fn serve() {\n    crate::helper();\n}\n",
    );
    // A test whose root names no trigger word but whose `mod common;` does.
    write(&ws, "live/tests/common/mod.rs", "pub async fn ready() {}\n");
    write(
        &ws,
        "live/tests/it.rs",
        "mod common;\n\n#[test]\nfn it() {\n    futures::executor::block_on(common::ready());\n    live_helper();\n}\n\nfn live_helper() {}\n",
    );
    write(&ws, "app/Cargo.toml", package("app", "tokio = \"1\"\n"));
    write(&ws, "app/src/lib.rs", "pub mod conf;\npub mod rt;\n");
    write(
        &ws,
        "app/src/conf.rs",
        "pub fn load() {\n    crate::rt::run();\n}\n",
    );
    write(
        &ws,
        "app/src/rt.rs",
        "pub fn run() {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(std::future::ready(()));\n}\n",
    );
    write(
        &ws,
        "app/src/main.rs",
        "#[tokio::main]\nasync fn main() {\n    app::conf::load();\n}\n",
    );

    let json = |extra: &[&str]| {
        let mut args = vec!["--message-format", "json", "."];
        args.extend_from_slice(extra);
        let run = run(&ws, &args);
        (run.code, run.stdout)
    };
    let compare = |expect: &[&str]| {
        let full = json(&["--no-cache", "--no-prefilter"]);
        assert_eq!(json(&["--no-cache"]), full);
        assert_eq!(json(&["--cache-dir", cache_arg]), full, "cold cache");
        assert_eq!(json(&["--cache-dir", cache_arg]), full, "warm cache");
        for code in expect {
            assert!(full.1.contains(code), "{code} in {}", full.1);
        }
        full.1
    };
    let before = compare(&[
        "\"syntax_error\"",
        "\"unresolved_module\"",
        "\"unused_suppression\"",
        "\"nested_runtime_block_on\"",
    ]);
    for file in ["deep.rs", "gen.rs", "live/src/b/start.rs", "app/src/rt.rs"] {
        assert!(before.contains(file), "{file} in {before}");
    }

    // Runtime code in a file of the crate that had none: its outlined files are analysed.
    write(
        &ws,
        "inert/src/extra/more.rs",
        "pub const X: u8 = 1;\npub async fn wait() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
    );
    let after = compare(&["\"blocking_call_in_async\""]);
    assert!(
        after.contains("more.rs") && !before.contains("more.rs"),
        "{after}"
    );
}

/// A binary's calls into its own package's library are followed into the library through
/// its summary, and reported at the binary's call with the library's chain in a note.
#[test]
fn calls_from_a_binary_into_its_library_are_followed() {
    let tmp = temp();
    let dir = tmp.path();
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"my-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n",
    );
    write(
        dir,
        "src/lib.rs",
        "pub mod config;\n\npub fn start_worker() {\n    tokio::spawn(async {});\n}\n",
    );
    write(
        dir,
        "src/config.rs",
        "pub fn load() -> u32 {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(async { 1 })\n}\n",
    );
    write(
        dir,
        "src/main.rs",
        "#[tokio::main]\nasync fn main() {\n    let _config = my_app::config::load();\n}\n",
    );
    write(
        dir,
        "src/bin/worker.rs",
        "fn main() {\n    my_app::start_worker();\n}\n",
    );
    // Look-alikes: the same calls where they are correct.
    write(
        dir,
        "src/bin/fine.rs",
        "#[tokio::main]\nasync fn main() {\n    let _config = tokio::task::spawn_blocking(my_app::config::load).await;\n    my_app::start_worker();\n    tokio::signal::ctrl_c().await.unwrap();\n}\n",
    );
    let out = run(dir, &["--message-format", "short", "--no-cache"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        lines(&out.stderr),
        [
            "src/bin/worker.rs:2:5: error[tokio_call_outside_runtime]: `my_app::start_worker` needs a tokio runtime and is called where none is running",
            "src/main.rs:3:19: error[nested_runtime_block_on]: `my_app::config::load` blocks on a tokio runtime and is called from async code",
        ],
        "{}",
        out.stderr
    );
    let human = run(dir, &["--no-cache"]);
    assert!(
        human.stderr.contains("2 errors, 0 warnings in 5 files"),
        "{}",
        human.stderr
    );
    assert!(
        human
            .stderr
            .contains("`my_app::config::load` calls `Runtime::block_on` (src/config.rs:3)"),
        "{}",
        human.stderr
    );
}
