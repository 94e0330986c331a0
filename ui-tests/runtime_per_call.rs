// Runtimes built on every loop iteration.

use tokio::runtime::{Builder, Runtime};

async fn fetch(_url: &str) {}

fn per_url(urls: &[&str]) {
    for url in urls {
        let rt = Runtime::new().unwrap(); //~ runtime_per_call
        rt.block_on(fetch(url));
    }
}

fn per_message(rx: std::sync::mpsc::Receiver<String>) {
    while let Ok(message) = rx.recv() {
        let rt = Builder::new_current_thread().enable_all().build().unwrap(); //~ runtime_per_call
        rt.block_on(fetch(&message));
    }
}

#[tokio::main]
async fn sync_fetch(url: &str) {
    fetch(url).await
}

fn per_entry_call(urls: &[&str]) {
    for url in urls {
        sync_fetch(url); //~ runtime_per_call
    }
}

fn per_retry() {
    loop {
        let rt = Runtime::new().unwrap(); //~ runtime_per_call
        rt.block_on(fetch("x"));
        break;
    }
}

fn per_element(urls: &[&str]) -> Vec<()> {
    urls.iter().map(|url| sync_fetch(url)).collect() //~ runtime_per_call
}

// Correct: built once.
fn once(urls: &[&str]) {
    let rt = Runtime::new().unwrap();
    for url in urls {
        rt.block_on(fetch(url));
    }
}

// Correct: a closure stored per iteration, not a runtime.
fn closures(urls: &[&str]) -> Vec<Box<dyn Fn()>> {
    urls.iter().map(|_| Box::new(|| {}) as Box<dyn Fn()>).collect()
}

// Correct: async fns called in a loop do not build runtimes.
async fn awaits_in_loop(urls: &[&str]) {
    for url in urls {
        fetch(url).await;
    }
}

fn main() {
    once(&["a"]);
}
