// Runtimes built without the driver their futures need.

use std::time::Duration;
use tokio::runtime::Builder;

fn without_time() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await; //~ runtime_builder_missing_driver
    });
}

fn without_io() {
    let rt = Builder::new_multi_thread().enable_time().build().unwrap();
    rt.block_on(async {
        let _listener = tokio::net::TcpListener::bind("127.0.0.1:0").await; //~ runtime_builder_missing_driver
    });
}

fn inline_chain() {
    Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async {
            tokio::time::timeout(Duration::from_secs(1), async {}).await //~ runtime_builder_missing_driver
        })
        .ok();
}

fn spawned_task() {
    let rt = Builder::new_multi_thread().enable_io().build().unwrap();
    rt.spawn(async {
        let mut tick = tokio::time::interval(Duration::from_secs(1)); //~ runtime_builder_missing_driver
        tick.tick().await;
    });
}

// Correct: everything enabled.
fn enabled() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    });
}

// Correct: a CPU-only runtime needs no driver.
fn cpu_only() {
    let rt = Builder::new_multi_thread().build().unwrap();
    rt.block_on(async {
        let _sum: u64 = (0..1000u64).sum();
    });
}

// Correct: `Runtime::new` enables everything.
fn runtime_new() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    });
}

// Not known: the builder is configured through a variable.
fn configured_in_steps() {
    let mut builder = Builder::new_current_thread();
    builder.enable_time();
    let rt = builder.build().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    });
}

// Not known: the future is wrapped by other code (here, to run on another runtime) first.
fn wrapped(other: &tokio::runtime::Handle) {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(enter_other(other, async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }));
}

async fn enter_other<F: std::future::Future>(_handle: &tokio::runtime::Handle, f: F) -> F::Output {
    f.await
}

// Through calls: an async fn, and what it awaits, run on a runtime built without the driver.
async fn tick_every_second() {
    let mut tick = tokio::time::interval(Duration::from_secs(1)); //~ runtime_builder_missing_driver
    tick.tick().await;
}

async fn accept_once() {
    let _listener = tokio::net::TcpListener::bind("127.0.0.1:0").await; //~ runtime_builder_missing_driver
    tick_every_second().await;
}

fn serve_without_drivers() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(accept_once());
}

// Correct: the same fns on a runtime with every driver.
async fn tick_twice() {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    tick.tick().await;
}

fn serve_with_drivers() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(tick_twice());
}
