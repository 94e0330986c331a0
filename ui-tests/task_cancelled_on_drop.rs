// Task handles whose drop cancels the task.

use tokio::task::JoinSet;

async fn flush_cache() {}

fn with_smol() {
    let _ = smol::spawn(flush_cache()); //~ task_cancelled_on_drop
    let unused = smol::spawn(flush_cache()); //~ task_cancelled_on_drop
    let task = smol::spawn(flush_cache());
    drop(task);
}

fn with_executor(ex: &smol::Executor<'static>) {
    drop(ex.spawn(flush_cache())); //~ task_cancelled_on_drop
}

async fn join_set_never_joined() {
    let mut set = JoinSet::new();
    set.spawn(flush_cache());
    set.spawn(flush_cache());
} //~ task_cancelled_on_drop

// Correct: detached.
fn detached() {
    smol::spawn(flush_cache()).detach();
}

// Correct: awaited.
async fn awaited() {
    smol::spawn(flush_cache()).await;
}

// Correct: joined.
async fn joined() {
    let mut set = JoinSet::new();
    set.spawn(flush_cache());
    while let Some(res) = set.join_next().await {
        res.unwrap();
    }
}

// Correct: returned to the caller.
fn returned() -> JoinSet<()> {
    let mut set = JoinSet::new();
    set.spawn(flush_cache());
    set
}

// Correct: kept in a collection.
fn kept(tasks: &mut Vec<smol::Task<()>>) {
    tasks.push(smol::spawn(flush_cache()));
}

async fn spawned_per_item(items: Vec<u32>) {
    let mut set = JoinSet::new();
    for _ in items {
        set.spawn(flush_cache());
    }
} //~ task_cancelled_on_drop

// Correct: aborted on purpose.
async fn aborted_on_purpose() {
    let mut set = JoinSet::new();
    set.spawn(flush_cache());
    drop(set);
}

// Not known: an accept loop that may never end.
async fn accept_loop(listener: tokio::net::TcpListener) {
    let mut set = JoinSet::new();
    loop {
        let (_socket, _) = listener.accept().await.unwrap();
        set.spawn(flush_cache());
    }
}
