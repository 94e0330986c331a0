// A runtime's handle kept after the runtime is dropped.

use std::sync::{Arc, OnceLock};
use tokio::runtime::{Builder, Handle, Runtime};

fn background_handle() -> Handle {
    let rt = Runtime::new().unwrap();
    rt.handle().clone()
} //~ handle_outlives_runtime

fn worker_handle() -> Handle {
    let rt = Builder::new_multi_thread().enable_all().build().unwrap();
    let handle = rt.handle().clone();
    println!("{} workers", rt.metrics().num_workers());
    handle
} //~ handle_outlives_runtime

fn handle_of_a_temporary() {
    let handle = Runtime::new().unwrap().handle().clone(); //~ handle_outlives_runtime
    handle.spawn(async {});
}

fn returned_from_a_temporary() -> Handle {
    Builder::new_current_thread() //~ handle_outlives_runtime
        .build()
        .unwrap()
        .handle()
        .clone()
}

// Correct: the runtime goes with its handle.
fn runtime_and_handle() -> (Runtime, Handle) {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    (rt, handle)
}

// Correct: the runtime lives in a static.
fn static_handle() -> Handle {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new().unwrap()).handle().clone()
}

// Correct: the runtime is leaked on purpose.
fn leaked_handle() -> Handle {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    std::mem::forget(rt);
    handle
}

// Correct: shared; another owner may keep it alive.
fn shared_handle(keep: &mut Vec<Arc<Runtime>>) -> Handle {
    let rt = Arc::new(Runtime::new().unwrap());
    keep.push(Arc::clone(&rt));
    rt.handle().clone()
}

// Correct: the handle is used while the runtime lives.
fn local_handle() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    handle.spawn(async {});
    rt.block_on(async {});
}

// Correct: a field's handle; the runtime outlives the call.
struct Service {
    rt: Runtime,
}

impl Service {
    fn handle(&self) -> Handle {
        self.rt.handle().clone()
    }
}

// Correct: the temporary lives until the end of the statement.
fn spawn_through_a_temporary() -> usize {
    Runtime::new().unwrap().handle().metrics().num_workers()
}

// Correct: the runtime moves to a thread that drives it.
fn driven_elsewhere() -> Handle {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    std::thread::spawn(move || rt.block_on(std::future::pending::<()>()));
    handle
}
