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

/// How a path is shown: relative to `base` when under it, as given otherwise.
pub fn display(base: &Path, path: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.display().to_string(),
        _ => path.display().to_string(),
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
}
