use crate::notify::Fulfilment;
use crate::store::Store;
use crate::{config, metrics, pricing, Order};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Prices, stores and announces orders until the channel closes; returns how many were stored.
pub async fn run(
    mut orders: mpsc::Receiver<Order>,
    store: Arc<Store>,
    fulfilment: Arc<Fulfilment>,
    settings_url: String,
) -> usize {
    let flags = config::load_feature_flags(&settings_url);
    let fast_path = flags.iter().any(|flag| flag.ends_with("/fast-path"));

    let mut stored = 0;
    while let Some(mut order) = orders.recv().await {
        metrics::ORDERS_SEEN.fetch_add(1, Ordering::Relaxed);
        order.amount_cents = if fast_path {
            pricing::to_usd_cents_awaited(&order.currency, order.amount_cents).await
        } else {
            pricing::to_usd_cents(&order.currency, order.amount_cents).await
        };
        store.insert(order.clone()).await;
        if let Err(err) = fulfilment.order_stored(&order).await {
            eprintln!("order {} not announced: {err}", order.id);
        }
        stored += 1;
    }
    store.flush().await;
    stored
}

/// Stores whatever is still queued at shutdown.
pub async fn drain(orders: &mut mpsc::Receiver<Order>, store: &Store) -> usize {
    let mut drained = 0;
    while let Some(order) = orders.blocking_recv() {
        store.insert(order).await;
        drained += 1;
    }
    drained
}

/// Stores orders handed over by a thread that has no runtime.
pub fn accept_from_thread(orders: mpsc::Receiver<Order>, store: Arc<Store>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut orders = orders;
        let mut accepted = 0;
        while let Some(order) = orders.blocking_recv() {
            store.insert_blocking(order);
            accepted += 1;
        }
        accepted
    })
}
