//! Receiver provenance: the type of a value as far as syntax can tell, without a type checker.

use super::{BindingId, Res};

/// The runtime flavor a future runs on, or a runtime was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Flavor {
    Unknown,
    CurrentThread,
    MultiThread,
    /// A `LocalSet`, `LocalRuntime` or `flavor = "local"`: current-thread with local tasks.
    Local,
}

impl Flavor {
    /// `block_in_place` panics here.
    pub fn is_current_thread(self) -> bool {
        matches!(self, Flavor::CurrentThread | Flavor::Local)
    }
}

/// Which executor runs a future: what panics depends on it (tokio's checks see only tokio).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Family {
    Unknown,
    Tokio,
    AsyncStd,
    Smol,
    /// `pollster`, `futures_lite::future::block_on` and other park-the-thread executors.
    Blocking,
    /// futures-executor's `block_on` and `LocalPool`: they park the thread too, and mark it,
    /// so that another of them on the same thread panics.
    Futures,
}

/// A known type: a watched library type by canonical path, or a type of the crate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Ty {
    /// A watched type such as `tokio::runtime::Runtime`, with what is known of its runtime.
    Lib {
        path: &'static str,
        flavor: Flavor,
        /// For runtime builders and runtimes built from them: `enable_time`/`enable_all` seen.
        time: bool,
        /// `enable_io`/`enable_all` seen.
        io: bool,
    },
    /// A struct or enum of the crate being linted, by canonical path.
    Crate(String),
    /// A tuple of known parts, from a constructor such as `mpsc::channel`.
    Tuple(Vec<Option<Ty>>),
}

impl Ty {
    pub fn lib(path: &'static str) -> Ty {
        Ty::Lib {
            path,
            flavor: Flavor::Unknown,
            time: true,
            io: true,
        }
    }

    pub fn lib_path(&self) -> Option<&'static str> {
        match self {
            Ty::Lib { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn is(&self, want: &str) -> bool {
        self.lib_path() == Some(want)
    }

    pub fn flavor(&self) -> Flavor {
        match self {
            Ty::Lib { flavor, .. } => *flavor,
            _ => Flavor::Unknown,
        }
    }
}

/// Where a value's type comes from; resolved against the crate index when rules ask.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Prov {
    #[default]
    Unknown,
    Known(Ty),
    /// The value of a local binding.
    Local(BindingId),
    /// `base.field`.
    Field(Box<Prov>, String),
    /// The return value of a crate fn (by resolution of its path).
    Ret(Res),
    /// The return value of method `name` called on `receiver` (a crate method).
    MethodRet(Box<Prov>, String),
    /// The value of a crate `static`, by resolution of its path.
    Static(Res),
    /// Element `n` of a tuple.
    TupleField(Box<Prov>, usize),
}

impl Prov {
    pub fn known(ty: Ty) -> Prov {
        Prov::Known(ty)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Prov::Unknown)
    }
}

/// Runtimes that wait for their threads when dropped (and panic when that happens in async
/// code): the census's drops of runtime values ([`crate::census::is_runtime_type`]).
pub fn is_runtime_type(path: &str) -> bool {
    crate::census::is_runtime_type(path)
}

