use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::{Held, UseKind};
use crate::model::krate::{Driver, Target};
use crate::model::paths;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime's `block_on` (`Runtime`, `Handle`, `LocalRuntime`, `LocalSet`, actix
    /// `SystemRunner` and `Runtime`) called from async code, and calls from async code to a fn
    /// annotated `#[tokio::main]` (or another runtime-entry attribute), which builds a runtime
    /// and blocks on it. Also the calls that block on a runtime without being handed a future:
    /// `actix_rt::System::new()` (which runs its `block_on` at once), `SystemRunner::run`, and
    /// every read and write of tokio-util's `SyncIoBridge`.
    ///
    /// ## Why is this bad?
    /// The thread is already driving a runtime, so tokio refuses to block it and panics:
    /// `Cannot start a runtime from within a runtime. This happens because a function (like
    /// `block_on`) attempted to block the current thread while the thread is being used to drive
    /// asynchronous tasks.`
    ///
    /// Sync helpers reached from async code are reported too, with the chain of calls: through
    /// the crate's fns and methods, closures given to fns that call them in place, and calls
    /// into the package's library and other workspace packages (reported at the call into
    /// them, with the library's chain in notes).
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn handler() -> Config {
    ///     let rt = tokio::runtime::Runtime::new().unwrap();
    ///     rt.block_on(load_config())
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// async fn handler() -> Config {
    ///     load_config().await
    /// }
    /// ```
    /// Sync code that must wait for a future belongs on a blocking thread:
    /// `tokio::task::spawn_blocking(move || handle.block_on(fut))`.
    ///
    /// ## Known problems
    /// The receiver must be known to be a runtime (from its constructor, a type annotation, a
    /// field or a static); a runtime handed in through a generic or a trait object is not seen.
    /// Closures stored and called later are not assumed to run in async code. A chain is
    /// followed only through calls that resolve to one fn by path or by the receiver's type,
    /// and through a call in a branch (or after an early `return`) only from async code or
    /// where the chain starts, at warn level.
    pub static LINT = {
        name: "nested_runtime_block_on",
        level: Deny,
        summary: "a tokio runtime's `block_on`, or a `#[tokio::main]` fn, called from async code",
    };
}

