// A timer run through a handle after its runtime was shut down.

use std::time::Duration;
use tokio::runtime::Runtime;

fn grace_period() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    rt.shutdown_background(); //~ runtime_used_after_shutdown
    handle.block_on(async { tokio::time::sleep(Duration::from_millis(10)).await });
}

fn dropped_first() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    drop(rt); //~ runtime_used_after_shutdown
    handle.block_on(async {
        let _ = tokio::time::timeout(Duration::from_millis(10), std::future::pending::<()>()).await;
    });
}

fn waited_for() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    rt.shutdown_timeout(Duration::from_secs(1)); //~ runtime_used_after_shutdown
    handle.block_on(async { tokio::time::sleep(Duration::from_millis(10)).await });
}

// Correct: the timer runs before the runtime ends.
fn in_order() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    handle.block_on(async { tokio::time::sleep(Duration::from_millis(10)).await });
    rt.shutdown_background();
}

// Correct: a task spawned through a dead handle is cancelled, not run.
fn spawned_after() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    rt.shutdown_background();
    let _ = handle.spawn(async { tokio::time::sleep(Duration::from_millis(10)).await });
}

// Correct: IO through a dead handle returns an error.
fn io_after() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    rt.shutdown_background();
    let bound = handle.block_on(async { tokio::net::TcpListener::bind("127.0.0.1:0").await });
    assert!(bound.is_err());
}

// Correct: ended on one path only.
fn maybe_ended(stop: bool) {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    if stop {
        rt.shutdown_background();
        return;
    }
    handle.block_on(async { tokio::time::sleep(Duration::from_millis(10)).await });
}
