use super::{Certainty, LintCx};
use crate::census::{self, Need};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::executors::ForeignPoll;
use crate::model::krate::SyncRoot;
use crate::model::sinks::Sink;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;

crate::declare_lint! {
    /// ## What it does
    /// Finds tokio calls that need a runtime context made where provably no runtime is
    /// running: in a plain `fn main`, a plain `#[test]` fn, or a `std::thread::spawn` closure,
    /// before any live `rt.enter()` guard and outside any `block_on`. The calls are those the
    /// panic census lists (`docs/panics.md`): `tokio::spawn`, `spawn_blocking`,
    /// `Handle::current()`, timers (`sleep`, `interval`, `timeout`, `time::pause`), socket
    /// constructors (`from_std`, `try_from`, `UnixStream::pair`, `TcpSocket::listen`),
    /// `AsyncFd`, unix signals, `process::Command::spawn`, spawning on a `JoinSet`,
    /// `TaskTracker`, `JoinMap` or `JoinQueue`, and tokio-util's `SyncIoBridge::new`,
    /// `DelayQueue::insert` and `timeout` extension methods.
    ///
    /// Also tokio futures polled by another executor on such a thread
    /// (`futures::executor::block_on(TcpStream::connect(addr))`, `pollster::block_on`,
    /// `smol::block_on`), and tokio calls in the futures they poll: those executors give the
    /// future no runtime context.
    ///
    /// ## Why is this bad?
    /// They look up the current runtime in a thread-local and panic when there is none:
    /// `there is no reactor running, must be called from the context of a Tokio 1.x runtime`.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn main() {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     tokio::spawn(report_metrics());
    ///     rt.block_on(serve());
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn main() {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     rt.spawn(report_metrics());
    ///     rt.block_on(serve());
    /// }
    /// ```
    /// or enter the runtime first: `let _guard = rt.enter();`.
    ///
    /// ## Known problems
    /// Only places that provably have no runtime are checked: `main`, a plain test, a new thread,
    /// and the fns they call (on each path, with the chain shown), before any live `enter()`
    /// guard. A fn that checks for a runtime itself (`Handle::try_current()`) is taken to guard
    /// its calls. `handle.spawn(..)` on a handle passed in never needs a context and is never
    /// reported. A method of an extension trait (`FutureExt::timeout`, `StreamExt::throttle`)
    /// is known by the trait in scope only, and reported at warn level; so is a future polled
    /// by another executor through a chain of calls. async-std's `block_on` is not judged: with
    /// its `tokio1` feature it provides a runtime context.
    pub static LINT = {
        name: "tokio_call_outside_runtime",
        level: Deny,
        summary: "`tokio::spawn`, `Handle::current()`, tokio timers... where no runtime is running (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    let sinks = cx.sinks_matching(|k| matches!(k, SinkKind::NeedsRuntime | SinkKind::NeedsRuntimePolled));
    for sink in sinks {
        let (file, id) = (sink.file, sink.call);
        let m = &cx.files()[file];
        let call = &m.calls[id];
        let wrong = match sink.kind {
            SinkKind::NeedsRuntime => cx.wrong_site(&sink, SiteKind::is_runtime_less),
            _ => None,
        };
        let Some(site) = wrong else {
            if let Some(poll) = cx.cm.polled_without_runtime(&sink) {
                polled_by_another_executor(cx, &sink, &poll);
            }
            continue;
        };
        let SiteKind::Sync(root) = site.kind else {
            continue;
        };
        let dep_path = cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some());
        let name = dep_path.clone().unwrap_or_else(|| cx.cm.sink_text(file, id));
        let certainty = Certainty::of(sink.certain && site.certain);
        let label = Label::new(
            call.label_range.clone(),
            "this panics: no runtime has been entered on this thread",
        );
        let message = match &dep_path {
            Some(_) => format!("`{name}` needs a tokio runtime and is called where none is running"),
            None => format!("`{name}` called where no tokio runtime is running"),
        };
        let mut d = cx.diagnostic(&LINT, certainty, message, label);
        cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
        if !site.direct() {
            d.notes.push("none of these callers has entered a runtime".into());
        }
        d.notes.push(panic_note(cx, file, id));
        let runtimes =
            cx.bindings_of_type(file, call.ctx, call.range.start, "tokio::runtime::Runtime");
        let path = cx.cm.target(file, id).external().unwrap_or("");
        match runtimes.as_slice() {
            [rt] => {
                let rt_name = &m.bindings[*rt].name;
                d.secondary.push(Label::new(
                    m.bindings[*rt].range.clone(),
                    "this runtime exists but has not been entered",
                ));
                if path == "tokio::spawn" || path == "tokio::task::spawn_blocking" {
                    let method = if path == "tokio::spawn" { "spawn" } else { "spawn_blocking" };
                    d.suggestions.push(Suggestion {
                        message: format!("spawn on the runtime: `{rt_name}.{method}(..)`"),
                        edits: vec![Edit {
                            range: call.callee_range.clone(),
                            replacement: format!("{rt_name}.{method}"),
                        }],
                        applicability: Applicability::MaybeIncorrect,
                    });
                }
                d.help.push(format!("or enter the runtime first: `let _guard = {rt_name}.enter();`, or run this inside `{rt_name}.block_on(async {{ .. }})`"));
            }
            _ if !site.direct() => d.help.push(
                "enter a runtime before calling this fn (`let _guard = rt.enter();`), or call it inside `rt.block_on(async { .. })`".into(),
            ),
            _ => d.help.push(match root {
                SyncRoot::Main => "make `main` async with `#[tokio::main]`, or build a runtime and run this inside `rt.block_on(async { .. })`".into(),
                SyncRoot::Test => "use `#[tokio::test]` on an async test fn, or build a runtime and run this inside `rt.block_on(async { .. })`".into(),
                _ => "pass a `Handle` into the thread and use `handle.spawn(..)`, or enter it first: `let _guard = handle.enter();`".to_string(),
            }),
        }
        cx.emit(file, d);
    }
}

/// A tokio call made, or a tokio future polled, in a future that another executor polls on a
/// thread without a runtime.
fn polled_by_another_executor(cx: &mut LintCx<'_>, sink: &Sink, poll: &ForeignPoll) {
    let (file, id) = (sink.file, sink.call);
    let m = &cx.files()[file];
    let call = &m.calls[id];
    let (df, driver) = poll.driver;
    let executor = cx.cm.sink_text(df, driver);
    let name = cx.cm.sink_text(file, id);
    let (message, label) = match sink.kind {
        SinkKind::NeedsRuntimePolled => (
            format!("`{name}` is polled by `{executor}`, where no tokio runtime is running"),
            "this tokio future needs a runtime context when it is polled",
        ),
        _ => (
            format!("`{name}` called in a future that `{executor}` runs, where no tokio runtime is running"),
            "this panics: no runtime has been entered on this thread",
        ),
    };
    let certainty = Certainty::of(sink.certain && poll.certain);
    let mut d = cx.diagnostic(&LINT, certainty, message, Label::new(call.label_range.clone(), label));
    let dm = &cx.files()[df];
    let executor_label = "this executor is not tokio's: it gives the future no runtime context";
    if df == file {
        d.secondary.push(Label::new(dm.calls[driver].label_range.clone(), executor_label));
    } else {
        d.notes.push(format!(
            "`{executor}` polls it ({}:{}): {executor_label}",
            dm.path,
            dm.line_of(dm.calls[driver].range.start)
        ));
    }
    if df == file {
        cx.explain(&mut d, df, dm.calls[driver].ctx, &poll.site, Some(sink));
    } else {
        d.notes.push(format!(
            "`{executor}` is called in {}, where no runtime is running",
            cx.cm.describe_ctx(df, dm.calls[driver].ctx)
        ));
        d.notes.extend(cx.cm.site_notes(&poll.site));
        d.notes.extend(cx.cm.dep_notes(sink));
    }
    d.notes.push(panic_note(cx, file, id));
    d.help.push("run the future on a tokio runtime (`rt.block_on(..)`), or enter one before polling it: `let _guard = rt.enter();`".into());
    cx.emit(file, d);
}

/// The panic the census records for the call (`time::pause` has its own message).
fn panic_note(cx: &LintCx<'_>, file: usize, call: usize) -> String {
    let message = cx
        .cm
        .target(file, call)
        .external()
        .and_then(|path| {
            census::message_of(path, Need::Runtime).or(census::message_of(path, Need::RuntimePolled))
        })
        .unwrap_or("there is no reactor running, must be called from the context of a Tokio 1.x runtime");
    format!("tokio panics with: {message}")
}
