//! The cache: what [`appstract_lints::analyze_file`] made of a file (its model, its `mod`
//! items, its direct findings), keyed by everything the analysis reads: the file's text, its
//! displayed path and module path, the crate's description (kind, dependencies, configured
//! entry attributes and blocking functions) and the tool itself (version and executable). And
//! what checking a crate found in each of its files, keyed by the crate's description and the
//! keys of all its files: a crate none of whose files changed is not checked again, and its
//! models are not even decoded (an entry's model is decoded only when it is needed). A file of a
//! crate without runtime code has an entry without a model: its outline
//! ([`appstract_lints::outline_file`]).
//!
//! One file per entry under `<dir>/v2/<2 hex>/<32 hex>`, written to a temporary file and renamed,
//! so that concurrent runs never see half an entry. An entry is checked before use (magic, key,
//! length, checksum, decoding); one that fails any check is ignored and rewritten.

use appstract_lints::model::AttrAllow;
use appstract_lints::{
    CrateInfo, CrateSummary, Diagnostic, FileAnalysis, FileModel, ModDecl, Outline,
};
use bincode::Options;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

const MAGIC: &[u8; 8] = b"APLCACH2";
/// magic, key (16), payload length (8), payload checksum (8).
const HEADER: usize = 8 + 16 + 8 + 8;

/// The cache of one run.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// The tool: its version and a hash of its executable.
    tool: u128,
    /// Distinguishes this process's temporary files.
    temp_counter: AtomicU64,
}

/// The key of a file's entry; see [`Cache::key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(u128);

/// What a crate contributes to its files' keys; computed once per crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrateKey(u128);

/// A file's cached analysis, with its model still encoded.
pub struct CachedFile {
    pub modules: Vec<ModDecl>,
    pub diagnostics: Vec<Diagnostic>,
    /// The model's `cfg_attr` suppressions, which reported files need whether or not the
    /// crate is checked again.
    pub allows: Vec<AttrAllow>,
    /// [`FileModel::has_runtime_code`] of the model.
    pub runtime_code: bool,
    /// `None` for an outline.
    pub model: Option<EncodedModel>,
}

/// A model as the cache holds it: decoded only for a crate that is checked again.
pub struct EncodedModel(Vec<u8>);

impl EncodedModel {
    /// The model, encoded; `None` if it cannot be.
    pub fn encode(model: &FileModel) -> Option<EncodedModel> {
        options().serialize(model).ok().map(EncodedModel)
    }

    /// How many bytes the encoded model takes.
    pub fn size(&self) -> usize {
        self.0.len()
    }

    /// The model. `None` only if the entry's checksum matched but its model does not decode,
    /// which a sound build never writes.
    pub fn decode(&self) -> Option<FileModel> {
        options()
            .with_limit(self.0.len() as u64 * 64 + 4096)
            .deserialize(&self.0)
            .ok()
    }
}

/// What checking a crate found per file, and its summary.
pub type CrateFindings = (Vec<Vec<Diagnostic>>, Option<CrateSummary>);

/// A hash of a library's summary, for the keys of the crates checked with it.
pub fn summary_hash(summary: &CrateSummary) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(b"summary");
    match options().serialize(summary) {
        Ok(bytes) => hasher.update(&bytes),
        // Never happens for plain data; a hash of its debug form is as good a key.
        Err(_) => hasher.update(format!("{summary:?}").as_bytes()),
    }
    hasher.digest128()
}

/// A hash of a crate's description, under `seed` (the tool's hash, for the cache).
pub fn crate_hash(seed: u128, info: &CrateInfo) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&seed.to_le_bytes());
    // The derived `Debug` names every field, and the tool's hash covers its format.
    hasher.update(format!("{info:?}").as_bytes());
    hasher.digest128()
}

