// Sync closures that only build a future, given to blocking spawners.

async fn vacuum() {}

async fn maintenance() {
    tokio::task::spawn_blocking(move || async move { //~ async_closure_in_blocking_spawn
        vacuum().await;
    });
    std::thread::spawn(|| async { vacuum().await }); //~ async_closure_in_blocking_spawn
}

fn on_a_handle(handle: tokio::runtime::Handle) {
    handle.spawn_blocking(|| async {}); //~ async_closure_in_blocking_spawn
    std::thread::Builder::new()
        .spawn(|| async { vacuum().await }) //~ async_closure_in_blocking_spawn
        .unwrap();
}

// Correct: async work as a task.
async fn as_a_task() {
    tokio::spawn(async move { vacuum().await });
}

// Correct: the blocking thread runs the future to completion.
fn blocks_on_it(handle: tokio::runtime::Handle) {
    std::thread::spawn(move || handle.block_on(async { vacuum().await }));
}

// Correct: blocking work in the closure.
async fn blocking_work() {
    tokio::task::spawn_blocking(|| std::fs::read("data.bin"));
}

// Correct: an async closure passed to a fn that runs it.
async fn retry<F, Fut>(f: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await
}

async fn calls_retry() {
    retry(|| async { vacuum().await }).await;
}
