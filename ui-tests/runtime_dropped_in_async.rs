// A runtime created and dropped inside async code.

use std::sync::OnceLock;
use tokio::runtime::{Builder, Runtime};

async fn compress() {
    let pool = Builder::new_multi_thread().build().unwrap();
    pool.spawn(async {});
} //~ runtime_dropped_in_async

async fn explicit_drop() {
    let rt = Runtime::new().unwrap();
    let _handle = rt.handle().clone();
    drop(rt); //~ runtime_dropped_in_async
}

async fn shutdown_with_timeout() {
    let rt = Runtime::new().unwrap();
    rt.spawn(async {});
    rt.shutdown_timeout(std::time::Duration::from_secs(1)); //~ runtime_dropped_in_async
}

fn make_runtime() -> Runtime {
    Runtime::new().unwrap()
}

fn scratch_runtime() {
    let rt = make_runtime();
    rt.spawn(async {});
} //~ runtime_dropped_in_async

async fn calls_a_sync_helper() {
    scratch_runtime();
}

// Correct: `shutdown_background` does not wait.
async fn background() {
    let rt = Runtime::new().unwrap();
    rt.spawn(async {});
    rt.shutdown_background();
}

// Correct: returned to the caller.
async fn returned() -> Runtime {
    Runtime::new().unwrap()
}

// Correct: moved onto a thread of its own.
async fn moved_to_a_thread() {
    let rt = Runtime::new().unwrap();
    std::thread::spawn(move || rt.block_on(async {}));
}

// Correct: kept in a static.
static RUNTIME: OnceLock<Runtime> = OnceLock::new();

async fn kept() {
    let rt = Runtime::new().unwrap();
    let _ = RUNTIME.set(rt);
}

// Correct: created and dropped in sync code.
fn main() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {});
}

// Correct: created on the blocking pool.
async fn on_blocking_pool() {
    tokio::task::spawn_blocking(|| {
        let rt = Runtime::new().unwrap();
        rt.block_on(async {});
    })
    .await
    .unwrap();
}

// Correct: a zero timeout does not wait.
async fn zero_timeout() {
    let rt = Runtime::new().unwrap();
    rt.spawn(async {});
    rt.shutdown_timeout(std::time::Duration::from_nanos(0));
}

// Moved into a task, and dropped when the task ends.
fn moved_into_a_task(handle: tokio::runtime::Handle) {
    let rt = Runtime::new().unwrap();
    handle.spawn(async move {
        rt.spawn(async {});
    }); //~ runtime_dropped_in_async
}

// Correct: moved into a thread.
fn moved_to_a_thread_closure() {
    let rt = Runtime::new().unwrap();
    std::thread::spawn(move || {
        rt.spawn(async {});
    });
}

// A value of the crate's own type that owns a runtime drops it with itself.
struct BlockingClient {
    rt: Runtime,
    base: String,
}

impl BlockingClient {
    fn new(base: &str) -> BlockingClient {
        BlockingClient {
            rt: Runtime::new().unwrap(),
            base: base.to_string(),
        }
    }

    fn base(&self) -> &str {
        &self.base
    }

    fn into_runtime(self) -> Runtime {
        self.rt
    }
}

async fn client_in_async() {
    let client = BlockingClient::new("http://localhost");
    println!("{}", client.base());
} //~ runtime_dropped_in_async

struct Service {
    client: BlockingClient,
}

fn service() -> Service {
    Service {
        client: BlockingClient::new("http://localhost"),
    }
}

async fn nested_owner_dropped() {
    let svc = service();
    drop(svc); //~ runtime_dropped_in_async
}

struct Boxed {
    rt: Box<Runtime>,
}

fn boxed() -> Boxed {
    Boxed {
        rt: Box::new(Runtime::new().unwrap()),
    }
}

async fn boxed_owner() {
    let b = boxed();
    b.rt.spawn(async {});
} //~ runtime_dropped_in_async

// Correct: its `Drop` impl ends the runtime without waiting.
struct Graceful {
    rt: Option<Runtime>,
    inner: Runtime,
}

