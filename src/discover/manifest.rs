//! A package's targets read straight from its `Cargo.toml` with cargo's target auto-discovery,
//! for paths given on the command line: running `cargo metadata` per package would be slow in
//! a tree of many packages, and needs a valid workspace around each.

use super::{Package, PathDependency, Target};
use appstract_lints::{CrateKind, Dependency};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The package declared by `manifest`, or `None` for a manifest without `[package]` (a virtual
/// workspace). `Err` carries a message for the user.
pub(crate) fn read_package(manifest: &Path) -> Result<Option<Package>, String> {
    let text = std::fs::read_to_string(manifest).map_err(|err| err.to_string())?;
    let table: Table = text.parse().map_err(|err: toml::de::Error| {
        let message = err.message().trim_end();
        match err.span() {
            Some(span) => {
                let line = text
                    .get(..span.start)
                    .map_or(1, |before| before.matches('\n').count() + 1);
                format!("{message} at line {line}")
            }
            None => message.to_string(),
        }
    })?;
    let Some(package) = table.get("package").and_then(Value::as_table) else {
        return Ok(None);
    };
    let name = package
        .get("name")
        .and_then(Value::as_str)
        .ok_or("`package.name` is missing")?
        .to_string();
    let dir = manifest.parent().unwrap_or(Path::new(".")).to_path_buf();
    let layout = Layout {
        dir: &dir,
        package_name: &name,
        table: &table,
        package,
    };
    let version = match package.get("version") {
        Some(Value::String(version)) => version.clone(),
        _ => "0.0.0".to_string(),
    };
    let edition = match package.get("edition") {
        Some(Value::String(edition)) => edition.clone(),
        _ => "2015".to_string(),
    };
    Ok(Some(Package {
        id: super::path_package_id(&dir, &name, &version),
        manifest_path: manifest.to_path_buf(),
        dir: dir.clone(),
        edition,
        targets: layout.targets(),
        dependencies: dependencies(&table),
        path_dependencies: path_dependencies(&table, &dir),
    }))
}

struct Layout<'a> {
    dir: &'a Path,
    package_name: &'a str,
    table: &'a Table,
    package: &'a Table,
}

/// A target section: `[[bin]]`, `[[test]]`, `[[example]]`, `[[bench]]`.
struct Section {
    key: &'static str,
    kind: CrateKind,
    /// The directory auto-discovery looks in.
    dir: &'static str,
    /// `package.autobins` and friends.
    auto_key: &'static str,
}

const SECTIONS: [Section; 4] = [
    Section {
        key: "bin",
        kind: CrateKind::Bin,
        dir: "src/bin",
        auto_key: "autobins",
    },
    Section {
        key: "test",
        kind: CrateKind::Test,
        dir: "tests",
        auto_key: "autotests",
    },
    Section {
        key: "example",
        kind: CrateKind::Example,
        dir: "examples",
        auto_key: "autoexamples",
    },
    Section {
        key: "bench",
        kind: CrateKind::Bench,
        dir: "benches",
        auto_key: "autobenches",
    },
];

