use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::{CtxKind, Family, Flavor};

crate::declare_lint! {
    /// ## What it does
    /// Finds `tokio::task::block_in_place` in async code that runs on a current-thread runtime:
    /// under `#[tokio::test]` (current-thread unless `flavor = "multi_thread"`),
    /// `#[tokio::main(flavor = "current_thread")]` or `flavor = "local"`, actix entry points,
    /// futures given to a `Builder::new_current_thread()` runtime's `block_on`, and futures run
    /// by a `LocalSet`.
    ///
    /// ## Why is this bad?
    /// `block_in_place` hands the worker's other tasks to another worker, which only a
    /// multi-thread runtime has. Elsewhere it panics:
    /// `can call blocking only when running on the multi-threaded runtime`.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[tokio::test]
    /// async fn imports_the_catalog() {
    ///     tokio::task::block_in_place(|| import("catalog.csv"));
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// #[tokio::test]
    /// async fn imports_the_catalog() {
    ///     tokio::task::spawn_blocking(|| import("catalog.csv")).await.unwrap();
    /// }
    /// ```
    /// or run the test on a multi-thread runtime: `#[tokio::test(flavor = "multi_thread")]`.
    ///
    /// ## Known problems
    /// Code reached through calls is judged on each path from a runtime, with the chain shown: a
    /// helper called from a `#[tokio::test]` and from a multi-thread `main` is reported for the
    /// test. A chain is followed only through calls that resolve to one fn; through a call in
    /// a branch only from async code or where the chain starts, at warn level.
    pub static LINT = {
        name: "block_in_place_on_current_thread",
        level: Deny,
        summary: "`block_in_place` on a current-thread runtime or inside a `LocalSet` (panics)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks(SinkKind::BlockInPlace) {
        let (file, id) = (sink.file, sink.call);
        let m = &cx.files()[file];
        let call = &m.calls[id];
        let Some(site) = cx.wrong_site(&sink, |k| {
            matches!(k, SiteKind::Async(r) if r.family == Family::Tokio && r.flavor.is_current_thread())
        }) else {
            continue;
        };
        let flavor = site.kind.runtime().map_or(Flavor::Unknown, |r| r.flavor);
        let what = if flavor == Flavor::Local {
            "inside a `LocalSet`"
        } else {
            "on a current-thread runtime"
        };
        let message = match cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some()) {
            Some(path) => format!("`{path}` calls `block_in_place` and is called {what}"),
            None => format!("`block_in_place` called {what}"),
        };
        let certainty = Certainty::of(sink.certain && site.certain);
        let label = Label::new(call.label_range.clone(), "this panics");
        let mut d = cx.diagnostic(&LINT, certainty, message, label);
        // The entry fn whose runtime this is: where the code or its chain starts.
        let (origin_file, origin_ctx) = cx.cm.site_origin(&site).unwrap_or((file, call.ctx));
        let origin = &cx.files()[origin_file];
        let entry = cx
            .cm
            .async_boundary(origin_file, origin_ctx)
            .map(|b| &origin.ctxs[b])
            .filter(|c| c.kind == CtxKind::Fn)
            .and_then(|c| c.fn_id.and_then(|f| origin.fns[f].entry.as_ref()));
        let entry_text = |e: &crate::model::Entry| match (e.attr.as_str(), flavor) {
            ("tokio::test", Flavor::CurrentThread) => {
                "`#[tokio::test]` runs a current-thread runtime unless `flavor = \"multi_thread\"` is given".to_string()
            }
            (_, Flavor::Local) => "this runs the body on a current-thread runtime with a `LocalSet`".to_string(),
            _ => "this runs the body on a current-thread runtime".to_string(),
        };
        match entry {
            Some(e) if site.direct() => d.secondary.push(Label::new(e.range.clone(), entry_text(e))),
            _ => cx.explain(&mut d, file, call.ctx, &site, None),
        }
        if !site.direct() {
            if let Some(e) = entry {
                d.notes.push(entry_text(e));
            }
        }
        d.notes.extend(cx.cm.dep_notes(&sink));
        d.notes.push("tokio panics with: can call blocking only when running on the multi-threaded runtime".into());
        let help = match entry {
            Some(e) if e.attr == "tokio::test" => "use `tokio::task::spawn_blocking(..).await`, or run the test on a multi-thread runtime: `#[tokio::test(flavor = \"multi_thread\")]`",
            _ => "use `tokio::task::spawn_blocking(..).await` instead, or run this on a multi-thread runtime",
        };
        d.help.push(help.into());
        cx.emit(file, d);
    }
}