/// A hash of what the analysis of one file depends on: its crate's hash, its path and module
/// path, and its text.
pub fn file_hash(krate: u128, path: &str, module_path: &[String], text: &str) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&krate.to_le_bytes());
    for part in [path.as_bytes()]
        .into_iter()
        .chain(module_path.iter().map(|s| s.as_bytes()))
    {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update(&(text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
    hasher.digest128()
}

impl Cache {
    /// A cache in `dir` (created when first written). `None` when the tool's own executable
    /// cannot be read: without it, a rebuilt tool could trust entries of another build.
    pub fn new(dir: PathBuf) -> Option<Cache> {
        let exe = std::env::current_exe().ok()?;
        let bytes = fs::read(exe).ok()?;
        let mut hasher = Xxh3::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.update(&[0]);
        hasher.update(&bytes);
        Some(Cache::with_tool(dir, hasher.digest128()))
    }

    /// A cache for a tool identified by `tool` (tests use this to tell builds apart).
    pub fn with_tool(dir: PathBuf, tool: u128) -> Cache {
        Cache {
            dir,
            tool,
            temp_counter: AtomicU64::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What identifies the tool's build in every key.
    pub fn tool(&self) -> u128 {
        self.tool
    }

    pub fn crate_key(&self, info: &CrateInfo) -> CrateKey {
        CrateKey(crate_hash(self.tool, info))
    }

    /// Everything the analysis of one file depends on.
    pub fn key(&self, krate: CrateKey, path: &str, module_path: &[String], text: &str) -> Key {
        Key(file_hash(krate.0, path, module_path, text))
    }

    /// Everything checking a crate depends on: the crate's description, the keys of its files
    /// (each covers the file's text and path), in the order the files are checked in, and
    /// the hashes of the summaries of the libraries it is checked with.
    pub fn check_key(
        &self,
        krate: CrateKey,
        files: impl IntoIterator<Item = Key>,
        summaries: impl IntoIterator<Item = u128>,
    ) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"crate check");
        hasher.update(&krate.0.to_le_bytes());
        for file in files {
            hasher.update(&file.0.to_le_bytes());
        }
        hasher.update(b"summaries");
        for summary in summaries {
            hasher.update(&summary.to_le_bytes());
        }
        Key(hasher.digest128())
    }

    fn entry_path(&self, key: Key) -> PathBuf {
        let hex = format!("{:032x}", key.0);
        self.dir.join("v2").join(&hex[..2]).join(&hex)
    }

    /// The file entry for `key`, if there is a sound one.
    pub fn load(&self, key: Key) -> Option<CachedFile> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        decode(&bytes, key)
    }

    /// Records an analysis, with its model's [`FileModel::has_runtime_code`] and the model
    /// already encoded, if it is. Failures are ignored: the cache only saves time.
    pub fn store(
        &self,
        key: Key,
        analysis: &FileAnalysis,
        runtime_code: bool,
        model: Option<&EncodedModel>,
    ) {
        if let Some(bytes) = encode(analysis, key, runtime_code, model) {
            self.write(key, &bytes);
        }
    }

    /// Records the outline of a file whose crate has no runtime code.
    pub fn store_outline(&self, key: Key, outline: &Outline) {
        let head = HeadRef {
            modules: &outline.modules,
            diagnostics: &outline.diagnostics,
            allows: &[],
            runtime_code: false,
            outline: true,
        };
        if let Some(bytes) = frame_entry(&head, &[], key) {
            self.write(key, &bytes);
        }
    }

    /// What checking a crate found in each of its files, and for a library its summary, if
    /// there is a sound entry for `key` (see [`Cache::check_key`]) with one list per file.
    pub fn load_findings(&self, key: Key, files: usize) -> Option<CrateFindings> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        let (findings, summary): CrateFindings = options()
            .with_limit(bytes.len() as u64 * 64 + 4096)
            .deserialize(checked_payload(&bytes, key)?)
            .ok()?;
        (findings.len() == files).then_some((findings, summary))
    }

    /// The key under which the dependency packages a crate calls into are kept, from its
    /// check key without their summaries.
    pub fn calls_key(&self, check: Key) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"called dependencies");
        hasher.update(&check.0.to_le_bytes());
        Key(hasher.digest128())
    }

    /// The dependency packages (by the names code uses) a crate calls into, if recorded.
    pub fn load_calls(&self, key: Key) -> Option<Vec<String>> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        options()
            .with_limit(bytes.len() as u64 * 64 + 4096)
            .deserialize(checked_payload(&bytes, key)?)
            .ok()
    }

    pub fn store_calls(&self, key: Key, calls: &[String]) {
        if let Ok(payload) = options().serialize(calls) {
            self.write(key, &frame(&payload, key));
        }
    }

    /// Records what checking a crate found, and for a library its summary.
    pub fn store_findings(
        &self,
        key: Key,
        findings: &[Vec<Diagnostic>],
        summary: Option<&CrateSummary>,
    ) {
        if let Ok(payload) = options().serialize(&(findings, summary)) {
            self.write(key, &frame(&payload, key));
        }
    }

    fn write(&self, key: Key, bytes: &[u8]) {
        let path = self.entry_path(key);
        let Some(parent) = path.parent() else { return };
        if fs::create_dir_all(parent).is_err() {
            return;
        }
        let temp = parent.join(format!(
            ".{:032x}.{}.{}.tmp",
            key.0,
            std::process::id(),
            self.temp_counter.fetch_add(1, Ordering::Relaxed)
        ));
        let written = fs::File::create(&temp).and_then(|mut file| file.write_all(bytes));
        if written.is_err() || fs::rename(&temp, &path).is_err() {
            let _ = fs::remove_file(&temp);
        }
    }
}

