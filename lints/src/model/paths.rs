//! Canonical paths of the watched libraries: re-export aliases, glob export tables, and the
//! std prelude. Every path the model hands to a rule is canonical, so a rule compares against
//! one spelling only (`tokio::spawn`, never `tokio::task::spawn`).

/// Crates whose paths the model knows; they are in the extern prelude of every crate.
pub const WATCHED_CRATES: &[&str] = &[
    "tokio",
    "tokio_util",
    "tokio_stream",
    "futures",
    "futures_executor",
    "futures_util",
    "futures_lite",
    "pollster",
    "async_std",
    "smol",
    "async_io",
    "async_executor",
    "async_global_executor",
    "async_task",
    "blocking",
    "actix_rt",
    "actix_web",
    "rayon",
    "once_cell",
    "lazy_static",
    "parking_lot",
    "reqwest",
];

/// Re-exports, longest prefix first: `(alias prefix, canonical prefix)`.
const ALIASES: &[(&str, &str)] = &[
    ("core::", "std::"),
    ("alloc::", "std::"),
    ("tokio::task::spawn", "tokio::spawn"),
    ("tokio::task::local::LocalSet", "tokio::task::LocalSet"),
    ("tokio::task::join_set::JoinSet", "tokio::task::JoinSet"),
    (
        "tokio::runtime::task::JoinHandle",
        "tokio::task::JoinHandle",
    ),
    ("tokio_util::task::task_tracker::", "tokio_util::task::"),
    ("tokio_util::task::join_map::", "tokio_util::task::"),
    ("tokio_util::time::delay_queue::", "tokio_util::time::"),
    (
        "tokio_util::future::FutureExt",
        "tokio_util::time::FutureExt",
    ),
    (
        "tokio_stream::stream_ext::StreamExt",
        "tokio_stream::StreamExt",
    ),
    ("futures::executor::", "futures_executor::"),
    ("futures_util::", "futures::"),
    ("futures::prelude::", "futures::"),
    ("smol::block_on", "async_io::block_on"),
    ("smol::future::", "futures_lite::future::"),
    ("smol::prelude::", "futures_lite::prelude::"),
    (
        "futures_lite::prelude::FutureExt",
        "futures_lite::future::FutureExt",
    ),
    ("futures_lite::FutureExt", "futures_lite::future::FutureExt"),
    ("smol::unblock", "blocking::unblock"),
    ("smol::Executor", "async_executor::Executor"),
    ("smol::LocalExecutor", "async_executor::LocalExecutor"),
    ("smol::Task", "async_task::Task"),
    ("async_executor::Task", "async_task::Task"),
    (
        "async_global_executor::block_on",
        "async_std::task::block_on",
    ),
    (
        "async_std::task::Builder::blocking",
        "async_std::task::block_on",
    ),
    ("actix_web::rt::", "actix_rt::"),
    ("actix::rt::", "actix_rt::"),
    ("actix::System", "actix_rt::System"),
    ("actix::SystemRunner", "actix_rt::SystemRunner"),
    ("actix::Arbiter", "actix_rt::Arbiter"),
    ("actix::spawn", "actix_rt::spawn"),
    ("std::sync::LazyLock", "std::sync::LazyLock"),
];

/// The crates [`ALIASES`] start in. Any other path, such as the crate's own, is canonical.
const ALIAS_ROOTS: &[&str] = &[
    "tokio",
    "tokio_util",
    "tokio_stream",
    "futures",
    "futures_util",
    "futures_lite",
    "async_std",
    "async_executor",
    "async_global_executor",
    "smol",
    "actix",
    "actix_web",
    "std",
    "core",
    "alloc",
];

/// Maps a resolved path to its canonical spelling.
pub fn canonical(path: String) -> String {
    if !ALIAS_ROOTS.contains(&first_segment(&path)) {
        return path;
    }
    // Exact or segment-prefix matches only: `tokio::task::spawn_local` is not `tokio::spawn_local`.
    for &(alias, target) in ALIASES {
        if let Some(rest) = path.strip_prefix(alias) {
            let on_boundary = alias.ends_with("::") || rest.is_empty() || rest.starts_with("::");
            if on_boundary {
                return format!("{target}{rest}");
            }
        }
    }
    path
}

