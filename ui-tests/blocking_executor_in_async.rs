// Executors that park the thread, called from async code.

use futures::executor::block_on;
use pollster::FutureExt as _;

async fn fetch() -> u32 {
    1
}

async fn with_futures_executor() -> u32 {
    block_on(fetch()) //~ blocking_executor_in_async
}

async fn with_pollster() -> u32 {
    fetch().block_on() //~ blocking_executor_in_async
}

#[tokio::test]
async fn with_async_std() {
    let value = async_std::task::block_on(fetch()); //~ blocking_executor_in_async
    assert_eq!(value, 1);
}

fn load() -> u32 {
    smol::block_on(fetch()) //~ blocking_executor_in_async
}

async fn handler() -> u32 {
    load()
}

// Correct: sync code may block on a future.
fn main() {
    println!("{}", block_on(fetch()));
    println!("{}", pollster::block_on(fetch()));
}

// Correct: on the blocking pool.
async fn on_blocking_pool() -> u32 {
    tokio::task::spawn_blocking(|| block_on(fetch())).await.unwrap()
}

// Correct: a plain thread.
fn on_a_thread() {
    std::thread::spawn(|| futures::executor::block_on(fetch()));
}

// Correct: awaiting.
async fn awaits() -> u32 {
    fetch().await
}

// Through calls from async code, reported with the chain.
struct Client;

impl Client {
    fn get(&self) -> u32 {
        block_on(fetch()) //~ blocking_executor_in_async
    }
}

async fn uses_a_client(client: &Client) -> u32 {
    client.get()
}

fn retrying<F: Fn() -> u32>(attempt: F) -> u32 {
    attempt()
}

async fn retries() -> u32 {
    retrying(|| block_on(fetch())) //~ blocking_executor_in_async
}

fn fetch_now() -> u32 {
    fetch().block_on() //~ blocking_executor_in_async
}

fn fetch_for_report() -> u32 {
    fetch_now()
}

async fn report() -> u32 {
    fetch_for_report()
}

// Correct: only on a thread of its own.
fn fetch_on_a_thread() -> u32 {
    block_on(fetch())
}

async fn spawns_a_thread() {
    std::thread::spawn(fetch_on_a_thread);
}

async fn other_park_the_thread_executors() -> u32 {
    pollster::block_on(fetch()) + futures_lite::future::block_on(fetch()) //~ blocking_executor_in_async
}

// Correct: tokens a macro quotes (a proc macro's output) are not calls made here.
fn generated_main() -> proc_macro2::TokenStream {
    quote::quote! {
        fn main() {
            async fn body() {}
            async_std::task::block_on(async { body().await })
        }
    }
}
