use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::Family;

crate::declare_lint! {
    /// ## What it does
    /// Finds a futures executor run inside a future that another futures executor is polling:
    /// `futures::executor::block_on`, a `LocalPool`'s `run`, `run_until`, `run_until_stalled`
    /// or `try_run_one`, or the `next` of a `block_on_stream` iterator, written in (or called
    /// from) a future given to `futures::executor::block_on` or `LocalPool::run_until`.
    ///
    /// ## Why is this bad?
    /// futures-executor marks the thread while one of its executors runs, and refuses to start
    /// another on it:
    /// `` cannot execute `LocalPool` executor from within another executor: EnterError ``.
    /// (Inside a tokio, async-std, smol or pollster executor it does not panic,
    /// it blocks the thread: `blocking_executor_in_async` reports that.)
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn main() {
    ///     futures::executor::block_on(async {
    ///         let config = futures::executor::block_on(load_config());
    ///         serve(config).await;
    ///     });
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn main() {
    ///     futures::executor::block_on(async {
    ///         let config = load_config().await;
    ///         serve(config).await;
    ///     });
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Tasks spawned onto a `LocalPool` or a `ThreadPool` run inside it too, but the futures
    /// handed to a spawner are not followed. Findings through a chain of calls are reported at
    /// warn level.
    pub static LINT = {
        name: "nested_local_pool",
        level: Deny,
        summary: "a futures executor (`block_on`, `LocalPool::run`) run inside another one (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks(SinkKind::RunsFuturesExecutor) {
        let Some(site) = cx.wrong_site(&sink, |k| {
            matches!(k, SiteKind::Async(r) if r.family == Family::Futures)
        }) else {
            continue;
        };
        let (file, id) = (sink.file, sink.call);
        let call = &cx.files()[file].calls[id];
        let name = match cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some()) {
            Some(path) => path,
            None => cx.cm.sink_text(file, id),
        };
        let message = match sink.dep {
            Some(_) => format!("`{name}` runs a futures executor and is called inside another one"),
            None => format!("`{name}` runs a futures executor inside another one"),
        };
        // Deny only when the call is written in the outer executor's future itself.
        let certainty = Certainty::of(sink.certain && site.certain && site.direct());
        let mut d = cx.diagnostic(
            &LINT,
            certainty,
            message,
            Label::new(call.label_range.clone(), "this panics: the thread already runs a futures executor"),
        );
        // Outside the finding's file the note names the driver too.
        let driver = cx.cm.site_driver(file, id, &site);
        let what = match driver {
            Some((df, call)) if df != file => format!(
                "`{}` polls the future the call is made in",
                cx.cm.sink_text(df, call)
            ),
            _ => "this executor polls the future the call is made in".to_string(),
        };
        cx.point_at_driver(&mut d, file, driver, &what);
        if !site.direct() {
            d.notes.extend(cx.cm.site_notes(&site));
        }
        d.notes.extend(cx.cm.dep_notes(&sink));
        d.notes.push("futures-executor panics with: cannot execute `LocalPool` executor from within another executor: EnterError".into());
        d.help.push("`.await` the future instead, or spawn it onto the running executor".into());
        cx.emit(file, d);
    }
}
