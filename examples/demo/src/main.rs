use orderflow::config::Config;
use orderflow::notify::Fulfilment;
use orderflow::store::Store;
use orderflow::{ingest, maintenance, metrics, Order};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc;

const SNAPSHOT: &str = "orders.snapshot";

#[tokio::main]
async fn main() {
    let config = Config::from_env();
    let store = Arc::new(Store::new());
    let fulfilment = Arc::new(Fulfilment::new(config.fulfilment_url.clone()));
    let (orders, queue) = mpsc::channel(config.queue_depth);

    maintenance::start_periodic_jobs(Arc::clone(&store), SNAPSHOT.into(), &config);
    let ingest = tokio::spawn(ingest::run(
        queue,
        Arc::clone(&store),
        fulfilment,
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
    maintenance::archive_in_background(Arc::clone(&store), 10_000).await;
    println!("{} orders after compaction", maintenance::compact(Arc::clone(&store)).await);
    if let Err(err) = maintenance::final_snapshot(&store, Path::new(SNAPSHOT)).await {
        eprintln!("final snapshot failed: {err}");
    }
    tokio::spawn(metrics::push_final());
}
