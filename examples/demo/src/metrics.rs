use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub static ORDERS_SEEN: AtomicU64 = AtomicU64::new(0);

/// Logs the counters every `interval`, for as long as the service runs.
pub async fn report_every(interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    loop {
        ticker.tick().await;
        println!("orders_seen={}", ORDERS_SEEN.load(Ordering::Relaxed));
    }
}

/// Sends the final counters to the collector.
pub async fn push_final() {
    let line = format!("orders_seen={}\n", ORDERS_SEEN.load(Ordering::Relaxed));
    // Stands in for an HTTP request to the collector: the counters go to its spool file.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let _ = tokio::fs::write("collector-spool.txt", line).await;
}
