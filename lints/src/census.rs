//! The panic census: every runtime-misuse panic site of tokio, tokio-util, tokio-stream,
//! futures-executor, async-std, smol / async-executor / async-io, actix-rt, pollster and
//! `reqwest::blocking`, the public APIs that reach each one, and the lint that finds it.
//!
//! The data lives in `lints/data/panics.toml`; `lints/build.rs` turns it into [`PANICS`], and
//! the accessors below answer the questions the model asks (which APIs need a runtime context,
//! the time driver, a `LocalSet`, ...). Teaching the tool one more API is one line of data.
//! [`markdown`] renders `docs/panics.md` from the same tables.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::fmt::Write as _;
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/census.rs"));

/// One panic site and misuse condition.
#[derive(Debug)]
pub struct Panic {
    pub id: &'static str,
    /// The crate whose code panics (or decides the outcome), as published.
    pub krate: &'static str,
    pub version: &'static str,
    /// Relative to the crate's root.
    pub file: &'static str,
    pub line: u32,
    /// The text printed after "panicked at <location>:" (an error row: the error's text);
    /// empty for hangs and look-alikes.
    pub message: &'static str,
    pub condition: &'static str,
    pub outcome: Outcome,
    pub need: Need,
    /// A lint name, `new:<name>`, `undecidable: <why>` or `none: <why>`: see [`Panic::lint`].
    pub lint: &'static str,
    /// The panic happens only with debug assertions.
    pub debug_only: bool,
    pub note: &'static str,
    pub apis: &'static [Api],
}

/// One public API that reaches a panic site.
#[derive(Debug)]
pub struct Api {
    /// The canonical path, as the model names it (`Type::method`, `Trait::method`).
    pub path: &'static str,
    pub at: At,
    pub status: Status,
    /// The fixture line that holds it (`caught`), or the line to add (`untested`).
    pub fixture: Option<Fixture>,
    /// `<program>/<scenario>` of the verification program that ran it.
    pub run: &'static str,
    /// Why it was confirmed by reading the code only (when `run` is empty).
    pub read: &'static str,
    /// For tokio's blocking methods: the async method to use instead.
    pub instead: &'static str,
    /// For tokio's blocking methods and extension-trait methods: the number of arguments
    /// (none: no argument).
    pub args: Option<u8>,
}

/// A line of `ui-tests/<file>` marked `//~ <lint>` that contains `text`.
#[derive(Debug)]
pub struct Fixture {
    pub file: &'static str,
    pub text: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Panic,
    /// The thread blocks forever.
    Hang,
    /// An `Err` is returned.
    Error,
    /// A look-alike that does not panic.
    None,
}

/// When the API reaches the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// When it is called.
    Call,
    /// When the future it returns is first polled.
    Poll,
    /// When the value is dropped.
    Drop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The lint reports it today, and a fixture line holds it.
    Caught,
    /// The lint reports it today (checked by running the tool), but no fixture line holds it.
    Untested,
    /// The lint does not report it yet.
    Gap,
    /// No lint: undecidable, no panic, or argument validation.
    None,
}

/// What the code around the call must (or must not) have: the table a row feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// A tokio runtime context on the thread.
    Runtime,
    /// A tokio runtime context where the future is polled.
    RuntimePolled,
    /// A runtime built with the time driver.
    Time,
    /// A runtime built with the IO driver.
    Io,
    /// A `LocalSet` (or `LocalRuntime`) running the code.
    LocalSet,
    /// A thread that is allowed to block: not one that drives a runtime.
    NotBlockingRegion,
    /// A thread that does not drive a runtime already (it starts one).
    NotInRuntime,
    /// A multi-thread runtime's worker.
    MultiThread,
    /// The runtime still running.
    RuntimeAlive,
    /// Enter guards dropped in reverse order.
    EnterOrder,
    /// A task running (not a `block_on` future).
    Task,
    /// A clock that can be paused, in the matching state.
    PausedClock,
    /// A task-local scope (tokio) or task (async-std).
    TaskLocal,
    /// An actix `System` registered on the thread.
    ActixSystem,
    /// No futures executor running on the thread.
    NoFuturesExecutor,
    /// Blocks the thread until its future completes.
    BlocksThread,
    /// Runs on the blocking pool: needs no driver.
    BlockingPool,
    /// Ends a runtime without waiting: no panic.
    NoPanic,
    /// Argument validation, not runtime misuse.
    Argument,
}

