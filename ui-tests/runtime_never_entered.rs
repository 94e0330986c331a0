// Runtimes built and never used or entered.

use tokio::runtime::{Builder, Runtime};

async fn worker(_id: usize) {}

fn built_and_forgotten() {
    let rt = Runtime::new().unwrap(); //~ runtime_never_entered
    println!("started");
}

fn start_workers(n: usize) -> Runtime {
    let rt = Runtime::new().unwrap();
    for i in 0..n {
        tokio::spawn(worker(i)); //~ runtime_never_entered
    }
    rt
}

fn interval_beside_runtime() -> Runtime {
    let rt = Builder::new_multi_thread().enable_all().build().unwrap();
    let _tick = tokio::time::interval(std::time::Duration::from_secs(1)); //~ runtime_never_entered
    rt
}

fn unused_named() {
    let rt = Builder::new_current_thread().build().unwrap(); //~ runtime_never_entered
}

// Correct: unused on purpose.
fn builds() {
    let _rt = Builder::new_current_thread().build().unwrap();
}

// Correct: spawned on the runtime.
fn spawn_on_it(n: usize) -> Runtime {
    let rt = Runtime::new().unwrap();
    for i in 0..n {
        rt.spawn(worker(i));
    }
    rt
}

// Correct: entered.
fn entered() -> Runtime {
    let rt = Runtime::new().unwrap();
    {
        let _guard = rt.enter();
        tokio::spawn(worker(0));
    }
    rt
}

// Correct: returned to the caller, who decides.
fn make() -> Runtime {
    let rt = Runtime::new().unwrap();
    rt
}

// Correct: a sync helper called from async code runs inside a runtime.
fn spawn_helper(_rt: &Runtime) {
    tokio::spawn(worker(1));
}

async fn caller(rt: &Runtime) {
    spawn_helper(rt);
}

fn main() {
    let rt = Runtime::new().unwrap();
    rt.block_on(worker(0));
}
