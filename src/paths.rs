//! Path helpers shared by discovery and the driver.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute against `base`, with `.` and `..` resolved lexically.
pub fn absolute(base: &Path, path: &Path) -> PathBuf {
    let joined = base.join(path);
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `pop` keeps the root: `/..` is `/`, as the OS resolves it.
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The identity of a file, so that one reached as `src/a.rs` and through a `#[path]` or a
/// symlink is analysed once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileId {
    /// The device and inode, where the OS has them: one `stat`, where resolving the path
    /// would read every link on the way.
    Inode { device: u64, inode: u64 },
    /// The canonical path, or the path itself when it cannot be resolved.
    Path(PathBuf),
}

pub fn identity(path: &Path) -> FileId {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            return FileId::Inode {
                device: metadata.dev(),
                inode: metadata.ino(),
            };
        }
    }
    FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// How a path is shown: relative to `base` when under it, as given otherwise (always as given
/// with an empty base).
pub fn display(base: &Path, path: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// The root of the cargo workspace `start` is in, found as cargo finds it: the nearest
/// `Cargo.toml` up from `start`; if it has no `[workspace]`, the nearest one above it that has
/// one (or the one its `package.workspace` names), else its own directory. `None` outside any
/// cargo project.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    let manifest = |dir: &Path| -> Option<toml::Table> {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        text.parse::<toml::Table>().ok()
    };
    let mut dir = Some(start);
    let (package_dir, table) = loop {
        let current = dir?;
        if let Some(table) = manifest(current) {
            break (current.to_path_buf(), table);
        }
        dir = current.parent();
    };
    if table.contains_key("workspace") {
        return Some(package_dir);
    }
    let named = table
        .get("package")
        .and_then(|package| package.get("workspace"))
        .and_then(|workspace| workspace.as_str());
    if let Some(named) = named {
        return Some(absolute(&package_dir, Path::new(named)));
    }
    let mut dir = package_dir.parent();
    while let Some(current) = dir {
        if manifest(current).is_some_and(|table| table.contains_key("workspace")) {
            return Some(current.to_path_buf());
        }
        dir = current.parent();
    }
    Some(package_dir)
}

/// The directory paths are shown relative to: the workspace root when every file is under it
/// (cargo shows paths so, from any directory of the workspace), else the current directory
/// when every file is under that, else none (an empty path): every path is shown whole, so that
/// relative and absolute paths are never mixed.
pub fn display_base(cwd: &Path, root: Option<&Path>, files: &[&Path]) -> PathBuf {
    let holds_all = |dir: &Path| files.iter().all(|file| file.starts_with(dir));
    match root {
        Some(root) if holds_all(root) => root.to_path_buf(),
        _ if holds_all(cwd) => cwd.to_path_buf(),
        _ => PathBuf::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_dots_lexically() {
        let base = Path::new("/work/project");
        assert_eq!(
            absolute(base, Path::new("./src/../tests/a.rs")),
            PathBuf::from("/work/project/tests/a.rs")
        );
        assert_eq!(
            absolute(base, Path::new("/elsewhere/x.rs")),
            PathBuf::from("/elsewhere/x.rs")
        );
        assert_eq!(absolute(base, Path::new("../../../..")), PathBuf::from("/"));
    }

    #[test]
    fn display_is_relative_under_base_only() {
        let base = Path::new("/work/project");
        assert_eq!(
            display(base, Path::new("/work/project/src/lib.rs")),
            "src/lib.rs"
        );
        assert_eq!(display(base, Path::new("/work/other.rs")), "/work/other.rs");
        assert_eq!(
            display(base, Path::new("/work/projectile/a.rs")),
            "/work/projectile/a.rs"
        );
    }

    #[test]
    fn workspace_roots_are_found_as_cargo_finds_them() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n");
        write("crates/a/Cargo.toml", "[package]\nname = \"a\"\n");
        write("crates/a/src/lib.rs", "");
        write(
            "alone/Cargo.toml",
            "[package]\nname = \"alone\"\nworkspace = \"..\"\n",
        );
        assert_eq!(
            workspace_root(&root.join("crates/a/src")).as_deref(),
            Some(root)
        );
        assert_eq!(workspace_root(&root.join("alone")).as_deref(), Some(root));
        assert_eq!(workspace_root(root).as_deref(), Some(root));
        assert_eq!(workspace_root(Path::new("/")), None);

        let lib = root.join("crates/a/src/lib.rs");
        let cwd = root.join("crates/a/src");
        assert_eq!(display_base(&cwd, Some(root), &[&lib]), root);
        let outside = Path::new("/elsewhere/x.rs");
        assert_eq!(
            display_base(&cwd, Some(root), &[&lib, outside]),
            PathBuf::new()
        );
        assert_eq!(display(Path::new(""), outside), "/elsewhere/x.rs");
    }
}
