use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::krate::Exec;
use crate::model::{Callee, CtxKind, Flavor};

crate::declare_lint! {
    /// ## What it does
    /// Finds calls that block the thread — `std::thread::sleep`, `std::fs` functions and
    /// `File::open`/`create`, `std::net::TcpStream::connect`, `Command::output`/`status`,
    /// `stdin().read_line`, `std::sync::mpsc` `recv`, `std::thread::JoinHandle::join`,
    /// `reqwest::blocking` (which also panics in debug builds when a client is built in async
    /// code), `ureq`, and the paths listed in the `blocking-functions`
    /// configuration — made directly in async code.
    ///
    /// ## Why is this bad?
    /// An executor thread that blocks runs nothing else: every other task on it waits. On a
    /// current-thread runtime (and under `#[tokio::test]`) the whole runtime stops, and if the
    /// blocking call waits for another task, it never returns.
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn poll_status(client: &Client) {
    ///     loop {
    ///         client.refresh().await;
    ///         std::thread::sleep(std::time::Duration::from_secs(5));
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// async fn poll_status(client: &Client) {
    ///     loop {
    ///         client.refresh().await;
    ///         tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    ///     }
    /// }
    /// ```
    /// Blocking work that must happen goes to `tokio::task::spawn_blocking`.
    ///
    /// ## Known problems
    /// Only calls made directly in async code are reported, not those in sync helpers. The body
    /// of a multi-thread `#[tokio::main]` fn is not checked: blocking there stalls only the main
    /// future, not the worker threads. Test code (test fns, `#[cfg(test)]` and `tests` modules,
    /// test targets) is not checked: tests block on purpose.
    pub static LINT = {
        name: "blocking_call_in_async",
        level: Warn,
        summary: "`std::thread::sleep`, std fs/net/process and other blocking calls in async code",
    };
}

/// Blocking functions and methods by canonical path.
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

pub fn check(cx: &mut LintCx<'_>) {
    let configured = &cx.cm.krate.blocking_functions;
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            let Some(path) = cx.cm.target(file, id).external() else {
                continue;
            };
            let free_fn = matches!(call.callee, Callee::Path { .. });
            let blocking = BLOCKING.contains(&path)
                || free_fn && BLOCKING_MODULES.iter().any(|p| path.starts_with(p))
                || configured.iter().any(|c| c == path);
            if !blocking {
                continue;
            }
            let Exec::Async { boundary, runtime } = cx.cm.exec(file, call.ctx) else {
                continue;
            };
            let c = &m.ctxs[boundary];
            let in_multi_thread_main = c.kind == CtxKind::Fn
                && runtime.flavor == Flavor::MultiThread
                && c.fn_id
                    .and_then(|f| m.fns[f].entry.as_ref())
                    .is_some_and(|e| !e.is_test);
            // Tests block on purpose (a file written, a short sleep while a thread works).
            let in_test = c.fn_id.is_some_and(|f| m.fns[f].in_test)
                || m.ctxs[call.ctx].fn_id.is_some_and(|f| m.fns[f].in_test);
            if in_multi_thread_main || in_test {
                continue;
            }
            let certainty = if call.in_macro {
                Certainty::Uncertain
            } else {
                Certainty::Certain
            };
            let name = cx.callee_text(file, id);
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                format!("blocking call `{name}` in async code"),
                Label::new(call.label_range.clone(), "this blocks the executor thread"),
            );
            d.secondary.extend(cx.async_context_label(file, call.ctx));
            d.notes.push("while it blocks, no other task runs on this thread; on a current-thread runtime the whole runtime stops".into());
            match path {
                "std::thread::sleep" if cx.can_await_in(file, call.ctx) => {
                    let uses_tokio = cx.cm.krate.dependencies.iter().any(|d| d.package == "tokio");
                    d.suggestions.push(Suggestion {
                        message: "use the runtime's timer and `.await` it".into(),
                        edits: vec![
                            Edit {
                                range: call.callee_range.clone(),
                                replacement: "tokio::time::sleep".into(),
                            },
                            Edit {
                                range: call.range.end..call.range.end,
                                replacement: ".await".into(),
                            },
                        ],
                        applicability: if uses_tokio {
                            Applicability::MaybeIncorrect
                        } else {
                            Applicability::HasPlaceholders
                        },
                    });
                }
                p if p.starts_with("std::fs::") => d.help.push(
                    "use `tokio::fs` (or another runtime's async file API), or move the work into `tokio::task::spawn_blocking`".into(),
                ),
                p if p.starts_with("reqwest::blocking::") => {
                    d.notes.push("in debug builds `reqwest::blocking` panics when used in async code: it builds and drops a runtime of its own".into());
                    d.help.push("use the async `reqwest::Client` and `.await` its requests".into());
                }
                p if p.starts_with("std::process::") => d.help.push(
                    "use `tokio::process::Command` and `.await` its output, or move the call into `tokio::task::spawn_blocking`".into(),
                ),
                _ => d.help.push(
                    "use the async equivalent and `.await` it, or move the call into `tokio::task::spawn_blocking`".into(),
                ),
            }
            cx.emit(file, d);
        }
    }
}
