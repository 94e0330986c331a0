//! Which crates to analyse and which of their files to report.
//!
//! With no paths, every target of the cargo package or workspace of the current directory is a
//! crate (from `cargo metadata`) and every file it reaches is reported. With paths, the files
//! named or found in the directories are reported; those inside a cargo package are analysed
//! within that package's crates (so imports and calls across files are known), and a file no
//! crate reaches is a crate of its own.

pub mod deps;
mod manifest;
mod metadata;
mod walk;

use crate::config::{self, Settings};
use crate::error::Error;
use crate::paths;
use appstract_lints::{CrateInfo, CrateKind, Dependency, Level};
use deps::DependencyGraph;
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// `cargo metadata` with `args`, run so that no program the project configures runs: cargo
/// asks rustc for the target's cfgs when it resolves dependencies, through the `rustc`,
/// `rustc-wrapper`, `rustc-workspace-wrapper` and `rustflags` of `.cargo/config.toml` unless
/// the environment overrides them (an empty value means none). A `RUSTC` of the user's own
/// environment is kept. Under `cargo appstract-lint`, `CARGO` names the cargo that ran us.
fn cargo_metadata(cwd: &Path, args: &[&str], manifest: Option<&Path>) -> (OsString, Command) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(&cargo);
    command
        .arg("metadata")
        .args(args)
        .current_dir(cwd)
        .env("RUSTC_WRAPPER", "")
        .env("RUSTC_WORKSPACE_WRAPPER", "")
        .env("CARGO_ENCODED_RUSTFLAGS", "");
    if std::env::var_os("RUSTC").is_none() {
        command.env("RUSTC", "rustc");
    }
    if let Some(manifest) = manifest {
        command.arg("--manifest-path").arg(manifest);
    }
    (cargo, command)
}

/// Which packages of a cargo project to lint: cargo's package selection flags.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub manifest_path: Option<PathBuf>,
    /// `-p` specs: names, globs, or `name@version`.
    pub packages: Vec<String>,
    pub workspace: bool,
    pub exclude: Vec<String>,
    /// Read the dependency graph for summaries of the dependencies code calls into.
    pub dependencies: bool,
    /// Where the graph is kept between runs (it is read again when `Cargo.lock`, a manifest
    /// or cargo's configuration changes); `None` reads it every run.
    pub dependency_cache: Option<PathBuf>,
}

/// What one run analyses.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Paths are shown relative to this directory (the current directory).
    pub base: PathBuf,
    pub crates: Vec<CrateUnit>,
    /// The files to report; `None` reports every file the crates reach.
    pub selection: Option<Vec<SelectedFile>>,
    /// What discovery could not read, reported with the findings.
    pub problems: Vec<Problem>,
    /// Entries found and deliberately not linted (symlinks under a directory), with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// The packages the workspace depends on, whose summaries are made when code calls into
    /// them; `Err` says why there are none (no `Cargo.lock`, sources not on disk, turned off).
    pub dependencies: Result<Arc<DependencyGraph>, String>,
}

/// A directory or manifest discovery could not read.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: PathBuf,
    pub code: &'static str,
    pub level: Level,
    pub message: String,
    pub notes: Vec<String>,
}

/// A crate: its root file and what the lints are told about it.
#[derive(Debug, Clone)]
pub struct CrateUnit {
    pub info: CrateInfo,
    pub root: PathBuf,
    /// Whether `mod` items are followed. Not for a loose file: where it sits in a module tree
    /// is unknown, so its module files would be looked for in the wrong place.
    pub follow_modules: bool,
    /// The configuration and command-line levels for the crate's files.
    pub settings: Settings,
    /// The cargo package and target, for formats that name them (`--message-format json`).
    pub cargo: Arc<CargoTarget>,
    /// For a library: the root file under which the crates that depend on it find its
    /// summary.
    pub provides: Option<PathBuf>,
    /// The libraries it calls into, by root file: its package's own library (for a binary,
    /// test, example or bench) and the path dependencies it names. It is checked with their
    /// summaries, so calls into them are followed.
    pub needs: Vec<PathBuf>,
    /// Whether its files are reported. The library of a package that is not selected, but
    /// that a selected one depends on, is checked only for its summary.
    pub reported: bool,
    /// Packages of the dependency graph it depends on, by the name code uses for them: their
    /// summaries are made when its code names them.
    pub dep_packages: Vec<(String, usize)>,
    /// Summaries of its dependencies handed in with `--extern`.
    pub externs: Vec<Arc<appstract_lints::CrateSummary>>,
}

