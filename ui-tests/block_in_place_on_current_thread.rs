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

// Through calls: reported on the path from a current-thread runtime, with its chain, even
// where other paths are fine.

// A sync helper, called from a `#[tokio::test]` and from a multi-thread `#[tokio::main]`.
fn crunch() -> u32 {
    block_in_place(heavy) //~ block_in_place_on_current_thread
}

#[tokio::test]
async fn crunches_in_a_test() {
    assert_eq!(crunch(), 42);
}

#[tokio::main]
async fn crunches_in_main() {
    crunch();
}

// A method of a struct of the crate.
struct Importer;

impl Importer {
    fn import(&self) -> u32 {
        block_in_place(heavy) //~ block_in_place_on_current_thread
    }
}

#[tokio::test]
async fn imports_in_a_test() {
    assert_eq!(Importer.import(), 42);
}

// A closure given to a fn that calls it in place.
fn timed<F: FnOnce() -> u32>(work: F) -> u32 {
    work()
}

#[tokio::test]
async fn times_the_work() {
    let n = timed(|| block_in_place(heavy)); //~ block_in_place_on_current_thread
    assert_eq!(n, 42);
}

// Two levels down, through an async fn awaited on a current-thread runtime.
async fn load_catalog() -> u32 {
    crunch_twice()
}

fn crunch_twice() -> u32 {
    block_in_place(heavy) * 2 //~ block_in_place_on_current_thread
}

fn current_thread_service() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(load_catalog());
}

// Correct: the same helpers on multi-thread runtimes only.
fn crunch_on_workers() -> u32 {
    block_in_place(heavy)
}

#[tokio::test(flavor = "multi_thread")]
async fn crunches_on_workers() {
    assert_eq!(crunch_on_workers(), 42);
}

fn multi_thread_service() {
    let rt = Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async { crunch_on_workers() });
}

// Correct: on the blocking pool.
#[tokio::test]
async fn crunches_on_the_pool() {
    let n = tokio::task::spawn_blocking(crunch_on_workers).await.unwrap();
    assert_eq!(n, 42);
}
