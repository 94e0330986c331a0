// tokio calls that need a runtime, where provably none is running.

use std::time::Duration;
use tokio::runtime::{Handle, Runtime};

async fn work() {}

fn main() {
    let rt = Runtime::new().unwrap();
    tokio::spawn(work()); //~ tokio_call_outside_runtime
    install_metrics();
    rt.block_on(async {
        install_tracing();
    });
    rt.block_on(work());
    worker_thread(rt.handle().clone());
    entered(&rt);
}

#[test]
fn plain_test_needs_a_runtime() {
    let _handle = Handle::current(); //~ tokio_call_outside_runtime
}

fn worker_thread(handle: Handle) {
    std::thread::spawn(move || {
        let _sleep = tokio::time::sleep(Duration::from_millis(5)); //~ tokio_call_outside_runtime
        handle.spawn(work());
    });
    std::thread::spawn(|| {
        let _ = tokio::task::spawn_blocking(|| 1); //~ tokio_call_outside_runtime
    });
}

// Called from `main`, where no runtime is running: reported with the chain of calls.
fn install_metrics() {
    tokio::spawn(work()); //~ tokio_call_outside_runtime
}

// Correct: only called inside the runtime.
fn install_tracing() {
    tokio::spawn(work());
}

// Correct: after entering the runtime.
fn entered(rt: &Runtime) {
    let _guard = rt.enter();
    tokio::spawn(work());
}

#[test]
fn test_with_its_own_runtime() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        tokio::spawn(work()).await.unwrap();
    });
    let _guard = rt.enter();
    let _interval = tokio::time::interval(Duration::from_secs(1));
}

// Correct: a handle passed in does not need a context, and `try_current` never panics.
fn on_a_thread(handle: Handle) {
    std::thread::spawn(move || {
        handle.spawn(work());
        if let Ok(current) = Handle::try_current() {
            current.spawn(work());
        }
    });
}

// Correct: an async test has a runtime.
#[tokio::test]
async fn async_test() {
    tokio::spawn(work()).await.unwrap();
}

// Not known: a sync helper may be called from inside a runtime.
fn helper() {
    tokio::spawn(work());
}

// Correct: a runtime from code the model cannot see, entered.
fn entered_unknown_runtime(make: impl Fn() -> Runtime) {
    let rt = make();
    let _guard = rt.enter();
    tokio::spawn(work());
}

// Correct: a test that expects the panic.
#[test]
#[should_panic = "there is no reactor running"]
fn spawn_without_runtime_panics() {
    tokio::spawn(work());
}

// Through calls from places without a runtime, reported with the chain.
fn start_reporter() {
    tokio::spawn(work()); //~ tokio_call_outside_runtime
}

struct Metrics;

impl Metrics {
    fn install(&self) {
        let _tick = tokio::time::interval(Duration::from_secs(1)); //~ tokio_call_outside_runtime
    }
}

fn on_every_attempt<F: Fn()>(attempt: F) {
    attempt()
}

fn deeper_spawn() {
    tokio::spawn(work()); //~ tokio_call_outside_runtime
}

fn spawns_deeper() {
    deeper_spawn()
}

// Called from async code and from a plain test: the test's path panics.
fn register_listener() {
    let _handle = Handle::current(); //~ tokio_call_outside_runtime
}

async fn serves() {
    register_listener();
}

#[test]
fn starts_everything() {
    start_reporter();
    Metrics.install();
    on_every_attempt(|| {
        tokio::spawn(work()); //~ tokio_call_outside_runtime
    });
    spawns_deeper();
    register_listener();
}

// A `block_on` argument is evaluated before `block_on` enters the runtime.
#[test]
fn spawned_in_the_argument() {
    let rt = Runtime::new().unwrap();
    let _ = rt.block_on(tokio::spawn(work())); //~ tokio_call_outside_runtime
}

// Correct: the same helpers where a runtime runs or is entered.
fn start_collector() -> tokio::task::JoinHandle<()> {
    tokio::spawn(work())
}

#[test]
fn starts_inside_the_runtime() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async { start_collector().await.unwrap() });
    let _guard = rt.enter();
    let _collector = start_collector();
}

#[tokio::test]
async fn starts_in_an_async_test() {
    start_collector().await.unwrap();
}

fn std_listener() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap()
}