fn options() -> impl Options {
    bincode::DefaultOptions::new()
}

#[derive(serde::Serialize)]
struct HeadRef<'a> {
    modules: &'a [ModDecl],
    diagnostics: &'a [Diagnostic],
    allows: &'a [AttrAllow],
    runtime_code: bool,
    outline: bool,
}

#[derive(serde::Deserialize)]
struct Head {
    modules: Vec<ModDecl>,
    diagnostics: Vec<Diagnostic>,
    allows: Vec<AttrAllow>,
    runtime_code: bool,
    outline: bool,
}

/// A file entry's payload: the head's length, the head, then the model, so that the model can
/// be decoded later or never.
fn encode(
    analysis: &FileAnalysis,
    key: Key,
    runtime_code: bool,
    model: Option<&EncodedModel>,
) -> Option<Vec<u8>> {
    let head = HeadRef {
        modules: &analysis.modules,
        diagnostics: &analysis.diagnostics,
        allows: &analysis.model.allows,
        runtime_code,
        outline: false,
    };
    let model = match model {
        Some(encoded) => std::borrow::Cow::Borrowed(encoded.0.as_slice()),
        None => std::borrow::Cow::Owned(options().serialize(&analysis.model).ok()?),
    };
    frame_entry(&head, &model, key)
}

fn frame_entry(head: &HeadRef<'_>, model: &[u8], key: Key) -> Option<Vec<u8>> {
    let head = options().serialize(head).ok()?;
    let mut payload = Vec::with_capacity(8 + head.len() + model.len());
    payload.extend_from_slice(&(head.len() as u64).to_le_bytes());
    payload.extend_from_slice(&head);
    payload.extend_from_slice(model);
    Some(frame(&payload, key))
}

fn decode(bytes: &[u8], key: Key) -> Option<CachedFile> {
    let payload = checked_payload(bytes, key)?;
    let (length, rest) = payload.split_at_checked(8)?;
    let length = usize::try_from(u64::from_le_bytes(length.try_into().ok()?)).ok()?;
    let (head, model) = rest.split_at_checked(length)?;
    let head: Head = options()
        .with_limit(head.len() as u64 * 64 + 4096)
        .deserialize(head)
        .ok()?;
    Some(CachedFile {
        modules: head.modules,
        diagnostics: head.diagnostics,
        allows: head.allows,
        runtime_code: head.runtime_code,
        model: (!head.outline).then(|| EncodedModel(model.to_vec())),
    })
}

