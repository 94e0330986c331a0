//! Pathological inputs: each test makes one, runs the built binary, and checks the exit code,
//! the diagnostic, and that a finding in a normal file beside it is still reported.

use std::fs;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-appstract-lint");

/// A normal file with one finding, on line 1 column 75.
const FINDING: &str =
    "async fn f() { let rt = tokio::runtime::Runtime::new().unwrap(); rt.block_on(async {}); }\n";
const FINDING_AT: &str = "1:69: error[nested_runtime_block_on]";

struct Run {
    code: i32,
    stderr: String,
}

fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)], remove: &[&str]) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("NO_COLOR")
        .env_remove("APPSTRACT_LINT_INJECT_PANIC");
    for key in remove {
        command.env_remove(key);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code().expect("an exit code, not a signal"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[], &[])
}

fn short(dir: &Path, paths: &[&str]) -> Run {
    run(dir, &[&["--message-format", "short"], paths].concat())
}

fn write(dir: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
    fs::write(path, text).expect("write file");
}

/// A temp dir holding `normal.rs` with the finding.
fn beside() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(tmp.path(), "normal.rs", FINDING);
    tmp
}

/// The `-v` lines that list skipped files.
fn skipped_lines(out: &Run) -> Vec<&str> {
    out.stderr
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("Skipped "))
        .collect()
}

fn assert_finding_beside(out: &Run) {
    let expected = format!("normal.rs:{FINDING_AT}");
    assert!(
        out.stderr.lines().any(|line| line.starts_with(&expected)),
        "the normal file's finding is missing:\n{}",
        out.stderr
    );
}

