//! Re-imports the orders of a CSV export: `backfill orders.csv`.

use orderflow::store::Store;
use orderflow::{metrics, pricing, Order};
use std::sync::atomic::Ordering;
use std::time::Duration;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "orders.csv".to_string());
    let text = std::fs::read_to_string(&path).unwrap_or_default();

    let progress = tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            println!("imported {}", metrics::ORDERS_SEEN.load(Ordering::Relaxed));
        }
    });

    let store = Store::new();
    for (id, line) in text.lines().enumerate() {
        let mut fields = line.split(',');
        let (Some(currency), Some(amount)) = (fields.next(), fields.next()) else {
            continue;
        };
        let amount_cents = pricing::to_usd_cents_blocking(currency, amount.parse().unwrap_or(0));
        store.insert_blocking(Order {
            id: id as u64,
            customer: 0,
            currency: "USD".to_string(),
            amount_cents,
        });
        metrics::ORDERS_SEEN.fetch_add(1, Ordering::Relaxed);
    }
    progress.abort();

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(metrics::push_final());
    println!("backfilled {} orders from {path}", store.len());
}