/// An entry: magic, key, payload length and checksum, then the payload.
fn frame(payload: &[u8], key: Key) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&key.0.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&xxh3_64(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

/// The payload of an entry whose magic, key, length and checksum check out.
fn checked_payload(bytes: &[u8], key: Key) -> Option<&[u8]> {
    let (header, payload) = bytes.split_at_checked(HEADER)?;
    let (magic, rest) = header.split_at(8);
    let (stored_key, rest) = rest.split_at(16);
    let (length, checksum) = rest.split_at(8);
    let sound = magic == MAGIC
        && stored_key == key.0.to_le_bytes()
        && length == (payload.len() as u64).to_le_bytes()
        && checksum == xxh3_64(payload).to_le_bytes();
    sound.then_some(payload)
}

/// Summaries of dependency packages whose sources never change (from a registry, or a git
/// checkout at a commit), shared by every project of the user: keyed by the tool, the summary
/// format and the package with everything it depends on (package IDs and checksums), so a
/// package is read once, whichever project depends on it. Bounded in size: when it grows past
/// [`SummaryStore::MAX_BYTES`], the entries used longest ago go.
pub struct SummaryStore {
    cache: Cache,
    writes: AtomicU64,
}

impl SummaryStore {
    pub const MAX_BYTES: u64 = 256 << 20;

    /// The store in `dir`, for the tool `tool` identifies ([`Cache::tool`]).
    pub fn new(dir: PathBuf, tool: u128) -> SummaryStore {
        SummaryStore {
            cache: Cache::with_tool(dir, tool),
            writes: AtomicU64::new(0),
        }
    }

    /// `$APPSTRACT_LINT_SUMMARIES`, or `appstract-lint/summaries` in the platform's cache
    /// directory: `$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
    /// `%LOCALAPPDATA%` on Windows.
    pub fn default_dir() -> Option<PathBuf> {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(dir) = var("APPSTRACT_LINT_SUMMARIES") {
            return Some(dir);
        }
        let base = if cfg!(windows) {
            var("LOCALAPPDATA")?
        } else if cfg!(target_os = "macos") {
            var("HOME")?.join("Library").join("Caches")
        } else {
            var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|home| home.join(".cache")))?
        };
        Some(base.join("appstract-lint").join("summaries"))
    }

    pub fn dir(&self) -> &Path {
        self.cache.dir()
    }

    /// The key of a package's summary, from its graph hash (the package and all it depends on).
    pub fn key(&self, graph_hash: u128) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"dependency summary");
        hasher.update(&self.cache.tool.to_le_bytes());
        hasher.update(&appstract_lints::model::summary::SUMMARY_FORMAT.to_le_bytes());
        hasher.update(&graph_hash.to_le_bytes());
        Key(hasher.digest128())
    }

    /// A stored summary (`Some(None)`: the package has none, having no runtime code).
    pub fn load(&self, key: Key) -> Option<Option<CrateSummary>> {
        let path = self.cache.entry_path(key);
        let bytes = fs::read(&path).ok()?;
        let summary: Option<CrateSummary> = options()
            .with_limit(bytes.len() as u64 * 64 + 4096)
            .deserialize(checked_payload(&bytes, key)?)
            .ok()?;
        // Used now: the last to go when the store is trimmed.
        if let Ok(file) = fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
        Some(summary)
    }

    pub fn store(&self, key: Key, summary: Option<&CrateSummary>) {
        if let Ok(payload) = options().serialize(&summary) {
            self.cache.write(key, &frame(&payload, key));
        }
        if self.writes.fetch_add(1, Ordering::Relaxed) % 64 == 0 {
            self.trim(Self::MAX_BYTES);
        }
    }

    /// Removes the entries used longest ago until the store holds at most three quarters of
    /// `max` bytes, if it holds more than `max`.
    pub fn trim(&self, max: u64) {
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> =
            walkdir::WalkDir::new(self.dir())
                .into_iter()
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_file())
                .filter_map(|entry| {
                    let meta = entry.metadata().ok()?;
                    Some((meta.modified().ok()?, meta.len(), entry.into_path()))
                })
                .collect();
        let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
        if total <= max {
            return;
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= max / 4 * 3 {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

/// Where the cache goes when no `--cache-dir` is given: `$CARGO_TARGET_DIR/appstract-lint`, or
/// `target/appstract-lint` of the nearest directory from `cwd` up that has a `Cargo.toml`
/// (the outermost one, a workspace's root). `None` outside any cargo project.
pub fn default_dir(cwd: &Path) -> Option<PathBuf> {
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        return Some(crate::paths::absolute(cwd, Path::new(&target)).join("appstract-lint"));
    }
    let project = cwd
        .ancestors()
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .last()?;
    Some(project.join("target").join("appstract-lint"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use appstract_lints::FileInput;

    fn analysis(source: &str) -> FileAnalysis {
        let analysis = appstract_lints::analyze_file(
            &CrateInfo::default(),
            FileInput {
                path: "src/lib.rs",
                source,
                module_path: &[],
            },
        );
        proc_macro2::extra::invalidate_current_thread_spans();
        analysis
    }

    const SOURCE: &str = "mod net;\nasync fn serve() { let rt = tokio::runtime::Runtime::new().unwrap(); rt.block_on(async {}); }\n";

    #[test]
    fn entries_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::with_tool(tmp.path().to_path_buf(), 1);
        let krate = cache.crate_key(&CrateInfo::default());
        let key = cache.key(krate, "src/lib.rs", &[], SOURCE);
        assert!(cache.load(key).is_none());
        let fresh = analysis(SOURCE);
        cache.store(key, &fresh, fresh.model.has_runtime_code(), None);
        let loaded = cache.load(key).expect("the entry was stored");
        let encoded = loaded.model.expect("a full analysis keeps its model");
        let model = encoded.decode().expect("the model decodes");
        assert_eq!(format!("{model:?}"), format!("{:?}", fresh.model));
        assert_eq!(loaded.modules, fresh.modules);
        assert_eq!(loaded.diagnostics, fresh.diagnostics);
        assert_eq!(
            format!("{:?}", loaded.allows),
            format!("{:?}", fresh.model.allows)
        );

        let broken = analysis("fn main( {}\n");
        let broken_key = cache.key(krate, "src/lib.rs", &[], "fn main( {}\n");
        cache.store(broken_key, &broken, broken.model.has_runtime_code(), None);
        assert_eq!(
            cache.load(broken_key).unwrap().diagnostics,
            broken.diagnostics
        );
    }

    #[test]
    fn outlines_round_trip_without_a_model() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::with_tool(tmp.path().to_path_buf(), 1);
        let krate = cache.crate_key(&CrateInfo::default());
        for source in [
            "mod a;\n#[path = \"x.rs\"] mod b;\nfn f() {}\n",
            "fn main( {}\n",
        ] {
            let key = cache.key(krate, "src/lib.rs", &[], source);
            let outline = appstract_lints::outline_file(FileInput {
                path: "src/lib.rs",
                source,
                module_path: &[],
            });
            proc_macro2::extra::invalidate_current_thread_spans();
            cache.store_outline(key, &outline);
            let loaded = cache.load(key).expect("the entry was stored");
            assert!(loaded.model.is_none());
            assert!(!loaded.runtime_code);
            assert!(loaded.allows.is_empty());
            assert_eq!(loaded.modules, outline.modules);
            assert_eq!(loaded.diagnostics, outline.diagnostics);
        }
    }

    #[test]
    fn crate_findings_round_trip_and_need_every_file_key() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::with_tool(tmp.path().to_path_buf(), 1);
        let krate = cache.crate_key(&CrateInfo::default());
        let a = cache.key(krate, "src/lib.rs", &[], SOURCE);
        let b = cache.key(krate, "src/net.rs", &["net".to_string()], "fn f() {}");
        let key = cache.check_key(krate, [a, b], []);
        assert_ne!(key, cache.check_key(krate, [b, a], []));
        assert_ne!(key, cache.check_key(krate, [a], []));
        assert_ne!(key, a);
        // The summaries of the libraries the crate is checked with are in the key.
        assert_ne!(key, cache.check_key(krate, [a, b], [7]));

        let findings = vec![analysis("fn main( {}\n").diagnostics, Vec::new()];
        assert!(cache.load_findings(key, 2).is_none());
        cache.store_findings(key, &findings, None);
        assert_eq!(cache.load_findings(key, 2), Some((findings.clone(), None)));
        // A library's entry keeps its summary.
        let summary = CrateSummary {
            name: "svc".into(),
            ..CrateSummary::default()
        };
        let lib_key = cache.check_key(krate, [a], []);
        cache.store_findings(lib_key, &findings[..1], Some(&summary));
        assert_eq!(
            cache.load_findings(lib_key, 1),
            Some((findings[..1].to_vec(), Some(summary)))
        );
        // An entry for another number of files is not trusted.
        assert!(cache.load_findings(key, 3).is_none());
        // Nor one that is damaged.
        let path = cache.entry_path(key);
        let good = fs::read(&path).unwrap();
        fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert!(cache.load_findings(key, 2).is_none());
    }

    #[test]
    fn every_input_is_in_the_key() {
        let cache = Cache::with_tool(PathBuf::new(), 1);
        let krate = cache.crate_key(&CrateInfo::default());
        let base = cache.key(krate, "a.rs", &[], "x");
        let module = ["a".to_string()];
        assert_ne!(base, cache.key(krate, "b.rs", &[], "x"));
        assert_ne!(base, cache.key(krate, "a.rs", &module, "x"));
        assert_ne!(base, cache.key(krate, "a.rs", &[], "y"));
        let other_crate = cache.crate_key(&CrateInfo {
            entry_attributes: vec!["my::main".into()],
            ..CrateInfo::default()
        });
        assert_ne!(base, cache.key(other_crate, "a.rs", &[], "x"));
        let other_tool = Cache::with_tool(PathBuf::new(), 2);
        let other_tool_crate = other_tool.crate_key(&CrateInfo::default());
        assert_ne!(base, other_tool.key(other_tool_crate, "a.rs", &[], "x"));
    }

    #[test]
    fn damaged_or_foreign_entries_are_ignored_and_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::with_tool(tmp.path().to_path_buf(), 1);
        let krate = cache.crate_key(&CrateInfo::default());
        let key = cache.key(krate, "src/lib.rs", &[], SOURCE);
        let fresh = analysis(SOURCE);
        cache.store(key, &fresh, fresh.model.has_runtime_code(), None);
        let path = cache.entry_path(key);
        let good = fs::read(&path).unwrap();

        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x40;
        let other_key = cache.key(krate, "src/other.rs", &[], SOURCE);
        let foreign = encode(&fresh, other_key, fresh.model.has_runtime_code(), None).unwrap();
        for damaged in [
            Vec::new(),
            good[..HEADER - 1].to_vec(),
            good[..good.len() - 1].to_vec(),
            flipped,
            foreign,
            b"not a cache entry at all".to_vec(),
        ] {
            fs::write(&path, &damaged).unwrap();
            assert!(cache.load(key).is_none());
            cache.store(key, &fresh, fresh.model.has_runtime_code(), None);
            assert_eq!(fs::read(&path).unwrap(), good);
        }
        // A payload that checks out but does not decode is not trusted either.
        let mut garbage = good[..HEADER].to_vec();
        let payload = [0xff; 32];
        garbage[24..32].copy_from_slice(&(payload.len() as u64).to_le_bytes());
        garbage[32..40].copy_from_slice(&xxh3_64(&payload).to_le_bytes());
        garbage.extend_from_slice(&payload);
        fs::write(&path, &garbage).unwrap();
        assert!(cache.load(key).is_none());
        // No temporary files are left behind.
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn concurrent_writers_leave_a_sound_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::with_tool(tmp.path().to_path_buf(), 1);
        let krate = cache.crate_key(&CrateInfo::default());
        let key = cache.key(krate, "src/lib.rs", &[], SOURCE);
        let fresh = analysis(SOURCE);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        cache.store(key, &fresh, fresh.model.has_runtime_code(), None);
                        if let Some(loaded) = cache.load(key) {
                            assert_eq!(loaded.diagnostics, fresh.diagnostics);
                        }
                    }
                });
            }
        });
        assert!(cache.load(key).is_some());
    }
}
