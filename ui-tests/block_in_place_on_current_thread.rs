// `block_in_place` where the runtime is current-thread.

use tokio::runtime::Builder;
use tokio::task::{block_in_place, LocalSet};

fn heavy() -> u32 {
    42
}

#[tokio::test]
async fn default_test_flavor() {
    let n = block_in_place(heavy); //~ block_in_place_on_current_thread
    assert_eq!(n, 42);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tokio::task::block_in_place(|| heavy()); //~ block_in_place_on_current_thread
    local_set().await;
}

fn current_thread_runtime() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        block_in_place(heavy); //~ block_in_place_on_current_thread
    });
}

async fn local_set() {
    let local = LocalSet::new();
    local
        .run_until(async {
            block_in_place(heavy); //~ block_in_place_on_current_thread
        })
        .await;
}

#[actix_web::main]
async fn actix_entry() {
    block_in_place(heavy); //~ block_in_place_on_current_thread
}

// Correct: a multi-thread test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_test() {
    block_in_place(heavy);
}

// Correct: `#[tokio::main]` is multi-thread by default.
#[tokio::main]
async fn server() {
    block_in_place(heavy);
}

// Correct: outside any runtime `block_in_place` just runs the closure.
fn plain() {
    block_in_place(heavy);
}

// Correct: a multi-thread runtime's `block_on`.
fn multi_thread_runtime() {
    let rt = Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        block_in_place(heavy);
    });
}

// Not known: an async fn whose callers are unknown.
pub async fn unknown_flavor() {
    block_in_place(heavy);
}