// Each of these looks up the current runtime when it is made.
#[test]
fn made_without_a_runtime() {
    let now = tokio::time::Instant::now();
    let _ = tokio::time::sleep_until(now); //~ tokio_call_outside_runtime
    let _ = tokio::time::interval(Duration::from_secs(1)); //~ tokio_call_outside_runtime
    let _ = tokio::time::interval_at(now, Duration::from_secs(1)); //~ tokio_call_outside_runtime
    let _ = tokio::time::timeout(Duration::from_secs(1), work()); //~ tokio_call_outside_runtime
    let _ = tokio::time::timeout_at(now, work()); //~ tokio_call_outside_runtime
    let _ = tokio::time::pause(); //~ tokio_call_outside_runtime
    let _ = tokio::time::resume(); //~ tokio_call_outside_runtime
    let _ = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()); //~ tokio_call_outside_runtime
}

#[test]
fn sockets_without_a_runtime() {
    let _ = tokio::net::TcpListener::from_std(std_listener()); //~ tokio_call_outside_runtime
    let _ = tokio::net::TcpListener::try_from(std_listener()); //~ tokio_call_outside_runtime
    let stream = std::net::TcpStream::connect("127.0.0.1:80").unwrap();
    let _ = tokio::net::TcpStream::from_std(stream); //~ tokio_call_outside_runtime
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let _ = tokio::net::UdpSocket::from_std(udp); //~ tokio_call_outside_runtime
    let tcp_socket = tokio::net::TcpSocket::new_v4().unwrap();
    let _ = tcp_socket.listen(16); //~ tokio_call_outside_runtime
    let unix_socket = tokio::net::UnixSocket::new_stream().unwrap();
    let _ = unix_socket.listen(16); //~ tokio_call_outside_runtime
    let datagram_socket = tokio::net::UnixSocket::new_datagram().unwrap();
    let _ = datagram_socket.datagram(); //~ tokio_call_outside_runtime
    let _ = tokio::net::UnixListener::bind("/tmp/a.sock"); //~ tokio_call_outside_runtime
    let std_unix = std::os::unix::net::UnixListener::bind("/tmp/b.sock").unwrap();
    let _ = tokio::net::UnixListener::from_std(std_unix); //~ tokio_call_outside_runtime
    let (left, _right) = std::os::unix::net::UnixStream::pair().unwrap();
    let _ = tokio::net::UnixStream::from_std(left); //~ tokio_call_outside_runtime
    let _ = tokio::net::UnixStream::pair(); //~ tokio_call_outside_runtime
    let _ = tokio::net::UnixDatagram::bind("/tmp/c.sock"); //~ tokio_call_outside_runtime
    let std_datagram = std::os::unix::net::UnixDatagram::unbound().unwrap();
    let _ = tokio::net::UnixDatagram::from_std(std_datagram); //~ tokio_call_outside_runtime
    let _ = tokio::net::UnixDatagram::unbound(); //~ tokio_call_outside_runtime
    let _ = tokio::net::UnixDatagram::pair(); //~ tokio_call_outside_runtime
    let options = tokio::net::unix::pipe::OpenOptions::new();
    let _ = options.open_receiver("/tmp/fifo"); //~ tokio_call_outside_runtime
    let _ = options.open_sender("/tmp/fifo"); //~ tokio_call_outside_runtime
    let _ = tokio::io::unix::AsyncFd::new(std_listener()); //~ tokio_call_outside_runtime
    let interest = tokio::io::Interest::READABLE;
    let _ = tokio::io::unix::AsyncFd::with_interest(std_listener(), interest); //~ tokio_call_outside_runtime
    let _ = tokio::io::unix::AsyncFd::try_new(std_listener()); //~ tokio_call_outside_runtime
    let _ = tokio::io::unix::AsyncFd::try_with_interest(std_listener(), interest); //~ tokio_call_outside_runtime
    let _ = tokio::process::Command::new("true").spawn(); //~ tokio_call_outside_runtime
}

#[test]
fn tasks_without_a_runtime() {
    let mut set = tokio::task::JoinSet::new();
    set.spawn(work()); //~ tokio_call_outside_runtime
    set.spawn_blocking(|| 1); //~ tokio_call_outside_runtime
    let tracker = tokio_util::task::TaskTracker::new();
    tracker.spawn(work()); //~ tokio_call_outside_runtime
    tracker.spawn_blocking(|| 1); //~ tokio_call_outside_runtime
    let mut map = tokio_util::task::JoinMap::new();
    map.spawn(1, work()); //~ tokio_call_outside_runtime
    map.spawn_blocking(2, || ()); //~ tokio_call_outside_runtime
    let mut queue = tokio_util::task::JoinQueue::new();
    queue.spawn(work()); //~ tokio_call_outside_runtime
    queue.spawn_blocking(|| ()); //~ tokio_call_outside_runtime
    set.detach_all();
}