const PANIC: &str = "tokio panics with: Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks. If you are in an async function, use `.await` on the future instead of blocking on it.";

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks(SinkKind::BlockOnRuntime) {
        let (file, id) = (sink.file, sink.call);
        let m = &cx.files()[file];
        let call = &m.calls[id];
        // Other executors do not set tokio's context: their threads can block on tokio.
        let Some(site) = cx.wrong_site(&sink, SiteKind::is_maybe_tokio_async) else {
            continue;
        };
        let target = cx.cm.target(file, id);
        let entry = match target {
            Target::Fn { fn_ref, .. } => cx.cm.fn_def(*fn_ref).entry.as_ref().map(|e| {
                (cx.cm.fn_def(*fn_ref).name.clone(), e.attr.clone(), (fn_ref.0 == file).then(|| e.range.clone()))
            }),
            Target::Dep { fn_ref, .. } if sink.dep.is_none() => {
                let f = &cx.cm.deps[fn_ref.0].fns[fn_ref.1];
                f.entry.as_ref().map(|e| (f.path.clone(), e.attr.clone(), None))
            }
            _ => None,
        };
        let driver = cx.cm.driver(file, id) == Some(Driver::TokioBlockOn);
        let (message, help, suggestion) = if driver {
            let target = target.external().unwrap_or("block_on");
            let owner = paths::last_segment(paths::parent_path(target));
            let awaitable = site.direct() && cx.can_await_in(file, call.ctx);
            let suggestion = match (awaitable, call.args.as_slice()) {
                (true, [future]) => {
                    let mut edits = super::await_argument(call, future);
                    // A runtime made only to block on this future goes too.
                    let only_use = m.bindings.iter().find(|b| {
                        b.uses.len() == 1
                            && b.uses[0].kind == UseKind::Receiver(id)
                            && b.init_call.is_some()
                            && b.held == Held::Owned
                    });
                    let mut message = "`.await` the future instead".to_string();
                    if let Some((b, lines)) = only_use.and_then(|b| Some((b, b.let_lines.clone()?))) {
                        message = format!("`.await` the future instead, and remove `{}`", b.name);
                        edits.insert(
                            0,
                            Edit {
                                range: lines,
                                replacement: String::new(),
                            },
                        );
                    }
                    Some(Suggestion {
                        message,
                        edits,
                        applicability: Applicability::MaybeIncorrect,
                    })
                }
                _ => None,
            };
            (
                format!("`{owner}::block_on` called from async code"),
                if site.direct() {
                    "`.await` the future instead".to_string()
                } else {
                    "make this fn async and `.await` the future, or call it inside `tokio::task::spawn_blocking`".to_string()
                },
                suggestion,
            )
        } else if let Some((name, attr, _)) = &entry {
            (
                format!("`{name}` starts a runtime (`#[{attr}]`) and is called from async code"),
                format!("remove `#[{attr}]` so that `{name}` is a plain `async fn`, and `.await` it"),
                None,
            )
        } else if let Some(callee) = cx.cm.sink_dep_path(&sink).filter(|_| sink.dep.is_some()) {
            (
                format!("`{callee}` blocks on a tokio runtime and is called from async code"),
                format!("call `{callee}` inside `tokio::task::spawn_blocking`, or use an async API of the library and `.await` it"),
                None,
            )
        } else {
            // A watched call that blocks on a runtime without being handed a future:
            // `actix_rt::System::new()`, `SystemRunner::run`, `SyncIoBridge`'s reads and writes.
            let callee = cx.cm.sink_text(file, id);
            (
                format!("`{callee}` blocks on a runtime and is called from async code"),
                format!("call `{callee}` on a thread of its own, or inside `tokio::task::spawn_blocking`"),
                None,
            )
        };
        let certainty = Certainty::of(sink.certain && site.certain);
        let label = Label::new(
            call.label_range.clone(),
            "this blocks a thread that is driving async tasks",
        );
        let mut d = cx.diagnostic(&LINT, certainty, message, label);
        cx.explain(&mut d, file, call.ctx, &site, Some(&sink));
        if let Some((_, _, Some(range))) = entry {
            d.secondary.push(Label::new(
                range,
                "this attribute makes the fn build a runtime and block on it",
            ));
        }
        d.notes.push(PANIC.into());
        match suggestion {
            Some(s) => d.suggestions.push(s),
            None => d.help.push(help),
        }
        cx.emit(file, d);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::lint;
    use crate::Level;

    #[test]
    fn direct_block_on() {
        let src = r#"
use tokio::runtime::{Runtime, Handle};
async fn a() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {});
}
async fn b() {
    Handle::current().block_on(async {});
}
fn main() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {});
}
async fn c() {
    tokio::task::spawn_blocking(move || Handle::current().block_on(async {}));
    std::thread::spawn(|| { let rt = tokio::runtime::Builder::new_current_thread().build().unwrap(); rt.block_on(async {}) });
}
struct Ex; impl Ex { fn block_on(&self, _: ()) {} }
async fn d(e: Ex) { e.block_on(()); }
fn helper() { Handle::current().block_on(async {}); }
async fn e() { helper(); }
#[tokio::main]
async fn load() {}
async fn f() { load(); }
"#;
        let found = lint(src);
        eprintln!("{found:#?}");
        assert_eq!(found, vec![
            ("nested_runtime_block_on", 5, Level::Deny),
            ("nested_runtime_block_on", 8, Level::Deny),
            ("nested_runtime_block_on", 20, Level::Deny),
            ("nested_runtime_block_on", 24, Level::Deny),
        ]);
    }
}
