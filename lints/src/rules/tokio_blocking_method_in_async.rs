use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::Callee;

crate::declare_lint! {
    /// ## What it does
    /// Finds the blocking methods of tokio's synchronization types (`blocking_recv`,
    /// `blocking_send`, `blocking_lock`, `blocking_read`, `blocking_write`, `blocking_acquire`, ...)
    /// called from async code, directly or through sync helpers.
    ///
    /// ## Why is this bad?
    /// These methods exist for sync code. On a runtime thread tokio refuses to block and panics:
    /// `Cannot block the current thread from within a runtime. This happens because a function
    /// attempted to block the current thread while the thread is being used to drive
    /// asynchronous tasks.`
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn next_job(rx: &mut tokio::sync::mpsc::Receiver<Job>) -> Option<Job> {
    ///     rx.blocking_recv()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// async fn next_job(rx: &mut tokio::sync::mpsc::Receiver<Job>) -> Option<Job> {
    ///     rx.recv().await
    /// }
    /// ```
    ///
    /// ## Known problems
    /// When the receiver's type is not known, the method name decides: a type of another crate
    /// with a `blocking_recv` method would be reported too (a type of the linted crate is not).
    /// Sync helpers reached from async code are reported with the chain of calls.
    pub static LINT = {
        name: "tokio_blocking_method_in_async",
        level: Deny,
        summary: "a tokio `blocking_*` method (`blocking_recv`, `blocking_lock`, ...) called from async code",
    };
}

const PANIC: &str = "tokio panics with: Cannot block the current thread from within a runtime. This happens because a function attempted to block the current thread while the thread is being used to drive asynchronous tasks.";

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks(SinkKind::BlockingMethod) {
        let (file, id) = (sink.file, sink.call);
        let call = &cx.files()[file].calls[id];
        let Some(site) = cx.wrong_site(&sink, SiteKind::is_maybe_tokio_async) else {
            continue;
        };
        let method = match &call.callee {
            Callee::Method { name, .. } if sink.dep.is_none() => Some(name.as_str()),
            _ => None,
        };
        let message = match (method, cx.cm.sink_dep_path(&sink)) {
            (Some(name), _) => format!("`{name}` called from async code"),
            (None, Some(path)) => format!("`{path}` calls a tokio blocking method and is called from async code"),
            (None, None) => continue,
        };
        let certainty = Certainty::of(sink.certain && site.certain);
        let label = Label::new(
            call.label_range.clone(),
            "this blocks the thread that is driving async tasks",
        );
        let mut d = cx.diagnostic(&LINT, certainty, message, label);
        cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
        d.notes.push(PANIC.into());
        let replacement = method.and(cx.cm.tokio_blocking_method(file, id)).map(|a| a.instead);
        match replacement {
            Some(async_name) if site.direct() && !call.in_macro && cx.can_await_in(file, call.ctx) => {
                let tokio_receiver = cx
                    .cm
                    .receiver_ty(file, id)
                    .is_some_and(|ty| ty.lib_path().is_some_and(|p| p.starts_with("tokio::sync::")));
                let applicability = if tokio_receiver {
                    Applicability::MachineApplicable
                } else {
                    Applicability::MaybeIncorrect
                };
                // The oneshot receiver is itself the future: `.blocking_recv()` becomes `.await`.
                let (message, edits) = if async_name == "await" {
                    (
                        "`.await` the receiver instead".to_string(),
                        vec![Edit {
                            range: call
                                .receiver_range
                                .as_ref()
                                .map_or(call.callee_range.start, |r| r.end)..call.range.end,
                            replacement: ".await".into(),
                        }],
                    )
                } else {
                    (
                        format!("use the async `{async_name}` and `.await` it"),
                        vec![
                            Edit {
                                range: call.callee_range.clone(),
                                replacement: async_name.to_string(),
                            },
                            Edit {
                                range: call.range.end..call.range.end,
                                replacement: ".await".into(),
                            },
                        ],
                    )
                };
                d.suggestions.push(Suggestion {
                    message,
                    edits,
                    applicability,
                });
            }
            Some("await") => d.help.push(
                "make the caller async and `.await` the receiver, or move the blocking call into `tokio::task::spawn_blocking`".into(),
            ),
            Some(async_name) => d.help.push(format!(
                "make the caller async and use `{async_name}(..).await`, or move the blocking call into `tokio::task::spawn_blocking`"
            )),
            None => d.help.push("call it inside `tokio::task::spawn_blocking`, or use the library's async API and `.await` it".into()),
        }
        cx.emit(file, d);
    }
}
