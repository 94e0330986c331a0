// Misused runtime context guards.

use tokio::runtime::{Handle, Runtime};

async fn work() {}

fn discarded_at_once(rt: &Runtime) {
    let _ = rt.enter(); //~ enter_guard_misuse
    tokio::spawn(work()); //~ runtime_never_entered
}

fn statement(handle: &Handle) {
    handle.enter(); //~ enter_guard_misuse
}

fn current_handle() {
    let _ = Handle::current().enter(); //~ enter_guard_misuse
}

fn out_of_order(a: &Runtime, b: &Runtime) {
    let first = a.enter();
    let second = b.enter();
    drop(first); //~ enter_guard_misuse
    drop(second);
}

async fn across_await(rt: &Runtime) {
    let guard = rt.enter();
    work().await; //~ enter_guard_misuse
    drop(guard);
}

// Correct: a named guard lives to the end of the scope.
fn named(rt: &Runtime) {
    let _guard = rt.enter();
    tokio::spawn(work());
}

// Correct: dropped in reverse order.
fn in_order(a: &Runtime, b: &Runtime) {
    let first = a.enter();
    let second = b.enter();
    drop(second);
    drop(first);
}

// Correct: guards in sibling blocks.
fn siblings(a: &Runtime, b: &Runtime) {
    {
        let _first = a.enter();
    }
    {
        let _second = b.enter();
    }
}

// Correct: dropped before the await.
async fn dropped_before_await(rt: &Runtime) {
    let guard = rt.enter();
    drop(guard);
    work().await;
}

// Correct: our own `enter`.
struct Span;

impl Span {
    fn enter(&self) {}
}

fn own_enter(span: &Span) {
    let _ = span.enter();
}
