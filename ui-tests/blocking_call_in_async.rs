// Blocking calls made directly in async code.

use std::time::Duration;

async fn refresh() {}

async fn poll_status() {
    loop {
        refresh().await;
        std::thread::sleep(Duration::from_secs(5)); //~ blocking_call_in_async
    }
}

async fn load_config() -> String {
    std::fs::read_to_string("config.toml").unwrap() //~ blocking_call_in_async
}

async fn run_tool() {
    let out = std::process::Command::new("git").arg("status").output(); //~ blocking_call_in_async
    println!("{out:?}");
}

async fn waits_for_a_thread() -> u32 {
    let worker = std::thread::spawn(|| 1);
    worker.join().unwrap() //~ blocking_call_in_async
}

async fn read_answer() -> String {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap(); //~ blocking_call_in_async
    line
}

// Correct: the async timer.
async fn async_sleep() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

// Correct: on the blocking pool.
async fn on_blocking_pool() -> String {
    tokio::task::spawn_blocking(|| std::fs::read_to_string("config.toml").unwrap())
        .await
        .unwrap()
}

// Correct: sync code.
fn sync_sleep() {
    std::thread::sleep(Duration::from_millis(10));
}

// Correct: startup in a multi-thread `main` blocks only the main future.
#[tokio::main]
async fn main() {
    let _config = std::fs::read_to_string("config.toml");
    sync_sleep();
}

// Correct: a sync closure stored for later may run anywhere.
async fn stores_a_closure() -> impl Fn() {
    move || std::thread::sleep(Duration::from_millis(1))
}

// Correct: tests block on purpose.
#[tokio::test]
async fn writes_a_fixture() {
    std::fs::write("fixture.txt", "data").unwrap();
    std::thread::sleep(Duration::from_millis(10));
}

#[cfg(test)]
mod tests {
    async fn helper() {
        std::fs::remove_file("fixture.txt").ok();
    }
}
// Through calls: sync helpers that wait (sleep, a channel, a thread) reached from async code
// that runs on a runtime's workers.
fn pause_between_polls() {
    std::thread::sleep(Duration::from_millis(100)); //~ blocking_call_in_async
}

struct Poller;

impl Poller {
    fn wait_for_reply(&self, rx: &std::sync::mpsc::Receiver<u32>) -> u32 {
        rx.recv().unwrap() //~ blocking_call_in_async
    }
}

fn with_backoff<F: Fn()>(step: F) {
    step()
}

fn join_worker(handle: std::thread::JoinHandle<u32>) -> u32 {
    handle.join().unwrap() //~ blocking_call_in_async
}

fn finish(handle: std::thread::JoinHandle<u32>) -> u32 {
    join_worker(handle)
}

async fn polls(rx: std::sync::mpsc::Receiver<u32>, handle: std::thread::JoinHandle<u32>) -> u32 {
    pause_between_polls();
    with_backoff(|| std::thread::sleep(Duration::from_millis(10))); //~ blocking_call_in_async
    Poller.wait_for_reply(&rx) + finish(handle)
}

#[tokio::main]
async fn server() {
    tokio::spawn(async {
        let (_tx, rx) = std::sync::mpsc::channel();
        polls(rx, std::thread::spawn(|| 1)).await;
    })
    .await
    .unwrap();
}

// Correct: a helper that only reads a small file, one called only in the future a
// multi-thread `#[tokio::main]` blocks on, and one called only from a test.
fn read_settings() -> String {
    std::fs::read_to_string("settings.toml").unwrap_or_default()
}

fn settle() {
    std::thread::sleep(Duration::from_millis(10));
}

async fn loads_settings() -> String {
    read_settings()
}

#[tokio::main]
async fn cli() {
    settle();
    loads_settings().await;
}

#[tokio::test]
async fn waits_in_a_test() {
    settle();
}