/// Watched types a receiver can be known as, by canonical path.
const LIB_TYPES: &[&str] = &[
    "tokio::runtime::Runtime",
    "tokio::runtime::LocalRuntime",
    "tokio::runtime::Builder",
    "tokio::runtime::Handle",
    "tokio::runtime::EnterGuard",
    "tokio::task::LocalSet",
    "tokio::task::JoinSet",
    "tokio::task::JoinHandle",
    "tokio_util::task::TaskTracker",
    "tokio_util::task::JoinMap",
    "tokio_util::task::JoinQueue",
    "tokio_util::time::DelayQueue",
    "tokio_util::io::SyncIoBridge",
    "tokio::net::TcpSocket",
    "tokio::net::UnixSocket",
    "tokio::net::unix::pipe::OpenOptions",
    "tokio::process::Command",
    "tokio::time::Interval",
    "tokio::io::Stdout",
    "tokio::io::Stderr",
    "tokio::sync::mpsc::Sender",
    "tokio::sync::mpsc::Receiver",
    "tokio::sync::mpsc::UnboundedSender",
    "tokio::sync::mpsc::UnboundedReceiver",
    "tokio::sync::oneshot::Sender",
    "tokio::sync::oneshot::Receiver",
    "tokio::sync::broadcast::Sender",
    "tokio::sync::broadcast::Receiver",
    "tokio::sync::watch::Sender",
    "tokio::sync::watch::Receiver",
    "tokio::sync::Mutex",
    "tokio::sync::RwLock",
    "tokio::sync::Semaphore",
    "tokio::sync::Notify",
    "actix_rt::System",
    "actix_rt::SystemRunner",
    "actix_rt::Runtime",
    "async_executor::Executor",
    "async_executor::LocalExecutor",
    "async_task::Task",
    "futures_executor::LocalPool",
    "futures_executor::BlockingStream",
    "std::thread::Builder",
    "std::thread::Scope",
    "reqwest::blocking::Client",
    "reqwest::blocking::ClientBuilder",
    "reqwest::blocking::RequestBuilder",
    "reqwest::blocking::Response",
    "std::process::Command",
    "std::io::Stdin",
    "std::sync::mpsc::Sender",
    "std::sync::mpsc::Receiver",
    "std::thread::JoinHandle",
    "pollster::FutureExt",
    "futures_lite::future::FutureExt",
    "rayon::Scope",
];

/// A watched type by its canonical path: one of [`LIB_TYPES`], or a type or trait whose
/// methods the census lists.
pub fn lib_type(path: &str) -> Option<&'static str> {
    LIB_TYPES
        .iter()
        .copied()
        .find(|t| *t == path)
        .or_else(|| crate::census::owner(path))
}

/// Read back from a cache, a library type's path must be one of [`LIB_TYPES`].
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Ty {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Ty, D::Error> {
        /// `Ty` as it is serialized, with an owned path.
        #[derive(serde::Deserialize)]
        enum Repr {
            Lib {
                path: String,
                flavor: Flavor,
                time: bool,
                io: bool,
            },
            Crate(String),
            Tuple(Vec<Option<Ty>>),
        }
        Ok(match Repr::deserialize(d)? {
            Repr::Lib {
                path,
                flavor,
                time,
                io,
            } => Ty::Lib {
                path: lib_type(&path)
                    .ok_or_else(|| serde::de::Error::custom("not a watched type"))?,
                flavor,
                time,
                io,
            },
            Repr::Crate(path) => Ty::Crate(path),
            Repr::Tuple(parts) => Ty::Tuple(parts),
        })
    }
}

/// Smart pointers, cells and results that hand out their content (`Arc<Runtime>` is used as a runtime).
pub fn is_wrapper_type(path: &str) -> bool {
    matches!(
        path,
        "std::sync::Arc"
            | "std::rc::Rc"
            | "std::boxed::Box"
            | "std::option::Option"
            | "std::result::Result"
            | "std::sync::OnceLock"
            | "std::sync::LazyLock"
            | "std::cell::OnceCell"
            | "std::cell::LazyCell"
            | "std::mem::ManuallyDrop"
            | "std::pin::Pin"
            | "std::sync::Mutex"
            | "std::sync::RwLock"
            | "once_cell::sync::Lazy"
            | "once_cell::sync::OnceCell"
            | "once_cell::unsync::Lazy"
            | "once_cell::unsync::OnceCell"
            | "parking_lot::Mutex"
            | "parking_lot::RwLock"
    ) || path.ends_with("::Result") // `io::Result<T>`, `anyhow::Result<T>`: the first argument is the value
}

/// Methods whose result is (a reference to) their receiver's value, or its content.
pub fn is_passthrough_method(name: &str) -> bool {
    matches!(
        name,
        "unwrap"
            | "expect"
            | "unwrap_unchecked"
            | "clone"
            | "as_ref"
            | "as_mut"
            | "borrow"
            | "borrow_mut"
            | "deref"
            | "get"
            | "get_or_init"
            | "get_or_try_init"
            | "get_mut"
            | "lock"
            | "to_owned"
            | "ok"
            | "context"
            | "with_context"
            | "map_err"
            | "ok_or"
            | "ok_or_else"
            | "wrap_err"
            | "into_inner"
    )
}

