use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::{CtxKind, Flavor};

crate::declare_lint! {
    /// ## What it does
    /// Finds calls that block the thread — `std::thread::sleep`, `std::fs` functions and
    /// `File::open`/`create`, `std::net::TcpStream::connect`, `Command::output`/`status`,
    /// `stdin().read_line`, `std::sync::mpsc` `recv`, `std::thread::JoinHandle::join`, `ureq`,
    /// and the paths listed in the `blocking-functions` configuration — made directly in async
    /// code. (`reqwest::blocking` also panics there in debug builds: `runtime_dropped_in_async`
    /// reports it.)
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
    /// In sync helpers reached from async code, only calls that wait for something else are
    /// reported (`thread::sleep`, a channel's `recv`, a thread's `join`, stdin, `reqwest::blocking`,
    /// and configured blocking functions), with the chain: a helper that reads a small file is
    /// common and rarely what stalls a runtime. The future a multi-thread `#[tokio::main]`
    /// blocks on (its body, and what it calls and awaits in place) is not checked: blocking
    /// there stalls only that future, not the worker threads. Test code (test fns, `#[cfg(test)]` and `tests` modules,
    /// test targets) is not checked: tests block on purpose.
    pub static LINT = {
        name: "blocking_call_in_async",
        level: Warn,
        summary: "`std::thread::sleep`, std fs/net/process and other blocking calls in async code",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks(SinkKind::Blocking) {
        let (file, id) = (sink.file, sink.call);
        let m = &cx.files()[file];
        let call = &m.calls[id];
        let path = cx.cm.target(file, id).external().unwrap_or("");
        let Some(site) = cx.wrong_site(&sink, |k| matches!(k, SiteKind::Async(_))) else {
            continue;
        };
        let own_fn_in_test = m.ctxs[call.ctx].fn_id.is_some_and(|f| m.fns[f].in_test);
        // Tests block on purpose (a file written, a short sleep while a thread works).
        if own_fn_in_test {
            continue;
        }
        // Blocking in the future an entry attribute blocks on stalls only that future, not
        // the runtime's workers: the body of a multi-thread `#[tokio::main]`, and what it
        // awaits.
        let entry_of = |(f, ctx): (usize, usize)| {
            let om = &cx.files()[f];
            om.ctxs[ctx].fn_id.map(|id| &om.fns[id])
        };
        let on_main_future = cx
            .cm
            .site_in_origin_future(file, call.ctx, &site)
            .and_then(entry_of)
            .is_some_and(|f| {
                f.entry.as_ref().is_some_and(|e| !e.is_test && e.flavor == Flavor::MultiThread)
            });
        match cx.cm.async_boundary(file, call.ctx) {
            // Async code of its own: as blocking as wherever it is called from.
            Some(boundary) => {
                let c = &m.ctxs[boundary];
                let boundary_fn = c.fn_id.map(|f| &m.fns[f]);
                if boundary_fn.is_some_and(|f| f.in_test) {
                    continue;
                }
                let in_multi_thread_main = c.kind == CtxKind::Fn
                    && boundary_fn.is_some_and(|f| {
                        f.entry.as_ref().is_some_and(|e| !e.is_test && e.flavor == Flavor::MultiThread)
                    });
                if in_multi_thread_main {
                    continue;
                }
            }
            // A sync helper reached from async code: only calls that wait for something else
            // (a sleep, a channel, a thread); a helper that reads a small file is common and
            // rarely what stalls a runtime.
            None => {
                let long = sink.dep.is_some() || cx.cm.blocks_long(file, id);
                let origin_in_test = cx
                    .cm
                    .site_origin(&site)
                    .and_then(|(f, ctx)| cx.files()[f].ctxs[ctx].fn_id.map(|id| cx.files()[f].fns[id].in_test))
                    .unwrap_or(false);
                if !long || origin_in_test || on_main_future {
                    continue;
                }
            }
        }
        let certainty = Certainty::of(sink.certain && site.certain);
        let name = match cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some()) {
            Some(dep) => dep,
            None => cx.callee_text(file, id),
        };
        let mut d = cx.diagnostic(
            &LINT,
            certainty,
            format!("blocking call `{name}` in async code"),
            Label::new(call.label_range.clone(), "this blocks the executor thread"),
        );
        cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
        d.notes.push("while it blocks, no other task runs on this thread; on a current-thread runtime the whole runtime stops".into());
        match path {
            "std::thread::sleep" if site.direct() && cx.can_await_in(file, call.ctx) => {
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