/// The lint column of a row, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintRef {
    /// An existing lint.
    Existing(&'static str),
    /// A proposed lint.
    New(&'static str),
    /// No lint can see it, and why.
    Undecidable(&'static str),
    /// No lint is needed, and why.
    NoLint(&'static str),
}

impl Panic {
    pub fn lint(&self) -> LintRef {
        let l = self.lint;
        if let Some(name) = l.strip_prefix("new:") {
            LintRef::New(name)
        } else if let Some(why) = l.strip_prefix("undecidable: ") {
            LintRef::Undecidable(why)
        } else if let Some(why) = l.strip_prefix("none: ") {
            LintRef::NoLint(why)
        } else {
            LintRef::Existing(l)
        }
    }

    /// A misuse some lint can decide: the row panics (or hangs) and names a lint, existing or new.
    pub fn decidable(&self) -> bool {
        matches!(self.outcome, Outcome::Panic | Outcome::Hang)
            && matches!(self.lint(), LintRef::Existing(_) | LintRef::New(_))
    }
}

/// The APIs of the decidable rows that feed `need`, with their rows.
pub fn apis_with(need: Need) -> impl Iterator<Item = (&'static Panic, &'static Api)> {
    PANICS
        .iter()
        .filter(move |p| p.need == need && p.decidable())
        .flat_map(|p| p.apis.iter().map(move |a| (p, a)))
}

/// Every row that lists an API, by the API's path, and the APIs of tokio's blocking methods by
/// method name: the model looks up every call of every checked crate, so each lookup is one
/// hash and a scan of the few rows that name the path.
struct Index {
    by_path: HashMap<&'static str, Vec<(&'static Panic, &'static Api)>>,
    blocking_by_name: HashMap<&'static str, Vec<&'static Api>>,
    /// The owners of census methods (`tokio::net::TcpSocket` of `TcpSocket::listen`).
    owners: HashSet<&'static str>,
    /// See [`runtime_types`].
    runtime_types: HashSet<&'static str>,
    /// Methods of extension traits by name: the trait and the method's argument count.
    ext_methods: HashMap<&'static str, Vec<(&'static str, usize)>>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut by_path: HashMap<&'static str, Vec<(&'static Panic, &'static Api)>> = HashMap::new();
    let mut blocking_by_name: HashMap<&'static str, Vec<&'static Api>> = HashMap::new();
    let mut owners = HashSet::new();
    for p in PANICS {
        for a in p.apis {
            by_path.entry(a.path).or_default().push((p, a));
            if let Some((owner, _)) = a.path.rsplit_once("::") {
                owners.insert(owner);
            }
        }
    }
    let mut ext_methods: HashMap<&'static str, Vec<(&'static str, usize)>> = HashMap::new();
    for p in PANICS {
        for a in p.apis {
            let Some((owner, name)) = a.path.rsplit_once("::") else {
                continue;
            };
            if is_extension_trait(owner) {
                let argc = a.args.map_or(0, usize::from);
                let list = ext_methods.entry(name).or_default();
                if !list.contains(&(owner, argc)) {
                    list.push((owner, argc));
                }
            }
        }
    }
    for (_, a) in apis_with(Need::NotBlockingRegion).filter(|(_, a)| a.args.is_some()) {
        let name = a.path.rsplit("::").next().unwrap_or(a.path);
        blocking_by_name.entry(name).or_default().push(a);
    }
    Index {
        by_path,
        blocking_by_name,
        owners,
        runtime_types: runtime_types().collect(),
        ext_methods,
    }
});

/// Whether a census owner is an extension trait (`FutureExt`, `StreamExt`): its methods are
/// called on values of any type, once the trait is in scope.
pub fn is_extension_trait(owner: &str) -> bool {
    owner
        .rsplit("::")
        .next()
        .is_some_and(|name| name.ends_with("Ext"))
}

/// The extension traits with a census method `name` taking `argc` arguments.
pub fn extension_traits_with(name: &str, argc: usize) -> impl Iterator<Item = &'static str> {
    INDEX
        .ext_methods
        .get(name)
        .into_iter()
        .flatten()
        .filter(move |(_, n)| *n == argc)
        .map(|(owner, _)| *owner)
}

/// The rows that list `path`, with the API's entry in each.
pub fn rows_of(path: &str) -> &'static [(&'static Panic, &'static Api)] {
    INDEX.by_path.get(path).map_or(&[], Vec::as_slice)
}

/// Whether `path` is a method of a type or trait the census names (`tokio::net::TcpSocket`),
/// as the census spells it.
pub fn owner(path: &str) -> Option<&'static str> {
    INDEX.owners.get(path).copied()
}

