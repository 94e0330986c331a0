use orderflow::config::Config;
use orderflow::store::Store;
use orderflow::{ingest, metrics, Order};
use std::sync::Arc;
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    let config = Config::from_env();
    let store = Arc::new(Store::new());
    let (orders, queue) = mpsc::channel(config.queue_depth);

    tokio::spawn(metrics::report_every(config.metrics_interval));
    let ingest = tokio::spawn(ingest::run(
        queue,
        Arc::clone(&store),
        config.settings_url.clone(),
    ));

    for id in 0..100 {
        let order = Order {
            id,
            customer: id % 7,
            currency: ["EUR", "GBP", "USD"][id as usize % 3].to_string(),
            amount_cents: 1_000 + id as i64,
        };
        orders.send(order).await.expect("ingest is running");
    }
    drop(orders);

    let stored = ingest.await.expect("ingest task panicked");
    println!("stored {stored} orders");
    tokio::spawn(metrics::push_final());
}
