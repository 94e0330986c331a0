use crate::Order;
use std::sync::Mutex;
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};

/// Orders kept in memory, with a blocking API for the admin tools.
pub struct Store {
    orders: Mutex<Vec<Order>>,
    /// Drives the async writes for callers without a runtime.
    runtime: Runtime,
}

impl Store {
    pub fn new() -> Store {
        Store {
            orders: Mutex::new(Vec::new()),
            runtime: Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("store runtime"),
        }
    }

    pub async fn insert(&self, order: Order) {
        // Stands in for a database write.
        tokio::time::sleep(Duration::from_micros(50)).await;
        self.orders.lock().unwrap().push(order);
    }

    pub fn insert_blocking(&self, order: Order) {
        self.runtime.block_on(self.insert(order));
    }

    /// Waits for the writes in flight before shutdown.
    pub async fn flush(&self) {
        self.runtime
            .block_on(async { tokio::time::sleep(Duration::from_millis(1)).await });
    }

    pub fn len(&self) -> usize {
        self.orders.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for Store {
    fn default() -> Store {
        Store::new()
    }
}
