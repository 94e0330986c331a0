//! The `.rs` files under a directory named on the command line.

use std::path::{Path, PathBuf};
use walkdir::{DirEntry, WalkDir};

pub(crate) struct Listing {
    /// Sorted, so runs are reproducible.
    pub files: Vec<PathBuf>,
    /// Entries that could not be read, with the reason.
    pub errors: Vec<(PathBuf, String)>,
    /// Symlinks to `.rs` files or to directories, which are not followed, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Walks `root` without following symlinks, skipping hidden entries and cargo's build
/// directories (but not `root` itself, which the user named).
pub(crate) fn rust_files(root: &Path) -> Listing {
    let mut listing = Listing {
        files: Vec::new(),
        errors: Vec::new(),
        skipped: Vec::new(),
    };
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped(entry));
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_rust = entry.path().extension().is_some_and(|ext| ext == "rs");
                if entry.file_type().is_file() && is_rust {
                    listing.files.push(entry.into_path());
                } else if entry.path_is_symlink() && entry.depth() > 0 {
                    let target = std::fs::metadata(entry.path());
                    let is_dir = target.as_ref().is_ok_and(|meta| meta.is_dir());
                    if is_rust || is_dir {
                        let reason = match target {
                            Ok(_) => "a symbolic link, not followed (name it to lint it)",
                            Err(_) => "a broken or looping symbolic link, not followed",
                        };
                        listing
                            .skipped
                            .push((entry.into_path(), reason.to_string()));
                    }
                }
            }
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                let reason = err
                    .io_error()
                    .map_or_else(|| err.to_string(), ToString::to_string);
                listing.errors.push((path, reason));
            }
        }
    }
    listing
}

fn is_skipped(entry: &DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    if name.starts_with('.') {
        return true;
    }
    entry.file_type().is_dir() && is_build_dir(entry.path(), &name)
}

/// Cargo's output directory: `target` beside a `Cargo.toml`, or any directory cargo tagged
/// with `CACHEDIR.TAG` (a custom `--target-dir`). A source module folder named `target` is
/// kept.
fn is_build_dir(dir: &Path, name: &str) -> bool {
    if dir.join("CACHEDIR.TAG").is_file() {
        return true;
    }
    name == "target"
        && dir
            .parent()
            .is_some_and(|parent| parent.join("Cargo.toml").is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn skips_hidden_and_build_dirs_and_sorts() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for file in [
            "Cargo.toml",
            "src/main.rs",
            "src/b.rs",
            "src/a.rs",
            "src/notes.txt",
            "src/target/mod.rs",
            "target/debug/build/out.rs",
            "custom-out/CACHEDIR.TAG",
            "custom-out/gen.rs",
            ".git/hooks/x.rs",
            "src/.hidden.rs",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "").unwrap();
        }
        let listing = rust_files(root);
        let files: Vec<String> = listing
            .files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(
            files,
            ["src/a.rs", "src/b.rs", "src/main.rs", "src/target/mod.rs"]
        );
        assert!(listing.errors.is_empty());
    }

    #[test]
    fn a_named_hidden_root_is_walked() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join(".config");
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("a.rs"), "").unwrap();
        assert_eq!(rust_files(&root).files, [root.join("a.rs")]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("src");
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("a.rs"), "").unwrap();
        std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a.rs"), root.join("link.rs")).unwrap();
        let listing = rust_files(&root);
        assert_eq!(listing.files, [root.join("a.rs")]);
        let skipped: Vec<&PathBuf> = listing.skipped.iter().map(|(path, _)| path).collect();
        assert_eq!(skipped, [&root.join("link.rs"), &root.join("loop")]);
    }
}
