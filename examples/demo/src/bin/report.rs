//! Prints the top customers of each day's export: `report monday.csv tuesday.csv ...`.

use orderflow::report;

#[tokio::main]
async fn main() {
    let days: Vec<(String, String)> = std::env::args()
        .skip(1)
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            (path, text)
        })
        .collect();

    // One task per day. `totals_by_customer` is not `Send`, so `tokio::spawn` does not
    // accept it; `spawn_local` does.
    let reports: Vec<_> = days
        .into_iter()
        .map(|(path, text)| {
            tokio::task::spawn_local(async move {
                let totals = report::totals_by_customer(report::parse_orders(&text)).await;
                (path, report::top_customers(&totals, 3))
            })
        })
        .collect();

    for task in reports {
        let (path, top) = task.await.expect("report task panicked");
        println!("{path}:");
        for (customer, cents) in top {
            println!("  customer {customer}: {}.{:02} USD", cents / 100, cents % 100);
        }
    }
}
