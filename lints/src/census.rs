//! The panic census: every runtime-misuse panic site of tokio, tokio-util, tokio-stream,
//! futures-executor, async-std, smol / async-executor / async-io, actix-rt, pollster and
//! `reqwest::blocking`, the public APIs that reach each one, and the lint that finds it.
//!
//! The data lives in `lints/data/panics.toml`; `lints/build.rs` turns it into [`PANICS`], and
//! the accessors below answer the questions the model asks (which APIs need a runtime context,
//! the time driver, a `LocalSet`, ...). Teaching the tool one more API is one line of data.
//! [`markdown`] renders `docs/panics.md` from the same tables.

use std::fmt::Write as _;

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
    /// For tokio's blocking methods: the number of arguments.
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

fn has(need: Need, at: Option<At>, path: &str) -> bool {
    apis_with(need).any(|(_, a)| a.path == path && at.is_none_or(|at| a.at == at))
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

/// tokio's blocking methods (`blocking_recv`, ...): path, async replacement, argument count.
pub fn tokio_blocking_methods() -> impl Iterator<Item = &'static Api> {
    apis_with(Need::NotBlockingRegion)
        .map(|(_, a)| a)
        .filter(|a| a.args.is_some())
}

/// The blocking method at `path`, with its async replacement.
pub fn tokio_blocking_method(path: &str) -> Option<&'static Api> {
    tokio_blocking_methods().find(|a| a.path == path)
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

