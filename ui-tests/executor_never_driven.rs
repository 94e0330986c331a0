// Executors that tasks are spawned on but that nothing drives.

use tokio::task::LocalSet;

async fn render() {}

async fn local_set_dropped() {
    let local = LocalSet::new(); //~ executor_never_driven
    local.spawn_local(render());
}

fn executor_dropped() {
    let ex = async_executor::Executor::new(); //~ executor_never_driven
    ex.spawn(render()).detach();
}

fn local_executor_dropped() {
    let ex = smol::LocalExecutor::new(); //~ executor_never_driven
    ex.spawn(render()).detach();
    ex.spawn(render()).detach();
}

async fn spawned_in_a_loop() {
    let local = LocalSet::new(); //~ executor_never_driven
    for _ in 0..3 {
        local.spawn_local(render());
    }
}

// Correct: awaited.
async fn awaited() {
    let local = LocalSet::new();
    local.spawn_local(render());
    local.await;
}

// Correct: run until a future ends.
async fn run_until() {
    let local = LocalSet::new();
    local.spawn_local(render());
    local.run_until(render()).await;
}

// Correct: driven with `block_on`.
fn block_on() {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let local = LocalSet::new();
    local.spawn_local(render());
    local.block_on(&rt, render());
}

// Correct: handed to a thread that runs it.
fn handed_on() {
    let ex = async_executor::Executor::new();
    ex.spawn(render()).detach();
    std::thread::spawn(move || futures_lite::future::block_on(ex.run(render())));
}
