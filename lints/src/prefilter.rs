//! The trigger prefilter: a word scan of a file's text that tells whether its model could have
//! runtime code ([`crate::FileModel::has_runtime_code`]). Every such fact needs a word in the
//! text: `async` or `await`, the name of a watched crate or of a dependency renamed from one, a
//! runtime-entry attribute's crate or a configured one's segments. A crate none of whose files
//! names one cannot produce a finding, and its files need no model: only whether they parse,
//! and their `mod` items ([`crate::model::outline`]).
//!
//! Words in comments, strings and lifetimes do not count, nor `r#async`; a word inside a
//! macro's tokens does. `appstract_lint` counts as well, for
//! `#[cfg_attr(appstract_lint, allow(..))]`, which the model reads.

use crate::lex::CodeCursor;
use crate::model::paths::WATCHED_CRATES;
use crate::{CrateInfo, CrateKind, Dependency};
use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::LazyLock;

/// Crates of runtime-entry attributes besides the watched ones (`#[actix::main]`).
const ENTRY_CRATES: &[&str] = &["actix", "smol_potat", "smol_macros"];

/// The words that make a text worth a full analysis, for one crate.
pub struct Triggers {
    /// This crate's own words, if it has any: dependencies renamed from a watched crate, the
    /// identifiers in configured entry attributes.
    own: Option<Words>,
}

/// Words to look for. `None` if they could not be compiled: then every text counts.
type Words = Option<AhoCorasick>;

/// A set of identifiers to find as words of their own in code (not in comments, strings or
/// lifetimes, nor inside longer identifiers): which dependencies a file names.
pub struct WordSet {
    words: Words,
    count: usize,
}

impl WordSet {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> WordSet {
        let words: Vec<&str> = words.into_iter().collect();
        WordSet {
            count: words.len(),
            words: compile(&words),
        }
    }

    /// The indexes (in the order given) of the words `text` names. Every word, if they could
    /// not be compiled.
    pub fn found_in(&self, text: &str) -> Vec<usize> {
        let Some(searcher) = &self.words else {
            return (0..self.count).collect();
        };
        let bytes = text.as_bytes();
        let ident = |at: usize| bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_';
        let mut code = CodeCursor::new(text);
        let mut found: Vec<usize> = searcher
            .find_iter(text)
            .filter(|m| {
                let (start, end) = (m.start(), m.end());
                let joined = (start > 0 && ident(start - 1)) || (end < bytes.len() && ident(end));
                !joined && code.in_code(start)
            })
            .map(|m| m.pattern().as_usize())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The words of every crate.
fn common_words() -> impl Iterator<Item = &'static str> {
    ["async", "await", "appstract_lint"]
        .into_iter()
        .chain(WATCHED_CRATES.iter().copied())
        .chain(ENTRY_CRATES.iter().copied())
}

/// The words of every crate, compiled once.
static COMMON: LazyLock<Words> = LazyLock::new(|| compile(&common_words().collect::<Vec<_>>()));

/// Leftmost-longest suffices: every word is made of identifier chars, so a match inside or
/// beside a longer one is never a word of its own.
fn compile<W: AsRef<[u8]>>(words: &[W]) -> Words {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(words)
        .ok()
}

impl Triggers {
    pub fn for_crate(krate: &CrateInfo) -> Triggers {
        let mut own: Vec<String> = krate
            .dependencies
            .iter()
            .filter(|dep| is_watched(dep))
            .map(|dep| dep.name.replace('-', "_"))
            .chain(krate.entry_attributes.iter().flat_map(|attr| {
                attr.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|piece| !piece.is_empty())
                    .map(str::to_string)
            }))
            .collect();
        // Most crates name their watched dependencies as published: those words are common
        // ones, and a crate left with none needs no searcher of its own.
        own.retain(|word| !common_words().any(|common| common == word));
        own.sort();
        own.dedup();
        Triggers {
            own: (!own.is_empty()).then(|| compile(&own)),
        }
    }

    /// Whether a library or binary depends on a watched crate: then it almost always names
    /// it somewhere (a trigger word) and has statics, locks or tasks of it that get the crate
    /// checked, so outlining its files first would mostly parse them twice. (Not so for tests,
    /// examples and benches, which see the dev-dependencies, are mostly one file, and are
    /// often synchronous.)
    pub fn expected(krate: &CrateInfo) -> bool {
        matches!(krate.kind, CrateKind::Lib | CrateKind::Bin)
            && krate.dependencies.iter().any(is_watched)
    }

    /// Whether one of the words stands in `text` as a word of its own (not inside a longer
    /// identifier: `is_async` does not count), in code.
    pub fn found_in(&self, text: &str) -> bool {
        found(&COMMON, text) || self.own.as_ref().is_some_and(|own| found(own, text))
    }
}

