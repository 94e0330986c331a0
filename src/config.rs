//! Configuration: `appstract-lint.toml` / `.appstract-lint.toml`, or the
//! `[package.metadata.appstract-lint]` / `[workspace.metadata.appstract-lint]` tables of
//! `Cargo.toml`, with the same keys, and the level flags of the command line on top.
//!
//! ```toml
//! exclude = ["src/generated/**"]
//! entry-attributes = ["my_rt::main"]
//! blocking-functions = ["my_crate::io::read_all"]
//!
//! [lints]
//! nested_runtime_block_on = "forbid"
//! detached_spawn = "warn"
//!
//! [[overrides]]
//! files = ["tests/**"]
//! lints = { detached_spawn = "allow" }
//! ```
//!
//! The configuration nearest to a package wins: from the package's directory up to the
//! workspace root, each directory is asked for `appstract-lint.toml`, then
//! `.appstract-lint.toml`, then (at the package's directory) `[package.metadata.appstract-lint]`
//! and (at the workspace root) `[workspace.metadata.appstract-lint]`. `--config FILE` replaces
//! the search. Configurations are not merged.

use crate::error::Error;
use crate::output::LineIndex;
use crate::paths;
use appstract_lints::{Level, Lint, LintLevels};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Configuration file names, in the order they are looked for in a directory.
pub const FILE_NAMES: [&str; 2] = ["appstract-lint.toml", ".appstract-lint.toml"];
/// The key of the tool's table under `[package.metadata]` and `[workspace.metadata]`.
pub const METADATA_KEY: &str = "appstract-lint";
/// The pseudo-lint of `-D warnings`: every warning.
pub const WARNINGS: &str = "warnings";

const KEYS: [&str; 6] = [
    "lints",
    "exclude",
    "entry-attributes",
    "blocking-functions",
    "dependencies",
    "overrides",
];
const OVERRIDE_KEYS: [&str; 2] = ["files", "lints"];

/// A parsed configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read (`appstract-lint.toml`, or `Cargo.toml` for a metadata table).
    pub source: Option<PathBuf>,
    /// Globs are relative to this directory.
    pub dir: PathBuf,
    pub lints: Vec<(&'static Lint, Level)>,
    /// `warnings = "deny"` in `[lints]`.
    pub warnings: Option<Level>,
    pub exclude: Vec<Glob>,
    pub entry_attributes: Vec<String>,
    pub blocking_functions: Vec<String>,
    /// `dependencies = false`: do not read the dependencies' sources for summaries.
    pub dependencies: Option<bool>,
    pub overrides: Vec<Override>,
}

/// Lint levels for the files that match some globs.
#[derive(Debug, Clone)]
pub struct Override {
    pub files: Vec<Glob>,
    pub lints: Vec<(&'static Lint, Level)>,
    pub warnings: Option<Level>,
}

/// A path pattern, relative to the directory of the configuration. A pattern without `/`
/// matches a file or directory name at any depth; a pattern that matches a directory matches
/// everything under it.
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: glob::Pattern,
    anywhere: bool,
}

impl Glob {
    pub fn new(text: &str) -> Result<Glob, String> {
        let trimmed = text.trim_start_matches("./").trim_end_matches('/');
        let pattern = glob::Pattern::new(trimmed).map_err(|err| err.msg.to_string())?;
        Ok(Glob {
            pattern,
            anywhere: !trimmed.contains('/'),
        })
    }

    /// Whether `relative` (a path relative to the configuration's directory) or one of its
    /// parent directories matches.
    pub fn matches(&self, relative: &Path) -> bool {
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        let mut current = Some(relative);
        while let Some(path) = current.filter(|p| !p.as_os_str().is_empty()) {
            if self.pattern.matches_path_with(path, options) {
                return true;
            }
            if self.anywhere
                && path
                    .file_name()
                    .is_some_and(|name| self.pattern.matches_with(&name.to_string_lossy(), options))
            {
                return true;
            }
            current = path.parent();
        }
        false
    }
}

/// A lint name as users write it: `appstract::name` and dashes are accepted.
pub fn normalize_lint_name(name: &str) -> String {
    name.trim()
        .trim_start_matches("appstract::")
        .replace('-', "_")
}

/// Looks a lint up among the analysis's lints and the tool's own.
pub fn find_any_lint(name: &str) -> Option<&'static Lint> {
    crate::all_lints().find(|lint| lint.name == name)
}