impl Drop for Graceful {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

fn graceful() -> Graceful {
    Graceful {
        rt: Some(Runtime::new().unwrap()),
        inner: Runtime::new().unwrap(),
    }
}

async fn graceful_owner() {
    let g = graceful();
    g.inner.spawn(async {});
}

// Correct: shared, not owned.
struct Shared {
    rt: std::sync::Arc<Runtime>,
}

fn shared() -> Shared {
    Shared {
        rt: std::sync::Arc::new(Runtime::new().unwrap()),
    }
}

async fn shared_owner() {
    let s = shared();
    s.rt.spawn(async {});
}

// Correct: the owner leaves async code, or gives its runtime away.
async fn client_returned() -> BlockingClient {
    BlockingClient::new("http://localhost")
}

async fn client_to_a_thread() {
    let client = BlockingClient::new("http://localhost");
    tokio::task::spawn_blocking(move || println!("{}", client.base()))
        .await
        .unwrap();
}

async fn client_consumed() -> Runtime {
    let client = BlockingClient::new("http://localhost");
    client.into_runtime()
}

// Correct: created and dropped outside async code.
fn client_in_sync() {
    let client = BlockingClient::new("http://localhost");
    println!("{}", client.base());
}

// Correct: shared; the tasks holding clones may outlive this owner.
async fn shared_client() {
    let client = std::sync::Arc::new(BlockingClient::new("http://localhost"));
    let worker = std::sync::Arc::clone(&client);
    tokio::spawn(async move { println!("{}", worker.base()) });
}

fn shared_runtime() -> std::sync::Arc<Runtime> {
    std::sync::Arc::new(Runtime::new().unwrap())
}

async fn shared_runtime_owner() {
    let rt = shared_runtime();
    let handle = rt.handle().clone();
    tokio::spawn(async move { drop(handle) });
}

// Through calls: a helper that builds and drops a runtime, reached from async code.
fn count_with_a_pool() -> usize {
    let pool = Builder::new_multi_thread().build().unwrap();
    pool.metrics().num_workers()
} //~ runtime_dropped_in_async

fn count_twice() -> usize {
    count_with_a_pool() * 2
}

async fn reports_counts() -> usize {
    count_twice()
}

impl BlockingClient {
    fn ping(&self) -> usize {
        let scratch = Runtime::new().unwrap();
        scratch.metrics().num_workers() + self.base.len()
    } //~ runtime_dropped_in_async
}

async fn pings(client: std::sync::Arc<BlockingClient>) -> usize {
    client.ping()
}

// Correct: dropping a reference, or one owner of several, drops nothing.
struct Registry {
    client: BlockingClient,
    shared: std::sync::Arc<BlockingClient>,
}

impl Registry {
    fn client(&self) -> &BlockingClient {
        &self.client
    }

    fn shared_client(&self) -> std::sync::Arc<BlockingClient> {
        self.shared.clone()
    }
}

async fn borrows(registry: &Registry, owner: &BlockingClient) {
    let by_getter = registry.client();
    let by_reference = &registry.client;
    let by_param = owner;
    println!("{} {} {}", by_getter.base(), by_reference.base(), by_param.base());
}

async fn shares(registry: &Registry, client: std::sync::Arc<BlockingClient>) {
    let mine = std::sync::Arc::clone(&client);
    tokio::spawn(async move {
        println!("{}", mine.base());
    });
    let yours = client.clone();
    let from_registry = registry.shared_client();
    let field_clone = registry.shared.clone();
    println!("{} {} {}", yours.base(), from_registry.base(), field_clone.base());
}

// The blocking HTTP client waits for its own thread; in debug builds it first builds and drops
// a runtime there to detect async code, and that panics.
async fn notify(url: &str) {
    let client = reqwest::blocking::Client::new(); //~ runtime_dropped_in_async
    let response = client.post(url).body("cancelled").send().unwrap(); //~ runtime_dropped_in_async
    let _ = response.text(); //~ runtime_dropped_in_async
    let _ = reqwest::blocking::get(url); //~ runtime_dropped_in_async
}

// Correct: the async client.
async fn notify_async(url: &str) {
    let client = reqwest::Client::new();
    let _ = client.post(url).send().await;
}

// Correct: the blocking client on the blocking pool.
async fn notify_on_blocking_pool(url: String) {
    tokio::task::spawn_blocking(move || reqwest::blocking::get(url))
        .await
        .unwrap()
        .ok();
}

// Correct: making a builder or a request, and dropping a client, do not wait.
async fn builders(url: &str, client: reqwest::blocking::Client) {
    let _builder = reqwest::blocking::Client::builder();
    let _request = client.get(url).build();
    drop(client);
}

// Every call of the blocking client that waits for its thread.
async fn blocking_client_calls(url: &str, client: reqwest::blocking::Client) {
    use std::io::Read;
    let built = reqwest::blocking::ClientBuilder::new().build(); //~ runtime_dropped_in_async
    drop(built);
    let request = client.get(url).build().unwrap();
    let response = client.execute(request).unwrap(); //~ runtime_dropped_in_async
    let _ = response.bytes(); //~ runtime_dropped_in_async
    let response = reqwest::blocking::get(url).unwrap(); //~ runtime_dropped_in_async
    let _ = response.json::<u32>(); //~ runtime_dropped_in_async
    let response = reqwest::blocking::get(url).unwrap(); //~ runtime_dropped_in_async
    let _ = response.text_with_charset("utf-8"); //~ runtime_dropped_in_async
    let mut response = reqwest::blocking::get(url).unwrap(); //~ runtime_dropped_in_async
    let _ = response.read(&mut [0u8; 16]); //~ runtime_dropped_in_async
}

// actix's runtimes and tokio's `LocalRuntime` wait for their threads when dropped too.
async fn actix_runtime_in_async() {
    let art = actix_rt::Runtime::new().unwrap();
    art.spawn(async {});
    drop(art); //~ runtime_dropped_in_async
}

fn system_moved_into_async(rt: &Runtime) {
    let sys = actix_rt::System::new();
    rt.block_on(async move {
        drop(sys); //~ runtime_dropped_in_async
    });
}

async fn local_runtime_in_async() {
    let local_rt = tokio::runtime::Builder::new_current_thread()
        .build_local(Default::default())
        .unwrap();
    local_rt.spawn_local(async {});
    drop(local_rt); //~ runtime_dropped_in_async
}
