// A futures executor run inside another one.

use futures::executor::{block_on, block_on_stream, LocalPool};

async fn load_config() -> u32 {
    1
}

fn main() {
    block_on(async {
        let config = block_on(load_config()); //~ nested_local_pool
        let mut pool = LocalPool::new();
        pool.run_until(load_config()); //~ nested_local_pool
        pool.run(); //~ nested_local_pool
        pool.run_until_stalled(); //~ nested_local_pool
        let _ = pool.try_run_one(); //~ nested_local_pool
        let _ = block_on_stream(futures::stream::iter([config])).next(); //~ nested_local_pool
    });
}

fn inside_a_pool() {
    let mut pool = LocalPool::new();
    pool.run_until(async { block_on(load_config()) }); //~ nested_local_pool
}

fn load_now() -> u32 {
    block_on(load_config()) //~ nested_local_pool
}

fn through_a_helper() {
    block_on(async { load_now() });
}

// Correct: `.await` inside the executor.
fn awaited() {
    block_on(async {
        let _config = load_config().await;
    });
}

// Not a panic: pollster does not mark the thread. The inner executor blocks the outer one's
// thread, which `blocking_executor_in_async` reports.
fn under_pollster() {
    pollster::block_on(async { block_on(load_config()) }); //~ blocking_executor_in_async
}

// Correct: a thread of its own.
fn on_a_thread() {
    block_on(async {
        std::thread::spawn(|| block_on(load_config()));
    });
}

// Correct: one executor after the other.
fn sequential() {
    let config = block_on(load_config());
    let mut pool = LocalPool::new();
    pool.run_until(async move { config });
}
