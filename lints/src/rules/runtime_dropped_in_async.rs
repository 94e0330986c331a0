use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime created in async code (or in a sync fn reached from it) that is
    /// dropped there: explicitly (`drop(rt)`), at the end of its scope, or shut down with
    /// `shutdown_timeout`. A runtime that escapes (returned, moved into a thread or a task,
    /// stored in a field or a static) or is shut down with `shutdown_background` is not reported.
    /// A value of the crate's own type that owns a runtime (in a field held by value or in a
    /// `Box`, directly or through another such struct) is followed the same way, at warn
    /// level; one whose type has a `Drop` impl, or that is passed to a method taking `self`, is
    /// not reported. actix's `Runtime` and `SystemRunner` and tokio's `LocalRuntime` are
    /// runtimes too.
    ///
    /// Also the `reqwest::blocking` calls that wait for the client's thread (`Client::new`,
    /// `get`, `send`, `execute`, `Response::text`/`bytes`/`json`/`read`, ...): with debug
    /// assertions on, each builds and drops a throw-away runtime to detect async code, and
    /// panics with the same message; in release builds it blocks the thread instead. Making a
    /// builder or a request, and dropping a client, do not wait and are not reported.
    ///
    /// ## Why is this bad?
    /// Dropping a runtime waits for its blocking threads, and waiting is not allowed on a thread
    /// that drives async tasks. Tokio panics:
    /// `Cannot drop a runtime in a context where blocking is not allowed. This happens when a
    /// runtime is dropped from within an asynchronous context.`
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn compress(data: Vec<u8>) -> Vec<u8> {
    ///     let pool = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    ///     let out = pool.spawn(zstd(data));
    ///     // ...
    ///     Vec::new()
    /// } // `pool` is dropped here, inside async code
    /// ```
    ///
    /// ## Use instead
    /// Build the runtime once, outside async code, and keep it (or its `Handle`) where async code
    /// can reach it; or end it without waiting: `pool.shutdown_background()`.
    ///
    /// ## Known problems
    /// A runtime shared through `Arc` and dropped by whichever owner is last is not followed,
    /// nor one held in an `Option` field.
    pub static LINT = {
        name: "runtime_dropped_in_async",
        level: Deny,
        summary: "a tokio runtime created and dropped inside async code (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for drop in cx.cm.runtime_drops() {
        if drop.blocked_on {
            // Blocking on it from async code panics first; `nested_runtime_block_on` reports that.
            continue;
        }
        let file = drop.file;
        let m = &cx.files()[file];
        let b = &m.bindings[drop.binding];
        let sites = cx.cm.sites(file, drop.home);
        let Some(site) = cx.cm.site_where(&sites, SiteKind::is_maybe_tokio_async) else {
            continue;
        };
        // Through a struct, the type is inferred one step further: never deny.
        let certainty = Certainty::of(site.certain && drop.owner.is_none());
        let (message, created, help) = match &drop.owner {
            None => (
                format!("tokio runtime `{}` is dropped inside async code", b.name),
                "the runtime is created here".to_string(),
                format!(
                    "build the runtime outside async code and keep it (or its `Handle`) for reuse, or end it without waiting: `{}.shutdown_background()`",
                    b.name
                ),
            ),
            Some((path, field)) => {
                let ty_name = crate::model::paths::last_segment(path);
                (
                    format!("tokio runtime owned by `{}` is dropped inside async code", b.name),
                    format!("`{}` is created here; its field `{field}` is a tokio runtime", b.name),
                    format!(
                        "create the `{ty_name}` outside async code and keep it for reuse, or give `{ty_name}` a `Drop` impl that ends the runtime without waiting (`shutdown_background`)"
                    ),
                )
            }
        };
        let mut d = cx.diagnostic(&LINT, certainty, message, Label::new(drop.at.clone(), drop.how));
        d.secondary.push(Label::new(b.range.clone(), created));
        cx.explain(&mut d, file, drop.home, &site, None);
        if !drop.early_exits.is_empty() {
            let lines: Vec<String> = drop.early_exits.iter().map(|&e| m.line_of(e).to_string()).collect();
            d.notes.push(format!(
                "it is also dropped on the early returns at line {}",
                lines.join(", ")
            ));
        }
        d.notes.push(PANIC.into());
        d.help.push(help);
        cx.emit(file, d);
    }
    // Calls that build and drop a runtime: a dependency's fn that does, or a watched API that
    // does in debug builds (`reqwest::blocking`).
    for sink in cx.sinks(SinkKind::DropsRuntime) {
        let Some(site) = cx.wrong_site(&sink, SiteKind::is_maybe_tokio_async) else {
            continue;
        };
        let (file, id) = (sink.file, sink.call);
        let call = &cx.files()[file].calls[id];
        let certainty = Certainty::of(sink.certain && site.certain);
        let (message, label, help) = match cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some()) {
            // The dependency makes a call that does so itself (`reqwest::blocking`).
            Some(path) if !cx.cm.dep_sink_drops_a_runtime_value(&sink) => (
                format!("`{path}` makes a blocking call that panics in async code in debug builds, and is called from async code"),
                "this blocks in async code".to_string(),
                format!("call `{path}` inside `tokio::task::spawn_blocking`, or use an async API of the library"),
            ),
            Some(path) => (
                format!("`{path}` builds and drops a tokio runtime, and is called from async code"),
                "the runtime is dropped inside this call".to_string(),
                format!("call `{path}` inside `tokio::task::spawn_blocking`, or use an async API of the library"),
            ),
            None => (
                format!("`{}` blocks in async code", cx.cm.sink_text(file, id)),
                "this builds and drops a tokio runtime in debug builds, and blocks the thread".to_string(),
                "use the library's async client and `.await` it, or make this call inside `tokio::task::spawn_blocking`".to_string(),
            ),
        };
        let mut d = cx.diagnostic(&LINT, certainty, message, Label::new(call.label_range.clone(), label));
        cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
        if sink.dep.is_none() && cx.cm.sink_panics_only_in_debug(&sink) {
            d.notes.push("with debug assertions on (debug builds, tests) it builds a throw-away runtime to detect async code, and dropping it panics; in release builds it does not panic but blocks the thread until the response arrives".into());
        }
        d.notes.push(PANIC.into());
        d.help.push(help);
        cx.emit(file, d);
    }
}

const PANIC: &str = "tokio panics with: Cannot drop a runtime in a context where blocking is not allowed. This happens when a runtime is dropped from within an asynchronous context.";