#[test]
fn tokio_util_without_a_runtime() {
    use tokio_util::time::FutureExt;
    let _ = tokio_util::io::SyncIoBridge::new(tokio::io::empty()); //~ tokio_call_outside_runtime
    let _ = work().timeout(Duration::from_secs(1)); //~ tokio_call_outside_runtime
}

#[test]
fn tokio_stream_without_a_runtime() {
    use tokio_stream::StreamExt;
    let mut delays = tokio_util::time::DelayQueue::new();
    delays.insert(1, Duration::from_secs(1)); //~ tokio_call_outside_runtime
    delays.insert_at(2, tokio::time::Instant::now()); //~ tokio_call_outside_runtime
    let ticks = tokio_stream::iter(vec![1, 2]);
    let _ = ticks.timeout(Duration::from_secs(1)); //~ tokio_call_outside_runtime
    let more = tokio_stream::iter(vec![1, 2]);
    let _ = more.throttle(Duration::from_secs(1)); //~ tokio_call_outside_runtime
}

// tokio futures polled by another executor, on a thread without a runtime.
#[test]
fn polled_by_another_executor() {
    use futures::executor::block_on;
    use tokio::io::AsyncWriteExt;
    use tokio_stream::StreamExt;
    let _ = block_on(tokio::net::TcpListener::bind("127.0.0.1:0")); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::net::TcpStream::connect("127.0.0.1:80")); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::net::UdpSocket::bind("127.0.0.1:0")); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::net::UnixStream::connect("/tmp/a.sock")); //~ tokio_call_outside_runtime
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    let _ = block_on(socket.connect("127.0.0.1:80".parse().unwrap())); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::net::lookup_host("localhost:80")); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::signal::ctrl_c()); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::process::Command::new("true").output()); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::process::Command::new("true").status()); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::fs::read("/etc/hostname")); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::fs::write("/tmp/out", b"x")); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::fs::File::open("/etc/hostname")); //~ tokio_call_outside_runtime
    let _ = block_on(tokio::io::stdout().write_all(b"x")); //~ tokio_call_outside_runtime
    let (tx, _rx) = tokio::sync::mpsc::channel::<u32>(1);
    let _ = block_on(tx.send_timeout(1, Duration::from_secs(1))); //~ tokio_call_outside_runtime
    block_on(tokio::time::advance(Duration::from_secs(1))); //~ tokio_call_outside_runtime
    let ticks = tokio_stream::iter(vec![1, 2]);
    block_on(async { ticks.chunks_timeout(2, Duration::from_secs(1)).next().await }); //~ tokio_call_outside_runtime
    pollster::block_on(async { tokio::time::sleep(Duration::from_millis(5)).await }); //~ tokio_call_outside_runtime
    let _ = smol::block_on(read_config());
}

async fn read_config() -> std::io::Result<Vec<u8>> {
    tokio::fs::read("config.toml").await //~ tokio_call_outside_runtime
}

// Correct: no runtime needed to make these.
#[test]
fn made_without_a_context() {
    let _ = tokio::time::Instant::now();
    let _ = tokio::net::TcpSocket::new_v4();
    let _ = tokio::process::Command::new("true");
    let _ = tokio_util::time::DelayQueue::<u32>::new();
    let _ = tokio::fs::read("/etc/hostname");
}

// Correct: the other executor runs where a runtime is entered, or on a blocking thread.
fn polled_inside_a_runtime(rt: &Runtime) {
    let _guard = rt.enter();
    let _ = futures::executor::block_on(tokio::fs::read("/etc/hostname"));
}

async fn polled_on_a_blocking_thread() {
    tokio::task::spawn_blocking(|| futures::executor::block_on(tokio::fs::read("/etc/hostname")))
        .await
        .unwrap()
        .ok();
}

// Correct: tasks spawned inside the runtime.
fn tasks_inside(rt: &Runtime) {
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        set.spawn(work());
        set.join_next().await;
    });
}

// Correct: a test of the early return before the spawn, which is all it reaches.
pub fn start_checked(valid: bool) -> Result<(), ()> {
    if !valid {
        return Err(());
    }
    tokio::spawn(async {});
    Ok(())
}

#[test]
fn rejects_what_is_not_valid() {
    assert!(start_checked(false).is_err());
}
