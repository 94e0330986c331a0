//! Ingestion for applications that are not async: the pipeline runs on a runtime of its own.

use crate::config::Config;
use crate::notify::Fulfilment;
use crate::store::Store;
use crate::{ingest, metrics, Order};
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

/// The ingest pipeline, driven by a runtime it owns.
pub struct Ingestor {
    orders: mpsc::Sender<Order>,
    store: Arc<Store>,
    runtime: Runtime,
}

impl Ingestor {
    /// Starts the pipeline and the metrics report.
    pub fn start(config: &Config) -> std::io::Result<Ingestor> {
        let runtime = Runtime::new()?;
        let _ = runtime.enter();
        tokio::spawn(metrics::report_every(config.metrics_interval));

        let store = Arc::new(Store::new());
        let fulfilment = Arc::new(Fulfilment::new(config.fulfilment_url.clone()));
        let (orders, queue) = mpsc::channel(config.queue_depth);
        runtime.spawn(ingest::run(
            queue,
            Arc::clone(&store),
            fulfilment,
            config.settings_url.clone(),
        ));
        Ok(Ingestor {
            orders,
            store,
            runtime,
        })
    }

    /// Queues an order, waiting while the queue is full. Gives the order back if the
    /// pipeline has stopped.
    pub fn submit(&self, order: Order) -> Result<(), Order> {
        self.orders.blocking_send(order).map_err(|err| err.0)
    }

    /// How many orders are stored so far.
    pub fn stored(&self) -> usize {
        self.store.len()
    }

    /// Stops taking orders and gives those queued up to `timeout` to be stored.
    pub fn shutdown(self, timeout: Duration) {
        drop(self.orders);
        self.runtime.shutdown_timeout(timeout);
    }

    /// Stops at once, then gives the last metrics push a moment to leave.
    pub fn stop_now(self) {
        let runtime = self.runtime;
        let handle = runtime.handle().clone();
        runtime.shutdown_background();
        handle.block_on(async { tokio::time::sleep(Duration::from_millis(50)).await });
    }
}

/// A handle for host applications that run tasks of their own beside the pipeline.
pub fn host_handle() -> tokio::runtime::Handle {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("orderflow-host")
        .enable_all()
        .build()
        .expect("host runtime");
    runtime.handle().clone()
}
