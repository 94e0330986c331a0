// Runtimes built without the driver their futures need.

use std::time::Duration;
use tokio::runtime::Builder;

fn without_time() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await; //~ runtime_builder_missing_driver
    });
}

fn without_io() {
    let rt = Builder::new_multi_thread().enable_time().build().unwrap();
    rt.block_on(async {
        let _listener = tokio::net::TcpListener::bind("127.0.0.1:0").await; //~ runtime_builder_missing_driver
    });
}

fn inline_chain() {
    Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async {
            tokio::time::timeout(Duration::from_secs(1), async {}).await //~ runtime_builder_missing_driver
        })
        .ok();
}

fn spawned_task() {
    let rt = Builder::new_multi_thread().enable_io().build().unwrap();
    rt.spawn(async {
        let mut tick = tokio::time::interval(Duration::from_secs(1)); //~ runtime_builder_missing_driver
        tick.tick().await;
    });
}

// Correct: everything enabled.
fn enabled() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    });
}

// Correct: a CPU-only runtime needs no driver.
fn cpu_only() {
    let rt = Builder::new_multi_thread().build().unwrap();
    rt.block_on(async {
        let _sum: u64 = (0..1000u64).sum();
    });
}

// Correct: `Runtime::new` enables everything.
fn runtime_new() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    });
}

// Not known: the builder is configured through a variable.
fn configured_in_steps() {
    let mut builder = Builder::new_current_thread();
    builder.enable_time();
    let rt = builder.build().unwrap();
    rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    });
}

// Not known: the future is wrapped by other code (here, to run on another runtime) first.
fn wrapped(other: &tokio::runtime::Handle) {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(enter_other(other, async {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }));
}

async fn enter_other<F: std::future::Future>(_handle: &tokio::runtime::Handle, f: F) -> F::Output {
    f.await
}

// Through calls: an async fn, and what it awaits, run on a runtime built without the driver.
async fn tick_every_second() {
    let mut tick = tokio::time::interval(Duration::from_secs(1)); //~ runtime_builder_missing_driver
    tick.tick().await;
}

async fn accept_once() {
    let _listener = tokio::net::TcpListener::bind("127.0.0.1:0").await; //~ runtime_builder_missing_driver
    tick_every_second().await;
}

fn serve_without_drivers() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(accept_once());
}

// Correct: the same fns on a runtime with every driver.
async fn tick_twice() {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    tick.tick().await;
}

fn serve_with_drivers() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(tick_twice());
}

fn std_listener() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap()
}

fn std_stream() -> std::net::TcpStream {
    std::net::TcpStream::connect("127.0.0.1:80").unwrap()
}

