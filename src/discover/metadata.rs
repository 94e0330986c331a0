//! The packages of the current cargo project, from `cargo metadata --no-deps` (no network, no
//! dependency resolution).

use super::{Package, PathDependency, Selection, Target};
use crate::error::Error;
use appstract_lints::{CrateKind, Dependency};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MetaPackage>,
    workspace_members: Vec<String>,
    /// Absent before cargo 1.71.
    #[serde(default)]
    workspace_default_members: Option<Vec<String>>,
    workspace_root: PathBuf,
}

#[derive(Deserialize)]
struct MetaPackage {
    id: String,
    name: String,
    version: String,
    #[serde(default)]
    edition: Option<String>,
    manifest_path: PathBuf,
    targets: Vec<serde_json::Value>,
    dependencies: Vec<MetaDependency>,
}

#[derive(Deserialize)]
struct MetaTarget {
    name: String,
    kind: Vec<String>,
    src_path: PathBuf,
}

#[derive(Deserialize)]
struct MetaDependency {
    name: String,
    rename: Option<String>,
    /// `dev`, `build`, or none for a normal dependency.
    #[serde(default)]
    kind: Option<String>,
    /// The directory of a path dependency.
    #[serde(default)]
    path: Option<PathBuf>,
}

/// The packages cargo itself would build in `cwd` with these selection flags: by default the
/// package whose manifest is nearest, or at a workspace root its default members. Also
/// returns every member of the workspace and the workspace root.
pub(crate) fn selected_packages(
    cwd: &Path,
    selection: &Selection,
) -> Result<(Vec<Package>, Vec<Package>, PathBuf), Error> {
    let manifest = selection
        .manifest_path
        .as_ref()
        .map(|path| crate::paths::absolute(cwd, path));
    if let Some(manifest) = &manifest {
        if !manifest.is_file() {
            return Err(Error::new(format!(
                "the manifest path `{}` does not exist",
                crate::paths::display(cwd, manifest)
            )));
        }
        if manifest
            .file_name()
            .is_some_and(|name| name != "Cargo.toml")
        {
            return Err(Error::new(format!(
                "the manifest path `{}` must be a path to a Cargo.toml file",
                crate::paths::display(cwd, manifest)
            )));
        }
    }
    let metadata = run_cargo_metadata(cwd, manifest.as_deref())?;
    let nearest = manifest.clone().or_else(|| nearest_manifest(cwd));
    let root_manifest = metadata.workspace_root.join("Cargo.toml");
    let members: Vec<&MetaPackage> = metadata
        .packages
        .iter()
        .filter(|package| metadata.workspace_members.contains(&package.id))
        .collect();

    let mut selected: Vec<&MetaPackage> = if selection.workspace {
        members.clone()
    } else if !selection.packages.is_empty() {
        let mut selected = Vec::new();
        for spec in &selection.packages {
            let matcher = Spec::new(spec)?;
            let matched: Vec<&MetaPackage> = members
                .iter()
                .copied()
                .filter(|package| matcher.matches(package))
                .collect();
            if matched.is_empty() {
                let names = members.iter().map(|package| package.name.as_str());
                let error =
                    Error::new(format!("package `{spec}` is not a member of the workspace"));
                return Err(match crate::suggest(spec, names) {
                    Some(nearest) => error.with_help(format!("did you mean `{nearest}`?")),
                    None => error.with_help(format!(
                        "the members are {}",
                        members
                            .iter()
                            .map(|package| format!("`{}`", package.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                });
            }
            for package in matched {
                if !selected
                    .iter()
                    .any(|known: &&MetaPackage| known.id == package.id)
                {
                    selected.push(package);
                }
            }
        }
        selected
    } else {
        match &nearest {
            Some(manifest) if *manifest != root_manifest => metadata
                .packages
                .iter()
                .filter(|package| package.manifest_path == *manifest)
                .collect(),
            _ => {
                let ids = metadata
                    .workspace_default_members
                    .as_ref()
                    .filter(|ids| !ids.is_empty())
                    .unwrap_or(&metadata.workspace_members);
                metadata
                    .packages
                    .iter()
                    .filter(|package| ids.contains(&package.id))
                    .collect()
            }
        }
    };
    if selected.is_empty() && selection.packages.is_empty() {
        // A manifest cargo does not list as a member: fall back to the whole workspace.
        selected = members.clone();
    }
    for spec in &selection.exclude {
        let matcher = Spec::new(spec)?;
        if !members.iter().any(|package| matcher.matches(package)) {
            // Cargo warns about an exclusion that matches nothing; so do we.
            eprintln!("warning: excluded package `{spec}` is not a member of the workspace");
        }
        selected.retain(|package| !matcher.matches(package));
    }
    Ok((
        selected.into_iter().map(package).collect(),
        members.into_iter().map(package).collect(),
        metadata.workspace_root.clone(),
    ))
}

/// A `-p`/`--exclude` spec: a name or glob, optionally `@version`, or a full package ID.
struct Spec {
    name: glob::Pattern,
    version: Option<String>,
    id: String,
}

impl Spec {
    fn new(spec: &str) -> Result<Spec, Error> {
        let (name, version) = match spec.rsplit_once('@') {
            Some((name, version)) if !name.contains('#') => (name, Some(version.to_string())),
            _ => (spec, None),
        };
        let name = glob::Pattern::new(name)
            .map_err(|err| Error::new(format!("invalid package spec `{spec}`: {}", err.msg)))?;
        Ok(Spec {
            name,
            version,
            id: spec.to_string(),
        })
    }

    fn matches(&self, package: &MetaPackage) -> bool {
        package.id == self.id
            || (self.name.matches(&package.name)
                && self
                    .version
                    .as_ref()
                    .is_none_or(|version| package.version == *version))
    }
}

fn run_cargo_metadata(cwd: &Path, manifest: Option<&Path>) -> Result<Metadata, Error> {
    let (cargo, mut command) =
        super::cargo_metadata(cwd, &["--no-deps", "--format-version", "1"], manifest);
    let output = command.output().map_err(|err| {
        Error::new(format!(
            "cannot run `{} metadata`: {err}",
            Path::new(&cargo).display()
        ))
        .with_help("install cargo, or pass the files or directories to lint")
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr
            .trim()
            .strip_prefix("error: ")
            .unwrap_or(stderr.trim());
        return Err(Error::new(format!("`cargo metadata` failed: {reason}"))
            .with_help("run inside a cargo project, or pass the files or directories to lint"));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|err| Error::new(format!("cannot read the output of `cargo metadata`: {err}")))
}

/// The `Cargo.toml` cargo would pick in `cwd`: the nearest one up the tree.
fn nearest_manifest(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .map(|dir| dir.join("Cargo.toml"))
        .find(|manifest| manifest.is_file())
}

fn package(meta: &MetaPackage) -> Package {
    let mut dependencies: Vec<Dependency> = Vec::new();
    let mut path_dependencies: Vec<PathDependency> = Vec::new();
    for dep in &meta.dependencies {
        let dependency = Dependency {
            name: super::crate_name(dep.rename.as_deref().unwrap_or(&dep.name)),
            package: dep.name.clone(),
        };
        if let Some(dir) = &dep.path {
            let path_dependency = PathDependency {
                name: dependency.name.clone(),
                dir: dir.clone(),
                dev: dep.kind.as_deref() == Some("dev"),
            };
            match path_dependencies
                .iter_mut()
                .find(|known| known.name == path_dependency.name && known.dir == *dir)
            {
                // A normal dependency that is also a dev-dependency is seen by every target.
                Some(known) => known.dev &= path_dependency.dev,
                None => path_dependencies.push(path_dependency),
            }
        }
        if !dependencies.contains(&dependency) {
            dependencies.push(dependency);
        }
    }
    Package {
        id: meta.id.clone(),
        manifest_path: meta.manifest_path.clone(),
        dir: meta
            .manifest_path
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf(),
        edition: meta.edition.clone().unwrap_or_else(|| "2021".to_string()),
        targets: meta
            .targets
            .iter()
            .filter_map(|raw| {
                let target = MetaTarget::deserialize(raw).ok()?;
                Some(Target {
                    name: target.name,
                    kind: target_kind(&target.kind)?,
                    root: target.src_path,
                    raw: Some(raw.clone()),
                })
            })
            .collect(),
        dependencies,
        path_dependencies,
    }
}

fn target_kind(kinds: &[String]) -> Option<CrateKind> {
    kinds.iter().find_map(|kind| match kind.as_str() {
        "lib" | "rlib" | "dylib" | "cdylib" | "staticlib" | "proc-macro" => Some(CrateKind::Lib),
        "bin" => Some(CrateKind::Bin),
        "test" => Some(CrateKind::Test),
        "example" => Some(CrateKind::Example),
        "bench" => Some(CrateKind::Bench),
        "custom-build" => Some(CrateKind::BuildScript),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_kinds_map_to_crate_kinds() {
        let kinds = |list: &[&str]| -> Vec<String> { list.iter().map(|s| s.to_string()).collect() };
        assert_eq!(target_kind(&kinds(&["lib"])), Some(CrateKind::Lib));
        assert_eq!(
            target_kind(&kinds(&["cdylib", "rlib"])),
            Some(CrateKind::Lib)
        );
        assert_eq!(target_kind(&kinds(&["proc-macro"])), Some(CrateKind::Lib));
        assert_eq!(target_kind(&kinds(&["bin"])), Some(CrateKind::Bin));
        assert_eq!(target_kind(&kinds(&["example"])), Some(CrateKind::Example));
        assert_eq!(
            target_kind(&kinds(&["custom-build"])),
            Some(CrateKind::BuildScript)
        );
        assert_eq!(target_kind(&kinds(&["something-new"])), None);
    }

    #[test]
    fn dependencies_use_renames_and_drop_duplicates() {
        let meta: MetaPackage = serde_json::from_str(
            r#"{"id":"x","name":"x","version":"0.1.0","manifest_path":"/x/Cargo.toml","targets":[],
                "dependencies":[
                  {"name":"tokio","rename":"rt","kind":null},
                  {"name":"tokio","rename":null,"kind":"dev"},
                  {"name":"tokio","rename":null,"kind":"build"},
                  {"name":"futures-util","rename":null,"kind":null}]}"#,
        )
        .unwrap();
        let deps: Vec<(String, String)> = package(&meta)
            .dependencies
            .into_iter()
            .map(|d| (d.name, d.package))
            .collect();
        assert_eq!(
            deps,
            [
                ("rt".to_string(), "tokio".to_string()),
                ("tokio".to_string(), "tokio".to_string()),
                ("futures_util".to_string(), "futures-util".to_string()),
            ]
        );
    }
}