/// A target as cargo describes it in its JSON messages.
#[derive(Debug, Clone)]
pub struct CargoTarget {
    /// A package ID spec: `path+file:///work/svc#0.1.0`.
    pub package_id: String,
    pub manifest_path: PathBuf,
    /// The target object of `cargo metadata` (`kind`, `crate_types`, `name`, `src_path`, ...).
    pub target: serde_json::Value,
}

/// A file to report.
#[derive(Debug, Clone)]
pub struct SelectedFile {
    pub path: PathBuf,
    pub settings: Settings,
    /// The package the file is in, if any.
    package: Option<Arc<Package>>,
}

impl SelectedFile {
    /// The crate the file is analysed as when none of the planned crates reaches it: a crate
    /// of its own, which still sees its package's dependencies. Made only when needed: a
    /// whole tree of selected files would otherwise hold a copy of them per file.
    pub fn loose_unit(&self) -> CrateUnit {
        let package = self.package.as_deref();
        CrateUnit {
            info: loose_crate(&self.path, package, &self.settings),
            root: self.path.clone(),
            follow_modules: false,
            settings: self.settings.clone(),
            cargo: Arc::new(loose_target(&self.path, package)),
            provides: None,
            needs: Vec::new(),
            reported: true,
            dep_packages: Vec::new(),
            externs: Vec::new(),
        }
    }
}

/// A file or directory that cannot be read.
pub const IO_ERROR: &str = "io_error";
/// A `Cargo.toml` that cannot be parsed: its files are linted as loose files.
pub const INVALID_MANIFEST: &str = "invalid_manifest";

/// A cargo package as far as linting needs it.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub id: String,
    pub manifest_path: PathBuf,
    pub dir: PathBuf,
    pub edition: String,
    pub targets: Vec<Target>,
    pub dependencies: Vec<Dependency>,
    /// Dependencies on packages by path (workspace members, local crates).
    pub path_dependencies: Vec<PathDependency>,
}

/// A dependency on a package in a directory: `my-lib = { path = "../my-lib" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathDependency {
    /// The name code uses for it (its rename, `-` as `_`).
    pub name: String,
    /// The package's directory.
    pub dir: PathBuf,
    /// A dev-dependency: seen only by tests, examples and benches.
    pub dev: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub name: String,
    pub kind: CrateKind,
    pub root: PathBuf,
    /// The target as `cargo metadata` printed it, when it came from there.
    pub raw: Option<serde_json::Value>,
}

impl Package {
    /// The library target, if the package has one.
    fn lib(&self) -> Option<&Target> {
        self.targets
            .iter()
            .find(|target| target.kind == CrateKind::Lib)
    }

    fn unit(&self, target: &Target, info: CrateInfo, settings: &Settings) -> CrateUnit {
        CrateUnit {
            info,
            provides: (target.kind == CrateKind::Lib).then(|| target.root.clone()),
            needs: Vec::new(),
            reported: true,
            dep_packages: Vec::new(),
            externs: Vec::new(),
            root: target.root.clone(),
            follow_modules: true,
            settings: settings.clone(),
            cargo: Arc::new(CargoTarget {
                package_id: self.id.clone(),
                manifest_path: self.manifest_path.clone(),
                target: target.raw.clone().unwrap_or_else(|| {
                    target_json(&target.name, target.kind, &target.root, &self.edition)
                }),
            }),
        }
    }
}