// Sockets, pipes, file descriptors, processes and signals need the IO driver.
fn io_without_io() {
    let rt = Builder::new_current_thread().enable_time().build().unwrap();
    rt.block_on(async {
        let _ = tokio::net::TcpStream::connect("127.0.0.1:80").await; //~ runtime_builder_missing_driver
        let _ = tokio::net::UdpSocket::bind("127.0.0.1:0").await; //~ runtime_builder_missing_driver
        let _ = tokio::net::UnixListener::bind("/tmp/a.sock"); //~ runtime_builder_missing_driver
        let _ = tokio::net::UnixStream::connect("/tmp/a.sock").await; //~ runtime_builder_missing_driver
        let _ = tokio::net::TcpListener::from_std(std_listener()); //~ runtime_builder_missing_driver
        let _ = tokio::net::TcpListener::try_from(std_listener()); //~ runtime_builder_missing_driver
        let _ = tokio::net::UnixStream::pair(); //~ runtime_builder_missing_driver
        let _ = tokio::net::TcpStream::from_std(std_stream()); //~ runtime_builder_missing_driver
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let _ = tokio::net::UdpSocket::from_std(udp); //~ runtime_builder_missing_driver
        let tcp_socket = tokio::net::TcpSocket::new_v4().unwrap();
        let _ = tcp_socket.listen(16); //~ runtime_builder_missing_driver
        let std_unix = std::os::unix::net::UnixListener::bind("/tmp/b.sock").unwrap();
        let _ = tokio::net::UnixListener::from_std(std_unix); //~ runtime_builder_missing_driver
        let (left, _right) = std::os::unix::net::UnixStream::pair().unwrap();
        let _ = tokio::net::UnixStream::from_std(left); //~ runtime_builder_missing_driver
        let _ = tokio::net::UnixDatagram::bind("/tmp/c.sock"); //~ runtime_builder_missing_driver
        let std_datagram = std::os::unix::net::UnixDatagram::unbound().unwrap();
        let _ = tokio::net::UnixDatagram::from_std(std_datagram); //~ runtime_builder_missing_driver
        let _ = tokio::net::UnixDatagram::unbound(); //~ runtime_builder_missing_driver
        let _ = tokio::net::UnixDatagram::pair(); //~ runtime_builder_missing_driver
        let options = tokio::net::unix::pipe::OpenOptions::new();
        let _ = options.open_receiver("/tmp/fifo"); //~ runtime_builder_missing_driver
        let _ = tokio::io::unix::AsyncFd::try_new(std_listener()); //~ runtime_builder_missing_driver
        let _ = tokio::io::unix::AsyncFd::new(std_listener()); //~ runtime_builder_missing_driver
        let _ = tokio::process::Command::new("true").spawn(); //~ runtime_builder_missing_driver
        let _ = tokio::process::Command::new("true").output().await; //~ runtime_builder_missing_driver
        let _ = tokio::signal::ctrl_c().await; //~ runtime_builder_missing_driver
        let _ = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()); //~ runtime_builder_missing_driver
    });
}

// Timers of every kind need the time driver.
fn timers_without_time() {
    use tokio_util::time::FutureExt;
    let rt = Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async {
        let now = tokio::time::Instant::now();
        tokio::time::sleep_until(now).await; //~ runtime_builder_missing_driver
        let _ = tokio::time::interval_at(now, Duration::from_secs(1)); //~ runtime_builder_missing_driver
        let _ = tokio::time::timeout_at(now, async {}).await; //~ runtime_builder_missing_driver
        let (tx, _rx) = tokio::sync::mpsc::channel::<u32>(1);
        let _ = tx.send_timeout(1, Duration::from_secs(1)).await; //~ runtime_builder_missing_driver
        let _ = async {}.timeout(Duration::from_secs(1)).await; //~ runtime_builder_missing_driver
        let mut delays = tokio_util::time::DelayQueue::new();
        delays.insert(1, Duration::from_secs(1)); //~ runtime_builder_missing_driver
    });
}

fn stream_timers_without_time() {
    use tokio_stream::StreamExt;
    let rt = Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async {
        let ticks = tokio_stream::iter(vec![1, 2]);
        let _ = ticks.timeout(Duration::from_secs(1)); //~ runtime_builder_missing_driver
        let more = tokio_stream::iter(vec![1, 2]);
        let _ = more.throttle(Duration::from_secs(1)); //~ runtime_builder_missing_driver
    });
}

// Correct: DNS and files run on the blocking pool, which needs no driver.
fn blocking_pool_without_drivers() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let _ = tokio::net::lookup_host("localhost:80").await;
        let _ = tokio::fs::read("/etc/hostname").await;
        let _ = tokio::task::spawn_blocking(|| 1).await;
    });
}

// Correct: both drivers.
fn io_and_time_enabled() {
    let rt = Builder::new_multi_thread().enable_io().enable_time().build().unwrap();
    rt.block_on(async {
        let _ = tokio::net::UnixStream::pair();
        let (tx, _rx) = tokio::sync::mpsc::channel::<u32>(1);
        let _ = tx.send_timeout(1, Duration::from_secs(1)).await;
    });
}
