//! The panic census (`lints/data/panics.toml`) against the repository: `docs/panics.md` is
//! generated from it (`BLESS=1 cargo test -p appstract-lints --test census` rewrites it), every
//! API a lint reports today is held to a marked fixture line, and every lint it names exists.

use appstract_lints::census::{LintRef, Status, PANICS};
use appstract_lints::find_lint;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the lints crate is inside the repository")
        .to_path_buf()
}

fn blessing() -> bool {
    std::env::var_os("BLESS").is_some_and(|value| !value.is_empty() && value != "0")
}

#[test]
fn docs_panics_md_is_generated_from_the_census() {
    let path = repo().join("docs/panics.md");
    let generated = appstract_lints::census::markdown();
    if blessing() {
        fs::write(&path, &generated).expect("write docs/panics.md");
        return;
    }
    let written = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written.replace("\r\n", "\n") == generated,
        "docs/panics.md is not what the census generates; run `BLESS=1 cargo test -p appstract-lints --test census`"
    );
}

/// Whether `line` carries a `//~` marker that names `lint`.
fn marks(line: &str, lint: &str) -> bool {
    line.split_once("//~").is_some_and(|(_, names)| {
        names
            .split(|c: char| c == ',' || c.is_whitespace())
            .any(|name| name == lint)
    })
}

#[test]
fn every_reported_api_is_held_to_a_fixture_line() {
    let mut problems = Vec::new();
    for p in PANICS {
        for a in p.apis {
            let Some(fixture) = &a.fixture else { continue };
            let LintRef::Existing(lint) = p.lint() else {
                problems.push(format!("{} `{}`: a fixture without a lint", p.id, a.path));
                continue;
            };
            let file = repo().join("ui-tests").join(fixture.file);
            let Ok(text) = fs::read_to_string(&file) else {
                problems.push(format!(
                    "{} `{}`: no fixture file ui-tests/{}",
                    p.id, a.path, fixture.file
                ));
                continue;
            };
            let held = text
                .lines()
                .any(|line| marks(line, lint) && line.contains(fixture.text));
            match (a.status, held) {
                (Status::Caught, false) => problems.push(format!(
                    "{} `{}`: ui-tests/{} has no line marked `//~ {lint}` containing `{}`",
                    p.id, a.path, fixture.file, fixture.text
                )),
                (Status::Untested, true) => problems.push(format!(
                    "{} `{}`: ui-tests/{} now holds it; set `status = \"caught\"`",
                    p.id, a.path, fixture.file
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_lint_named_exists_and_every_proposed_one_does_not() {
    let mut problems = Vec::new();
    for p in PANICS {
        match p.lint() {
            LintRef::Existing(name) if find_lint(name).is_none() => {
                problems.push(format!("{}: no lint `{name}`", p.id))
            }
            LintRef::New(name) if find_lint(name).is_some() => problems.push(format!(
                "{}: `{name}` exists now; write `lint = \"{name}\"`",
                p.id
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn one_version_per_crate() {
    let mut versions: BTreeMap<&str, &str> = BTreeMap::new();
    for p in PANICS {
        let seen = versions.entry(p.krate).or_insert(p.version);
        assert_eq!(*seen, p.version, "{}: {} at two versions", p.id, p.krate);
    }
}

#[test]
fn every_api_says_how_it_was_confirmed() {
    for p in PANICS {
        for a in p.apis {
            assert!(
                a.run.is_empty() != a.read.is_empty(),
                "{} `{}`: exactly one of run and read",
                p.id,
                a.path
            );
        }
    }
}
