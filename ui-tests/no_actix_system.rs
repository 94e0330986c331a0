// actix calls that need a `System` where none runs.

use actix_rt::{Arbiter, System};

#[tokio::main]
async fn main() {
    let worker = Arbiter::new(); //~ no_actix_system
    worker.stop();
    let _system = System::current(); //~ no_actix_system
    let _arbiter = Arbiter::current(); //~ no_actix_system
}

#[test]
fn plain_test() {
    System::current().stop(); //~ no_actix_system
}

#[test]
fn own_runtime() {
    let worker = Arbiter::with_tokio_rt(|| tokio::runtime::Runtime::new().unwrap()); //~ no_actix_system
    worker.stop();
    let other = Arbiter::try_with_tokio_rt(tokio::runtime::Runtime::new); //~ no_actix_system
    drop(other);
}

fn worker_thread() {
    std::thread::spawn(|| Arbiter::try_new().map(|a| a.stop())); //~ no_actix_system
}

fn stop_system() {
    System::current().stop(); //~ no_actix_system
}

#[tokio::test]
async fn through_a_helper() {
    stop_system();
}

// Correct: actix's own entry point.
#[actix_rt::main]
async fn actix_main() {
    let worker = Arbiter::new();
    worker.stop();
    System::current().stop();
}

// Correct: a `System` made on this thread first.
#[test]
fn with_a_system() {
    let system = System::new();
    let worker = Arbiter::with_tokio_rt(|| tokio::runtime::Runtime::new().unwrap());
    worker.stop();
    system.block_on(async { System::current().stop() });
}

// Correct: checked first.
#[tokio::main]
async fn checked() {
    if let Some(system) = System::try_current() {
        system.stop();
    }
}

// Correct: an async fn whose callers are not known.
async fn handler() {
    System::current().stop();
}