/// Whether a census row confirms that `path` does not panic in the situation of `need`'s rows
/// (the look-alikes a lint must not report: `shutdown_background` in async code, ...).
pub fn confirmed_harmless(path: &str) -> bool {
    PANICS
        .iter()
        .filter(|p| p.outcome == Outcome::None)
        .any(|p| p.apis.iter().any(|a| a.path == path))
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
    //! The census against the model's current hand-written lists. The expected differences
    //! are written out: the census adds APIs, and contradicts a few entries; when the model
    //! reads its tables from the census, these tests go with the lists they compare.

    use super::*;
    use std::collections::BTreeSet;

    /// The quoted strings in `text` between `start` and the first `end` after it.
    fn strings_between(text: &str, start: &str, end: &str) -> Vec<String> {
        let from = text
            .find(start)
            .unwrap_or_else(|| panic!("`{start}` not found"));
        let rest = &text[from + start.len()..];
        let body = &rest[..rest
            .find(end)
            .unwrap_or_else(|| panic!("`{end}` not found"))];
        body.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn census(need: Need, at: Option<At>) -> BTreeSet<String> {
        apis_with(need)
            .filter(|(_, a)| at.is_none_or(|at| a.at == at))
            .map(|(_, a)| a.path.to_string())
            .collect()
    }

    /// `(model only, census only)`.
    fn diff(model: &BTreeSet<String>, census: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
        (
            model.difference(census).cloned().collect(),
            census.difference(model).cloned().collect(),
        )
    }

    const PATHS: &str = include_str!("model/paths.rs");
    const DRIVER_RULE: &str = include_str!("model/apis.rs");
    const BLOCKING_RULE: &str = include_str!("model/apis.rs");
    const KRATE: &str = include_str!("model/krate.rs");

    #[test]
    fn needs_runtime_context_matches_the_model() {
        let model: BTreeSet<String> = strings_between(PATHS, "const NEEDS_RUNTIME_CONTEXT", "];")
            .into_iter()
            .collect();
        for path in &model {
            assert_eq!(
                crate::model::paths::needs_runtime_context(path),
                needs_runtime_context(path),
                "{path}"
            );
        }
        let (model_only, census_only) = diff(&model, &census(Need::Runtime, Some(At::Call)));
        assert_eq!(model_only, Vec::<String>::new());
        assert_eq!(
            census_only,
            set(&[
                "tokio::io::unix::AsyncFd::new",
                "tokio::io::unix::AsyncFd::try_new",
                "tokio::io::unix::AsyncFd::try_with_interest",
                "tokio::io::unix::AsyncFd::with_interest",
                "tokio::net::TcpListener::try_from",
                "tokio::net::TcpSocket::listen",
                "tokio::net::UnixSocket::datagram",
                "tokio::net::UnixSocket::listen",
                "tokio::net::UnixStream::pair",
                "tokio::net::unix::pipe::OpenOptions::open_receiver",
                "tokio::net::unix::pipe::OpenOptions::open_sender",
                "tokio::process::Command::spawn",
                "tokio::task::JoinSet::spawn",
                "tokio::task::JoinSet::spawn_blocking",
                "tokio::time::pause",
                "tokio::time::resume",
                "tokio_stream::StreamExt::throttle",
                "tokio_stream::StreamExt::timeout",
                "tokio_util::io::SyncIoBridge::new",
                "tokio_util::task::JoinMap::spawn",
                "tokio_util::task::JoinMap::spawn_blocking",
                "tokio_util::task::JoinQueue::spawn",
                "tokio_util::task::JoinQueue::spawn_blocking",
                "tokio_util::task::TaskTracker::spawn",
                "tokio_util::task::TaskTracker::spawn_blocking",
                "tokio_util::time::DelayQueue::insert",
                "tokio_util::time::DelayQueue::insert_at",
                "tokio_util::time::FutureExt::timeout",
            ])
            .into_iter()
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn driver_lists_match_the_model() {
        let model_time: BTreeSet<String> = strings_between(DRIVER_RULE, "fn needs_time", "\n}\n")
            .into_iter()
            .collect();
        let (model_only, census_only) = diff(&model_time, &census(Need::Time, None));
        assert_eq!(model_only, Vec::<String>::new());
        assert_eq!(
            census_only,
            vec![
                "tokio::sync::mpsc::Sender::send_timeout",
                "tokio_stream::StreamExt::throttle",
                "tokio_stream::StreamExt::timeout",
                "tokio_util::time::DelayQueue::insert",
                "tokio_util::time::FutureExt::timeout",
            ]
        );

        let model_io: BTreeSet<String> = strings_between(DRIVER_RULE, "fn needs_io", "\n}\n")
            .into_iter()
            .collect();
        let (model_only, census_only) = diff(&model_io, &census(Need::Io, None));
        // `lookup_host` resolves on the blocking pool: it needs no IO driver.
        assert_eq!(model_only, vec!["tokio::net::lookup_host"]);
        assert!(confirmed_harmless("tokio::net::lookup_host"));
        assert_eq!(
            census_only,
            vec![
                "tokio::io::unix::AsyncFd::new",
                "tokio::io::unix::AsyncFd::try_new",
                "tokio::net::TcpListener::from_std",
                "tokio::net::TcpListener::try_from",
                "tokio::net::TcpSocket::listen",
                "tokio::net::TcpStream::from_std",
                "tokio::net::UdpSocket::from_std",
                "tokio::net::UnixDatagram::bind",
                "tokio::net::UnixDatagram::from_std",
                "tokio::net::UnixDatagram::pair",
                "tokio::net::UnixDatagram::unbound",
                "tokio::net::UnixListener::from_std",
                "tokio::net::UnixStream::from_std",
                "tokio::net::UnixStream::pair",
                "tokio::net::unix::pipe::OpenOptions::open_receiver",
                "tokio::process::Command::output",
                "tokio::process::Command::spawn",
                "tokio::signal::unix::signal",
            ]
        );
    }

    #[test]
    fn blocking_methods_match_the_model() {
        // `("name", argc, "async name")` tuples.
        let from = BLOCKING_RULE
            .find("const TOKIO_BLOCKING_METHODS")
            .expect("METHODS");
        let body = &BLOCKING_RULE[from..];
        let body = &body[..body.find("];").expect("end of METHODS")];
        let model: BTreeSet<(String, u8, String)> = body
            .split('(')
            .skip(2)
            .filter_map(|tuple| {
                let mut parts = tuple.split(',').map(|p| p.trim().trim_matches(['"', ')']));
                let name = parts.next()?.to_string();
                let argc = parts.next()?.parse().ok()?;
                let instead = parts.next()?.to_string();
                Some((name, argc, instead))
            })
            .collect();
        assert_eq!(model.len(), 11, "{model:?}");
        let census: BTreeSet<(String, u8, String)> = tokio_blocking_methods()
            .map(|a| {
                let name = a.path.rsplit("::").next().unwrap_or(a.path).to_string();
                (name, a.args.unwrap_or(0), a.instead.to_string())
            })
            .collect();
        let model_only: Vec<_> = model.difference(&census).collect();
        let census_only: Vec<_> = census.difference(&model).collect();
        assert_eq!(model_only, Vec::<&(String, u8, String)>::new());
        // The oneshot receiver is itself the future: its replacement is `.await`, not `recv`.
        assert_eq!(
            census_only,
            vec![&("blocking_recv".to_string(), 0, "await".to_string())]
        );
        assert_eq!(
            tokio_blocking_method("tokio::sync::oneshot::Receiver::blocking_recv")
                .map(|a| a.instead),
            Some("await")
        );
    }

    /// `(owner::method, argc, driver)` for each arm of the model's `driver()` match.
    fn model_drivers() -> BTreeSet<(String, usize, String)> {
        let file = syn::parse_file(KRATE).expect("krate.rs parses");
        let mut arms = Vec::new();
        for item in &file.items {
            let syn::Item::Impl(imp) = item else { continue };
            for item in &imp.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                if f.sig.ident != "driver" {
                    continue;
                }
                for stmt in &f.block.stmts {
                    if let syn::Stmt::Expr(syn::Expr::Call(call), _) = stmt {
                        if let Some(syn::Expr::Match(m)) = call.args.first() {
                            arms.extend(m.arms.iter().cloned());
                        }
                    }
                }
            }
        }
        assert!(!arms.is_empty(), "no match in `driver()`");
        fn alternatives(pat: &syn::Pat) -> Vec<&syn::Pat> {
            match pat {
                syn::Pat::Or(or) => or.cases.iter().flat_map(alternatives).collect(),
                other => vec![other],
            }
        }
        fn literals(pat: &syn::Pat) -> Vec<String> {
            alternatives(pat)
                .into_iter()
                .filter_map(|p| match p {
                    syn::Pat::Lit(l) => match &l.lit {
                        syn::Lit::Str(s) => Some(s.value()),
                        syn::Lit::Int(i) => Some(i.base10_digits().to_string()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect()
        }
        let mut out = BTreeSet::new();
        for arm in arms {
            let body = arm.body.as_ref();
            let driver = quote::quote!(#body).to_string().replace(' ', "");
            let driver = driver
                .trim_start_matches('{')
                .trim_end_matches('}')
                .to_string();
            for case in alternatives(&arm.pat) {
                let syn::Pat::Tuple(t) = case else { continue };
                let elems: Vec<&syn::Pat> = t.elems.iter().collect();
                let [owner, method, argc] = elems[..] else {
                    continue;
                };
                for owner in literals(owner) {
                    for method in literals(method) {
                        for argc in literals(argc) {
                            out.insert((
                                format!("{owner}::{method}"),
                                argc.parse().expect("argc"),
                                driver.clone(),
                            ));
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn drivers_match_the_model() {
        let drivers = model_drivers();
        let of = |kind: &str| -> BTreeSet<String> {
            drivers
                .iter()
                .filter(|(_, _, d)| d.starts_with(kind))
                .map(|(p, _, _)| p.clone())
                .collect()
        };

        // A runtime's `block_on`: panics on a thread that drives a runtime.
        let (model_only, census_only) = diff(
            &of("Driver::TokioBlockOn"),
            &census(Need::NotInRuntime, None),
        );
        // actix-rt 2.15 has no `System::block_on` (only `SystemRunner::block_on`).
        assert_eq!(model_only, vec!["actix_rt::System::block_on"]);
        // `tokio::main`: a call to a `#[tokio::main]` fn, which the model finds by its attribute.
        assert_eq!(
            census_only,
            vec![
                "actix_rt::System::new",
                "actix_rt::SystemRunner::run",
                "tokio::main",
                "tokio_util::io::SyncIoBridge::read",
            ]
        );

        // Other executors' `block_on`: no panic in async code, a blocked (or hung) thread.
        let (model_only, census_only) = diff(
            &of("Driver::OtherBlockOn"),
            &census(Need::BlocksThread, None),
        );
        // futures-lite's `FutureExt` has no `block_on` method (1.13 and 2.6).
        assert_eq!(
            model_only,
            vec!["futures_lite::future::FutureExt::block_on"]
        );
        assert_eq!(census_only, Vec::<String>::new());

        // Spawning onto the current runtime: panics without a runtime context.
        let spawning: BTreeSet<String> = PANICS
            .iter()
            .filter(|p| p.id == "tokio.no_runtime_spawn")
            .flat_map(|p| p.apis.iter().map(|a| a.path.to_string()))
            .collect();
        let (model_only, census_only) = diff(&of("Driver::Spawn"), &spawning);
        // `Runtime::spawn` and `Handle::spawn` name their runtime: no panic site.
        assert_eq!(
            model_only,
            vec![
                "tokio::runtime::Handle::spawn",
                "tokio::runtime::Runtime::spawn"
            ]
        );
        assert!(confirmed_harmless("tokio::runtime::Handle::spawn"));
        assert_eq!(
            census_only,
            vec![
                "tokio_util::task::JoinMap::spawn",
                "tokio_util::task::JoinQueue::spawn",
            ]
        );

        // Local tasks: panic without a `LocalSet`.
        let (model_only, census_only) = diff(&of("Driver::Local"), &census(Need::LocalSet, None));
        // `LocalSet::spawn_local` and `run_until` name the set they run on: no panic site.
        assert_eq!(
            model_only,
            vec![
                "tokio::task::LocalSet::run_until",
                "tokio::task::LocalSet::spawn_local",
            ]
        );
        assert_eq!(
            census_only,
            vec![
                "tokio_util::task::JoinMap::spawn_local",
                "tokio_util::task::JoinQueue::spawn_local",
                "tokio_util::task::TaskTracker::spawn_local",
            ]
        );
    }

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
