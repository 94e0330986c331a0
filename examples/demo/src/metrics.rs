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
    // Stands in for an HTTP request.
    tokio::time::sleep(Duration::from_millis(20)).await;
    println!("final orders_seen={}", ORDERS_SEEN.load(Ordering::Relaxed));
}