/// What `use <module>::*` brings in, for the watched modules whose globs matter.
/// A glob of any other watched module resolves nothing (the name may come from elsewhere).
const GLOB_EXPORTS: &[(&str, &[&str])] = &[
    (
        "tokio::task",
        &[
            "spawn",
            "spawn_local",
            "spawn_blocking",
            "block_in_place",
            "yield_now",
            "unconstrained",
            "LocalSet",
            "JoinSet",
            "JoinHandle",
            "JoinError",
            "AbortHandle",
            "LocalKey",
        ],
    ),
    (
        "tokio::runtime",
        &[
            "Runtime",
            "Builder",
            "Handle",
            "EnterGuard",
            "LocalRuntime",
            "RuntimeFlavor",
            "TryCurrentError",
        ],
    ),
    (
        "tokio::time",
        &[
            "sleep",
            "sleep_until",
            "interval",
            "interval_at",
            "timeout",
            "timeout_at",
            "Duration",
            "Instant",
            "Interval",
            "Sleep",
            "Timeout",
            "MissedTickBehavior",
        ],
    ),
    (
        "tokio::sync",
        &[
            "mpsc",
            "oneshot",
            "broadcast",
            "watch",
            "Mutex",
            "RwLock",
            "Semaphore",
            "Notify",
            "Barrier",
            "OnceCell",
            "MutexGuard",
            "OwnedMutexGuard",
        ],
    ),
    (
        "tokio::sync::mpsc",
        &[
            "channel",
            "unbounded_channel",
            "Sender",
            "Receiver",
            "UnboundedSender",
            "UnboundedReceiver",
        ],
    ),
    ("tokio::prelude", &[]),
    (
        "futures_executor",
        &[
            "block_on",
            "block_on_stream",
            "LocalPool",
            "LocalSpawner",
            "ThreadPool",
            "enter",
        ],
    ),
    ("pollster", &["block_on", "FutureExt"]),
    (
        "async_std::task",
        &[
            "block_on",
            "spawn",
            "spawn_blocking",
            "spawn_local",
            "sleep",
            "yield_now",
            "JoinHandle",
        ],
    ),
    ("async_std::prelude", &[]),
    (
        "smol",
        &[
            "block_on",
            "spawn",
            "unblock",
            "Executor",
            "LocalExecutor",
            "Task",
            "Timer",
            "Async",
            "future",
            "io",
            "stream",
            "channel",
            "lock",
            "fs",
            "net",
            "process",
            "prelude",
        ],
    ),
    ("smol::prelude", &[]),
    (
        "futures_lite::future",
        &[
            "block_on",
            "FutureExt",
            "poll_fn",
            "ready",
            "pending",
            "yield_now",
            "zip",
            "try_zip",
            "or",
            "race",
        ],
    ),
    (
        "futures_lite::prelude",
        &[
            "FutureExt",
            "StreamExt",
            "AsyncReadExt",
            "AsyncWriteExt",
            "AsyncBufReadExt",
        ],
    ),
    (
        "futures::prelude",
        &[
            "Future",
            "FutureExt",
            "TryFutureExt",
            "Stream",
            "StreamExt",
            "TryStreamExt",
            "Sink",
            "SinkExt",
            "AsyncRead",
            "AsyncWrite",
            "AsyncReadExt",
            "AsyncWriteExt",
            "AsyncBufRead",
            "AsyncBufReadExt",
            "AsyncSeek",
            "AsyncSeekExt",
        ],
    ),
    (
        "futures",
        &[
            "executor",
            "future",
            "stream",
            "sink",
            "task",
            "io",
            "channel",
            "lock",
            "prelude",
            "join",
            "select",
            "try_join",
            "pin_mut",
            "Future",
            "FutureExt",
            "TryFutureExt",
            "Stream",
            "StreamExt",
            "TryStreamExt",
            "Sink",
            "SinkExt",
        ],
    ),
    (
        "std::thread",
        &[
            "spawn",
            "scope",
            "sleep",
            "Builder",
            "JoinHandle",
            "current",
            "yield_now",
            "park",
            "Thread",
            "Scope",
        ],
    ),
    (
        "rayon",
        &["spawn", "scope", "join", "ThreadPool", "ThreadPoolBuilder"],
    ),
    ("rayon::prelude", &[]),
];

/// The exports of a watched module for glob resolution, or `None` when it is not tabled.
pub fn glob_exports(module: &str) -> Option<&'static [&'static str]> {
    GLOB_EXPORTS
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, names)| *names)
}

