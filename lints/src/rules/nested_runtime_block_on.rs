use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Label, Suggestion};
use crate::model::krate::{Driver, Exec, Target};
use crate::model::{paths, Family};

crate::declare_lint! {
    /// ## What it does
    /// Finds a tokio runtime's `block_on` (`Runtime`, `Handle`, `LocalRuntime`, `LocalSet`, actix
    /// `System`) called from async code, and calls from async code to a fn annotated
    /// `#[tokio::main]` (or another runtime-entry attribute), which builds a runtime and blocks on it.
    ///
    /// ## Why is this bad?
    /// The thread is already driving a runtime, so tokio refuses to block it and panics:
    /// `Cannot start a runtime from within a runtime. This happens because a function (like
    /// `block_on`) attempted to block the current thread while the thread is being used to drive
    /// asynchronous tasks.`
    ///
    /// Sync helpers reached from async code through the crate's call graph are reported too, at
    /// warn level, with the chain of calls.
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
    /// Closures stored and called later are not assumed to run in async code.
    pub static LINT = {
        name: "nested_runtime_block_on",
        level: Deny,
        summary: "a tokio runtime's `block_on`, or a `#[tokio::main]` fn, called from async code",
    };
}

const PANIC: &str = "tokio panics with: Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks. If you are in an async function, use `.await` on the future instead of blocking on it.";

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            if call.in_macro {
                continue;
            }
            let direct = match cx.cm.exec(file, call.ctx) {
                // Other executors do not set tokio's context: their threads can block on tokio.
                Exec::Async { runtime, .. } => {
                    matches!(runtime.family, Family::Tokio | Family::Unknown)
                }
                _ => false,
            };
            let reached = if direct {
                None
            } else {
                cx.reached_sync_fn(file, call.ctx)
            };
            if !direct && reached.is_none() {
                continue;
            }
            let (message, help, certain_target, suggestion) = if cx.cm.driver(file, id)
                == Some(Driver::TokioBlockOn)
            {
                let target = cx.cm.target(file, id).external().unwrap_or("block_on");
                let owner = paths::last_segment(paths::parent_path(target));
                let awaitable = direct && cx.can_await_in(file, call.ctx);
                let suggestion = match (awaitable, call.args.as_slice()) {
                    (true, [future]) => Some(Suggestion {
                        message: "`.await` the future instead".into(),
                        edits: super::await_argument(call, future),
                        applicability: Applicability::MaybeIncorrect,
                    }),
                    _ => None,
                };
                (
                    format!("`{owner}::block_on` called from async code"),
                    if direct {
                        "`.await` the future instead".to_string()
                    } else {
                        "make this fn async and `.await` the future, or call it inside `tokio::task::spawn_blocking`".to_string()
                    },
                    true,
                    suggestion,
                )
            } else if let Target::Fn { fn_ref, certain } = cx.cm.target(file, id) {
                let callee = cx.cm.fn_def(*fn_ref);
                let Some(entry) = &callee.entry else { continue };
                if entry.is_test || entry.family != Family::Tokio {
                    continue;
                }
                (
                    format!(
                        "`{}` starts a runtime (`#[{}]`) and is called from async code",
                        callee.name, entry.attr
                    ),
                    format!(
                        "remove `#[{}]` so that `{}` is a plain `async fn`, and `.await` it",
                        entry.attr, callee.name
                    ),
                    *certain,
                    None,
                )
            } else {
                continue;
            };
            let certainty = if direct && certain_target {
                Certainty::Certain
            } else {
                Certainty::Uncertain
            };
            let label = Label::new(
                call.label_range.clone(),
                "this blocks a thread that is driving async tasks",
            );
            let mut d = cx.diagnostic(&LINT, certainty, message, label);
            if let Some(context) = cx.async_context_label(file, call.ctx) {
                d.secondary.push(context);
            }
            if let Some(f) = reached {
                d.notes.extend(cx.cm.chain_notes(f));
            }
            if let Target::Fn { fn_ref, .. } = cx.cm.target(file, id) {
                if let Some(entry) = &cx.cm.fn_def(*fn_ref).entry {
                    if fn_ref.0 == file {
                        d.secondary.push(Label::new(
                            entry.range.clone(),
                            "this attribute makes the fn build a runtime and block on it",
                        ));
                    }
                }
            }
            d.notes.push(PANIC.into());
            match suggestion {
                Some(s) => d.suggestions.push(s),
                None => d.help.push(help),
            }
            cx.emit(file, d);
        }
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
            ("nested_runtime_block_on", 20, Level::Warn),
            ("nested_runtime_block_on", 24, Level::Deny),
        ]);
    }
}
