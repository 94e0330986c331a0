// `spawn_local` with no `LocalSet` to run the task.

use tokio::task::{spawn_local, LocalSet};

async fn render() {}

#[tokio::main]
async fn main() {
    spawn_local(render()).await.unwrap(); //~ spawn_local_outside_local_set
    with_local_set().await;
}

#[tokio::test]
async fn test_without_local_set() {
    tokio::task::spawn_local(render()); //~ spawn_local_outside_local_set
}

fn on_a_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        spawn_local(render()); //~ spawn_local_outside_local_set
    });
}

#[tokio::main]
async fn spawned() {
    tokio::spawn(async {
        spawn_local(render()); //~ spawn_local_outside_local_set
    });
}

// Correct: inside `run_until`.
async fn with_local_set() {
    let local = LocalSet::new();
    local
        .run_until(async {
            spawn_local(render()).await.unwrap();
        })
        .await;
}

// Correct: the local flavor runs the body on a `LocalSet`.
#[tokio::main(flavor = "local")]
async fn local_flavor() {
    spawn_local(render()).await.unwrap();
}

// Correct: a task of a `LocalSet` may spawn more local tasks.
fn local_block_on() {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        spawn_local(render());
    });
    local.spawn_local(async {
        spawn_local(render());
    });
}

// Correct: actix runs its entry point on a `LocalSet`.
#[actix_web::main]
async fn actix_entry() {
    spawn_local(render());
}

// Through calls from a runtime without a `LocalSet`, reported with the chain.
fn start_renderer() {
    spawn_local(render()); //~ spawn_local_outside_local_set
}

struct Ui;

impl Ui {
    fn draw(&self) {
        tokio::task::spawn_local(render()); //~ spawn_local_outside_local_set
    }
}

fn each_frame<F: FnOnce()>(draw: F) {
    draw()
}

fn schedule_frame() {
    spawn_local(render()); //~ spawn_local_outside_local_set
}

fn on_vsync() {
    schedule_frame()
}

// Called inside a `LocalSet` and from a multi-thread runtime: the second path panics.
async fn refresh() {
    spawn_local(render()); //~ spawn_local_outside_local_set
}

#[tokio::main]
async fn app() {
    start_renderer();
    Ui.draw();
    each_frame(|| {
        spawn_local(render()); //~ spawn_local_outside_local_set
    });
    on_vsync();
    refresh().await;
    let local = LocalSet::new();
    local.run_until(refresh()).await;
}

// Correct: a helper only run inside a `LocalSet`, or on a local runtime.
fn start_local_renderer() {
    spawn_local(render());
}

#[tokio::main(flavor = "local")]
async fn local_app() {
    start_local_renderer();
}

async fn in_local_set() {
    let local = LocalSet::new();
    local.run_until(async { start_local_renderer() }).await;
}

#[test]
fn no_runtime_at_all() {
    tokio::task::spawn_local(outside_any_runtime()); //~ spawn_local_outside_local_set
    let mut plain_set = tokio::task::JoinSet::new();
    plain_set.spawn_local(render()); //~ spawn_local_outside_local_set
    plain_set.detach_all();
    actix_rt::spawn(render()); //~ spawn_local_outside_local_set
}

async fn outside_any_runtime() {}

// The local-task spawners of tokio and tokio-util, and actix's `spawn`, need a `LocalSet` too.
#[tokio::main]
async fn other_spawners() {
    let mut set = tokio::task::JoinSet::new();
    set.spawn_local(render()); //~ spawn_local_outside_local_set
    let tracker = tokio_util::task::TaskTracker::new();
    tracker.spawn_local(render()); //~ spawn_local_outside_local_set
    let mut map = tokio_util::task::JoinMap::new();
    map.spawn_local(1, render()); //~ spawn_local_outside_local_set
    let mut queue = tokio_util::task::JoinQueue::new();
    queue.spawn_local(render()); //~ spawn_local_outside_local_set
    actix_rt::spawn(render()); //~ spawn_local_outside_local_set
    set.join_next().await;
}

// Correct: `JoinSet::spawn_local` inside `run_until`, and on a named set.
async fn join_set_in_a_local_set() {
    let local = LocalSet::new();
    local
        .run_until(async {
            let mut set = tokio::task::JoinSet::new();
            set.spawn_local(render());
            set.spawn_local_on(render(), &LocalSet::new());
            set.join_next().await;
        })
        .await;
}

// Correct: actix's `spawn` inside an actix `System`.
fn actix_system() {
    actix_rt::System::new().block_on(async {
        actix_rt::spawn(render()).await.unwrap();
    });
}