/// The names of the `mod name;` items a text declares, found in its code as words: a cheap
/// look at the files a crate root will bring in, before the root is parsed. Declarations
/// inside inline modules or under `#[path]` are listed by name alone.
pub fn declared_modules(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let spaces_end = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut code = CodeCursor::new(text);
    let mut names = Vec::new();
    for start in memchr::memmem::find_iter(bytes, b"mod") {
        let end = start + 3;
        let word = (start == 0 || !ident(bytes[start - 1]))
            && bytes.get(end).is_some_and(u8::is_ascii_whitespace);
        if !word || !code.in_code(start) {
            continue;
        }
        let name_start = spaces_end(end);
        let name_end = name_start
            + bytes[name_start..]
                .iter()
                .position(|&b| !ident(b))
                .unwrap_or(bytes.len() - name_start);
        let named = bytes.get(name_start).is_some_and(|b| !b.is_ascii_digit());
        if named && name_end > name_start && bytes.get(spaces_end(name_end)) == Some(&b';') {
            names.push(&text[name_start..name_end]);
        }
    }
    names
}

/// Whether a dependency is one of the watched crates.
fn is_watched(dep: &Dependency) -> bool {
    let package = dep.package.replace('-', "_");
    WATCHED_CRATES.contains(&package.as_str())
}

fn found(words: &Words, text: &str) -> bool {
    let Some(words) = words else {
        return true;
    };
    let bytes = text.as_bytes();
    let ident = |at: usize| bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_';
    let mut code = CodeCursor::new(text);
    words.find_iter(text).any(|found| {
        let (start, end) = (found.start(), found.end());
        let joined = (start > 0 && ident(start - 1)) || (end < bytes.len() && ident(end));
        // `r#async` is an identifier, not the keyword.
        let raw_keyword =
            matches!(&text[start..end], "async" | "await") && text[..start].ends_with("r#");
        !joined && !raw_keyword && code.in_code(start)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dependency;

    #[test]
    fn words_count_only_on_their_own() {
        let triggers = Triggers::for_crate(&CrateInfo::default());
        assert!(triggers.found_in("async fn f() {}"));
        assert!(triggers.found_in("x.await"));
        assert!(triggers.found_in("use tokio::spawn;"));
        assert!(triggers.found_in("#[actix::main]"));
        assert!(triggers.found_in("/* tokio */ m! { smol::spawn(f) }"));
        assert!(triggers.found_in("use r#tokio::spawn;"));
        assert!(triggers.found_in("#[cfg_attr(appstract_lint, allow(appstract::x))]"));
        assert!(!triggers.found_in("fn is_async() -> bool { mytokio::x(); tokio_x() }"));
        assert!(!triggers.found_in("struct IAsyncAction; fn non_blocking_io() {}"));
        assert!(!triggers
            .found_in("fn f(r#async: u8) {} // async\n/// tokio\nconst S: &str = \"await\";"));
        assert!(!triggers.found_in("fn f<'async>() { 'tokio: loop {} }"));
        assert!(!triggers.found_in(""));
    }

    #[test]
    fn word_sets_say_which_words_a_text_names() {
        let set = WordSet::new(["serde_json", "db", "client"]);
        assert_eq!(
            set.found_in(
                "use db::Pool; // client
fn f() { serde_json::to_string(&1); }"
            ),
            [0, 1]
        );
        assert!(set.found_in("let dbx = \"client\"; my_db();").is_empty());
    }

    #[test]
    fn module_declarations_are_found_in_code() {
        let text = "mod a;\npub(crate) mod b ;\n#[cfg(test)]\nmod\n  c;\nmod inline { mod d; }\n\
                    // mod commented;\nconst S: &str = \"mod quoted;\";\nfn mod_x() {}\n\
                    mod e { }\nmod 9;\nmod";
        assert_eq!(declared_modules(text), ["a", "b", "c", "d"]);
        assert!(declared_modules("").is_empty());
    }

    #[test]
    fn renamed_dependencies_and_configured_entry_attributes_count() {
        let krate = CrateInfo {
            dependencies: vec![
                Dependency {
                    name: "rt".to_string(),
                    package: "tokio".to_string(),
                },
                Dependency {
                    name: "fu".to_string(),
                    package: "futures-util".to_string(),
                },
                Dependency {
                    name: "json".to_string(),
                    package: "serde_json".to_string(),
                },
            ],
            entry_attributes: vec!["my_rt::start".to_string()],
            ..CrateInfo::default()
        };
        let triggers = Triggers::for_crate(&krate);
        assert!(triggers.found_in("rt::spawn(f());"));
        assert!(triggers.found_in("use fu::join;"));
        assert!(triggers.found_in("#[start] fn main() {}"));
        assert!(triggers.found_in("use my_rt as r;"));
        assert!(!triggers.found_in("json::from_str(s)"));
        assert!(!Triggers::for_crate(&CrateInfo::default()).found_in("rt::spawn(f());"));
    }
}
