use super::{Certainty, LintCx};
use crate::diagnostic::{Applicability, Edit, Label, Suggestion};
use crate::model::summary::SinkKind;
use crate::model::tasks::Work;
use crate::model::ValueUse;

crate::declare_lint! {
    /// ## What it does
    /// Finds tasks whose work is lost when their runtime shuts down: a task spawned
    /// (`tokio::spawn`, `rt.spawn`, `handle.spawn`, `tracker.spawn`, or by a fn of the crate
    /// that leaves its task running, such as a constructor that starts a background worker)
    /// whose `JoinHandle` is dropped (at once, by `drop(..)`, at the end of its scope, or in a
    /// `Vec` of handles that is never joined); whose future finishes and changes something
    /// outside the task (a write, a send, a flush, a removal, a request); and after whose spawn
    /// the runtime ends with nothing that waits: the end of a `#[tokio::main]` or
    /// `#[tokio::test]` body, of the future given to `block_on`, a runtime dropped after
    /// `rt.spawn(..)`, or `std::process::exit`.
    ///
    /// ## Why is this bad?
    /// A dropped `JoinHandle` detaches its task. When the runtime shuts down, it drops every
    /// unfinished task at its next `.await`: the write, the send or the flush never happens, and
    /// nothing says so. (`spawn_blocking` work is not lost this way: dropping a runtime waits
    /// for it.)
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() {
    ///     let report = build_report();
    ///     tokio::spawn(async move { upload(report).await });
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() {
    ///     let report = build_report();
    ///     tokio::spawn(async move { upload(report).await }).await.unwrap();
    /// }
    /// ```
    /// or collect the tasks in a `JoinSet` (`set.join_all().await`) or a `TaskTracker`
    /// (`tracker.close(); tracker.wait().await`).
    ///
    /// ## Known problems
    /// Any later `.await` or wait counts as waiting for the task, even one for something else:
    /// a server that runs until it is stopped keeps its background tasks alive. A task that
    /// loops forever (a ticker, an accept loop) is a daemon and is not reported; a task whose
    /// future the model cannot see (a value handed to `spawn`) is not reported either. Spawns
    /// are followed through the crate's fns a few calls deep.
    pub static LINT = {
        name: "task_lost_at_runtime_exit",
        level: Warn,
        summary: "tasks spawned and never awaited before the runtime that runs them shuts down",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for lost in cx.cm.lost_tasks() {
        let m = &cx.files()[lost.file];
        let call = &m.calls[lost.call];
        let direct = lost.spawned_in.is_none() && lost.dep.is_none();
        let label = match direct {
            true => "this task is detached: nothing waits for it",
            false => "this call leaves a task running that nothing waits for",
        };
        let mut d = cx.diagnostic(
            &LINT,
            Certainty::of(!call.in_macro),
            "spawned task is not awaited before the runtime shuts down",
            Label::new(call.label_range.clone(), label),
        );
        let lost_here = lost.lost_at.start >= call.range.end || lost.lost_at.end <= call.range.start;
        if lost_here && lost.lost_at != (call.range.end..call.range.end) {
            d.secondary.push(Label::new(lost.lost_at.clone(), lost.how));
        }
        if lost.end.file == lost.file {
            d.secondary.push(Label::new(lost.end.at.clone(), lost.end.why.clone()));
        }
        if let Some((sf, spawn)) = lost.spawned_in {
            let sm = &cx.files()[sf];
            let names: Vec<String> = lost
                .chain
                .iter()
                .map(|&f| format!("`{}`", cx.cm.fn_def(f).name))
                .collect();
            d.notes.push(format!(
                "the task is spawned at {}:{}, through {}, and its `JoinHandle` dropped",
                sm.path,
                sm.line_of(sm.calls[spawn].range.start),
                names.join(" → ")
            ));
        }
        let work = match &lost.effect {
            Some(Work::Here(ef, effect)) => {
                let em = &cx.files()[*ef];
                Some((
                    cx.cm.sink_text(*ef, *effect),
                    em.path.clone(),
                    em.line_of(em.calls[*effect].range.start),
                ))
            }
            Some(Work::There(link)) => Some((link.what.clone(), link.file.clone(), link.line as usize)),
            None => None,
        };
        if let Some((what, path, line)) = work {
            d.notes.push(format!(
                "the task does work that is lost if it is cut off: `{what}` ({path}:{line})"
            ));
        }
        if let Some(dep) = lost.dep {
            let effects = &cx.cm.deps[dep.0].fns[dep.1].effects;
            if let Some(index) = effects.iter().position(|e| e.kind == SinkKind::LeavesTask) {
                d.notes.extend(cx.cm.effect_notes(dep, index));
            }
        }
        d.notes.push("a dropped `JoinHandle` detaches its task; when the runtime shuts down, unfinished tasks are dropped at their next `.await`, and their work, output and panics are lost".into());
        let discarded_spawn = direct && call.used_as == ValueUse::Discarded && call.wild_let.is_none();
        if discarded_spawn && cx.can_await_in(lost.file, call.ctx) {
            d.suggestions.push(Suggestion {
                message: "wait for the task before the runtime shuts down".into(),
                edits: vec![Edit {
                    range: call.range.end..call.range.end,
                    replacement: ".await.unwrap()".into(),
                }],
                applicability: Applicability::MaybeIncorrect,
            });
        } else {
            d.help.push(match direct {
                true => "keep the `JoinHandle` and `.await` it before the end, or collect tasks in a `JoinSet` and `join_all().await` it".into(),
                false => "return the `JoinHandle` (or keep it in the value that starts the task) and `.await` it before the runtime shuts down, or track the task with a `TaskTracker` and `close()` + `wait().await` it".into(),
            });
        }
        cx.emit(lost.file, d);
    }
}
