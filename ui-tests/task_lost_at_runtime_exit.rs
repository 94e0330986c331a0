// Tasks whose runtime shuts down before anything waits for them.

use tokio::runtime::Runtime;
use tokio::task::JoinSet;

async fn flush_metrics() {}

#[tokio::main]
async fn main() {
    tokio::spawn(flush_metrics()); //~ task_lost_at_runtime_exit
    println!("bye");
}

#[tokio::test]
async fn test_spawns_and_returns() {
    let _ = tokio::spawn(flush_metrics()); //~ task_lost_at_runtime_exit
}

fn block_on_body() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        let _unused = tokio::spawn(flush_metrics()); //~ task_lost_at_runtime_exit
    });
}

fn start_background() {
    tokio::spawn(flush_metrics());
}

#[tokio::main]
async fn through_a_helper() {
    start_background(); //~ task_lost_at_runtime_exit
}

fn spawned_on_dropped_runtime() {
    let rt = Runtime::new().unwrap();
    rt.spawn(flush_metrics()); //~ task_lost_at_runtime_exit
}

// Correct: the handle is awaited.
#[tokio::main]
async fn awaited() {
    let handle = tokio::spawn(flush_metrics());
    handle.await.unwrap();
}

// Correct: handles collected and joined.
#[tokio::main]
async fn joined() {
    let mut handles = Vec::new();
    for _ in 0..4 {
        handles.push(tokio::spawn(flush_metrics()));
    }
    futures::future::join_all(handles).await;
}

// Correct: a `JoinSet`.
#[tokio::main]
async fn join_set() {
    let mut set = JoinSet::new();
    set.spawn(flush_metrics());
    set.join_all().await;
}

// Correct: the body runs until shutdown is asked for.
#[tokio::main]
async fn until_ctrl_c() {
    tokio::spawn(flush_metrics());
    tokio::signal::ctrl_c().await.unwrap();
}

// Correct: the runtime keeps running after `block_on` while the program waits.
fn waits_after_block_on() {
    let rt = Runtime::new().unwrap();
    rt.spawn(flush_metrics());
    rt.block_on(async {});
}

// Correct: an accept loop never ends.
#[tokio::main]
async fn server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    loop {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::spawn(async move { drop(socket) });
    }
}

// Not an exit: a spawn in an ordinary async fn.
async fn fire_and_forget() {
    tokio::spawn(flush_metrics());
}
