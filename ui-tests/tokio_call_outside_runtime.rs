// tokio calls that need a runtime, where provably none is running.

use std::time::Duration;
use tokio::runtime::{Handle, Runtime};

async fn work() {}

fn main() {
    let rt = Runtime::new().unwrap();
    tokio::spawn(work()); //~ tokio_call_outside_runtime
    install_metrics();
    rt.block_on(async {
        install_tracing();
    });
    rt.block_on(work());
    worker_thread(rt.handle().clone());
    entered(&rt);
}

#[test]
fn plain_test_needs_a_runtime() {
    let _handle = Handle::current(); //~ tokio_call_outside_runtime
}

fn worker_thread(handle: Handle) {
    std::thread::spawn(move || {
        let _sleep = tokio::time::sleep(Duration::from_millis(5)); //~ tokio_call_outside_runtime
        handle.spawn(work());
    });
    std::thread::spawn(|| {
        let _ = tokio::task::spawn_blocking(|| 1); //~ tokio_call_outside_runtime
    });
}

// Called from `main`, where no runtime is running: reported with the chain of calls.
fn install_metrics() {
    tokio::spawn(work()); //~ tokio_call_outside_runtime
}

// Correct: only called inside the runtime.
fn install_tracing() {
    tokio::spawn(work());
}

// Correct: after entering the runtime.
fn entered(rt: &Runtime) {
    let _guard = rt.enter();
    tokio::spawn(work());
}

#[test]
fn test_with_its_own_runtime() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        tokio::spawn(work()).await.unwrap();
    });
    let _guard = rt.enter();
    let _interval = tokio::time::interval(Duration::from_secs(1));
}

// Correct: a handle passed in does not need a context, and `try_current` never panics.
fn on_a_thread(handle: Handle) {
    std::thread::spawn(move || {
        handle.spawn(work());
        if let Ok(current) = Handle::try_current() {
            current.spawn(work());
        }
    });
}

// Correct: an async test has a runtime.
#[tokio::test]
async fn async_test() {
    tokio::spawn(work()).await.unwrap();
}

// Not known: a sync helper may be called from inside a runtime.
fn helper() {
    tokio::spawn(work());
}

// Correct: a runtime from code the model cannot see, entered.
fn entered_unknown_runtime(make: impl Fn() -> Runtime) {
    let rt = make();
    let _guard = rt.enter();
    tokio::spawn(work());
}

// Correct: a test that expects the panic.
#[test]
#[should_panic = "there is no reactor running"]
fn spawn_without_runtime_panics() {
    tokio::spawn(work());
}

// Through calls from places without a runtime, reported with the chain.
fn start_reporter() {
    tokio::spawn(work()); //~ tokio_call_outside_runtime
}

struct Metrics;

impl Metrics {
    fn install(&self) {
        let _tick = tokio::time::interval(Duration::from_secs(1)); //~ tokio_call_outside_runtime
    }
}

fn on_every_attempt<F: Fn()>(attempt: F) {
    attempt()
}

fn deeper_spawn() {
    tokio::spawn(work()); //~ tokio_call_outside_runtime
}

fn spawns_deeper() {
    deeper_spawn()
}

// Called from async code and from a plain test: the test's path panics.
fn register_listener() {
    let _handle = Handle::current(); //~ tokio_call_outside_runtime
}

async fn serves() {
    register_listener();
}

#[test]
fn starts_everything() {
    start_reporter();
    Metrics.install();
    on_every_attempt(|| {
        tokio::spawn(work()); //~ tokio_call_outside_runtime
    });
    spawns_deeper();
    register_listener();
}

// A `block_on` argument is evaluated before `block_on` enters the runtime.
#[test]
fn spawned_in_the_argument() {
    let rt = Runtime::new().unwrap();
    let _ = rt.block_on(tokio::spawn(work())); //~ tokio_call_outside_runtime
}

// Correct: the same helpers where a runtime runs or is entered.
fn start_collector() -> tokio::task::JoinHandle<()> {
    tokio::spawn(work())
}

#[test]
fn starts_inside_the_runtime() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async { start_collector().await.unwrap() });
    let _guard = rt.enter();
    let _collector = start_collector();
}

#[tokio::test]
async fn starts_in_an_async_test() {
    start_collector().await.unwrap();
}