/// The crates of packages, linked to the libraries they call into: each target of a package
/// sees its package's library, and each package the libraries of its path dependencies, as
/// dependencies with summaries. Libraries of path dependencies that are not among `packages`
/// are added, unreported, for their summaries. `load` finds the package in a directory.
fn linked_crates(
    packages: Vec<(Arc<Package>, Settings)>,
    mut load: impl FnMut(&Path) -> Option<(Arc<Package>, Settings)>,
) -> Result<Vec<CrateUnit>, Error> {
    let mut crates = Vec::new();
    let mut queue: std::collections::VecDeque<(Arc<Package>, Settings, bool)> = packages
        .into_iter()
        .map(|(package, settings)| (package, settings, true))
        .collect();
    let mut seen: std::collections::HashSet<PathBuf> = queue
        .iter()
        .map(|(package, ..)| package.dir.clone())
        .collect();
    while let Some((package, settings, reported)) = queue.pop_front() {
        // The libraries of the package's path dependencies: (dependency, library root,
        // library crate name).
        let mut libraries: Vec<(&PathDependency, PathBuf, String)> = Vec::new();
        for dependency in &package.path_dependencies {
            let Some((other, other_settings)) = load(&dependency.dir) else {
                continue;
            };
            let Some(lib) = other.lib() else { continue };
            libraries.push((dependency, lib.root.clone(), crate_name(&lib.name)));
            if seen.insert(other.dir.clone()) {
                queue.push_back((other.clone(), other_settings, false));
            }
        }
        let own_lib = package
            .lib()
            .map(|lib| (lib.root.clone(), crate_name(&lib.name)));
        for target in &package.targets {
            if !reported && target.kind != CrateKind::Lib {
                continue;
            }
            let sees_dev = matches!(
                target.kind,
                CrateKind::Test | CrateKind::Example | CrateKind::Bench
            );
            let mut dependencies = package.dependencies.clone();
            let mut needs = Vec::new();
            for (dependency, root, lib_name) in &libraries {
                if dependency.dev && !sees_dev {
                    continue;
                }
                // Code names the dependency by its rename; its paths are the library's.
                for known in dependencies
                    .iter_mut()
                    .filter(|d| d.name == dependency.name)
                {
                    known.package = lib_name.clone();
                }
                needs.push(root.clone());
            }
            if let Some((root, lib_name)) =
                own_lib.as_ref().filter(|_| target.kind != CrateKind::Lib)
            {
                let own = Dependency {
                    name: lib_name.clone(),
                    package: lib_name.clone(),
                };
                if !dependencies.contains(&own) {
                    dependencies.push(own);
                }
                needs.push(root.clone());
            }
            let info = crate_info(&target.name, target.kind, &dependencies, &settings);
            let mut unit = package.unit(target, info, &settings);
            unit.needs = needs;
            unit.reported = reported;
            crates.push(unit);
        }
    }
    Ok(crates)
}

/// Links a workspace crate to the packages of the dependency graph it sees, and names each
/// by its library's crate name, which its summary goes by. Path dependencies are crates of
/// the plan already.
fn link_dependencies(unit: &mut CrateUnit, graph: &DependencyGraph) {
    let Some(dir) = unit.cargo.manifest_path.parent() else {
        return;
    };
    let sees_dev = matches!(
        unit.info.kind,
        CrateKind::Test | CrateKind::Example | CrateKind::Bench
    );
    for edge in graph.of_member(dir) {
        let package = &graph.packages[edge.package];
        if (edge.dev && !sees_dev) || package.source == deps::SourceKind::Path {
            continue;
        }
        if !deps::summarizable(package) {
            continue;
        }
        if let Some((lib_name, _)) = &package.lib {
            for known in unit
                .info
                .dependencies
                .iter_mut()
                .filter(|d| d.name == edge.name)
            {
                known.package = lib_name.clone();
            }
        }
        unit.dep_packages.push((edge.name.clone(), edge.package));
    }
}

/// What the lints are told about a crate.
fn crate_info(
    name: &str,
    kind: CrateKind,
    dependencies: &[Dependency],
    settings: &Settings,
) -> CrateInfo {
    CrateInfo {
        name: crate_name(name),
        kind,
        dependencies: dependencies.to_vec(),
        entry_attributes: settings.config.entry_attributes.clone(),
        blocking_functions: settings.config.blocking_functions.clone(),
        summarized: Vec::new(),
    }
}

/// A package ID spec for a package at a path, as cargo 1.77+ writes them.
pub(crate) fn path_package_id(dir: &Path, name: &str, version: &str) -> String {
    format!("path+file://{}#{name}@{version}", dir.display())
}

/// A target object as `cargo metadata` would describe it.
pub fn target_json(name: &str, kind: CrateKind, root: &Path, edition: &str) -> serde_json::Value {
    let (kind, crate_type) = match kind {
        CrateKind::Lib => ("lib", "lib"),
        CrateKind::Bin | CrateKind::Loose => ("bin", "bin"),
        CrateKind::Test => ("test", "bin"),
        CrateKind::Example => ("example", "bin"),
        CrateKind::Bench => ("bench", "bin"),
        CrateKind::BuildScript => ("custom-build", "bin"),
    };
    serde_json::json!({
        "kind": [kind],
        "crate_types": [crate_type],
        "name": name,
        "src_path": root,
        "edition": edition,
        "doc": kind == "lib" || kind == "bin",
        "doctest": kind == "lib",
        "test": kind != "example" && kind != "custom-build",
    })
}

