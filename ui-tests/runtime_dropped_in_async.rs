// A runtime created and dropped inside async code.

use std::sync::OnceLock;
use tokio::runtime::{Builder, Runtime};

async fn compress() {
    let pool = Builder::new_multi_thread().build().unwrap();
    pool.spawn(async {});
} //~ runtime_dropped_in_async

async fn explicit_drop() {
    let rt = Runtime::new().unwrap();
    let _handle = rt.handle().clone();
    drop(rt); //~ runtime_dropped_in_async
}

async fn shutdown_with_timeout() {
    let rt = Runtime::new().unwrap();
    rt.spawn(async {});
    rt.shutdown_timeout(std::time::Duration::from_secs(1)); //~ runtime_dropped_in_async
}

fn make_runtime() -> Runtime {
    Runtime::new().unwrap()
}

fn scratch_runtime() {
    let rt = make_runtime();
    rt.spawn(async {}); //~ task_lost_at_runtime_exit
} //~ runtime_dropped_in_async

async fn calls_a_sync_helper() {
    scratch_runtime();
}

// Correct: `shutdown_background` does not wait.
async fn background() {
    let rt = Runtime::new().unwrap();
    rt.spawn(async {});
    rt.shutdown_background();
}

// Correct: returned to the caller.
async fn returned() -> Runtime {
    Runtime::new().unwrap()
}

// Correct: moved onto a thread of its own.
async fn moved_to_a_thread() {
    let rt = Runtime::new().unwrap();
    std::thread::spawn(move || rt.block_on(async {}));
}

// Correct: kept in a static.
static RUNTIME: OnceLock<Runtime> = OnceLock::new();

async fn kept() {
    let rt = Runtime::new().unwrap();
    let _ = RUNTIME.set(rt);
}

// Correct: created and dropped in sync code.
fn main() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {});
}

// Correct: created on the blocking pool.
async fn on_blocking_pool() {
    tokio::task::spawn_blocking(|| {
        let rt = Runtime::new().unwrap();
        rt.block_on(async {});
    })
    .await
    .unwrap();
}

// Correct: a zero timeout does not wait.
async fn zero_timeout() {
    let rt = Runtime::new().unwrap();
    rt.spawn(async {});
    rt.shutdown_timeout(std::time::Duration::from_nanos(0));
}

// Moved into a task, and dropped when the task ends.
fn moved_into_a_task(handle: tokio::runtime::Handle) {
    let rt = Runtime::new().unwrap();
    handle.spawn(async move {
        rt.spawn(async {});
    }); //~ runtime_dropped_in_async
}

// Correct: moved into a thread.
fn moved_to_a_thread_closure() {
    let rt = Runtime::new().unwrap();
    std::thread::spawn(move || {
        rt.spawn(async {});
    });
}
