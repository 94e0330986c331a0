//! The packages of the current cargo project, from `cargo metadata --no-deps` (no network, no
//! dependency resolution).

use super::{Package, Target};
use crate::error::Error;
use appstract_lints::{CrateKind, Dependency};
use serde::Deserialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

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
    manifest_path: PathBuf,
    targets: Vec<MetaTarget>,
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
}

/// The packages cargo itself would build in `cwd` with no selection flag: the package whose
/// manifest is nearest, or at a workspace root its default members.
pub(crate) fn selected_packages(cwd: &Path) -> Result<Vec<Package>, Error> {
    let metadata = run_cargo_metadata(cwd)?;
    let nearest = nearest_manifest(cwd);
    let root_manifest = metadata.workspace_root.join("Cargo.toml");

    let selected: Vec<&MetaPackage> = match &nearest {
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
    };
    let selected = if selected.is_empty() {
        // A manifest cargo does not list as a member: fall back to the whole workspace.
        metadata
            .packages
            .iter()
            .filter(|package| metadata.workspace_members.contains(&package.id))
            .collect()
    } else {
        selected
    };
    Ok(selected.into_iter().map(package).collect())
}

fn run_cargo_metadata(cwd: &Path) -> Result<Metadata, Error> {
    // Under `cargo appstract-lint`, `CARGO` names the cargo that ran us.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let output = Command::new(&cargo)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(cwd)
        .output()
        .map_err(|err| {
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
    for dep in &meta.dependencies {
        let dependency = Dependency {
            name: super::crate_name(dep.rename.as_deref().unwrap_or(&dep.name)),
            package: dep.name.clone(),
        };
        if !dependencies.contains(&dependency) {
            dependencies.push(dependency);
        }
    }
    Package {
        targets: meta
            .targets
            .iter()
            .filter_map(|target| {
                Some(Target {
                    name: target.name.clone(),
                    kind: target_kind(&target.kind)?,
                    root: target.src_path.clone(),
                })
            })
            .collect(),
        dependencies,
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
            r#"{"id":"x","name":"x","manifest_path":"/x/Cargo.toml","targets":[],
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