/// Functions that wrap or share their first argument (`Arc::new(rt)` is still the runtime).
pub fn is_passthrough_fn(path: &str) -> bool {
    matches!(
        path,
        "std::sync::Arc::new"
            | "std::sync::Arc::clone"
            | "std::sync::Arc::from"
            | "std::rc::Rc::new"
            | "std::rc::Rc::clone"
            | "std::boxed::Box::new"
            | "std::option::Option::Some"
            | "std::result::Result::Ok"
            | "std::mem::ManuallyDrop::new"
            | "std::clone::Clone::clone"
    )
}

fn runtime(flavor: Flavor, time: bool, io: bool) -> Ty {
    Ty::Lib {
        path: "tokio::runtime::Runtime",
        flavor,
        time,
        io,
    }
}

fn builder(flavor: Flavor) -> Ty {
    Ty::Lib {
        path: "tokio::runtime::Builder",
        flavor,
        time: false,
        io: false,
    }
}

/// An actix `System`'s runner: a current-thread runtime with a `LocalSet`.
fn actix_system() -> Ty {
    Ty::Lib {
        path: "actix_rt::SystemRunner",
        flavor: Flavor::Local,
        time: true,
        io: true,
    }
}

/// The value a watched constructor or free function returns.
pub fn constructor(path: &str) -> Option<Ty> {
    let channel =
        |tx: &'static str, rx: &'static str| Ty::Tuple(vec![Some(Ty::lib(tx)), Some(Ty::lib(rx))]);
    Some(match path {
        "tokio::runtime::Runtime::new" => runtime(Flavor::MultiThread, true, true),
        "tokio::runtime::Builder::new_current_thread" => builder(Flavor::CurrentThread),
        "tokio::runtime::Builder::new_multi_thread"
        | "tokio::runtime::Builder::new_multi_thread_alt" => builder(Flavor::MultiThread),
        "tokio::runtime::LocalRuntime::new" => Ty::Lib {
            path: "tokio::runtime::LocalRuntime",
            flavor: Flavor::Local,
            time: true,
            io: true,
        },
        "tokio::runtime::Handle::current" | "tokio::runtime::Handle::try_current" => {
            Ty::lib("tokio::runtime::Handle")
        }
        "tokio::task::LocalSet::new" | "tokio::task::LocalSet::default" => {
            Ty::lib("tokio::task::LocalSet")
        }
        "tokio::task::JoinSet::new" | "tokio::task::JoinSet::default" => {
            Ty::lib("tokio::task::JoinSet")
        }
        "tokio_util::task::TaskTracker::new" | "tokio_util::task::TaskTracker::default" => {
            Ty::lib("tokio_util::task::TaskTracker")
        }
        "tokio_util::task::JoinMap::new"
        | "tokio_util::task::JoinMap::default"
        | "tokio_util::task::JoinMap::with_hasher"
        | "tokio_util::task::JoinMap::with_capacity" => Ty::lib("tokio_util::task::JoinMap"),
        "tokio_util::task::JoinQueue::new"
        | "tokio_util::task::JoinQueue::default"
        | "tokio_util::task::JoinQueue::with_capacity" => Ty::lib("tokio_util::task::JoinQueue"),
        "tokio_util::time::DelayQueue::new"
        | "tokio_util::time::DelayQueue::default"
        | "tokio_util::time::DelayQueue::with_capacity" => Ty::lib("tokio_util::time::DelayQueue"),
        "tokio_util::io::SyncIoBridge::new" | "tokio_util::io::SyncIoBridge::new_with_handle" => {
            Ty::lib("tokio_util::io::SyncIoBridge")
        }
        "tokio::net::TcpSocket::new_v4"
        | "tokio::net::TcpSocket::new_v6"
        | "tokio::net::TcpSocket::from_std_stream" => Ty::lib("tokio::net::TcpSocket"),
        "tokio::net::UnixSocket::new_stream" | "tokio::net::UnixSocket::new_datagram" => {
            Ty::lib("tokio::net::UnixSocket")
        }
        "tokio::net::unix::pipe::OpenOptions::new" => {
            Ty::lib("tokio::net::unix::pipe::OpenOptions")
        }
        "tokio::process::Command::new" => Ty::lib("tokio::process::Command"),
        "tokio::io::stdout" => Ty::lib("tokio::io::Stdout"),
        "tokio::io::stderr" => Ty::lib("tokio::io::Stderr"),
        "tokio::time::interval" | "tokio::time::interval_at" => Ty::lib("tokio::time::Interval"),
        "tokio::spawn"
        | "tokio::task::spawn_blocking"
        | "tokio::task::spawn_local"
        | "actix_rt::spawn" => Ty::lib("tokio::task::JoinHandle"),
        "tokio::sync::mpsc::channel" => {
            channel("tokio::sync::mpsc::Sender", "tokio::sync::mpsc::Receiver")
        }
        "tokio::sync::mpsc::unbounded_channel" => channel(
            "tokio::sync::mpsc::UnboundedSender",
            "tokio::sync::mpsc::UnboundedReceiver",
        ),
        "tokio::sync::oneshot::channel" => channel(
            "tokio::sync::oneshot::Sender",
            "tokio::sync::oneshot::Receiver",
        ),
        "tokio::sync::broadcast::channel" => channel(
            "tokio::sync::broadcast::Sender",
            "tokio::sync::broadcast::Receiver",
        ),
        "tokio::sync::watch::channel" => {
            channel("tokio::sync::watch::Sender", "tokio::sync::watch::Receiver")
        }
        "tokio::sync::Mutex::new" | "tokio::sync::Mutex::const_new" => {
            Ty::lib("tokio::sync::Mutex")
        }
        "tokio::sync::RwLock::new" | "tokio::sync::RwLock::const_new" => {
            Ty::lib("tokio::sync::RwLock")
        }
        "tokio::sync::Semaphore::new" | "tokio::sync::Semaphore::const_new" => {
            Ty::lib("tokio::sync::Semaphore")
        }
        "tokio::sync::Notify::new" | "tokio::sync::Notify::const_new" => {
            Ty::lib("tokio::sync::Notify")
        }
        "actix_rt::System::new" => actix_system(),
        "actix_rt::Runtime::new" => Ty::Lib {
            path: "actix_rt::Runtime",
            flavor: Flavor::Local,
            time: true,
            io: true,
        },
        "async_executor::Executor::new" | "async_executor::Executor::default" => {
            Ty::lib("async_executor::Executor")
        }
        "async_executor::LocalExecutor::new" => Ty::lib("async_executor::LocalExecutor"),
        "futures_executor::LocalPool::new" => Ty::lib("futures_executor::LocalPool"),
        "std::thread::Builder::new" => Ty::lib("std::thread::Builder"),
        "std::process::Command::new" => Ty::lib("std::process::Command"),
        "reqwest::blocking::Client::new" => Ty::lib("reqwest::blocking::Client"),
        "reqwest::blocking::get" => Ty::lib("reqwest::blocking::Response"),
        "futures_executor::block_on_stream" => Ty::lib("futures_executor::BlockingStream"),
        "reqwest::blocking::Client::builder" | "reqwest::blocking::ClientBuilder::new" => {
            Ty::lib("reqwest::blocking::ClientBuilder")
        }
        "std::io::stdin" => Ty::lib("std::io::Stdin"),
        "std::sync::mpsc::channel" | "std::sync::mpsc::sync_channel" => {
            channel("std::sync::mpsc::Sender", "std::sync::mpsc::Receiver")
        }
        "std::thread::spawn" => Ty::lib("std::thread::JoinHandle"),
        _ => return None,
    })
}