impl Layout<'_> {
    fn targets(&self) -> Vec<Target> {
        let mut targets = Vec::new();
        if let Some(lib) = self.lib() {
            targets.push(lib);
        }
        for section in &SECTIONS {
            targets.extend(self.section(section));
        }
        if let Some(root) = self.build_script() {
            targets.push(Target {
                name: "build_script_build".to_string(),
                kind: CrateKind::BuildScript,
                root,
                raw: None,
            });
        }
        targets
    }

    fn lib(&self) -> Option<Target> {
        let lib = self.table.get("lib").and_then(Value::as_table);
        let explicit = lib.and_then(|lib| lib.get("path")).and_then(Value::as_str);
        let root = match explicit {
            Some(path) => self.dir.join(path),
            None => {
                let default = self.dir.join("src/lib.rs");
                if !default.is_file() {
                    return None;
                }
                default
            }
        };
        let name = lib
            .and_then(|lib| lib.get("name"))
            .and_then(Value::as_str)
            .unwrap_or(self.package_name);
        Some(Target {
            name: name.to_string(),
            kind: CrateKind::Lib,
            root,
            raw: None,
        })
    }

    fn section(&self, section: &Section) -> Vec<Target> {
        let mut targets: Vec<Target> = Vec::new();
        let explicit = self
            .table
            .get(section.key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for entry in explicit.iter().filter_map(Value::as_table) {
            let Some(name) = entry.get("name").and_then(Value::as_str) else {
                continue;
            };
            let root = match entry.get("path").and_then(Value::as_str) {
                Some(path) => Some(self.dir.join(path)),
                None => self.inferred_path(section, name),
            };
            if let Some(root) = root {
                targets.push(Target {
                    name: name.to_string(),
                    kind: section.kind,
                    root,
                    raw: None,
                });
            }
        }

        let auto = self
            .package
            .get(section.auto_key)
            .and_then(Value::as_bool)
            .unwrap_or(true);
        if auto {
            // An explicit target replaces an auto-discovered one of the same name or file.
            for found in self.auto_discovered(section) {
                let taken = targets
                    .iter()
                    .any(|t| t.name == found.name || t.root == found.root);
                if !taken {
                    targets.push(found);
                }
            }
        }
        targets
    }

    /// The file cargo uses for a target declared without `path`.
    fn inferred_path(&self, section: &Section, name: &str) -> Option<PathBuf> {
        let mut candidates = vec![
            self.dir.join(section.dir).join(format!("{name}.rs")),
            self.dir.join(section.dir).join(name).join("main.rs"),
        ];
        if section.kind == CrateKind::Bin && name == self.package_name {
            candidates.insert(0, self.dir.join("src/main.rs"));
        }
        candidates.into_iter().find(|path| path.is_file())
    }

    fn auto_discovered(&self, section: &Section) -> Vec<Target> {
        let mut found = Vec::new();
        if section.kind == CrateKind::Bin {
            let main = self.dir.join("src/main.rs");
            if main.is_file() {
                found.push(Target {
                    name: self.package_name.to_string(),
                    kind: CrateKind::Bin,
                    root: main,
                    raw: None,
                });
            }
        }
        let Ok(entries) = std::fs::read_dir(self.dir.join(section.dir)) else {
            return found;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
        entries.sort();
        for path in entries {
            let Some(stem) = path.file_stem().and_then(|stem| stem.to_str()) else {
                continue;
            };
            if path.is_file() && path.extension().is_some_and(|ext| ext == "rs") {
                found.push(Target {
                    name: stem.to_string(),
                    kind: section.kind,
                    root: path.clone(),
                    raw: None,
                });
            } else if path.join("main.rs").is_file() {
                found.push(Target {
                    name: stem.to_string(),
                    kind: section.kind,
                    root: path.join("main.rs"),
                    raw: None,
                });
            }
        }
        found
    }

    fn build_script(&self) -> Option<PathBuf> {
        match self.package.get("build") {
            Some(Value::String(path)) => Some(self.dir.join(path)),
            Some(Value::Boolean(false)) => None,
            _ => Some(self.dir.join("build.rs")).filter(|path| path.is_file()),
        }
    }
}

const DEPENDENCY_KEYS: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// The dependency tables of a manifest (also target-specific ones), with their key.
fn dependency_tables(table: &Table) -> Vec<(&'static str, &Table)> {
    let mut tables: Vec<(&str, &Table)> = DEPENDENCY_KEYS
        .iter()
        .filter_map(|key| Some((*key, table.get(*key).and_then(Value::as_table)?)))
        .collect();
    if let Some(platforms) = table.get("target").and_then(Value::as_table) {
        for platform in platforms.values().filter_map(Value::as_table) {
            tables.extend(
                DEPENDENCY_KEYS
                    .iter()
                    .filter_map(|key| Some((*key, platform.get(*key).and_then(Value::as_table)?))),
            );
        }
    }
    tables
}

/// Dependencies given by `path = ".."`, with their directories.
fn path_dependencies(table: &Table, dir: &Path) -> Vec<PathDependency> {
    let mut found: Vec<PathDependency> = Vec::new();
    for (kind, deps) in dependency_tables(table) {
        for (key, spec) in deps {
            let Some(path) = spec
                .as_table()
                .and_then(|spec| spec.get("path"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let dependency = PathDependency {
                name: super::crate_name(key),
                dir: dir.join(path),
                dev: kind.starts_with("dev"),
            };
            match found
                .iter_mut()
                .find(|known| known.name == dependency.name && known.dir == dependency.dir)
            {
                Some(known) => known.dev &= dependency.dev,
                None => found.push(dependency),
            }
        }
    }
    found
}

/// Every dependency (normal, dev, build; also target-specific), named as code uses it.
fn dependencies(table: &Table) -> Vec<Dependency> {
    let mut dependencies: Vec<Dependency> = Vec::new();
    for (key, spec) in dependency_tables(table)
        .into_iter()
        .flat_map(|(_, table)| table.iter())
    {
        let package = spec
            .as_table()
            .and_then(|spec| spec.get("package"))
            .and_then(Value::as_str)
            .unwrap_or(key);
        let dependency = Dependency {
            name: super::crate_name(key),
            package: package.to_string(),
        };
        if !dependencies.contains(&dependency) {
            dependencies.push(dependency);
        }
    }
    dependencies
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, path: &str, text: &str) {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn summary(package: &Package, dir: &Path) -> Vec<(String, CrateKind, String)> {
        let mut targets: Vec<_> = package
            .targets
            .iter()
            .map(|t| {
                let root = t.root.strip_prefix(dir).unwrap().display().to_string();
                (t.name.clone(), t.kind, root)
            })
            .collect();
        targets.sort_by(|a, b| a.2.cmp(&b.2));
        targets
    }

    #[test]
    fn auto_discovers_every_target_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(dir, "Cargo.toml", "[package]\nname = \"svc-core\"\n");
        for file in [
            "src/lib.rs",
            "src/main.rs",
            "src/bin/admin.rs",
            "src/bin/worker/main.rs",
            "src/bin/worker/helper.rs",
            "tests/api.rs",
            "tests/common/mod.rs",
            "examples/demo.rs",
            "benches/load.rs",
            "build.rs",
        ] {
            write(dir, file, "");
        }
        let package = read_package(&dir.join("Cargo.toml")).unwrap().unwrap();
        use CrateKind::*;
        let expected = [
            ("load", Bench, "benches/load.rs"),
            ("build_script_build", BuildScript, "build.rs"),
            ("demo", Example, "examples/demo.rs"),
            ("admin", Bin, "src/bin/admin.rs"),
            ("worker", Bin, "src/bin/worker/main.rs"),
            ("svc-core", Lib, "src/lib.rs"),
            ("svc-core", Bin, "src/main.rs"),
            ("api", Test, "tests/api.rs"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(n, k, p)| (n.to_string(), *k, p.to_string()))
            .collect();
        assert_eq!(summary(&package, dir), expected);
    }

    #[test]
    fn explicit_targets_and_switches_override_auto_discovery() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(
            dir,
            "Cargo.toml",
            r#"
            [package]
            name = "svc"
            autotests = false
            build = false

            [lib]
            name = "svc_api"
            path = "code/api.rs"

            [[bin]]
            name = "svc"
            path = "code/main.rs"

            [[bin]]
            name = "tool"
            "#,
        );
        for file in ["src/main.rs", "src/bin/tool.rs", "tests/api.rs", "build.rs"] {
            write(dir, file, "");
        }
        let package = read_package(&dir.join("Cargo.toml")).unwrap().unwrap();
        use CrateKind::*;
        let expected = [
            ("svc_api", Lib, "code/api.rs"),
            ("svc", Bin, "code/main.rs"),
            ("tool", Bin, "src/bin/tool.rs"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(n, k, p)| (n.to_string(), *k, p.to_string()))
            .collect();
        assert_eq!(summary(&package, dir), expected);
    }

    #[test]
    fn dependencies_include_renames_dev_build_and_target_specific() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(
            dir,
            "Cargo.toml",
            r#"
            [package]
            name = "svc"

            [dependencies]
            rt = { package = "tokio", version = "1" }
            futures-util = "0.3"

            [dev-dependencies]
            tokio = "1"

            [build-dependencies]
            cc = "1"

            [target.'cfg(unix)'.dependencies]
            nix = "0.29"
            "#,
        );
        let package = read_package(&dir.join("Cargo.toml")).unwrap().unwrap();
        let mut deps: Vec<(String, String)> = package
            .dependencies
            .into_iter()
            .map(|d| (d.name, d.package))
            .collect();
        deps.sort();
        let expected = [
            ("cc", "cc"),
            ("futures_util", "futures-util"),
            ("nix", "nix"),
            ("rt", "tokio"),
            ("tokio", "tokio"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(deps, expected);
    }

    #[test]
    fn virtual_and_broken_manifests() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(dir, "Cargo.toml", "[workspace]\nmembers = []\n");
        assert!(read_package(&dir.join("Cargo.toml")).unwrap().is_none());
        write(dir, "Cargo.toml", "[package\nname = 1");
        assert!(read_package(&dir.join("Cargo.toml")).is_err());
        write(dir, "Cargo.toml", "[package]\nversion = \"1.0.0\"\n");
        assert!(read_package(&dir.join("Cargo.toml")).is_err());
    }
}