#[test]
fn deep_nesting_is_refused_at_the_place_without_crashing() {
    let tmp = beside();
    let n = 100_000;
    let parens = format!(
        "fn f() {{ let x = {}1{}; }}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let blocks = format!("fn f() {}{}\n", "{".repeat(n), "}".repeat(n));
    let asyncs = format!(
        "fn f() {{ let _ = {}{}; }}\n",
        "async {".repeat(n),
        "}".repeat(n)
    );
    let generics = format!("type T = {}u8{};\n", "Vec<".repeat(n), ">".repeat(n));
    let unary = format!("fn f() {{ let x = {}x; }}\n", "!".repeat(n));
    let chain = format!("fn f() {{ x{}; }}\n", ".f()".repeat(n));
    write(tmp.path(), "parens.rs", &parens);
    write(tmp.path(), "blocks.rs", &blocks);
    write(tmp.path(), "asyncs.rs", &asyncs);
    write(tmp.path(), "generics.rs", &generics);
    write(tmp.path(), "unary.rs", &unary);
    write(tmp.path(), "chain.rs", &chain);
    let out = short(tmp.path(), &["."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for (file, column, message) in [
        ("asyncs.rs", 7010, "this file nests deeper than 1000 levels"),
        ("blocks.rs", 1008, "this file nests deeper than 1000 levels"),
        (
            "chain.rs",
            40009,
            "this file chains more than 20000 operators in one expression",
        ),
        (
            "generics.rs",
            4009,
            "this file nests deeper than 1000 levels",
        ),
        ("parens.rs", 1016, "this file nests deeper than 1000 levels"),
        ("unary.rs", 1016, "this file nests deeper than 1000 levels"),
    ] {
        let line = format!("{file}:1:{column}: error[nesting_too_deep]: {message}");
        assert!(out.stderr.contains(&line), "{line}\n{}", out.stderr);
    }
    assert_finding_beside(&out);
    let human = run(tmp.path(), &["parens.rs"]);
    assert!(human
        .stderr
        .contains("= note: the file was not linted: parsing it could overflow the stack"));
}

#[test]
fn nesting_just_under_the_limits_is_linted() {
    let tmp = beside();
    let n = 990;
    write(
        tmp.path(),
        "deep.rs",
        format!(
            "fn f() {{ let x = {}1{}; }}\n{FINDING}",
            "(".repeat(n),
            ")".repeat(n)
        ),
    );
    let out = short(tmp.path(), &["deep.rs", "normal.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out
        .stderr
        .contains(&format!("deep.rs:2:{}", &FINDING_AT[2..])));
    assert_finding_beside(&out);
}

#[test]
fn non_utf8_and_binary_files_are_errors_naming_them() {
    let tmp = beside();
    write(tmp.path(), "latin1.rs", b"// caf\xe9\nfn main() {}\n");
    let mut binary = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    binary.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    write(tmp.path(), "binary.rs", &binary);
    write(tmp.path(), "nul.rs", b"fn main() {}\0\0\0\n");
    let out = short(tmp.path(), &["."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // A NUL byte makes a file binary, as git decides it, even when it is valid UTF-8.
    assert!(out
        .stderr
        .contains("binary.rs:1:1: error[io_error]: `binary.rs` is not a text file"));
    assert!(out
        .stderr
        .contains("nul.rs:1:1: error[io_error]: `nul.rs` is not a text file"));
    // Text in another encoding is shown, up to the first byte that is not UTF-8.
    assert!(out
        .stderr
        .contains("latin1.rs:1:7: error[io_error]: `latin1.rs` is not valid UTF-8"));
    assert_finding_beside(&out);

    // A binary file is never quoted: nothing of it reaches the terminal.
    let human = run(tmp.path(), &["binary.rs"]);
    assert_eq!(
        human.stderr,
        "error[io_error]: `binary.rs` is not a text file
 = note: it holds a NUL byte at byte 8
 = note: the file was not linted

1 error, 0 warnings in 1 file (1 skipped)
"
    );
}

#[test]
fn bom_crlf_and_empty_files_keep_positions() {
    let tmp = beside();
    write(tmp.path(), "bom.rs", format!("\u{feff}{FINDING}"));
    write(
        tmp.path(),
        "crlf.rs",
        "// one\r\n\r\nasync fn f() {\r\n    let rt = tokio::runtime::Runtime::new().unwrap();\r\n    rt.block_on(async {});\r\n}\r\n",
    );
    write(tmp.path(), "empty.rs", "");
    write(tmp.path(), "blank.rs", "\n\r\n  \n");
    let out = short(tmp.path(), &["."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains(&format!("bom.rs:{FINDING_AT}")));
    assert!(out
        .stderr
        .contains("crlf.rs:5:8: error[nested_runtime_block_on]"));
    assert!(!out.stderr.contains("empty.rs"), "{}", out.stderr);
    assert!(!out.stderr.contains("blank.rs"), "{}", out.stderr);
    assert_finding_beside(&out);
    let human = run(tmp.path(), &["crlf.rs"]);
    assert!(
        human.stderr.contains(" --> crlf.rs:5:8"),
        "{}",
        human.stderr
    );
    assert!(!human.stderr.contains('\r'));
    let empty = run(tmp.path(), &["empty.rs"]);
    assert_eq!(empty.code, 0);
    assert_eq!(empty.stderr, "no errors or warnings in 1 file\n");
}

#[test]
fn a_ten_megabyte_file_is_linted() {
    // Generated data, the usual shape of the largest source files (unicode and time-zone tables).
    let tmp = beside();
    let mut big = String::from("pub static TABLE: &[(u32, &str)] = &[\n");
    let mut lines = 1;
    while big.len() < 10 << 20 {
        big.push_str(&format!("    ({lines}, \"entry number {lines}\"),\n"));
        lines += 1;
    }
    big.push_str("];\n");
    big.push_str(FINDING);
    write(tmp.path(), "big.rs", &big);
    let out = short(tmp.path(), &["."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("big.rs:{}:69: error", lines + 2)),
        "{}",
        out.stderr
    );
    assert_finding_beside(&out);
}

#[test]
fn templates_and_rust_2015_are_syntax_errors_with_their_place() {
    let tmp = beside();
    write(
        tmp.path(),
        "template.rs",
        "// generated\nfn {{ name }}() -> {{ ty }} {\n    todo!()\n}\n",
    );
    write(
        tmp.path(),
        "old.rs",
        "trait Visitor {\n    fn visit(&self, u8);\n}\nfn main() { let async = 1; }\n",
    );
    let out = short(tmp.path(), &["."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("template.rs:2:4: error[syntax_error]"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("old.rs:2:23: error[syntax_error]"),
        "{}",
        out.stderr
    );
    assert_finding_beside(&out);
}

#[test]
fn paths_with_spaces_and_non_ascii_names() {
    let tmp = beside();
    write(tmp.path(), "my dir/naïve café.rs", FINDING);
    write(tmp.path(), "日本/モジュール.rs", FINDING);
    let out = short(tmp.path(), &["."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out
        .stderr
        .contains(&format!("my dir/naïve café.rs:{FINDING_AT}")));
    assert!(out
        .stderr
        .contains(&format!("日本/モジュール.rs:{FINDING_AT}")));
    assert_finding_beside(&out);
    let named = short(tmp.path(), &["my dir/naïve café.rs"]);
    assert_eq!(named.code, 1);
    assert!(named
        .stderr
        .starts_with(&format!("my dir/naïve café.rs:{FINDING_AT}")));
}

#[cfg(unix)]
#[test]
fn symlinks_are_listed_not_followed_unless_named() {
    use std::os::unix::fs::symlink;
    let tmp = beside();
    let dir = tmp.path();
    write(dir, "elsewhere/linked.rs", FINDING);
    fs::create_dir(dir.join("src")).unwrap();
    write(dir, "src/own.rs", "fn main() {}\n");
    symlink(dir.join("src"), dir.join("src/loop")).unwrap();
    symlink(dir.join("elsewhere"), dir.join("src/shortcut")).unwrap();
    symlink(dir.join("elsewhere/linked.rs"), dir.join("src/alias.rs")).unwrap();
    symlink(dir.join("nowhere.rs"), dir.join("src/dangling.rs")).unwrap();

    let out = run(dir, &["-v", "src", "normal.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        skipped_lines(&out),
        [
            "Skipped src/alias.rs (a symbolic link, not followed: name it to lint it)",
            "Skipped src/dangling.rs (a broken or looping symbolic link, not followed)",
            "Skipped src/loop (a symbolic link, not followed: name it to lint it)",
            "Skipped src/shortcut (a symbolic link, not followed: name it to lint it)",
        ]
    );
    assert!(!out.stderr.contains("linked.rs"), "{}", out.stderr);
    assert!(
        out.stderr.contains("in 2 files (4 skipped)\n"),
        "{}",
        out.stderr
    );

    // Named, a symlinked directory or file is followed.
    let named = short(dir, &["src/shortcut"]);
    assert_eq!(named.code, 1, "{}", named.stderr);
    assert!(named
        .stderr
        .contains(&format!("src/shortcut/linked.rs:{FINDING_AT}")));
    let named = short(dir, &["src/alias.rs"]);
    assert_eq!(named.code, 1, "{}", named.stderr);
    assert!(named.stderr.contains(&format!("src/alias.rs:{FINDING_AT}")));
    // Both names of one file: it is linted once.
    let both = short(dir, &["src/alias.rs", "elsewhere/linked.rs"]);
    assert_eq!(both.stderr.lines().count(), 1, "{}", both.stderr);
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_named_as_a_file_is_not_read() {
    let tmp = beside();
    let fifo = tmp.path().join("pipe.rs");
    let status = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let out = short(tmp.path(), &["pipe.rs", "normal.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out
        .stderr
        .contains("pipe.rs:1:1: error[io_error]: cannot read `pipe.rs`: not a regular file"));
    assert_finding_beside(&out);
    // A device outside the current directory: every path is shown whole.
    let out = short(tmp.path(), &["/dev/zero", "normal.rs"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out
        .stderr
        .contains("/dev/zero:1:1: error[io_error]: cannot read `/dev/zero`: not a regular file"));
    let normal = format!("{}:{FINDING_AT}", tmp.path().join("normal.rs").display());
    assert!(out.stderr.contains(&normal), "{}", out.stderr);
}

#[test]
fn a_file_that_vanishes_during_the_run_is_reported() {
    let tmp = beside();
    write(tmp.path(), "gone.rs", FINDING);
    let mut finder =
        appstract_lint::config::Finder::new(tmp.path(), None, Default::default()).unwrap();
    let plan = appstract_lint::discover::paths(
        tmp.path(),
        &[".".into()],
        &mut finder,
        appstract_lint::discover::DependencyOptions {
            enabled: false,
            cache: None,
        },
    )
    .unwrap();
    fs::remove_file(tmp.path().join("gone.rs")).unwrap();
    let report = appstract_lint::lint(&plan, 1).unwrap();
    let codes: Vec<(&str, &str)> = report
        .findings()
        .map(|(file, finding)| (file.display.as_str(), finding.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("gone.rs", "io_error"),
            ("normal.rs", "nested_runtime_block_on")
        ]
    );
    assert_eq!(
        report.skipped,
        [("gone.rs".to_string(), "cannot be read".to_string())]
    );
    assert!(report.internal_errors.is_empty());
}

#[test]
fn a_panic_in_one_file_is_an_internal_error_and_the_rest_is_linted() {
    let tmp = beside();
    write(tmp.path(), "boom.rs", "fn main() {}\n");
    let out = run_env(
        tmp.path(),
        &["--message-format", "short", "."],
        &[("APPSTRACT_LINT_INJECT_PANIC", "analyze:boom.rs")],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "boom.rs:1:1: error[internal_error]: analysing `boom.rs` panicked: injected panic (analyze `boom.rs`) (at src/isolate.rs:"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("thread '"),
        "the panic is not printed raw"
    );
    assert_finding_beside(&out);

    let human = run_env(
        tmp.path(),
        &["-v", "."],
        &[("APPSTRACT_LINT_INJECT_PANIC", "analyze:boom.rs")],
        &[],
    );
    assert_eq!(human.code, 2);
    assert!(
        human.stderr.contains("please report it"),
        "{}",
        human.stderr
    );
    assert!(
        skipped_lines(&human).contains(&"Skipped boom.rs (the analysis failed: internal error)")
    );
}

#[test]
fn a_panic_checking_one_crate_is_an_internal_error_and_the_rest_is_linted() {
    let tmp = beside();
    write(tmp.path(), "boom.rs", FINDING);
    let out = run_env(
        tmp.path(),
        &["--message-format", "short", "."],
        &[("APPSTRACT_LINT_INJECT_PANIC", "check:boom")],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "boom.rs:1:1: error[internal_error]: checking the crate `boom` (boom.rs) panicked: injected panic (check `boom`)"
        ),
        "{}",
        out.stderr
    );
    assert_finding_beside(&out);
}

#[test]
fn cargo_problems_exit_2_naming_the_cause() {
    let tmp = beside();
    let dir = tmp.path();

    // A malformed manifest.
    write(dir, "Cargo.toml", "[package\nname = \"x\"\n");
    let out = run(dir, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: `cargo metadata` failed: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Cargo.toml"), "{}", out.stderr);

    // A missing workspace member.
    write(
        dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/missing\"]\n",
    );
    let out = run(dir, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("crates/missing"), "{}", out.stderr);

    // `cargo metadata` failing for any other reason.
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let out = run_env(dir, &[], &[("CARGO", "/bin/false")], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: `cargo metadata` failed"),
        "{}",
        out.stderr
    );

    // No cargo at all.
    let out = run_env(dir, &[], &[("PATH", "")], &["CARGO"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: cannot run `cargo metadata`: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("pass the files or directories to lint"));

    // Paths are linted without cargo.
    let out = run_env(
        dir,
        &["--message-format", "short", "normal.rs"],
        &[("PATH", "")],
        &["CARGO"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_finding_beside(&out);
}

#[test]
fn verbose_accounts_for_every_file() {
    let tmp = beside();
    write(tmp.path(), "broken.rs", "fn main() { let x = ; }\n");
    write(tmp.path(), "latin1.rs", b"// caf\xe9\n");
    write(tmp.path(), "clean.rs", "fn main() {}\n");
    let out = run(tmp.path(), &["-v", "."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // Every file, linted or skipped, in cargo's status style, before the findings.
    let listed: Vec<&str> = out.stderr.lines().take(4).collect();
    assert_eq!(
        listed,
        [
            "     Skipped broken.rs (does not parse)",
            "      Linted clean.rs",
            "     Skipped latin1.rs (not valid UTF-8)",
            "      Linted normal.rs",
        ]
    );
    assert_eq!(
        skipped_lines(&out),
        [
            "Skipped broken.rs (does not parse)",
            "Skipped latin1.rs (not valid UTF-8)",
        ]
    );
    assert!(out.stderr.contains("linted 4 files in "), "{}", out.stderr);
    assert!(out
        .stderr
        .contains("3 errors, 0 warnings in 4 files (2 skipped)\n"));
    // Without -v only the count.
    let quiet = run(tmp.path(), &["."]);
    assert!(skipped_lines(&quiet).is_empty());
    assert!(quiet.stderr.ends_with("in 4 files (2 skipped)\n"));
}

#[test]
fn tool_problems_land_in_sarif_as_rules() {
    let tmp = beside();
    write(
        tmp.path(),
        "deep.rs",
        format!("fn f() {{ {} }}", "(".repeat(2000)),
    );
    let mut command = Command::new(BIN);
    command
        .args(["--message-format", "sarif", "deep.rs"])
        .current_dir(tmp.path());
    let output = command.output().expect("the binary runs");
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF JSON");
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    for code in appstract_lint::TOOL_CODES {
        assert!(
            rules
                .as_array()
                .expect("rules")
                .iter()
                .any(|rule| rule["id"] == *code),
            "no SARIF rule for `{code}`"
        );
    }
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "nesting_too_deep");
    assert!(result.get("ruleIndex").is_some());
}