/// Names every module sees without a `use` (the std prelude), with their canonical paths.
pub fn prelude(name: &str) -> Option<&'static str> {
    Some(match name {
        "drop" => "std::mem::drop",
        "Box" => "std::boxed::Box",
        "Vec" => "std::vec::Vec",
        "String" => "std::string::String",
        "Option" => "std::option::Option",
        "Some" => "std::option::Option::Some",
        "None" => "std::option::Option::None",
        "Result" => "std::result::Result",
        "Ok" => "std::result::Result::Ok",
        "Err" => "std::result::Result::Err",
        "ToOwned" => "std::borrow::ToOwned",
        "Clone" => "std::clone::Clone",
        "Default" => "std::default::Default",
        "Iterator" => "std::iter::Iterator",
        "IntoIterator" => "std::iter::IntoIterator",
        _ => return None,
    })
}

/// Whether a crate name is always in the extern prelude (std and the watched crates).
pub fn is_known_crate(name: &str) -> bool {
    matches!(name, "std" | "core" | "alloc") || WATCHED_CRATES.contains(&name)
}

/// The last segment of a path.
pub fn last_segment(path: &str) -> &str {
    last_separator(path).map_or(path, |at| &path[at + 2..])
}

/// The path without its last segment.
pub fn parent_path(path: &str) -> &str {
    last_separator(path).map_or("", |at| &path[..at])
}

/// The first segment of a path.
pub fn first_segment(path: &str) -> &str {
    first_separator(path).map_or(path, |at| &path[..at])
}

/// Where the last `::` of a path starts. Paths are split this often during the walk, so by
/// byte search: a `&str` pattern builds a substring searcher on every call.
pub fn last_separator(path: &str) -> Option<usize> {
    let bytes = path.as_bytes();
    let mut end = bytes.len();
    while let Some(colon) = memchr::memrchr(b':', &bytes[..end]) {
        if colon > 0 && bytes[colon - 1] == b':' {
            return Some(colon - 1);
        }
        end = colon;
    }
    None
}

/// Where the first `::` of a path starts.
fn first_separator(path: &str) -> Option<usize> {
    let bytes = path.as_bytes();
    let mut start = 0;
    while let Some(colon) = memchr::memchr(b':', &bytes[start..]).map(|at| at + start) {
        if bytes.get(colon + 1) == Some(&b':') {
            return Some(colon);
        }
        start = colon + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_start_in_their_roots() {
        for (alias, _) in ALIASES {
            assert!(ALIAS_ROOTS.contains(&first_segment(alias)), "{alias}");
        }
    }

    #[test]
    fn segments_split_as_str_patterns_split_them() {
        for path in [
            "",
            "a",
            "a::b",
            "a::b::c",
            "::a",
            "a::",
            "a:::b",
            "a::::b",
            "a:b::c",
            "fn(x: u8)",
            "a::fn(x: u8)",
            "::",
            ":",
            "<T as a::B>::c",
        ] {
            assert_eq!(
                last_segment(path),
                path.rsplit("::").next().unwrap_or(path),
                "{path}"
            );
            let parent = path.rsplit_once("::").map_or("", |(p, _)| p);
            assert_eq!(parent_path(path), parent, "{path}");
            assert_eq!(
                first_segment(path),
                path.split("::").next().unwrap_or(path),
                "{path}"
            );
        }
    }

    #[test]
    fn aliases_match_whole_segments() {
        assert_eq!(canonical("tokio::task::spawn".into()), "tokio::spawn");
        assert_eq!(
            canonical("tokio::task::spawn_local".into()),
            "tokio::task::spawn_local"
        );
        assert_eq!(
            canonical("tokio::task::spawn_blocking".into()),
            "tokio::task::spawn_blocking"
        );
        assert_eq!(
            canonical("futures::executor::block_on".into()),
            "futures_executor::block_on"
        );
        assert_eq!(canonical("smol::block_on".into()), "async_io::block_on");
        assert_eq!(canonical("core::mem::drop".into()), "std::mem::drop");
        assert_eq!(
            canonical("actix_web::rt::System".into()),
            "actix_rt::System"
        );
        assert_eq!(
            canonical("actix::System::current".into()),
            "actix_rt::System::current"
        );
        assert_eq!(
            canonical("tokio_util::task::join_map::JoinMap".into()),
            "tokio_util::task::JoinMap"
        );
        assert_eq!(
            canonical("tokio_util::future::FutureExt".into()),
            "tokio_util::time::FutureExt"
        );
    }

    #[test]
    fn glob_tables() {
        assert!(glob_exports("tokio::task").unwrap().contains(&"spawn"));
        assert!(glob_exports("my::module").is_none());
    }
}