fn has(need: Need, at: Option<At>, path: &str) -> bool {
    rows_of(path)
        .iter()
        .any(|(p, a)| p.need == need && p.decidable() && at.is_none_or(|at| a.at == at))
}

/// tokio APIs that look up the current runtime when called, and panic without one.
pub fn needs_runtime_context(path: &str) -> bool {
    has(Need::Runtime, Some(At::Call), path)
}

/// tokio futures that look up the current runtime when first polled, and panic without one.
pub fn needs_runtime_when_polled(path: &str) -> bool {
    has(Need::Runtime, Some(At::Poll), path) || has(Need::RuntimePolled, Some(At::Poll), path)
}

/// APIs that panic on a runtime built without `enable_time`.
pub fn needs_time_driver(path: &str) -> bool {
    has(Need::Time, None, path)
}

/// APIs that panic on a runtime built without `enable_io`.
pub fn needs_io_driver(path: &str) -> bool {
    has(Need::Io, None, path)
}

/// APIs that panic unless a `LocalSet` (or `LocalRuntime`) runs the code.
pub fn needs_local_set(path: &str) -> bool {
    has(Need::LocalSet, None, path)
}

/// APIs that block on a runtime of their own, and panic on a thread that drives one.
pub fn blocks_on_runtime(path: &str) -> bool {
    has(Need::NotInRuntime, None, path)
}

/// APIs that block the thread and panic on one that drives a runtime: tokio's blocking methods,
/// a runtime's drop, `reqwest::blocking` (debug builds).
pub fn blocks_in_runtime(path: &str) -> bool {
    has(Need::NotBlockingRegion, None, path)
}

/// Calls that panic on a thread that drives a runtime because they build and drop a runtime
/// of their own there (`reqwest::blocking` in debug builds): the rows of a runtime's drop whose
/// API is a call, not the drop of a runtime value or one of tokio's blocking methods.
pub fn drops_own_runtime(path: &str) -> bool {
    rows_of(path).iter().any(|(p, a)| {
        p.need == Need::NotBlockingRegion
            && p.decidable()
            && a.at == At::Call
            && a.args.is_none()
            && !is_runtime_type(a.path.rsplit_once("::").map_or("", |(owner, _)| owner))
    })
}

/// Types whose drop waits for their runtime's threads, and panics on a thread that drives a
/// runtime (`tokio::runtime::Runtime`, actix's `SystemRunner`).
pub fn runtime_types() -> impl Iterator<Item = &'static str> {
    apis_with(Need::NotBlockingRegion)
        .filter(|(_, a)| a.at == At::Drop)
        .filter_map(|(_, a)| a.path.strip_suffix("::drop"))
}

/// Whether values of `ty` end a runtime when dropped (see [`runtime_types`]).
pub fn is_runtime_type(ty: &str) -> bool {
    INDEX.runtime_types.contains(ty)
}

/// tokio's blocking methods (`blocking_recv`, ...): path, async replacement, argument count.
pub fn tokio_blocking_methods() -> impl Iterator<Item = &'static Api> {
    apis_with(Need::NotBlockingRegion)
        .map(|(_, a)| a)
        .filter(|a| a.args.is_some())
}

/// The blocking method at `path`, with its async replacement.
pub fn tokio_blocking_method(path: &str) -> Option<&'static Api> {
    rows_of(path)
        .iter()
        .map(|(_, a)| *a)
        .find(|a| a.args.is_some() && blocks_in_runtime(a.path))
}

/// tokio's blocking methods named `name`, on any of their types, in the order of the data.
pub fn tokio_blocking_methods_named(name: &str) -> &'static [&'static Api] {
    INDEX.blocking_by_name.get(name).map_or(&[], Vec::as_slice)
}

/// APIs that panic unless a multi-thread runtime's worker runs them.
pub fn needs_multi_thread(path: &str) -> bool {
    has(Need::MultiThread, None, path)
}

/// APIs that panic outside a task.
pub fn needs_task(path: &str) -> bool {
    has(Need::Task, None, path)
}

/// APIs that panic without an actix `System` on the thread.
pub fn needs_actix_system(path: &str) -> bool {
    has(Need::ActixSystem, None, path)
}

/// APIs that run a futures executor, and panic inside another one.
pub fn runs_futures_executor(path: &str) -> bool {
    has(Need::NoFuturesExecutor, None, path)
}

/// Executors that block the calling thread until their future completes.
pub fn blocks_thread(path: &str) -> bool {
    has(Need::BlocksThread, None, path)
}