/// The name code uses for a crate or dependency: cargo turns `-` into `_`.
pub(crate) fn crate_name(name: &str) -> String {
    name.replace('-', "_")
}

/// Every target of the selected packages of the cargo project `cwd` is in.
pub fn cargo_project(
    cwd: &Path,
    selection: &Selection,
    finder: &mut config::Finder,
) -> Result<Plan, Error> {
    let (packages, members, workspace_root) = metadata::selected_packages(cwd, selection)?;
    let root_settings = finder.settings(cwd, &workspace_root, Some(&workspace_root))?;
    let wanted = selection.dependencies && root_settings.config.dependencies != Some(false);
    let dependencies = match wanted {
        true => {
            let manifest = selection
                .manifest_path
                .as_ref()
                .map(|path| crate::paths::absolute(cwd, path));
            let member_dirs: Vec<PathBuf> = members.iter().map(|m| m.dir.clone()).collect();
            deps::cached_graph(
                cwd,
                manifest.as_deref(),
                &workspace_root,
                &member_dirs,
                selection.dependency_cache.as_deref(),
            )
            .map(Arc::new)
        }
        false => Err("turned off (`--no-deps` or `dependencies = false`)".into()),
    };
    let mut selected = Vec::new();
    for package in packages {
        let settings = finder.settings(cwd, &package.dir, Some(&workspace_root))?;
        selected.push((Arc::new(package), settings));
    }
    let members: HashMap<PathBuf, Arc<Package>> = members
        .into_iter()
        .map(|package| (package.dir.clone(), Arc::new(package)))
        .collect();
    let mut others = PackageFinder::default();
    let mut failed = None;
    let crates = linked_crates(selected, |dir| {
        let package = match members.get(dir) {
            Some(package) => package.clone(),
            None => others.load(dir)?.clone(),
        };
        match finder.settings(cwd, &package.dir, Some(&workspace_root)) {
            Ok(settings) => Some((package, settings)),
            Err(err) => {
                failed.get_or_insert(err);
                None
            }
        }
    })?;
    if let Some(err) = failed {
        return Err(err);
    }
    let mut crates = crates;
    if let Ok(graph) = &dependencies {
        for unit in &mut crates {
            if unit.settings.config.dependencies != Some(false) {
                link_dependencies(unit, graph);
            }
        }
    }
    Ok(Plan {
        base: cwd.to_path_buf(),
        crates,
        selection: None,
        problems: Vec::new(),
        skipped: Vec::new(),
        dependencies,
    })
}

