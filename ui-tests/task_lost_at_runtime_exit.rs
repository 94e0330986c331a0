// Tasks that do work, whose runtime shuts down before anything waits for them.

use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::task::TaskTracker;

async fn flush_metrics() {
    let mut out = tokio::fs::File::create("metrics.txt").await.unwrap();
    out.write_all(b"requests 1\n").await.unwrap();
}

async fn log_line(line: &str) {
    println!("{line}");
}

// Spawned right before `#[tokio::main]` returns.
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
        let _unused = tokio::spawn(async { //~ task_lost_at_runtime_exit
            tokio::fs::remove_file("lock").await.unwrap();
        });
    });
}

// Through a helper, and through an async helper that is awaited.
fn start_flusher() {
    tokio::spawn(flush_metrics());
}

async fn start_async_flusher() {
    tokio::spawn(flush_metrics());
}

#[tokio::main]
async fn through_a_helper() {
    start_flusher(); //~ task_lost_at_runtime_exit
}

#[tokio::main]
async fn through_an_async_helper() {
    start_async_flusher().await; //~ task_lost_at_runtime_exit
}

// A constructor that starts its own background writer and drops its handle.
struct Writer {
    lines: mpsc::UnboundedSender<String>,
}

impl Writer {
    fn start() -> Writer {
        let (lines, mut rx) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            let mut out = tokio::fs::File::create("log.txt").await.unwrap();
            while let Some(line) = rx.recv().await {
                out.write_all(line.as_bytes()).await.unwrap();
            }
        });
        Writer { lines }
    }

    fn write(&self, line: &str) {
        let _ = self.lines.send(line.to_string());
    }
}

#[tokio::main]
async fn with_a_background_writer() {
    let writer = Writer::start(); //~ task_lost_at_runtime_exit
    writer.write("started");
}

// Handles collected and never joined.
#[tokio::main]
async fn collected_and_dropped() {
    let mut uploads = Vec::new();
    for _ in 0..4 {
        uploads.push(tokio::spawn(flush_metrics())); //~ task_lost_at_runtime_exit
    }
    println!("{} uploads started", uploads.len());
}

// Dropped on purpose, or borrowed and dropped at the end.
#[tokio::main]
async fn dropped_handles() {
    let first = tokio::spawn(flush_metrics()); //~ task_lost_at_runtime_exit
    drop(first);
    let second = tokio::spawn(flush_metrics()); //~ task_lost_at_runtime_exit
    let _ = &second;
}

// A handle a helper returns, dropped by the caller.
fn start_upload() -> JoinHandle<()> {
    tokio::spawn(flush_metrics())
}

#[tokio::main]
async fn returned_then_dropped() {
    start_upload(); //~ task_lost_at_runtime_exit
}

// A runtime dropped after spawning, and `std::process::exit`.
fn spawned_on_dropped_runtime() {
    let rt = Runtime::new().unwrap();
    rt.spawn(flush_metrics()); //~ task_lost_at_runtime_exit
}

#[tokio::main]
async fn exits() {
    tokio::spawn(flush_metrics()); //~ task_lost_at_runtime_exit
    std::process::exit(0);
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

// Correct: a `JoinSet` joined, and a `TaskTracker` closed and waited for.
#[tokio::main]
async fn join_set() {
    let mut set = JoinSet::new();
    set.spawn(flush_metrics());
    set.join_all().await;
}

#[tokio::main]
async fn task_tracker() {
    let tracker = TaskTracker::new();
    tracker.spawn(flush_metrics());
    tracker.close();
    tracker.wait().await;
}

// Correct: a server waits until it is stopped, and its tasks with it.
#[tokio::main]
async fn server() {
    tokio::spawn(flush_metrics());
    tokio::signal::ctrl_c().await.unwrap();
}

// Correct: daemons that run until the runtime ends, by design.
#[tokio::main]
async fn daemons() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            flush_metrics().await;
        }
    });
    tokio::spawn(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        while let Ok((mut socket, _)) = listener.accept().await {
            socket.write_all(b"hello").await.unwrap();
        }
    });
}

// Correct: a task with nothing to lose, and blocking work, which the runtime waits for.
#[tokio::main]
async fn nothing_to_lose() {
    tokio::spawn(log_line("bye"));
    tokio::task::spawn_blocking(|| std::fs::write("state.json", b"{}"));
}

// Correct: spawned with a handle passed in, whose runtime is someone else's.
fn on_a_handle(handle: tokio::runtime::Handle) {
    handle.spawn(flush_metrics());
}

// Correct: a helper that spawns and then waits.
async fn upload_and_wait() {
    let handle = tokio::spawn(flush_metrics());
    handle.await.unwrap();
}

#[tokio::main]
async fn through_a_waiting_helper() {
    upload_and_wait().await;
}
