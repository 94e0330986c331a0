//! Checks an export's totals: `audit orders.csv`. A small tool, so it drives its futures with
//! `futures::executor::block_on` instead of a tokio runtime.

use futures::executor::block_on;
use orderflow::{report, Order};

async fn total_cents(orders: &[Order]) -> i64 {
    orders.iter().map(|order| order.amount_cents).sum()
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "orders.csv".to_string());
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let orders = report::parse_orders(&text);
    block_on(async {
        let total = block_on(total_cents(&orders));
        println!("{} orders, {total} cents", orders.len());
    });
}