/// `did you mean ...?` for a misspelt lint name.
pub fn lint_help(name: &str) -> String {
    let candidates = crate::all_lints().map(|lint| lint.name).chain([WARNINGS]);
    match crate::suggest(name, candidates) {
        Some(nearest) => format!("did you mean `{nearest}`?"),
        None => "`cargo appstract-lint --list` shows every lint".to_string(),
    }
}

/// The level flags of the command line, checked.
#[derive(Debug, Clone, Default)]
pub struct CliLevels {
    flags: Vec<(Option<&'static Lint>, Level)>,
}

impl CliLevels {
    pub fn parse(flags: &[(Level, String)]) -> Result<CliLevels, Error> {
        let mut out = Vec::new();
        for (level, name) in flags {
            let normalized = normalize_lint_name(name);
            if normalized == WARNINGS {
                out.push((None, *level));
                continue;
            }
            match find_any_lint(&normalized) {
                Some(lint) => out.push((Some(lint), *level)),
                None if crate::TOOL_CODES.contains(&normalized.as_str()) => {
                    return Err(Error::new(format!(
                        "`{normalized}` given to -{} is a problem of the tool, not a lint: its level cannot be set",
                        flag_letter(*level)
                    ))
                    .with_help(format!(
                        "`cargo appstract-lint --explain {normalized}` tells what to do about it"
                    )))
                }
                None => {
                    return Err(Error::new(format!(
                        "unknown lint `{name}` given to -{}",
                        flag_letter(*level)
                    ))
                    .with_help(lint_help(&normalized)))
                }
            }
        }
        Ok(CliLevels { flags: out })
    }

    fn apply(&self, levels: &mut LintLevels) {
        for (lint, level) in &self.flags {
            match lint {
                Some(lint) => levels.set(lint, *level),
                None => levels.set_warnings(*level),
            }
        }
    }
}

fn flag_letter(level: Level) -> char {
    match level {
        Level::Allow => 'A',
        Level::Warn => 'W',
        Level::Deny => 'D',
        Level::Forbid => 'F',
    }
}

/// What applies to one package's files: its configuration and the command line.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub config: Arc<Config>,
    pub cli: Arc<CliLevels>,
}

impl Settings {
    /// The levels for a file: configuration, then matching overrides, then the command line.
    pub fn levels_for(&self, file: &Path) -> LintLevels {
        let mut levels = LintLevels::default();
        apply(&mut levels, &self.config.lints, self.config.warnings);
        if !self.config.overrides.is_empty() {
            if let Some(relative) = self.relative(file) {
                for over in &self.config.overrides {
                    if over.files.iter().any(|glob| glob.matches(&relative)) {
                        apply(&mut levels, &over.lints, over.warnings);
                    }
                }
            }
        }
        self.cli.apply(&mut levels);
        levels
    }

    /// The `exclude` pattern that matches the file, if any.
    pub fn is_excluded(&self, file: &Path) -> bool {
        if self.config.exclude.is_empty() {
            return false;
        }
        self.relative(file).is_some_and(|relative| {
            self.config
                .exclude
                .iter()
                .any(|glob| glob.matches(&relative))
        })
    }

    fn relative(&self, file: &Path) -> Option<PathBuf> {
        file.strip_prefix(&self.config.dir)
            .ok()
            .map(Path::to_path_buf)
    }
}

