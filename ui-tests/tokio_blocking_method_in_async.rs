// tokio's `blocking_*` methods called from async code.

use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex, RwLock, Semaphore};

struct Worker {
    jobs: mpsc::Receiver<u32>,
    state: Arc<Mutex<Vec<u32>>>,
}

// Through a field of a struct.
impl Worker {
    async fn next(&mut self) -> Option<u32> {
        self.jobs.blocking_recv() //~ tokio_blocking_method_in_async
    }

    async fn remember(&self, job: u32) {
        self.state.blocking_lock().push(job); //~ tokio_blocking_method_in_async
    }
}

// A channel end from a constructor, in an async block.
fn sender_in_async_block() -> impl std::future::Future<Output = ()> {
    let (tx, _rx) = mpsc::channel::<u32>(8);
    async move {
        tx.blocking_send(1).unwrap(); //~ tokio_blocking_method_in_async
    }
}

// A lock behind a static.
static CONFIG: std::sync::LazyLock<RwLock<String>> =
    std::sync::LazyLock::new(|| RwLock::new(String::new()));

async fn read_config() -> usize {
    CONFIG.blocking_read().len() //~ tokio_blocking_method_in_async
}

// A sync helper called from async code: reported at warn level, with the chain.
fn wait_for_reply(rx: oneshot::Receiver<u32>) -> u32 {
    rx.blocking_recv().unwrap() //~ tokio_blocking_method_in_async
}

async fn ask(rx: oneshot::Receiver<u32>) -> u32 {
    wait_for_reply(rx)
}

// Correct: the async methods.
async fn acquire(permits: Arc<Semaphore>) {
    let _permit = permits.acquire().await.unwrap();
}

// Correct: on the blocking pool, blocking is what these methods are for.
async fn on_blocking_pool(state: Arc<Mutex<Vec<u32>>>) {
    tokio::task::spawn_blocking(move || state.blocking_lock().push(1))
        .await
        .unwrap();
}

// Correct: on a thread of its own.
fn consumer(mut rx: mpsc::Receiver<u32>) {
    std::thread::spawn(move || while let Some(job) = rx.blocking_recv() {
        println!("{job}");
    });
}

// Correct: plain sync code.
fn main() {
    let (tx, rx) = oneshot::channel::<u32>();
    tx.send(1).unwrap();
    println!("{}", rx.blocking_recv().unwrap());
}

// Correct: a type of our own with a method of the same name.
struct Inbox;

impl Inbox {
    fn blocking_recv(&self) -> Option<u32> {
        None
    }
}

async fn own_inbox(inbox: Inbox) -> Option<u32> {
    inbox.blocking_recv()
}

// Through calls from async code, reported with the chain.
struct Mailbox {
    rx: mpsc::Receiver<u32>,
}

impl Mailbox {
    fn next_blocking(&mut self) -> Option<u32> {
        self.rx.blocking_recv() //~ tokio_blocking_method_in_async
    }
}

async fn reads_mail(mailbox: &mut Mailbox) -> Option<u32> {
    mailbox.next_blocking()
}

fn locked<F: FnOnce() -> usize>(read: F) -> usize {
    read()
}

async fn counts(state: Arc<Mutex<Vec<u32>>>) -> usize {
    locked(|| state.blocking_lock().len()) //~ tokio_blocking_method_in_async
}

fn write_config(config: &RwLock<u32>) {
    *config.blocking_write() = 1; //~ tokio_blocking_method_in_async
}

fn reload(config: &RwLock<u32>) {
    write_config(config)
}

async fn reloads(config: Arc<RwLock<u32>>) {
    reload(&config)
}

// Correct: only from sync code on a thread of its own.
fn drain(mut rx: mpsc::Receiver<u32>) {
    while rx.blocking_recv().is_some() {}
}

async fn drains_on_a_thread(rx: mpsc::Receiver<u32>) {
    std::thread::spawn(move || drain(rx));
}

// Every blocking method of tokio's sync types.
async fn every_blocking_method(
    mut rx: mpsc::Receiver<u32>,
    mut urx: mpsc::UnboundedReceiver<u32>,
    lock: Arc<Mutex<u32>>,
    table: tokio::sync::RwLock<u32>,
    permits: Arc<Semaphore>,
    mut b: tokio::sync::broadcast::Receiver<u32>,
    o: oneshot::Receiver<u32>,
) {
    let mut buf = Vec::new();
    rx.blocking_recv_many(&mut buf, 4); //~ tokio_blocking_method_in_async
    urx.blocking_recv(); //~ tokio_blocking_method_in_async
    urx.blocking_recv_many(&mut buf, 4); //~ tokio_blocking_method_in_async
    let _ = lock.blocking_lock_owned(); //~ tokio_blocking_method_in_async
    let _ = table.blocking_write(); //~ tokio_blocking_method_in_async
    let _ = permits.blocking_acquire(); //~ tokio_blocking_method_in_async
    let _ = permits.blocking_acquire_many(2); //~ tokio_blocking_method_in_async
    let _ = permits.clone().blocking_acquire_owned(); //~ tokio_blocking_method_in_async
    let _ = permits.clone().blocking_acquire_many_owned(2); //~ tokio_blocking_method_in_async
    let _ = b.blocking_recv(); //~ tokio_blocking_method_in_async
    let _ = o.blocking_recv(); //~ tokio_blocking_method_in_async
}