/// APIs that need a clock that can be paused, in the matching state (`tokio::time::pause`).
pub fn needs_paused_clock(path: &str) -> bool {
    has(Need::PausedClock, None, path)
}

/// The panic message of the decidable row of `need` that lists `path`.
pub fn message_of(path: &str, need: Need) -> Option<&'static str> {
    rows_of(path)
        .iter()
        .find(|(p, _)| p.need == need && p.decidable() && !p.message.is_empty())
        .map(|(p, _)| p.message)
}

/// Whether every decidable row that lists `path` panics only with debug assertions on.
pub fn panics_only_in_debug(path: &str) -> bool {
    let mut rows = rows_of(path)
        .iter()
        .filter(|(p, _)| p.decidable())
        .peekable();
    rows.peek().is_some() && rows.all(|(p, _)| p.debug_only)
}

/// Whether a census row confirms that `path` does not panic in the situation of `need`'s rows
/// (the look-alikes a lint must not report: `shutdown_background` in async code, ...).
pub fn confirmed_harmless(path: &str) -> bool {
    rows_of(path)
        .iter()
        .any(|(p, _)| p.outcome == Outcome::None)
}

/// The rows whose message appears in `log` (a line copied from a panic).
pub fn rows_for_message(log: &str) -> impl Iterator<Item = &'static Panic> + '_ {
    PANICS
        .iter()
        .filter(move |p| !p.message.is_empty() && log.contains(p.message))
}

