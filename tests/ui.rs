//! The fixtures in `ui-tests/`. Each `<name>.rs` is linted on its own (a loose file): the lines
//! with findings must be exactly the lines marked `//~ <lint>`, and the human output must match
//! `<name>.stderr`. `BLESS=1 cargo test --test ui` rewrites the `.stderr` files.

use appstract_lint::cli::MessageFormat;
use appstract_lint::config::CliLevels;
use appstract_lint::output::{self, LineIndex};
use appstract_lint::{discover, lint, TOOL_CODES};
use appstract_lints::{Level, LINTS};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

const FIXTURES: &str = "ui-tests";
const MARKER: &str = "//~";
const DOC_SECTIONS: [&str; 4] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `ui-tests/<name>.rs`, relative to the package root so that output shows that path.
fn fixtures() -> Vec<PathBuf> {
    let mut fixtures: Vec<PathBuf> = fs::read_dir(root().join(FIXTURES))
        .expect("ui-tests/ is readable")
        .map(|entry| entry.expect("ui-tests/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| Path::new(FIXTURES).join(path.file_name().expect("file name")))
        .collect();
    fixtures.sort();
    fixtures
}

fn fixture_name(fixture: &Path) -> String {
    fixture
        .file_stem()
        .expect("fixture stem")
        .to_string_lossy()
        .into_owned()
}

fn blessing() -> bool {
    std::env::var_os("BLESS").is_some_and(|value| !value.is_empty() && value != "0")
}

/// `(line, code)` for every marker: `//~ lint` or `//~ lint_a, lint_b` at the end of a line.
fn markers(text: &str) -> BTreeSet<(usize, String)> {
    let mut markers = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        if let Some((_, names)) = line.split_once(MARKER) {
            for name in names.split(|c: char| c == ',' || c.is_whitespace()) {
                if !name.is_empty() {
                    markers.insert((index + 1, name.to_string()));
                }
            }
        }
    }
    markers
}

#[test]
fn fixtures_match_their_markers_and_blessed_output() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no fixtures in {FIXTURES}/");
    let failures: Vec<String> = fixtures
        .iter()
        .filter_map(|fixture| check(fixture).err())
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

fn check(fixture: &Path) -> Result<(), String> {
    let shown = fixture.display();
    let text = fs::read_to_string(root().join(fixture))
        .map_err(|err| format!("{shown}: cannot read: {err}"))?;
    let mut plan = discover::loose_files(root(), &[fixture.to_path_buf()]);
    // The fixture of an allow-by-default lint is linted with that lint at warn.
    let name = fixture_name(fixture);
    if appstract_lints::find_lint(&name).is_some_and(|lint| lint.default_level == Level::Allow) {
        let cli =
            CliLevels::parse(&[(Level::Warn, name)]).map_err(|err| format!("{shown}: {err}"))?;
        let cli = std::sync::Arc::new(cli);
        for unit in &mut plan.crates {
            unit.settings.cli = cli.clone();
        }
        for file in plan.selection.iter_mut().flatten() {
            file.settings.cli = cli.clone();
        }
    }
    let report = lint(&plan, 1).map_err(|err| format!("{shown}: {err}"))?;
    if !report.internal_errors.is_empty() {
        return Err(format!("{shown}: {}", report.internal_errors.join("; ")));
    }

    let mut found = BTreeSet::new();
    let mut messages = Vec::new();
    for (file, finding) in report.findings() {
        let source = file.source.as_deref().unwrap_or("");
        let (line, _) = LineIndex::new(source).line_col(source, finding.primary.range.start);
        found.insert((line, finding.code.to_string()));
        messages.push((line, finding.code, finding.message.clone()));
    }
    let expected = markers(&text);
    let mut problems = Vec::new();
    for (line, code) in expected.difference(&found) {
        problems.push(format!("  line {line}: expected `{code}`, found nothing"));
    }
    for (line, code) in found.difference(&expected) {
        let message = messages
            .iter()
            .find(|(l, c, _)| l == line && c == code)
            .map_or("", |(_, _, message)| message.as_str());
        problems.push(format!("  line {line}: unexpected `{code}`: {message}"));
    }

    let rendered = output::render_plain(MessageFormat::Human, &report);
    let blessed_path = root().join(fixture).with_extension("stderr");
    if blessing() {
        fs::write(&blessed_path, &rendered)
            .map_err(|err| format!("{shown}: cannot write the .stderr file: {err}"))?;
    } else {
        match fs::read_to_string(&blessed_path) {
            Ok(blessed) => {
                let blessed = blessed.replace("\r\n", "\n");
                if blessed != rendered {
                    problems.push(output_mismatch(&blessed, &rendered));
                }
            }
            Err(_) => problems.push(format!(
                "  no blessed output `{}`; run `BLESS=1 cargo test --test ui`",
                Path::new(FIXTURES)
                    .join(blessed_path.file_name().expect("file name"))
                    .display()
            )),
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{shown}:\n{}", problems.join("\n")))
    }
}

fn output_mismatch(blessed: &str, rendered: &str) -> String {
    let first_difference = blessed
        .lines()
        .zip(rendered.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| blessed.lines().count().min(rendered.lines().count()));
    format!(
        "  the output differs from the .stderr file from line {} on \
         (`BLESS=1 cargo test --test ui` accepts it):\n--- blessed\n{blessed}--- actual\n{rendered}",
        first_difference + 1
    )
}

/// The conventions every lint keeps: doc sections, a fixture with offending lines marked and
/// with correct look-alikes (a fn without any marker), blessed output, rustc-style summary.
#[test]
fn every_lint_follows_the_conventions() {
    let fixtures = fixtures();
    let fixture_names: BTreeSet<String> = fixtures.iter().map(|f| fixture_name(f)).collect();
    let mut problems = Vec::new();

    for lint in LINTS {
        let name = lint.name;
        let snake_case = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !snake_case {
            problems.push(format!("`{name}`: the name is not snake_case"));
        }
        let documentation = lint.documentation();
        for section in DOC_SECTIONS {
            if !documentation.lines().any(|line| line.trim_end() == section) {
                problems.push(format!("`{name}`: the documentation lacks `{section}`"));
            }
        }
        let summary_style =
            lint.summary.starts_with(|c: char| !c.is_uppercase()) && !lint.summary.ends_with('.');
        if !summary_style {
            problems.push(format!(
                "`{name}`: the summary should start lowercase and end without a period"
            ));
        }

        if !fixture_names.contains(name) {
            problems.push(format!("`{name}`: no fixture `{FIXTURES}/{name}.rs`"));
            continue;
        }
        let fixture = root().join(FIXTURES).join(format!("{name}.rs"));
        let text = fs::read_to_string(&fixture).unwrap_or_default();
        let marked: BTreeSet<usize> = markers(&text)
            .into_iter()
            .filter(|(_, code)| code == name)
            .map(|(line, _)| line)
            .collect();
        if marked.is_empty() {
            problems.push(format!(
                "`{name}`: the fixture marks no line with `{MARKER} {name}`"
            ));
        }
        match unmarked_fn_count(&text) {
            Ok(0) => problems.push(format!(
                "`{name}`: the fixture has no negative case (a fn with a body and no marker)"
            )),
            Ok(_) => {}
            Err(err) => problems.push(format!("`{name}`: the fixture does not parse: {err}")),
        }
        if !fixture.with_extension("stderr").is_file() {
            problems.push(format!("`{name}`: no blessed `{FIXTURES}/{name}.stderr`"));
        }
    }

    let known = |code: &str| TOOL_CODES.contains(&code) || LINTS.iter().any(|l| l.name == code);
    for fixture in &fixtures {
        let name = fixture_name(fixture);
        if !known(&name) {
            problems.push(format!(
                "`{}`: named after no lint or tool code",
                fixture.display()
            ));
        }
        let text = fs::read_to_string(root().join(fixture)).unwrap_or_default();
        for (line, code) in markers(&text) {
            if !known(&code) {
                problems.push(format!(
                    "`{}:{line}`: the marker names no lint or tool code: `{code}`",
                    fixture.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// How many fns (items, methods, trait defaults) have a body with statements and no marker.
fn unmarked_fn_count(text: &str) -> syn::Result<usize> {
    struct Bodies(Vec<(usize, usize, bool)>);
    impl Bodies {
        fn add(&mut self, item: &impl Spanned, block: &syn::Block) {
            let span = item.span();
            self.0
                .push((span.start().line, span.end().line, !block.stmts.is_empty()));
        }
    }
    impl<'ast> Visit<'ast> for Bodies {
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            self.add(item, &item.block);
            syn::visit::visit_item_fn(self, item);
        }
        fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
            self.add(item, &item.block);
            syn::visit::visit_impl_item_fn(self, item);
        }
        fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
            if let Some(block) = &item.default {
                self.add(item, block);
            }
            syn::visit::visit_trait_item_fn(self, item);
        }
    }

    let file = syn::parse_file(text)?;
    let mut bodies = Bodies(Vec::new());
    bodies.visit_file(&file);
    let marked: BTreeSet<usize> = markers(text).into_iter().map(|(line, _)| line).collect();
    Ok(bodies
        .0
        .iter()
        .filter(|(start, end, has_statements)| {
            *has_statements && !marked.iter().any(|line| (start..=end).contains(&line))
        })
        .count())
}

#[test]
fn conventions_checks_see_markers_and_negative_cases() {
    let text = "fn bad() {\n    call(); //~ some_lint\n}\n\nfn good() {\n    call();\n}\n";
    assert_eq!(
        markers(text),
        BTreeSet::from([(2, "some_lint".to_string())])
    );
    assert_eq!(unmarked_fn_count(text).unwrap(), 1);
    let only_bad = "fn bad() {\n    call(); //~ a, b\n}\n";
    assert_eq!(markers(only_bad).len(), 2);
    assert_eq!(unmarked_fn_count(only_bad).unwrap(), 0);
}

/// The README's lint table, made from the registry.
fn lint_table() -> String {
    let mut table = String::from("| lint | level | catches |\n|---|---|---|\n");
    for lint in LINTS {
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            lint.name,
            lint.default_level.as_str(),
            lint.summary.replace('|', "\\|")
        ));
    }
    table
}

#[test]
fn readme_lists_every_lint() {
    const START: &str = "| lint | level | catches |";
    const END: &str = "<!-- /lint-table -->";
    let path = root().join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md is readable");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no lint table (`{START}` .. `{END}`)");
    };
    let table = lint_table();
    if readme[start..end] == table {
        return;
    }
    if blessing() {
        let updated = format!("{}{}{}", &readme[..start], table, &readme[end..]);
        fs::write(&path, updated).expect("README.md is writable");
    } else {
        panic!("the README's lint table is out of date; run `BLESS=1 cargo test --test ui`");
    }
}

/// Every fixture and demo file, whole and item by item (each is linted on its own as a crate):
/// the texts the premises of the driver's shortcuts are checked on.
fn variants() -> Vec<(PathBuf, String)> {
    let demo: Vec<PathBuf> = walk_rs(&root().join("examples/demo"));
    let mut out = Vec::new();
    for path in fixtures().into_iter().map(|f| root().join(f)).chain(demo) {
        let text = fs::read_to_string(&path).expect("a readable source");
        // A fixture of a syntax error is checked whole only.
        let items: Vec<String> = match syn::parse_file(&text) {
            Ok(file) => file
                .items
                .iter()
                .filter_map(|item| text.get(item.span().byte_range()))
                .map(str::to_string)
                .collect(),
            Err(_) => Vec::new(),
        };
        proc_macro2::extra::invalidate_current_thread_spans();
        out.extend(
            std::iter::once(text)
                .chain(items)
                .map(|v| (path.clone(), v)),
        );
    }
    out
}

fn analyze(source: &str) -> appstract_lints::FileAnalysis {
    let analysis = appstract_lints::analyze_file(
        &appstract_lints::CrateInfo::default(),
        appstract_lints::FileInput {
            path: "variant.rs",
            source,
            module_path: &[],
        },
    );
    proc_macro2::extra::invalidate_current_thread_spans();
    analysis
}

/// A crate none of whose files has runtime code (async code, an entry attribute, a watched
/// crate's path or type) is not checked; this holds only if such code can never produce a
/// finding. Every variant is checked with every lint: a finding without runtime code fails.
#[test]
fn crates_without_runtime_code_have_no_findings() {
    let mut levels = appstract_lints::LintLevels::default();
    for lint in LINTS {
        levels.set(lint, Level::Deny);
    }
    let (mut inert, mut with_findings) = (0, 0);
    for (path, source) in variants() {
        let analysis = analyze(&source);
        let runtime_code = analysis.model.has_runtime_code();
        let models = [analysis.model];
        let krate = appstract_lints::CrateInfo::default();
        let findings = appstract_lints::check_crate(&krate, &models, &[], &levels)
            .diagnostics
            .concat();
        assert!(
            runtime_code || findings.is_empty(),
            "{}: found {:?} in code the driver would not check:\n{source}",
            path.display(),
            findings.iter().map(|f| f.code).collect::<Vec<_>>()
        );
        inert += usize::from(!runtime_code);
        with_findings += usize::from(!findings.is_empty());
    }
    assert!(
        inert >= 100 && with_findings >= 80,
        "{inert} inert, {with_findings} with findings"
    );
}

/// The prefilter's premises, on every variant: a text whose model has runtime code names a
/// trigger word, and a file's outline finds the `mod` items and the syntax error its full
/// analysis finds.
#[test]
fn the_prefilter_sees_all_runtime_code_and_outlines_match_analyses() {
    let triggers = appstract_lints::Triggers::for_crate(&appstract_lints::CrateInfo::default());
    let (mut runtime, mut quiet) = (0, 0);
    for (path, source) in variants() {
        let analysis = analyze(&source);
        let triggered = triggers.found_in(&source);
        assert!(
            triggered || !analysis.model.has_runtime_code(),
            "{}: runtime code without a trigger word:\n{source}",
            path.display()
        );
        let outline = appstract_lints::outline_file(appstract_lints::FileInput {
            path: "variant.rs",
            source: &source,
            module_path: &[],
        });
        proc_macro2::extra::invalidate_current_thread_spans();
        assert_eq!(outline.modules, analysis.modules, "{}", path.display());
        assert_eq!(
            outline.diagnostics,
            analysis.diagnostics,
            "{}",
            path.display()
        );
        runtime += usize::from(analysis.model.has_runtime_code());
        quiet += usize::from(!triggered);
    }
    assert!(
        runtime >= 100 && quiet >= 50,
        "{runtime} with runtime code, {quiet} without a trigger word"
    );
}

/// A file's analysis sees its crate only through `CrateInfo::seen_by_files`: crates that differ
/// only in their names and blocking functions (the test crates of one package, each with its
/// `mod common;`) share the analyses of their common files.
#[test]
fn analyses_see_crates_only_as_files_see_them() {
    use appstract_lints::{CrateInfo, CrateKind, Dependency};
    let seen = |krate: &CrateInfo, source: &str| {
        let analysis = appstract_lints::analyze_file(
            krate,
            appstract_lints::FileInput {
                path: "variant.rs",
                source,
                module_path: &[],
            },
        );
        proc_macro2::extra::invalidate_current_thread_spans();
        format!(
            "{:?}",
            (analysis.model, analysis.modules, analysis.diagnostics)
        )
    };
    let dependency = |name: &str, package: &str| Dependency {
        name: name.to_string(),
        package: package.to_string(),
    };
    let one = CrateInfo {
        name: "one".to_string(),
        kind: CrateKind::Test,
        dependencies: vec![dependency("tokio", "tokio"), dependency("rt", "async-std")],
        entry_attributes: vec!["my_rt::main".to_string()],
        blocking_functions: vec!["std::thread::sleep".to_string()],
        summarized: Vec::new(),
    };
    let two = CrateInfo {
        name: "two".to_string(),
        blocking_functions: vec!["crate::slow".to_string(), "std::fs::read".to_string()],
        ..one.clone()
    };
    let binary = CrateInfo {
        kind: CrateKind::Bin,
        ..one.clone()
    };
    let mut kind_matters = 0;
    for (path, source) in variants() {
        let analysis = seen(&one, &source);
        assert_eq!(analysis, seen(&two, &source), "{}", path.display());
        assert_eq!(
            analysis,
            seen(&one.seen_by_files(), &source),
            "{}",
            path.display()
        );
        kind_matters += usize::from(analysis != seen(&binary, &source));
    }
    // The comparison tells models apart: a crate's kind changes what `fn main` is.
    assert!(kind_matters > 0);
}

fn walk_rs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            out.extend(walk_rs(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}
