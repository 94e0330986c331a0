use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};

crate::declare_lint! {
    /// ## What it does
    /// Finds `tracker.wait().await` on a `tokio_util::task::TaskTracker` that is not closed
    /// before: no `tracker.close()` comes first, and the tracker is used only here (not cloned
    /// or handed to code that could close it).
    ///
    /// ## Why is this bad?
    /// `wait` returns once the tracker is closed *and* empty. Without `close()` it never
    /// returns, even after every task is done: the program hangs there.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let tracker = TaskTracker::new();
    /// for job in jobs {
    ///     tracker.spawn(run(job));
    /// }
    /// tracker.wait().await;
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let tracker = TaskTracker::new();
    /// for job in jobs {
    ///     tracker.spawn(run(job));
    /// }
    /// tracker.close();
    /// tracker.wait().await;
    /// ```
    ///
    /// ## Known problems
    /// A tracker that is cloned, stored or passed to another fn may be closed there, and is not
    /// reported.
    pub static LINT = {
        name: "task_tracker_wait_without_close",
        level: Deny,
        summary: "`TaskTracker::wait().await` with no `close()` before it (hangs forever)",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for (file, id, tracker) in cx.cm.tracker_waits_without_close() {
        let m = &cx.files()[file];
        let call = &m.calls[id];
        let name = &m.bindings[tracker].name;
        let mut d = cx.diagnostic(
            &LINT,
            Certainty::Certain,
            format!("`{name}.wait()` is awaited but `{name}` is never closed before it"),
            Label::new(call.label_range.clone(), "this never returns"),
        );
        d.secondary.push(Label::new(
            m.bindings[tracker].range.clone(),
            "the tracker is made here and never closed before the wait",
        ));
        d.notes.push("`TaskTracker::wait` returns only when the tracker is closed and has no tasks left; without `close()` it waits forever".into());
        // `tracker.wait().await` as a statement of its own: close it on the line before.
        let receiver_start = call.receiver_range.as_ref().map_or(call.range.start, |r| r.start);
        let line_start = m.line_starts[m.line_of(receiver_start).saturating_sub(1)];
        let indent_end = receiver_start;
        d.suggestions.push(Suggestion {
            message: format!("close the tracker first: `{name}.close();`"),
            edits: vec![Edit {
                range: indent_end..indent_end,
                replacement: format!("{name}.close();\n{}", " ".repeat(indent_end - line_start)),
            }],
            applicability: Applicability::MaybeIncorrect,
        });
        cx.emit(file, d);
    }
}
