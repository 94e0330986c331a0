//! The packages a cargo workspace depends on, with their sources on disk: from `cargo metadata`
//! *with* dependencies, run `--offline --locked` so that cargo neither downloads nor writes
//! `Cargo.lock`. Registry sources, vendored sources (a `[source]` replacement in
//! `.cargo/config.toml`), git checkouts and path dependencies all come out the same way: a
//! manifest path and a library root. Their summaries are made only when code calls into them
//! (see the driver).

use appstract_lints::model::paths;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Every package of the dependency graph that is not a workspace member.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct DependencyGraph {
    pub packages: Vec<DepPackage>,
    /// Per workspace member (by manifest directory): its dependencies in the graph.
    members: HashMap<PathBuf, Vec<DepEdge>>,
}

/// A package the workspace depends on, directly or not.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct DepPackage {
    /// cargo's package ID: `registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0`.
    pub id: String,
    pub name: String,
    pub version: String,
    /// The library's crate name and root file.
    pub lib: Option<(String, PathBuf)>,
    pub manifest_path: PathBuf,
    pub edition: String,
    /// From `Cargo.lock`: registry packages have one.
    pub checksum: Option<String>,
    pub source: SourceKind,
    /// Its normal dependencies.
    pub deps: Vec<DepEdge>,
    /// A hash of the package and every package it depends on, transitively: what a summary
    /// of it made from registry or git sources depends on.
    pub graph_hash: u128,
    /// It depends, directly or not, on a runtime or executor: only then can calls into it
    /// block on one, need one, or leave a task on one.
    pub runs_async_code: bool,
}

/// Libraries that run futures or tasks, or block on them: tokio, async-std, smol and its
/// parts, the futures executor, pollster, actix-rt, reqwest's blocking client.
const RUNTIME_LIBS: &[&str] = &[
    "tokio",
    "async_std",
    "smol",
    "async_io",
    "async_executor",
    "async_global_executor",
    "futures_executor",
    "pollster",
    "actix_rt",
    "reqwest",
    "blocking",
];

/// A dependency edge: the name code uses, and the package.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DepEdge {
    pub name: String,
    pub package: usize,
    /// A dev-dependency: seen only by tests, examples and benches.
    pub dev: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SourceKind {
    /// crates.io or another registry (also when vendored): never changes.
    Registry,
    /// A git checkout at a commit: never changes.
    Git,
    /// A directory: may change, so it is keyed by content like workspace files.
    Path,
}

impl SourceKind {
    /// Whether its sources never change for the same package ID.
    pub fn immutable(self) -> bool {
        matches!(self, SourceKind::Registry | SourceKind::Git)
    }
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MetaPackage>,
    workspace_members: Vec<String>,
    resolve: Option<Resolve>,
    workspace_root: PathBuf,
}

#[derive(Deserialize)]
struct MetaPackage {
    id: String,
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    edition: Option<String>,
    manifest_path: PathBuf,
    targets: Vec<MetaTarget>,
}

#[derive(Deserialize)]
struct MetaTarget {
    name: String,
    kind: Vec<String>,
    src_path: PathBuf,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    #[serde(default)]
    deps: Vec<NodeDep>,
}

#[derive(Deserialize)]
struct NodeDep {
    name: String,
    pkg: String,
    #[serde(default)]
    dep_kinds: Vec<DepKind>,
}

#[derive(Deserialize)]
struct DepKind {
    kind: Option<String>,
}