/// The files named by `args` (files, and `.rs` files under directories), in their packages.
pub fn paths(
    cwd: &Path,
    args: &[PathBuf],
    config: &mut config::Finder,
    dependencies: DependencyOptions<'_>,
) -> Result<Plan, Error> {
    let missing: Vec<String> = args
        .iter()
        .filter(|arg| !cwd.join(arg).exists())
        .map(|arg| format!("`{}`", arg.display()))
        .collect();
    match missing.len() {
        0 => {}
        1 => return Err(Error::new(format!("path {} does not exist", missing[0]))),
        _ => {
            return Err(Error::new(format!(
                "paths {} do not exist",
                missing.join(", ")
            )))
        }
    }

    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    for arg in args {
        let path = paths::absolute(cwd, arg);
        if path.is_dir() {
            let listing = walk::rust_files(&path);
            files.extend(listing.files);
            skipped.extend(listing.skipped);
            problems.extend(listing.errors.into_iter().map(|(path, reason)| Problem {
                message: format!("cannot read `{}`: {reason}", paths::display(cwd, &path)),
                path,
                code: IO_ERROR,
                level: Level::Deny,
                notes: vec!["the files in it were not linted".to_string()],
            }));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files.dedup();

    // Group the files by the package they are in, reading each manifest once.
    let mut finder = PackageFinder::default();
    let mut by_package: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut selection = Vec::with_capacity(files.len());
    for file in files {
        let package_dir = finder.package_dir_of(&file);
        let package = package_dir.as_ref().and_then(|dir| finder.package(dir));
        let settings_dir = package_dir
            .clone()
            .unwrap_or_else(|| file.parent().unwrap_or(Path::new("/")).to_path_buf());
        let settings = config.settings(cwd, &settings_dir, None)?;
        selection.push(SelectedFile {
            package: package.cloned(),
            settings,
            path: file.clone(),
        });
        if let Some(dir) = package_dir {
            by_package.entry(dir).or_default().push(file);
        }
    }
    let mut packages = Vec::new();
    for dir in by_package.keys() {
        if let Some(package) = finder.package(dir) {
            let settings = config.settings(cwd, dir, None)?;
            packages.push((package.clone(), settings));
        }
    }
    let mut failed = None;
    let crates = linked_crates(packages, |dir| {
        let package = finder.load(dir)?.clone();
        match config.settings(cwd, &package.dir, None) {
            Ok(settings) => Some((package, settings)),
            Err(err) => {
                failed.get_or_insert(err);
                None
            }
        }
    })?;
    if let Some(err) = failed {
        return Err(err);
    }
    let package_dirs: Vec<PathBuf> = by_package.keys().cloned().collect();
    let dependencies = DependencyOptions {
        enabled: dependencies.enabled
            && crates
                .iter()
                .any(|unit| unit.settings.config.dependencies != Some(false)),
        ..dependencies
    };
    let dependencies = files_dependency_graph(cwd, &package_dirs, dependencies).map(Arc::new);
    let mut crates = crates;
    if let Ok(graph) = &dependencies {
        for unit in &mut crates {
            if unit.settings.config.dependencies != Some(false) {
                link_dependencies(unit, graph);
            }
        }
    }
    problems.extend(
        finder
            .broken_manifests
            .into_iter()
            .map(|(path, reason)| Problem {
                message: format!("cannot parse `{}`: {reason}", paths::display(cwd, &path)),
                path,
                code: INVALID_MANIFEST,
                level: Level::Warn,
                notes: vec!["the package's files are linted as files of their own".to_string()],
            }),
    );
    Ok(Plan {
        base: cwd.to_path_buf(),
        crates,
        selection: Some(selection),
        problems,
        skipped,
        dependencies,
    })
}

/// Whether, and with which cache, a run reads the dependency graph.
#[derive(Debug, Clone, Copy)]
pub struct DependencyOptions<'a> {
    pub enabled: bool,
    pub cache: Option<&'a Path>,
}

/// The dependency graph of the workspace the named files' packages are in: the directory of
/// the `Cargo.lock` nearest above them, which cargo keeps at the workspace's root.
fn files_dependency_graph(
    cwd: &Path,
    package_dirs: &[PathBuf],
    options: DependencyOptions<'_>,
) -> Result<DependencyGraph, String> {
    if !options.enabled {
        return Err("turned off (`--no-deps` or `dependencies = false`)".into());
    }
    let lock_dir = |dir: &Path| {
        dir.ancestors()
            .find(|d| d.join("Cargo.lock").is_file())
            .map(Path::to_path_buf)
    };
    let mut roots: Vec<PathBuf> = package_dirs.iter().filter_map(|d| lock_dir(d)).collect();
    roots.sort();
    roots.dedup();
    let root = match roots.as_slice() {
        [] if package_dirs.is_empty() => return Err("no named file is in a cargo package".into()),
        [] => return Err("no `Cargo.lock`".into()),
        [root] => root,
        _ => return Err("the named files are in several workspaces".into()),
    };
    deps::cached_graph(
        cwd,
        Some(&root.join("Cargo.toml")),
        root,
        package_dirs,
        options.cache,
    )
}

/// One crate from its root file, without cargo, checked with the summaries of its
/// dependencies handed in (`--crate-root`, `--extern`): what a build system runs per crate.
pub fn single_crate(
    cwd: &Path,
    root: &Path,
    name: Option<&str>,
    kind: CrateKind,
    externs: Vec<(String, appstract_lints::CrateSummary)>,
    config: &mut config::Finder,
) -> Result<Plan, Error> {
    let name = name.map(str::to_string).unwrap_or_else(|| match kind {
        CrateKind::Lib if root.file_name().is_some_and(|f| f == "lib.rs") => "lib".into(),
        _ => file_stem(root),
    });
    let dir = root.parent().unwrap_or(Path::new("/"));
    let settings = config.settings(cwd, dir, None)?;
    let dependencies: Vec<Dependency> = externs
        .iter()
        .map(|(code_name, summary)| Dependency {
            name: code_name.clone(),
            package: summary.name.clone(),
        })
        .collect();
    let mut info = crate_info(&name, kind, &dependencies, &settings);
    info.name = crate_name(&name);
    let unit = CrateUnit {
        info,
        root: root.to_path_buf(),
        follow_modules: true,
        settings,
        cargo: Arc::new(CargoTarget {
            package_id: path_package_id(dir, &crate_name(&name), "0.0.0"),
            manifest_path: dir.join("Cargo.toml"),
            target: target_json(&name, kind, root, "2021"),
        }),
        provides: Some(root.to_path_buf()),
        needs: Vec::new(),
        reported: true,
        dep_packages: Vec::new(),
        externs: externs
            .into_iter()
            .map(|(_, summary)| Arc::new(summary))
            .collect(),
    };
    Ok(Plan {
        base: cwd.to_path_buf(),
        crates: vec![unit],
        selection: None,
        problems: Vec::new(),
        skipped: Vec::new(),
        dependencies: Err("one crate was named: its dependencies come from `--extern`".into()),
    })
}

/// Each file as a crate of its own, outside any package: how fixtures are linted.
pub fn loose_files(cwd: &Path, files: &[PathBuf]) -> Plan {
    let selection: Vec<SelectedFile> = files
        .iter()
        .map(|file| {
            let path = paths::absolute(cwd, file);
            SelectedFile {
                settings: Settings::default(),
                package: None,
                path,
            }
        })
        .collect();
    Plan {
        base: cwd.to_path_buf(),
        crates: Vec::new(),
        selection: Some(selection),
        problems: Vec::new(),
        skipped: Vec::new(),
        dependencies: Err("loose files have no dependencies".into()),
    }
}

/// A file that belongs to no target. Inside a package it still sees the package's
/// dependencies (a renamed `rt = { package = "tokio" }` resolves).
fn loose_crate(file: &Path, package: Option<&Package>, settings: &Settings) -> CrateInfo {
    let dependencies = package
        .map(|package| package.dependencies.clone())
        .unwrap_or_default();
    crate_info(&file_stem(file), CrateKind::Loose, &dependencies, settings)
}

fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// How cargo's JSON messages name a file that no target compiles: as a `bin` target of its
/// package, or of a package named after the file in its directory when it is in none.
pub(crate) fn loose_target(file: &Path, package: Option<&Package>) -> CargoTarget {
    let stem = file_stem(file);
    match package {
        Some(package) => CargoTarget {
            package_id: package.id.clone(),
            manifest_path: package.manifest_path.clone(),
            target: target_json(&stem, CrateKind::Loose, file, &package.edition),
        },
        None => {
            let dir = file.parent().unwrap_or(Path::new("/"));
            CargoTarget {
                package_id: path_package_id(dir, &crate_name(&stem), "0.0.0"),
                manifest_path: dir.join("Cargo.toml"),
                target: target_json(&stem, CrateKind::Loose, file, "2021"),
            }
        }
    }
}

/// Finds the package a file is in (the nearest ancestor directory whose `Cargo.toml` has a
/// `[package]`), caching per directory so a tree of many files reads each manifest once.
#[derive(Default)]
struct PackageFinder {
    dir_to_package: HashMap<PathBuf, Option<PathBuf>>,
    packages: HashMap<PathBuf, Option<Arc<Package>>>,
    /// Manifests that could not be read, with the reason.
    broken_manifests: Vec<(PathBuf, String)>,
}

impl PackageFinder {
    fn package_dir_of(&mut self, file: &Path) -> Option<PathBuf> {
        let mut visited = Vec::new();
        let mut found = None;
        let mut dir = file.parent();
        while let Some(current) = dir {
            if let Some(known) = self.dir_to_package.get(current) {
                found = known.clone();
                break;
            }
            visited.push(current.to_path_buf());
            if self.load(current).is_some() {
                found = Some(current.to_path_buf());
                break;
            }
            dir = current.parent();
        }
        for dir in visited {
            self.dir_to_package.insert(dir, found.clone());
        }
        found
    }

    fn package(&self, dir: &Path) -> Option<&Arc<Package>> {
        self.packages.get(dir).and_then(Option::as_ref)
    }

    fn load(&mut self, dir: &Path) -> Option<&Arc<Package>> {
        if !self.packages.contains_key(dir) {
            let manifest = dir.join("Cargo.toml");
            let package = if manifest.is_file() {
                match manifest::read_package(&manifest) {
                    Ok(package) => package.map(Arc::new),
                    Err(reason) => {
                        self.broken_manifests.push((manifest, reason));
                        None
                    }
                }
            } else {
                None
            };
            self.packages.insert(dir.to_path_buf(), package);
        }
        self.package(dir)
    }
}
