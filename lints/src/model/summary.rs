//! What a crate's fns do to their callers, as seen from another crate: the summary a library
//! hands to the crates that depend on it (its package's binaries, tests, examples and benches,
//! other workspace packages, any crate that depends on it).
//!
//! A summary is made by checking the library once ([`crate::check_crate`]) and is plain data:
//! the driver keeps it in memory, caches it on disk, and a build system can compute it as one
//! action per crate and hand it to dependents, as rustc hands on `.rmeta` files. A dependent
//! resolves paths into the library (`my_lib::client::Client::connect`) to its fns, and a call
//! to one that blocks on a runtime, needs one, or builds and drops one is a finding at the
//! call, with the library's chain down to the place in a note.

use super::krate::SyncRoot;
use super::types::{Family, Flavor, Ty};

/// The version of the summary format; a summary of another version is not read.
pub const SUMMARY_FORMAT: u32 = 1;

/// A library's fns, types and re-exports, with paths as dependents write them: its crate name
/// in place of `crate`.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CrateSummary {
    pub format: u32,
    /// The crate name dependents use (the library target's name, `-` as `_`).
    pub name: String,
    pub fns: Vec<FnSummary>,
    pub structs: Vec<StructSummary>,
    /// `use` items of modules: the path they define and the path it stands for.
    pub aliases: Vec<(String, String)>,
    /// Glob `use` items of modules: the module and the module whose names it takes.
    pub globs: Vec<(String, String)>,
    /// `impl Trait for Type`: the type and the trait.
    pub impls: Vec<(String, String)>,
}

impl CrateSummary {
    /// Whether any fn has an effect on its callers: only then can a dependent find anything
    /// through this crate.
    pub fn has_effects(&self) -> bool {
        self.fns
            .iter()
            .any(|f| !f.effects.is_empty() || f.entry.is_some())
    }
}

/// A fn or method of the library.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FnSummary {
    /// `my_lib::client::Client::connect`.
    pub path: String,
    pub name: String,
    /// The self type of the impl the fn is in, if any.
    pub impl_ty: Option<String>,
    pub trait_name: Option<String>,
    pub is_async: bool,
    pub has_self: bool,
    pub self_by_value: bool,
    /// A runtime-entry attribute: calling the fn builds a runtime and blocks on it.
    pub entry: Option<EntrySummary>,
    /// The type it returns, where known.
    pub ret: Option<Ty>,
    pub ret_shared: bool,
    pub ret_ref: bool,
    /// What the fn does with a closure given for each parameter (the receiver not counted).
    pub params: Vec<ParamRole>,
    /// What calling the fn does where it is called.
    pub effects: Vec<Effect>,
    /// For an async fn run as a task: the call in it that changes something outside the task
    /// (a write, a send), if the task finishes; its work is lost if the task is cut off.
    pub task_work: Option<ChainLink>,
    /// Where the fn is defined: the path as shown to the user, and the line.
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EntrySummary {
    pub attr: String,
    pub flavor: Flavor,
    pub family: Family,
    pub is_test: bool,
}

/// What a fn does with a closure passed to one of its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ParamRole {
    /// Calls it before returning, where the fn runs (`f()`, under `catch_unwind`, ...).
    InPlace,
    /// Runs it on a thread of this kind (`std::thread::spawn(f)`, `spawn_blocking(f)`).
    Root(SyncRoot),
    /// Stores it, or the model cannot tell.
    Unknown,
}

/// A struct of the library, with what dependents need to follow values of it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StructSummary {
    pub path: String,
    pub fields: Vec<(String, Option<Ty>)>,
    /// The field (`rt`, `inner.rt`) through which a value owns a tokio runtime and drops it
    /// when it is dropped.
    pub runtime_field: Option<String>,
    /// The type implements `Drop`.
    pub has_drop: bool,
}

/// What a call to a fn does in its caller's context, and the chain that leads there.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Effect {
    pub kind: SinkKind,
    /// Every link of the chain and the sink itself are certain.
    pub certain: bool,
    /// The sink as written: `Runtime::block_on`, `tokio::spawn`.
    pub sink: String,
    /// From the fn to the sink: each fn called on the way, then the sink, with its place.
    pub chain: Vec<ChainLink>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChainLink {
    /// A fn's name, or the sink as written.
    pub what: String,
    pub file: String,
    pub line: u32,
}

/// What a call does that is wrong in some places: the sinks rules look for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SinkKind {
    /// Blocks the thread on a tokio runtime (`block_on`, a `#[tokio::main]` fn): panics on a
    /// thread that drives async tasks.
    BlockOnRuntime,
    /// Parks the thread on another executor (`futures::executor::block_on`, `pollster`).
    BlockOnExecutor(Family),
    /// A tokio `blocking_*` method: panics in async code.
    BlockingMethod,
    /// `tokio::task::block_in_place`: panics on a current-thread runtime.
    BlockInPlace,
    /// Needs a tokio runtime context (`tokio::spawn`, `Handle::current`, timers, sockets).
    NeedsRuntime,
    /// `tokio::task::spawn_local`: needs a `LocalSet` or `LocalRuntime`.
    SpawnLocal,
    /// Blocks the thread (`std::thread::sleep`, std IO, `reqwest::blocking`).
    Blocking,
    /// Needs the runtime's timer driver.
    NeedsTime,
    /// Needs the runtime's IO driver.
    NeedsIo,
    /// Builds a tokio runtime and drops it: panics in async code (a fn of the crate that
    /// does, or `reqwest::blocking` in debug builds).
    DropsRuntime,
    /// Leaves a task running that does work (a write, a send) and whose handle is lost: the
    /// end of the caller's runtime cuts it off.
    LeavesTask,
    /// A tokio future that needs a runtime context when it is first polled (`TcpStream::connect`,
    /// `tokio::fs::read`): panics where another executor polls it on a thread without one.
    NeedsRuntimePolled,
    /// Needs an actix `System` on the thread (`System::current`, `Arbiter::new`).
    NeedsActixSystem,
    /// Runs a futures-executor executor (`futures::executor::block_on`, `LocalPool::run`):
    /// panics inside another one.
    RunsFuturesExecutor,
}