/// `docs/panics.md`.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("<!-- Generated from lints/data/panics.toml by `appstract_lints::census::markdown`; edit the data, then run `BLESS=1 cargo test -p appstract-lints --test census`. -->\n\n");
    out.push_str("# Runtime panics and the lints that find them\n\n");
    out.push_str("Found a panic in a log? Search this page for its message. Each entry says when the panic happens, which calls reach it, and which lint of `cargo appstract-lint` reports the code before it ships, or why none can.\n\n");
    out.push_str("In the tables, *reported* means the lint reports that call today; *not yet* means the lint named should report it and does not yet; a lint marked *proposed* does not exist yet. *When* says whether the call panics when made, when the future it returns is first polled, or when the value is dropped. *Confirmed* says how the row was checked: *ran* means a small program made that call in that situation against the crate versions below and printed the panic shown (the data file names each program and scenario); *read* means the code path was followed in the crate's source only.\n\n");
    let mut versions: Vec<(&str, &str)> = PANICS.iter().map(|p| (p.krate, p.version)).collect();
    versions.sort();
    versions.dedup();
    out.push_str("Crate versions: ");
    let list: Vec<String> = versions.iter().map(|(k, v)| format!("{k} {v}")).collect();
    out.push_str(&list.join(", "));
    out.push_str(". tokio-util and tokio-stream have no panic site of their own: their calls reach tokio's. smol, async-executor, async-io, async-std's executor and pollster have no runtime-misuse panic (see the last sections).\n\n");

    let panics = PANICS
        .iter()
        .filter(|p| p.outcome == Outcome::Panic && p.need != Need::Argument);
    let mut messages: Vec<&str> = Vec::new();
    for p in panics.clone() {
        if !messages.contains(&p.message) {
            messages.push(p.message);
        }
    }
    out.push_str("## Panic messages\n\n");
    for message in messages {
        let _ = writeln!(out, "### {}\n", heading(message));
        let _ = writeln!(out, "```text\n{message}\n```\n");
        for p in panics.clone().filter(|p| p.message == message) {
            row(&mut out, p);
        }
    }

    out.push_str("## Hangs: executors that block a runtime's thread\n\n");
    out.push_str("These do not panic: the thread parks until the future completes, and if the future needs the runtime that the thread was driving, it never does.\n\n");
    for p in PANICS.iter().filter(|p| p.outcome == Outcome::Hang) {
        row(&mut out, p);
    }

    out.push_str("## Look-alikes that do not panic\n\n");
    out.push_str("Calls that resemble a misuse above but do not panic; a lint must not report them as such.\n\n");
    for p in PANICS
        .iter()
        .filter(|p| matches!(p.outcome, Outcome::None | Outcome::Error))
    {
        row(&mut out, p);
    }

    out.push_str("## Argument validation (not runtime misuse)\n\n");
    out.push_str("Panics on a bad argument rather than on where or when the call is made. No lint is planned for them.\n\n");
    for p in PANICS.iter().filter(|p| p.need == Need::Argument) {
        let _ = writeln!(
            out,
            "- `{}` ({} {}, `{}:{}`): {} Reached by {}.",
            p.message,
            p.krate,
            p.version,
            p.file,
            p.line,
            p.condition,
            p.apis
                .iter()
                .map(|a| format!("`{}`", a.path))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

/// A short heading for a message: its first sentence.
fn heading(message: &str) -> String {
    let first = message.split(". ").next().unwrap_or(message);
    first.trim_end_matches('.').replace('`', "")
}

fn row(out: &mut String, p: &Panic) {
    let site = format!("{} {}, `{}:{}`", p.krate, p.version, p.file, p.line);
    let _ = writeln!(out, "**{}** ({site})\n", p.id);
    let _ = writeln!(out, "{}\n", p.condition);
    let lint = match p.lint() {
        LintRef::Existing(name) => format!("Lint: `{name}`."),
        LintRef::New(name) => format!("Lint: `{name}` (proposed)."),
        LintRef::Undecidable(why) => format!("No lint can see it: {why}."),
        LintRef::NoLint(why) => format!("No lint: {why}."),
    };
    let _ = writeln!(out, "{lint}\n");
    if p.debug_only {
        out.push_str(
            "Debug builds only: with debug assertions off (release builds) it does not panic.\n\n",
        );
    }
    if !p.note.is_empty() {
        let _ = writeln!(out, "{}\n", p.note);
    }
    out.push_str("| Call | When | Found today | Confirmed |\n| --- | --- | --- | --- |\n");
    for a in p.apis {
        let at = match a.at {
            At::Call => "call",
            At::Poll => "poll",
            At::Drop => "drop",
        };
        let found = match (a.status, p.lint()) {
            (Status::Caught | Status::Untested, LintRef::Existing(name)) => {
                format!("reported by `{name}`")
            }
            (Status::Gap, LintRef::Existing(name)) => format!("not yet (`{name}`)"),
            (Status::Gap, LintRef::New(name)) => format!("not yet (`{name}`, proposed)"),
            _ => "-".to_string(),
        };
        let by = if a.run.is_empty() { "read" } else { "ran" };
        let _ = writeln!(out, "| `{}` | {at} | {found} | {by} |", a.path);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_answer_from_the_data() {
        assert!(needs_runtime_context("tokio::spawn"));
        assert!(!needs_runtime_context(
            "tokio::runtime::Handle::try_current"
        ));
        assert!(needs_runtime_when_polled("tokio::net::TcpListener::bind"));
        assert!(!needs_runtime_context("tokio::net::TcpListener::bind"));
        assert!(needs_time_driver("tokio::time::sleep"));
        assert!(needs_io_driver("tokio::signal::unix::signal"));
        assert!(!needs_io_driver("tokio::net::lookup_host"));
        assert!(needs_local_set("tokio::task::JoinSet::spawn_local"));
        assert!(blocks_on_runtime("tokio::runtime::Handle::block_on"));
        assert!(blocks_in_runtime("tokio::runtime::Runtime::drop"));
        assert!(blocks_in_runtime("reqwest::blocking::Client::new"));
        assert!(drops_own_runtime("reqwest::blocking::Client::new"));
        assert!(!drops_own_runtime(
            "tokio::runtime::Runtime::shutdown_timeout"
        ));
        assert!(!drops_own_runtime("tokio::sync::Mutex::blocking_lock"));
        assert!(is_runtime_type("tokio::runtime::Runtime"));
        assert!(is_runtime_type("actix_rt::SystemRunner"));
        assert_eq!(
            tokio_blocking_method("tokio::sync::oneshot::Receiver::blocking_recv")
                .map(|a| a.instead),
            Some("await")
        );
        assert_eq!(
            tokio_blocking_methods_named("blocking_recv")
                .first()
                .map(|a| a.instead),
            Some("recv")
        );
        assert!(needs_multi_thread("tokio::task::block_in_place"));
        assert!(needs_task("tokio::task::id"));
        assert!(needs_actix_system("actix_rt::Arbiter::new"));
        assert!(runs_futures_executor("futures_executor::LocalPool::run"));
        assert!(blocks_thread("pollster::block_on"));
        assert!(confirmed_harmless(
            "tokio::runtime::Runtime::shutdown_background"
        ));
        // Undecidable rows feed no table.
        assert!(!needs_local_set("tokio::task::LocalSet::new"));
        let line = "thread 'main' panicked at src/main.rs:4:5:\nthere is no reactor running, must be called from the context of a Tokio 1.x runtime";
        assert!(rows_for_message(line).any(|p| p.id == "tokio.no_runtime"));
    }
}
