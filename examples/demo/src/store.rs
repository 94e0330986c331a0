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

    /// Moves all but the newest `keep` orders to cold storage; returns how many moved.
    pub async fn archive(&self, keep: usize) -> usize {
        let archived: Vec<Order> = {
            let mut orders = self.orders.lock().unwrap();
            let cut = orders.len().saturating_sub(keep);
            orders.drain(..cut).collect()
        };
        // Stands in for the upload.
        tokio::time::sleep(Duration::from_millis(archived.len() as u64)).await;
        archived.len()
    }

    /// The stored orders as `customer,currency,amount_cents` lines, the format of the exports.
    pub fn to_csv(&self) -> String {
        self.orders
            .lock()
            .unwrap()
            .iter()
            .map(|order| format!("{},{},{}\n", order.customer, order.currency, order.amount_cents))
            .collect()
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
