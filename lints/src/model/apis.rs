//! What the watched libraries' APIs do, by canonical path: which block the thread, which need a
//! runtime context or one of its drivers. The model classifies calls with these tables
//! ([`super::sinks`]); rules never name an API.

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
    "reqwest::blocking::Client::new",
    "reqwest::blocking::Client::execute",
    "reqwest::blocking::ClientBuilder::build",
    "reqwest::blocking::RequestBuilder::send",
];

/// Whole modules whose free functions block.
const BLOCKING_MODULES: &[&str] = &["reqwest::blocking::", "ureq::"];

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
    ) || path.starts_with("reqwest::blocking::")
}

/// tokio's blocking methods: name, argument count, and the async method to use instead.
pub const TOKIO_BLOCKING_METHODS: &[(&str, usize, &str)] = &[
    ("blocking_recv", 0, "recv"),
    ("blocking_recv_many", 2, "recv_many"),
    ("blocking_send", 1, "send"),
    ("blocking_lock", 0, "lock"),
    ("blocking_lock_owned", 0, "lock_owned"),
    ("blocking_read", 0, "read"),
    ("blocking_write", 0, "write"),
    ("blocking_acquire", 0, "acquire"),
    ("blocking_acquire_many", 1, "acquire_many"),
    ("blocking_acquire_owned", 0, "acquire_owned"),
    ("blocking_acquire_many_owned", 1, "acquire_many_owned"),
];

/// The async counterpart of a tokio blocking method.
pub fn tokio_blocking_method(name: &str) -> Option<(usize, &'static str)> {
    TOKIO_BLOCKING_METHODS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|&(_, argc, async_name)| (argc, async_name))
}

/// tokio functions that need the runtime's timer driver.
pub fn needs_time(path: &str) -> bool {
    matches!(
        path,
        "tokio::time::sleep"
            | "tokio::time::sleep_until"
            | "tokio::time::interval"
            | "tokio::time::interval_at"
            | "tokio::time::timeout"
            | "tokio::time::timeout_at"
    )
}

/// tokio functions that need the runtime's IO driver.
pub fn needs_io(path: &str) -> bool {
    matches!(
        path,
        "tokio::net::TcpListener::bind"
            | "tokio::net::TcpStream::connect"
            | "tokio::net::UdpSocket::bind"
            | "tokio::net::UnixListener::bind"
            | "tokio::net::UnixStream::connect"
            | "tokio::net::lookup_host"
            | "tokio::signal::ctrl_c"
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
