use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::{Callee, Family};

crate::declare_lint! {
    /// ## What it does
    /// Finds executors that block the calling thread until a future completes
    /// (`futures::executor::block_on`, `pollster::block_on` and its `.block_on()` form,
    /// `async_std::task::block_on`, `smol::block_on`, `futures_lite::future::block_on`,
    /// `async_io::block_on`) called from async code. (futures' `block_on` inside a future that
    /// futures' own executor polls panics instead: `nested_local_pool` reports it.)
    ///
    /// ## Why is this bad?
    /// They do not panic; they park the thread. On a current-thread runtime (the default of
    /// `#[tokio::test]`) nothing else can run on that thread, so if the future waits for another
    /// task, a timer or IO driven by that thread, the program hangs forever. On a multi-thread
    /// runtime each such call takes a worker out of the pool, and enough of them deadlock it.
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn handler(db: &Db) -> User {
    ///     futures::executor::block_on(db.load_user())
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// async fn handler(db: &Db) -> User {
    ///     db.load_user().await
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Sync helpers reached from async code are reported too, with the chain of calls; a helper
    /// that is only called on a blocking thread in ways the model cannot see would be a false
    /// positive (the chain is shown to check it).
    pub static LINT = {
        name: "blocking_executor_in_async",
        level: Warn,
        summary: "`futures::executor::block_on`, `pollster::block_on` and similar called from async code (hangs)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
        for sink in cx.sinks_matching(|k| matches!(k, SinkKind::BlockOnExecutor(_))) {
            let SinkKind::BlockOnExecutor(family) = sink.kind else {
                continue;
            };
            let (file, id) = (sink.file, sink.call);
            let call = &cx.files()[file].calls[id];
            // async-std runs a nested `block_on` of its own on the same thread; futures'
            // executor panics inside its own (`nested_local_pool` reports that).
            let Some(site) = cx.wrong_site(&sink, |k| match k {
                SiteKind::Async(runtime) => {
                    !(family == runtime.family && matches!(family, Family::AsyncStd | Family::Futures))
                }
                _ => false,
            }) else {
                continue;
            };
            let name = match sink.dep {
                Some(_) => format!("`{}`", cx.cm.sink_dep_path(&sink).unwrap_or_default()),
                None => format!("`{}`", cx.callee_text(file, id)),
            };
            let certainty = Certainty::of(sink.certain && site.certain);
            let label = Label::new(
                call.label_range.clone(),
                "this parks the thread until the future completes",
            );
            let message = match sink.dep {
                Some(_) => format!("{name} blocks on an executor and is called from async code"),
                None => format!("{name} blocks an async task's thread"),
            };
            let mut d = cx.diagnostic(&LINT, certainty, message, label);
            cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
            d.notes.push("this does not panic: on a current-thread runtime (the default of `#[tokio::test]`) it hangs when the future needs this thread, and on a multi-thread runtime it takes a worker out of the pool".into());
            let edits = match (&call.callee, call.args.as_slice(), &call.receiver_range) {
                _ if sink.dep.is_some() => None,
                (Callee::Path { .. }, [future], _) => Some(super::await_argument(call, future)),
                (Callee::Method { .. }, [], Some(receiver)) => Some(vec![Edit {
                    range: receiver.end..call.range.end,
                    replacement: ".await".into(),
                }]),
                _ => None,
            };
            match edits {
                Some(edits) if site.direct() && cx.can_await_in(file, call.ctx) => d.suggestions.push(Suggestion {
                    message: "`.await` the future instead".into(),
                    edits,
                    applicability: Applicability::MaybeIncorrect,
                }),
                _ => d.help.push(
                    "make the caller async and `.await` the future, or run this on a blocking thread (`tokio::task::spawn_blocking`)".into(),
                ),
            }
            cx.emit(file, d);
        }
}