fn apply(levels: &mut LintLevels, lints: &[(&'static Lint, Level)], warnings: Option<Level>) {
    for (lint, level) in lints {
        levels.set(lint, *level);
    }
    if let Some(level) = warnings {
        levels.set_warnings(level);
    }
}

/// Finds and reads configurations, each file once.
#[derive(Default)]
pub struct Finder {
    /// `--config FILE`, read once, for every package.
    forced: Option<Arc<Config>>,
    cli: Arc<CliLevels>,
    /// Per directory: the configuration found from it upward.
    cache: HashMap<(PathBuf, PathBuf), Arc<Config>>,
}

impl Finder {
    pub fn new(cwd: &Path, forced: Option<&Path>, cli: CliLevels) -> Result<Finder, Error> {
        let forced = match forced {
            Some(path) => {
                let path = paths::absolute(cwd, path);
                let text = std::fs::read_to_string(&path).map_err(|err| {
                    Error::new(format!(
                        "cannot read the configuration `{}`: {err}",
                        paths::display(cwd, &path)
                    ))
                })?;
                let shown = paths::display(cwd, &path);
                let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
                let mut config = parse_file(&text, &shown, dir)?;
                config.source = Some(path);
                Some(Arc::new(config))
            }
            None => None,
        };
        Ok(Finder {
            forced,
            cli: Arc::new(cli),
            cache: HashMap::new(),
        })
    }

    /// The settings of a package in `dir` (or of loose files there), searching up to `root`
    /// (the workspace root; the filesystem root when `None`).
    pub fn settings(
        &mut self,
        cwd: &Path,
        dir: &Path,
        root: Option<&Path>,
    ) -> Result<Settings, Error> {
        let config = match &self.forced {
            Some(config) => config.clone(),
            None => {
                let key = (
                    dir.to_path_buf(),
                    root.map(Path::to_path_buf).unwrap_or_default(),
                );
                match self.cache.get(&key) {
                    Some(config) => config.clone(),
                    None => {
                        let config = Arc::new(search(cwd, dir, root)?.unwrap_or_else(|| Config {
                            dir: dir.to_path_buf(),
                            ..Config::default()
                        }));
                        self.cache.insert(key, config.clone());
                        config
                    }
                }
            }
        };
        Ok(Settings {
            config,
            cli: self.cli.clone(),
        })
    }
}

/// The nearest configuration from `dir` up to `root`.
fn search(cwd: &Path, dir: &Path, root: Option<&Path>) -> Result<Option<Config>, Error> {
    for current in dir.ancestors() {
        for name in FILE_NAMES {
            let path = current.join(name);
            if path.is_file() {
                let shown = paths::display(cwd, &path);
                let text = std::fs::read_to_string(&path).map_err(|err| {
                    Error::new(format!("cannot read the configuration `{shown}`: {err}"))
                })?;
                let mut config = parse_file(&text, &shown, current.to_path_buf())?;
                config.source = Some(path);
                return Ok(Some(config));
            }
        }
        let manifest = current.join("Cargo.toml");
        let is_root = root.is_some_and(|root| root == current);
        if manifest.is_file() {
            let Ok(text) = std::fs::read_to_string(&manifest) else {
                // Discovery reports unreadable manifests.
                continue;
            };
            let shown = paths::display(cwd, &manifest);
            let at_package = current == dir;
            let (found, has_workspace) = parse_manifest(
                &text,
                &shown,
                current.to_path_buf(),
                at_package,
                is_root || root.is_none(),
            )?;
            if let Some(mut config) = found {
                config.source = Some(manifest);
                return Ok(Some(config));
            }
            // Without a known root, the first workspace manifest up the tree is the root.
            if root.is_none() && has_workspace {
                break;
            }
        }
        if is_root {
            break;
        }
    }
    Ok(None)
}

/// Reads a whole configuration file.
pub fn parse_file(text: &str, shown: &str, dir: PathBuf) -> Result<Config, Error> {
    let doc = Doc { text, shown };
    let table = DeTable::parse(text).map_err(|err| doc.toml_error(&err))?;
    doc.config(table.get_ref(), dir)
}

/// Reads the tool's metadata table of a manifest: `[package.metadata.appstract-lint]` when
/// `package`, `[workspace.metadata.appstract-lint]` when `workspace`.
fn parse_manifest(
    text: &str,
    shown: &str,
    dir: PathBuf,
    package: bool,
    workspace: bool,
) -> Result<(Option<Config>, bool), Error> {
    let doc = Doc { text, shown };
    let Ok(table) = DeTable::parse(text) else {
        return Ok((None, false));
    };
    let has_workspace = table.get_ref().contains_key("workspace");
    let mut sections = Vec::new();
    if package {
        sections.push("package");
    }
    if workspace {
        sections.push("workspace");
    }
    for section in sections {
        let found = table
            .get_ref()
            .get(section)
            .and_then(|value| value.get_ref().as_table())
            .and_then(|table| table.get("metadata"))
            .and_then(|value| value.get_ref().as_table())
            .and_then(|table| table.get(METADATA_KEY));
        if let Some(value) = found {
            let Some(table) = value.get_ref().as_table() else {
                return Err(doc.error(
                    value.span(),
                    format!("`{section}.metadata.{METADATA_KEY}` must be a table"),
                ));
            };
            return doc
                .config(table, dir)
                .map(|config| (Some(config), has_workspace));
        }
    }
    Ok((None, has_workspace))
}

struct Doc<'a> {
    text: &'a str,
    shown: &'a str,
}

impl Doc<'_> {
    fn location(&self, offset: usize) -> String {
        let index = LineIndex::new(self.text);
        let (line, column) = index.line_col(self.text, offset);
        format!("{}:{line}:{column}", self.shown)
    }

    fn error(&self, span: std::ops::Range<usize>, message: String) -> Error {
        Error::new(format!("{message} in `{}`", self.shown)).at(self.location(span.start))
    }

    fn toml_error(&self, err: &toml::de::Error) -> Error {
        let message = err.message().trim().trim_end_matches('.');
        let message = lowercase_first(message);
        let error = Error::new(format!("cannot parse `{}`: {message}", self.shown));
        match err.span() {
            Some(span) => error.at(self.location(span.start)),
            None => error,
        }
    }

    fn config(&self, table: &DeTable<'_>, dir: PathBuf) -> Result<Config, Error> {
        let mut config = Config {
            dir,
            ..Config::default()
        };
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "lints" => {
                    let (lints, warnings) = self.lints(value)?;
                    config.lints = lints;
                    config.warnings = warnings;
                }
                "exclude" => config.exclude = self.globs(value, "exclude")?,
                "entry-attributes" => {
                    config.entry_attributes = self.strings(value, "entry-attributes")?
                }
                "blocking-functions" => {
                    config.blocking_functions = self.strings(value, "blocking-functions")?
                }
                "dependencies" => config.dependencies = Some(self.boolean(value, "dependencies")?),
                "overrides" => config.overrides = self.overrides(value)?,
                other => return Err(self.unknown_key(key, other, &KEYS)),
            }
        }
        Ok(config)
    }

    fn unknown_key(
        &self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        name: &str,
        known: &[&str],
    ) -> Error {
        let help = match crate::suggest(name, known.iter().copied()) {
            Some(nearest) => format!("did you mean `{nearest}`?"),
            None => format!(
                "the known keys are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.error(key.span(), format!("unknown key `{name}`"))
            .with_help(help)
    }

    #[allow(clippy::type_complexity)]
    fn lints(
        &self,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<(Vec<(&'static Lint, Level)>, Option<Level>), Error> {
        let Some(table) = value.get_ref().as_table() else {
            return Err(self.error(value.span(), "`lints` must be a table".to_string()));
        };
        let mut lints = Vec::new();
        let mut warnings = None;
        for (key, level_value) in table {
            let name = key.get_ref().as_ref();
            let level = match level_value.get_ref().as_str().and_then(Level::parse) {
                Some(level) => level,
                None => {
                    return Err(self
                        .error(
                            level_value.span(),
                            format!("invalid level for lint `{name}`"),
                        )
                        .with_help("a level is one of \"allow\", \"warn\", \"deny\", \"forbid\""))
                }
            };
            let normalized = normalize_lint_name(name);
            if normalized == WARNINGS {
                warnings = Some(level);
                continue;
            }
            match find_any_lint(&normalized) {
                Some(lint) => lints.push((lint, level)),
                None => {
                    return Err(self
                        .error(key.span(), format!("unknown lint `{name}`"))
                        .with_help(lint_help(&normalized)))
                }
            }
        }
        Ok((lints, warnings))
    }

    fn strings(&self, value: &Spanned<DeValue<'_>>, key: &str) -> Result<Vec<String>, Error> {
        let not_strings =
            || self.error(value.span(), format!("`{key}` must be an array of strings"));
        let Some(array) = value.get_ref().as_array() else {
            return Err(not_strings());
        };
        array
            .iter()
            .map(|item| {
                item.get_ref().as_str().map(str::to_string).ok_or_else(|| {
                    self.error(item.span(), format!("`{key}` must be an array of strings"))
                })
            })
            .collect()
    }

    fn boolean(&self, value: &Spanned<DeValue<'_>>, key: &str) -> Result<bool, Error> {
        value
            .get_ref()
            .as_bool()
            .ok_or_else(|| self.error(value.span(), format!("`{key}` must be `true` or `false`")))
    }

    fn globs(&self, value: &Spanned<DeValue<'_>>, key: &str) -> Result<Vec<Glob>, Error> {
        let texts = self.strings(value, key)?;
        let spans: Vec<std::ops::Range<usize>> = value
            .get_ref()
            .as_array()
            .map(|array| array.iter().map(Spanned::span).collect())
            .unwrap_or_default();
        texts
            .iter()
            .enumerate()
            .map(|(index, text)| {
                Glob::new(text).map_err(|reason| {
                    let span = spans.get(index).cloned().unwrap_or(value.span());
                    self.error(span, format!("invalid glob `{text}` in `{key}`: {reason}"))
                })
            })
            .collect()
    }

    fn overrides(&self, value: &Spanned<DeValue<'_>>) -> Result<Vec<Override>, Error> {
        let must = || {
            self.error(
                value.span(),
                "`overrides` must be an array of tables (`[[overrides]]`)".to_string(),
            )
        };
        let Some(array) = value.get_ref().as_array() else {
            return Err(must());
        };
        let mut out = Vec::new();
        for item in array {
            let Some(table) = item.get_ref().as_table() else {
                return Err(must());
            };
            let mut over = Override {
                files: Vec::new(),
                lints: Vec::new(),
                warnings: None,
            };
            let mut has_files = false;
            for (key, value) in table {
                match key.get_ref().as_ref() {
                    "files" => {
                        over.files = self.globs(value, "files")?;
                        has_files = true;
                    }
                    "lints" => {
                        let (lints, warnings) = self.lints(value)?;
                        over.lints = lints;
                        over.warnings = warnings;
                    }
                    other => return Err(self.unknown_key(key, other, &OVERRIDE_KEYS)),
                }
            }
            if !has_files {
                return Err(self.error(
                    item.span(),
                    "an override needs `files`, the globs it applies to".to_string(),
                ));
            }
            out.push(over);
        }
        Ok(out)
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        parse_file(text, "appstract-lint.toml", PathBuf::from("/ws"))
    }

    #[test]
    fn every_key_is_read() {
        let config = parse(
            r#"
exclude = ["src/generated/**", "vendor"]
entry-attributes = ["my_rt::main"]
blocking-functions = ["my::read_all"]

[lints]
nested_runtime_block_on = "forbid"
warnings = "deny"

[[overrides]]
files = ["tests/**"]
lints = { nested-runtime-block-on = "allow" }
"#,
        )
        .unwrap();
        assert_eq!(config.lints.len(), 1);
        assert_eq!(config.lints[0].1, Level::Forbid);
        assert_eq!(config.warnings, Some(Level::Deny));
        assert_eq!(config.entry_attributes, ["my_rt::main"]);
        assert_eq!(config.blocking_functions, ["my::read_all"]);
        assert_eq!(config.overrides.len(), 1);
        let settings = Settings {
            config: Arc::new(config),
            cli: Arc::default(),
        };
        assert!(settings.is_excluded(Path::new("/ws/src/generated/a/b.rs")));
        assert!(settings.is_excluded(Path::new("/ws/crates/x/vendor/lib.rs")));
        assert!(!settings.is_excluded(Path::new("/ws/src/lib.rs")));
        assert!(!settings.is_excluded(Path::new("/elsewhere/src/generated/a.rs")));
        let lint = appstract_lints::find_lint("nested_runtime_block_on").unwrap();
        // forbid in [lints] is not lowered by the override.
        assert_eq!(
            settings
                .levels_for(Path::new("/ws/tests/a.rs"))
                .configured(lint),
            Level::Forbid
        );
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let err = parse("[lints]\nnested_runtime_blockon = \"deny\"\n").unwrap_err();
        assert_eq!(
            err.message,
            "unknown lint `nested_runtime_blockon` in `appstract-lint.toml`"
        );
        assert_eq!(err.location.as_deref(), Some("appstract-lint.toml:2:1"));
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `nested_runtime_block_on`?")
        );

        let err = parse("exclud = []\n").unwrap_err();
        assert_eq!(err.message, "unknown key `exclud` in `appstract-lint.toml`");
        assert_eq!(err.help.as_deref(), Some("did you mean `exclude`?"));

        let err = parse("[lints]\nnested_runtime_block_on = \"loud\"\n").unwrap_err();
        assert_eq!(
            err.message,
            "invalid level for lint `nested_runtime_block_on` in `appstract-lint.toml`"
        );
        assert_eq!(err.location.as_deref(), Some("appstract-lint.toml:2:27"));

        let err = parse("exclude = [1]").unwrap_err();
        assert_eq!(err.location.as_deref(), Some("appstract-lint.toml:1:12"));

        let err = parse("[lints\n").unwrap_err();
        assert!(
            err.message
                .starts_with("cannot parse `appstract-lint.toml`: "),
            "{}",
            err.message
        );
        assert!(err.location.is_some());
        assert!(parse("[[overrides]]\nlints = {}\n").is_err());
    }
}
