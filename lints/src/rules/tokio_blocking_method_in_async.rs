use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
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
    /// Findings reached only through the call graph are reported at warn level.
    pub static LINT = {
        name: "tokio_blocking_method_in_async",
        level: Deny,
        summary: "a tokio `blocking_*` method (`blocking_recv`, `blocking_lock`, ...) called from async code",
    };
}

/// Blocking method, its argument count, and the async method to use instead.
const METHODS: &[(&str, usize, &str)] = &[
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

const PANIC: &str = "tokio panics with: Cannot block the current thread from within a runtime. This happens because a function attempted to block the current thread while the thread is being used to drive asynchronous tasks.";

pub fn check(cx: &mut LintCx<'_>) {
    let crate_methods: std::collections::HashSet<&str> = cx
        .files()
        .iter()
        .flat_map(|f| f.method_names.iter().map(String::as_str))
        .collect();
    let deps = &cx.cm.krate.dependencies;
    let uses_tokio = deps.is_empty() || deps.iter().any(|d| d.package == "tokio");
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            let Callee::Method { name, .. } = &call.callee else {
                continue;
            };
            let Some(&(_, argc, async_name)) = METHODS.iter().find(|(n, ..)| n == name) else {
                continue;
            };
            if !call.in_macro && call.args.len() != argc {
                continue;
            }
            let tokio_receiver = match cx.cm.receiver_ty(file, id) {
                Some(ty) if ty.lib_path().is_some_and(|p| p.starts_with("tokio::sync::")) => true,
                Some(_) => continue,
                None if !uses_tokio || crate_methods.contains(name.as_str()) => continue,
                None => false,
            };
            let Some(site) = cx.async_site(file, call.ctx) else {
                continue;
            };
            if !site.maybe_tokio() {
                continue;
            }
            let certainty = if site.direct() && !call.in_macro {
                Certainty::Certain
            } else {
                Certainty::Uncertain
            };
            let label = Label::new(
                call.label_range.clone(),
                "this blocks the thread that is driving async tasks",
            );
            let mut d = cx.diagnostic(
                &LINT,
                certainty,
                format!("`{name}` called from async code"),
                label,
            );
            cx.explain_site(&mut d, file, call.ctx, &site);
            d.notes.push(PANIC.into());
            if site.direct() && !call.in_macro && cx.can_await_in(file, call.ctx) {
                let applicability = if tokio_receiver {
                    Applicability::MachineApplicable
                } else {
                    Applicability::MaybeIncorrect
                };
                d.suggestions.push(Suggestion {
                    message: format!("use the async `{async_name}` and `.await` it"),
                    edits: vec![
                        Edit {
                            range: call.callee_range.clone(),
                            replacement: async_name.to_string(),
                        },
                        Edit {
                            range: call.range.end..call.range.end,
                            replacement: ".await".into(),
                        },
                    ],
                    applicability,
                });
            } else {
                d.help.push(format!(
                    "make the caller async and use `{async_name}(..).await`, or move the blocking call into `tokio::task::spawn_blocking`"
                ));
            }
            cx.emit(file, d);
        }
    }
}
