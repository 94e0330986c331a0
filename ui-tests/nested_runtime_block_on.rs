// `block_on` of a tokio runtime, or a call to a `#[tokio::main]` fn, from async code.

use std::sync::Arc;
use tokio::runtime::{Builder, Handle, Runtime};
use tokio::runtime::Runtime as TokioRuntime;

async fn fetch() -> u32 {
    7
}

// A runtime built right there, from an async fn.
async fn new_runtime_in_async_fn() -> u32 {
    let rt = Runtime::new().unwrap();
    rt.block_on(fetch()) //~ nested_runtime_block_on
}

// Used twice: the suggestions keep the runtime.
async fn blocks_twice() -> u32 {
    let rt = Runtime::new().unwrap();
    let first = rt.block_on(fetch()); //~ nested_runtime_block_on
    first + rt.block_on(fetch()) //~ nested_runtime_block_on
}

// Built by `Builder`, in an async block.
fn builder_in_async_block() -> impl std::future::Future<Output = u32> {
    async {
        let rt = Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(fetch()) //~ nested_runtime_block_on
    }
}

// The current runtime's handle, in an async closure.
fn handle_in_async_closure() {
    let _run = async || Handle::current().block_on(fetch()); //~ nested_runtime_block_on
}

// Through a renamed import.
async fn renamed_import() -> u32 {
    let rt = TokioRuntime::new().expect("runtime");
    rt.block_on(fetch()) //~ nested_runtime_block_on
}

// A `#[tokio::main]` fn builds a runtime and blocks on it when called.
#[tokio::main]
async fn load_settings() -> u32 {
    fetch().await
}

async fn calls_a_tokio_main_fn() -> u32 {
    load_settings() //~ nested_runtime_block_on
}

// A closure called where it is written runs in the async fn.
async fn through_a_local_closure() -> u32 {
    let load = || Handle::current().block_on(fetch()); //~ nested_runtime_block_on
    load()
}

// Correct: a closure handed to a blocking thread.
async fn closure_for_a_thread() {
    let load = || Runtime::new().unwrap().block_on(fetch());
    std::thread::spawn(load);
}

// Correct: a runtime driven from a plain `fn main`.
fn main() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        let value = fetch().await;
        println!("{value}");
    });
}

// Correct: a new thread has no runtime.
async fn on_a_std_thread() {
    std::thread::spawn(|| Runtime::new().unwrap().block_on(fetch()));
}

// Correct: the blocking pool may block on a handle.
async fn on_the_blocking_pool(handle: Handle) -> u32 {
    tokio::task::spawn_blocking(move || handle.block_on(fetch()))
        .await
        .unwrap()
}

// Correct: `block_in_place` leaves the runtime for the closure.
async fn in_block_in_place() -> u32 {
    tokio::task::block_in_place(|| Handle::current().block_on(fetch()))
}

// Correct: a type of our own with a `block_on` method.
struct Executor;

impl Executor {
    fn block_on<F: std::future::Future>(&self, _future: F) {}
}

async fn own_block_on(executor: Arc<Executor>) {
    executor.block_on(fetch());
}

// Correct: another executor's `block_on` in sync code.
fn futures_executor_in_sync_code() -> u32 {
    futures::executor::block_on(fetch())
}

// Correct: awaiting is what async code does.
async fn awaits() -> u32 {
    fetch().await + load_settings_async().await
}

async fn load_settings_async() -> u32 {
    fetch().await
}

// Through calls: each is reported where it blocks, with the chain that reaches it from async
// code.

// A sync helper.
fn load_blocking() -> u32 {
    let rt = Runtime::new().unwrap();
    rt.block_on(fetch()) //~ nested_runtime_block_on
}

async fn handler_calls_a_helper() -> u32 {
    load_blocking()
}

// A method of a struct of the crate, on a receiver of known type.
struct Repository {
    rt: Runtime,
}

impl Repository {
    fn count(&self) -> u32 {
        self.rt.block_on(fetch()) //~ nested_runtime_block_on
    }
}

async fn handler_calls_a_method(repository: &Repository) -> u32 {
    repository.count()
}

// A closure given to a fn that calls it in place runs in the caller's async code.
fn with_retry<F: Fn() -> u32>(attempt: F) -> u32 {
    attempt()
}

async fn handler_passes_a_closure() -> u32 {
    with_retry(|| Handle::current().block_on(fetch())) //~ nested_runtime_block_on
}

// Two levels down.
fn level_two() -> u32 {
    Handle::current().block_on(fetch()) //~ nested_runtime_block_on
}

fn level_one() -> u32 {
    level_two()
}

async fn handler_two_levels_up() -> u32 {
    level_one()
}

// Called from sync code and from async code: the async path is reported.
fn shared_loader() -> u32 {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(fetch()) //~ nested_runtime_block_on
}

fn sync_caller() -> u32 {
    shared_loader()
}

async fn async_caller() -> u32 {
    shared_loader() + sync_caller()
}

// Correct: a helper only called from sync code, or run on the blocking pool.
fn load_at_start() -> u32 {
    Runtime::new().unwrap().block_on(fetch())
}