/// The value a method of a watched type returns, where it matters.
pub fn method_result(receiver: &Ty, method: &str) -> Option<Ty> {
    let Ty::Lib {
        path,
        flavor,
        time,
        io,
    } = receiver
    else {
        return None;
    };
    let (flavor, mut time, mut io) = (*flavor, *time, *io);
    match (*path, method) {
        ("tokio::runtime::Builder", "build") => Some(runtime(flavor, time, io)),
        ("tokio::runtime::Builder", "build_local") => Some(Ty::Lib {
            path: "tokio::runtime::LocalRuntime",
            flavor: Flavor::Local,
            time,
            io,
        }),
        ("tokio::runtime::Builder", _) => {
            match method {
                "enable_all" => (time, io) = (true, true),
                "enable_time" | "enable_alt_timer" => time = true,
                "enable_io" => io = true,
                _ => {}
            }
            Some(Ty::Lib {
                path,
                flavor,
                time,
                io,
            })
        }
        ("tokio::runtime::Runtime" | "tokio::runtime::LocalRuntime", "handle")
        | ("tokio::runtime::Handle", "clone") => Some(Ty::Lib {
            path: "tokio::runtime::Handle",
            flavor,
            time,
            io,
        }),
        (
            "tokio::runtime::Runtime" | "tokio::runtime::LocalRuntime" | "tokio::runtime::Handle",
            "enter",
        ) => Some(Ty::lib("tokio::runtime::EnterGuard")),
        (
            "tokio::runtime::Runtime"
            | "tokio::runtime::LocalRuntime"
            | "tokio::runtime::Handle"
            | "tokio::task::LocalSet",
            "spawn" | "spawn_blocking" | "spawn_local",
        ) => Some(Ty::lib("tokio::task::JoinHandle")),
        ("tokio::sync::broadcast::Sender", "subscribe") => {
            Some(Ty::lib("tokio::sync::broadcast::Receiver"))
        }
        ("tokio::sync::watch::Sender", "subscribe") => {
            Some(Ty::lib("tokio::sync::watch::Receiver"))
        }
        ("actix_rt::System", "new") => Some(actix_system()),
        ("tokio::task::LocalSet", "unhandled_panic") => Some(Ty::lib("tokio::task::LocalSet")),
        (
            "std::process::Command",
            "arg" | "args" | "env" | "envs" | "env_remove" | "env_clear" | "current_dir" | "stdin"
            | "stdout" | "stderr",
        ) => Some(Ty::lib("std::process::Command")),
        ("std::io::Stdin", "lock") => Some(Ty::lib("std::io::Stdin")),
        (
            "tokio::process::Command",
            "arg" | "args" | "env" | "envs" | "env_remove" | "env_clear" | "current_dir" | "stdin"
            | "stdout" | "stderr" | "kill_on_drop" | "uid" | "gid" | "arg0" | "process_group"
            | "creation_flags",
        ) => Some(Ty::lib("tokio::process::Command")),
        ("tokio::net::unix::pipe::OpenOptions", "read_write" | "unchecked") => {
            Some(Ty::lib("tokio::net::unix::pipe::OpenOptions"))
        }
        ("reqwest::blocking::ClientBuilder", "build") => Some(Ty::lib("reqwest::blocking::Client")),
        (
            "reqwest::blocking::Client",
            "get" | "post" | "put" | "patch" | "delete" | "head" | "request",
        ) => Some(Ty::lib("reqwest::blocking::RequestBuilder")),
        ("reqwest::blocking::RequestBuilder", "send")
        | ("reqwest::blocking::Client", "execute") => Some(Ty::lib("reqwest::blocking::Response")),
        ("reqwest::blocking::RequestBuilder", _) => {
            Some(Ty::lib("reqwest::blocking::RequestBuilder"))
        }
        ("reqwest::blocking::ClientBuilder", _) => {
            Some(Ty::lib("reqwest::blocking::ClientBuilder"))
        }
        ("std::thread::Builder", "spawn") => Some(Ty::lib("std::thread::JoinHandle")),
        ("std::thread::Builder", "name" | "stack_size" | "no_hooks") => {
            Some(Ty::lib("std::thread::Builder"))
        }
        _ => None,
    }
}
