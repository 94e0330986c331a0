//! What the watched libraries' APIs do, by canonical path. What panics where comes from the
//! panic census ([`crate::census`], `lints/data/panics.toml`): which calls need a runtime
//! context or one of its drivers, which block on a runtime, which drive a future. The lists
//! here hold what is not a panic: std's blocking calls, the drivers that never panic, the
//! runtime probes. The model classifies calls with these tables ([`super::sinks`]); rules
//! never name an API.

use super::krate::Driver;
use super::types::Family;
use crate::census;
use foldhash::{HashMap, HashMapExt};
use std::sync::LazyLock;

/// Functions and methods that block the thread, by canonical path.
const BLOCKING: &[&str] = &[
    "std::thread::sleep",
    "std::fs::read",
    "std::fs::read_to_string",
    "std::fs::write",
    "std::fs::copy",
    "std::fs::create_dir",
    "std::fs::create_dir_all",
    "std::fs::remove_file",
    "std::fs::remove_dir",
    "std::fs::remove_dir_all",
    "std::fs::rename",
    "std::fs::metadata",
    "std::fs::read_dir",
    "std::fs::canonicalize",
    "std::fs::File::open",
    "std::fs::File::create",
    "std::net::TcpStream::connect",
    "std::net::TcpStream::connect_timeout",
    "std::process::Command::output",
    "std::process::Command::status",
    "std::io::Stdin::read_line",
    "std::io::Stdin::read_to_string",
    "std::sync::mpsc::Receiver::recv",
    "std::sync::mpsc::Receiver::recv_timeout",
    "std::thread::JoinHandle::join",
];

/// Whole modules whose free functions block. (`reqwest::blocking` is in the census: in async
/// code its calls panic in debug builds.)
const BLOCKING_MODULES: &[&str] = &["ureq::"];

/// Whether a call blocks the thread: one of [`BLOCKING`], a free function of a blocking module,
/// or a configured blocking function.
pub fn is_blocking(path: &str, free_fn: bool, configured: &[String]) -> bool {
    BLOCKING.contains(&path)
        || free_fn && BLOCKING_MODULES.iter().any(|p| path.starts_with(p))
        || configured.iter().any(|c| c == path)
}

/// Blocking calls that wait for something another thread or task does, or sleep: reported
/// through chains of calls too. A sync helper that reads a small file is common and rarely
/// what stalls a runtime; one that sleeps or waits on a channel is.
pub fn blocks_long(path: &str) -> bool {
    matches!(
        path,
        "std::thread::sleep"
            | "std::sync::mpsc::Receiver::recv"
            | "std::sync::mpsc::Receiver::recv_timeout"
            | "std::thread::JoinHandle::join"
            | "std::io::Stdin::read_line"
            | "std::io::Stdin::read_to_string"
    )
}

/// Drivers that run the future they are given and never panic for where they are called:
/// they name their runtime or set (the census lists only what panics).
const NAMED_DRIVERS: &[(&str, Driver)] = &[
    ("tokio::runtime::Runtime::spawn", Driver::Spawn),
    ("tokio::runtime::Handle::spawn", Driver::Spawn),
    ("tokio::runtime::LocalRuntime::spawn_local", Driver::Local),
    ("tokio::task::LocalSet::spawn_local", Driver::Local),
    ("tokio::task::LocalSet::run_until", Driver::Local),
    (
        "futures_executor::LocalPool::run_until",
        Driver::OtherBlockOn(Family::Futures),
    ),
];

/// The executor family of a census API that parks the thread on a future of its own.
fn blocking_family(path: &str) -> Family {
    match super::paths::first_segment(path) {
        "futures_executor" => Family::Futures,
        "async_io" => Family::Smol,
        "async_std" => Family::AsyncStd,
        _ => Family::Blocking,
    }
}

/// Every driver, by canonical path: from the census, a runtime's `block_on` (which panics on
/// a thread that drives a runtime), another executor's `block_on` (which parks the thread),
/// a spawn onto the current runtime (which needs one) and a spawn onto the current `LocalSet`;
/// and the drivers that never panic.
static DRIVERS: LazyLock<HashMap<&'static str, Driver>> = LazyLock::new(|| {
    let mut out = HashMap::new();
    for p in census::PANICS.iter().filter(|p| p.decidable()) {
        for a in p.apis {
            let name = super::paths::last_segment(a.path);
            let driver = match p.need {
                census::Need::NotInRuntime if name == "block_on" => Driver::TokioBlockOn,
                census::Need::BlocksThread => Driver::OtherBlockOn(blocking_family(a.path)),
                census::Need::Runtime if name == "spawn" && a.at == census::At::Call => {
                    Driver::Spawn
                }
                census::Need::LocalSet => Driver::Local,
                _ => continue,
            };
            out.insert(a.path, driver);
        }
    }
    out.extend(NAMED_DRIVERS.iter().copied());
    out
});

/// The driver a watched API is, if it runs or blocks on a future it is given.
pub fn driver(path: &str) -> Option<Driver> {
    DRIVERS.get(path).copied()
}

/// Calls that register an actix `System` on the calling thread: after them, code on that
/// thread has one (even before the runner's `block_on`).
pub fn registers_actix_system(path: &str) -> bool {
    matches!(
        path,
        "actix_rt::System::new"
            | "actix_rt::System::with_tokio_rt"
            | "actix_rt::System::set_current"
    )
}

/// Calls by which code checks at run time whether a runtime is there, or which kind it is,
/// before using it: a fn that makes one is taken to guard its runtime-dependent calls.
pub fn is_runtime_probe(path: &str) -> bool {
    matches!(
        path,
        "tokio::runtime::Handle::try_current"
            | "tokio::runtime::Handle::runtime_flavor"
            | "actix_rt::System::try_current"
    )
}