impl DependencyGraph {
    /// The dependencies of the workspace member in `dir` (its package directory).
    pub fn of_member(&self, dir: &Path) -> &[DepEdge] {
        self.members.get(dir).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.packages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

/// The dependency graph of the workspace at `root`, from `store` (a directory) when the
/// files it is read from have not changed since (`Cargo.lock`, the members' manifests, cargo's
/// configuration), otherwise from `cargo metadata`, and then kept there.
pub fn cached_graph(
    cwd: &Path,
    manifest: Option<&Path>,
    root: &Path,
    members: &[PathBuf],
    store: Option<&Path>,
) -> Result<DependencyGraph, String> {
    let Some(store) = store else {
        return read_graph(cwd, manifest);
    };
    let key = graph_key(root, members);
    let entry = store.join("graphs").join(format!("{key:032x}"));
    let cached = std::fs::read(&entry).ok().and_then(|bytes| {
        let graph: DependencyGraph = bincode::deserialize(&bytes).ok()?;
        // Sources removed since (a cleaned registry cache) make the graph stale.
        graph
            .packages
            .iter()
            .all(|p| p.manifest_path.is_file())
            .then_some(graph)
    });
    if let Some(graph) = cached {
        return Ok(graph);
    }
    let graph = read_graph(cwd, manifest)?;
    if let Ok(bytes) = bincode::serialize(&graph) {
        let dir = store.join("graphs");
        let temp = dir.join(format!(".{key:032x}.{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&temp, bytes))
            .and_then(|()| std::fs::rename(&temp, &entry));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }
    Ok(graph)
}

/// What the graph is read from: `Cargo.lock`, the members' manifests, and cargo's
/// configuration files from the workspace root up (a `[source]` replacement changes where
/// sources are), with the tool's version.
fn graph_key(root: &Path, members: &[PathBuf]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(b"dependency graph 1");
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    let mut part = |path: &Path| {
        hasher.update(path.as_os_str().as_encoded_bytes());
        match std::fs::read(path) {
            Ok(bytes) => {
                hasher.update(&(bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
            Err(_) => hasher.update(b"-"),
        }
    };
    part(&root.join("Cargo.lock"));
    part(&root.join("Cargo.toml"));
    for member in members {
        part(&member.join("Cargo.toml"));
    }
    for dir in root.ancestors() {
        part(&dir.join(".cargo").join("config.toml"));
        part(&dir.join(".cargo").join("config"));
    }
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        part(&Path::new(&home).join("config.toml"));
    }
    hasher.digest128()
}

/// Reads the dependency graph of the workspace `cwd` is in. `Err` says why it cannot be read
/// without the network or without writing `Cargo.lock` (no lock file, sources not on disk):
/// the run goes on without dependency summaries.
pub fn read_graph(cwd: &Path, manifest: Option<&Path>) -> Result<DependencyGraph, String> {
    let (_, mut command) = super::cargo_metadata(
        cwd,
        &["--format-version", "1", "--offline", "--locked"],
        manifest,
    );
    let output = command
        .output()
        .map_err(|err| format!("cannot run `cargo metadata`: {err}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("")
            .trim();
        return Err(first.strip_prefix("error: ").unwrap_or(first).to_string());
    }
    let metadata: Metadata = serde_json::from_slice(&output.stdout)
        .map_err(|err| format!("cannot read the output of `cargo metadata`: {err}"))?;
    let checksums = lock_checksums(&metadata.workspace_root.join("Cargo.lock"));
    Ok(graph(metadata, &checksums))
}

/// `(name, version) -> checksum` from a `Cargo.lock`.
fn lock_checksums(lock: &Path) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    let Ok(text) = std::fs::read_to_string(lock) else {
        return out;
    };
    let Ok(table) = text.parse::<toml::Table>() else {
        return out;
    };
    let packages = table.get("package").and_then(toml::Value::as_array);
    for package in packages.into_iter().flatten() {
        let field = |key| package.get(key).and_then(toml::Value::as_str);
        if let (Some(name), Some(version), Some(checksum)) =
            (field("name"), field("version"), field("checksum"))
        {
            out.insert(
                (name.to_string(), version.to_string()),
                checksum.to_string(),
            );
        }
    }
    out
}

fn graph(metadata: Metadata, checksums: &HashMap<(String, String), String>) -> DependencyGraph {
    let is_member = |id: &str| metadata.workspace_members.iter().any(|m| m == id);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut packages = Vec::new();
    for package in metadata.packages.iter().filter(|p| !is_member(&p.id)) {
        let lib = package
            .targets
            .iter()
            .find(|t| t.kind.iter().any(|k| matches!(k.as_str(), "lib" | "rlib")))
            .map(|t| (t.name.replace('-', "_"), t.src_path.clone()));
        let source = match package.source.as_deref() {
            Some(s) if s.starts_with("git+") => SourceKind::Git,
            Some(_) => SourceKind::Registry,
            None => SourceKind::Path,
        };
        index.insert(package.id.clone(), packages.len());
        packages.push(DepPackage {
            id: package.id.clone(),
            name: package.name.clone(),
            version: package.version.clone(),
            lib,
            manifest_path: package.manifest_path.clone(),
            edition: package.edition.clone().unwrap_or_else(|| "2015".into()),
            checksum: checksums
                .get(&(package.name.clone(), package.version.clone()))
                .cloned(),
            source,
            deps: Vec::new(),
            graph_hash: 0,
            runs_async_code: false,
        });
    }
    let mut members = HashMap::new();
    let edges = |node: &Node| -> Vec<DepEdge> {
        node.deps
            .iter()
            .filter_map(|dep| {
                let package = *index.get(&dep.pkg)?;
                let dev = !dep.dep_kinds.is_empty()
                    && dep
                        .dep_kinds
                        .iter()
                        .all(|k| k.kind.as_deref() == Some("dev"));
                Some(DepEdge {
                    name: dep.name.clone(),
                    package,
                    dev,
                })
            })
            .collect()
    };
    for node in metadata.resolve.iter().flat_map(|r| &r.nodes) {
        match index.get(&node.id) {
            Some(&at) => {
                packages[at].deps = edges(node).into_iter().filter(|e| !e.dev).collect();
            }
            None => {
                let member = metadata.packages.iter().find(|p| p.id == node.id);
                if let Some(dir) = member.and_then(|p| p.manifest_path.parent()) {
                    members.insert(dir.to_path_buf(), edges(node));
                }
            }
        }
    }
    let mut graph = DependencyGraph { packages, members };
    for at in 0..graph.packages.len() {
        graph_hash(&mut graph.packages, at, &mut Vec::new());
    }
    // Which packages reach a runtime: from the runtimes up, through their dependents.
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); graph.packages.len()];
    for (at, package) in graph.packages.iter().enumerate() {
        for edge in &package.deps {
            dependents[edge.package].push(at);
        }
    }
    let mut queue: Vec<usize> = (0..graph.packages.len())
        .filter(|&at| {
            graph.packages[at]
                .lib
                .as_ref()
                .is_some_and(|(name, _)| RUNTIME_LIBS.contains(&name.as_str()))
        })
        .collect();
    while let Some(at) = queue.pop() {
        if std::mem::replace(&mut graph.packages[at].runs_async_code, true) {
            continue;
        }
        queue.extend(dependents[at].iter().copied());
    }
    graph
}

/// The hash of a package and all it depends on (a DAG; a cycle through dev-dependencies is
/// not followed, as those edges are dropped).
fn graph_hash(packages: &mut [DepPackage], at: usize, stack: &mut Vec<usize>) -> u128 {
    if packages[at].graph_hash != 0 {
        return packages[at].graph_hash;
    }
    if stack.contains(&at) || stack.len() > 256 {
        return 1;
    }
    stack.push(at);
    let mut children: Vec<(String, u128)> = Vec::new();
    for edge in packages[at].deps.clone() {
        let child = graph_hash(packages, edge.package, stack);
        children.push((edge.name, child));
    }
    stack.pop();
    children.sort();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let package = &packages[at];
    for part in [&package.id, package.checksum.as_deref().unwrap_or("")] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    for (name, child) in children {
        hasher.update(name.as_bytes());
        hasher.update(&child.to_le_bytes());
    }
    let hash = hasher.digest128().max(2);
    packages[at].graph_hash = hash;
    hash
}

/// Whether calls into a dependency can be followed through a summary of it: a library that
/// depends on a runtime or executor and is not one of the crates the model knows itself
/// (tokio, futures, ...).
pub fn summarizable(package: &DepPackage) -> bool {
    package.runs_async_code
        && package
            .lib
            .as_ref()
            .is_some_and(|(name, _)| !paths::is_known_crate(name))
}