fn startup() -> u32 {
    load_at_start()
}

#[test]
fn starts_up() {
    assert_eq!(startup(), 7);
}

async fn on_the_pool() -> u32 {
    tokio::task::spawn_blocking(load_at_start).await.unwrap()
}

// Correct: a method of the same name on another type, which does not block.
struct Cache;

impl Cache {
    fn count(&self) -> u32 {
        3
    }
}

async fn handler_calls_another_type(cache: Cache) -> u32 {
    cache.count()
}

// Correct: a closure stored for later, and a helper called only in a branch its caller's flag
// may rule out.
async fn stores_a_closure() -> Box<dyn Fn() -> u32> {
    Box::new(|| Handle::current().block_on(fetch()))
}

fn maybe_blocking(blocking: bool) -> u32 {
    if blocking {
        return Handle::current().block_on(fetch());
    }
    0
}

async fn never_blocking() -> u32 {
    maybe_blocking(false)
}

// A `LocalSet`'s and actix's runners block on a runtime too.
async fn other_runners(rt: Runtime, sys: actix_rt::SystemRunner, art: actix_rt::Runtime) {
    tokio::task::LocalSet::new().block_on(&rt, fetch()); //~ nested_runtime_block_on
    sys.block_on(fetch()); //~ nested_runtime_block_on
    art.block_on(fetch()); //~ nested_runtime_block_on
}

async fn local_runtime() {
    let local_rt = tokio::runtime::Builder::new_current_thread().build_local(Default::default()).unwrap();
    local_rt.block_on(fetch()); //~ nested_runtime_block_on
    std::mem::forget(local_rt);
}

// Making an actix `System` blocks on its runtime already; so does running it.
async fn actix_system_in_async() {
    let system = actix_rt::System::new(); //~ nested_runtime_block_on
    std::mem::forget(system);
}

async fn actix_system_run(sys: actix_rt::SystemRunner) {
    let _ = sys.run(); //~ nested_runtime_block_on
}

// `SyncIoBridge` blocks on its runtime's handle for every read and write.
async fn sync_io_bridge_in_async() {
    use std::io::{Read, Write};
    let mut bridge = tokio_util::io::SyncIoBridge::new(tokio::io::empty());
    let mut buf = [0u8; 16];
    let _ = bridge.read(&mut buf); //~ nested_runtime_block_on
    let _ = bridge.read_exact(&mut buf); //~ nested_runtime_block_on
    let _ = bridge.read_to_end(&mut Vec::new()); //~ nested_runtime_block_on
    let _ = bridge.read_to_string(&mut String::new()); //~ nested_runtime_block_on
    let mut sink = tokio_util::io::SyncIoBridge::new(tokio::io::sink());
    let _ = sink.write(b"x"); //~ nested_runtime_block_on
    let _ = sink.write_all(b"x"); //~ nested_runtime_block_on
    let _ = sink.flush(); //~ nested_runtime_block_on
    let _ = sink.shutdown(); //~ nested_runtime_block_on
}

// Correct: `SyncIoBridge` on the blocking pool, which is what it is for.
async fn sync_io_bridge_on_the_blocking_pool() {
    let mut bridge = tokio_util::io::SyncIoBridge::new(tokio::io::empty());
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut buf = Vec::new();
        bridge.read_to_end(&mut buf)
    })
    .await
    .unwrap()
    .ok();
}

// Correct: `into_inner` hands back the async reader, whose `read_to_end` is awaited.
async fn sync_io_bridge_into_inner() {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    tokio_util::io::SyncIoBridge::new(tokio::io::empty())
        .into_inner()
        .read_to_end(&mut buf)
        .await
        .unwrap();
}

// A helper called in a branch of async code: reported at warn level, since what decides the
// branch may rule the call out.
fn migrate_now() -> u32 {
    let rt = Runtime::new().unwrap();
    rt.block_on(fetch()) //~ nested_runtime_block_on
}

async fn run_command(command: &str) -> u32 {
    match command {
        "migrate" => migrate_now(),
        _ => 0,
    }
}

// Correct: a helper called only where its caller found no runtime running.
fn blocks_on_its_own(rt: &Runtime) -> u32 {
    rt.block_on(fetch())
}

fn outside_or_inside(rt: &Runtime) -> u32 {
    match Handle::try_current() {
        Ok(_) => 0,
        Err(_) => blocks_on_its_own(rt),
    }
}

async fn calls_the_guarded_helper(rt: &Runtime) -> u32 {
    outside_or_inside(rt)
}

// The receiver's type named by a turbofish: `parse::<Settings>()` makes a `Settings`.
struct Settings;

impl std::str::FromStr for Settings {
    type Err = ();
    fn from_str(_: &str) -> Result<Settings, ()> {
        Ok(Settings)
    }
}

impl Settings {
    fn load(&self) -> u32 {
        let rt = Runtime::new().unwrap();
        rt.block_on(fetch()) //~ nested_runtime_block_on
    }
}

async fn parses_settings(text: &str) -> Result<u32, ()> {
    Ok(text.parse::<Settings>()?.load())
}
