//! Background upkeep: snapshots for a fast restart, and archiving of old orders.

use crate::config::Config;
use crate::metrics;
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// Starts the jobs that run for as long as the service does: the metrics report and the
/// snapshots.
pub fn start_periodic_jobs(store: Arc<Store>, snapshot: PathBuf, config: &Config) {
    let mut jobs = JoinSet::new();
    jobs.spawn(metrics::report_every(config.metrics_interval));
    jobs.spawn(snapshot_every(store, snapshot, config.snapshot_interval));
}

/// Writes a snapshot of the store every `interval`. The file is written on the blocking
/// pool, so the runtime's threads go on serving orders meanwhile.
pub async fn snapshot_every(store: Arc<Store>, path: PathBuf, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    loop {
        ticker.tick().await;
        let (store, path) = (Arc::clone(&store), path.clone());
        match tokio::task::spawn_blocking(move || std::fs::write(&path, store.to_csv())).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => eprintln!("snapshot failed: {err}"),
            Err(err) => eprintln!("snapshot task failed: {err}"),
        }
    }
}

/// The last snapshot, written at shutdown.
pub async fn final_snapshot(store: &Store, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, store.to_csv())
}

/// Keeps the newest `keep` orders in memory and archives the rest. Archiving is slow, so
/// it is handed to the blocking pool.
pub async fn archive_in_background(store: Arc<Store>, keep: usize) {
    tokio::task::spawn_blocking(move || async move {
        let archived = store.archive(keep).await;
        println!("archived {archived} orders");
    });
}

/// Counts the store's orders on a runtime of its own, so that a long compaction cannot starve
/// request handling.
pub async fn compact(store: Arc<Store>) -> usize {
    let pool = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("compaction")
        .build()
        .expect("compaction runtime");
    let counted = pool.spawn(async move { store.len() });
    counted.await.unwrap_or(0)
}
