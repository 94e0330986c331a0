//! Tells the fulfilment service about orders, over HTTP.

use crate::Order;
use std::time::Duration;

fn body(order: &Order) -> String {
    format!(
        "{{\"id\":{},\"customer\":{},\"amount_cents\":{}}}",
        order.id, order.customer, order.amount_cents
    )
}

/// A client for the fulfilment service, shared by the ingest tasks.
pub struct Fulfilment {
    client: reqwest::Client,
    url: String,
}

impl Fulfilment {
    pub fn new(url: String) -> Fulfilment {
        Fulfilment {
            client: reqwest::Client::new(),
            url,
        }
    }

    /// Announces a stored order, retrying with a growing pause while the service is down.
    pub async fn order_stored(&self, order: &Order) -> Result<(), reqwest::Error> {
        let mut pause = Duration::from_millis(100);
        for _ in 0..3 {
            if self.post(order).await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
        self.post(order).await
    }

    async fn post(&self, order: &Order) -> Result<(), reqwest::Error> {
        self.client
            .post(format!("{}/orders", self.url))
            .body(body(order))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}

/// Announces a cancelled order. Cancellations are rare, so this makes a client of its own.
pub async fn order_cancelled(url: &str, order_id: u64) -> Result<(), reqwest::Error> {
    let client = reqwest::blocking::Client::new();
    client
        .delete(format!("{url}/orders/{order_id}"))
        .send()?
        .error_for_status()?;
    Ok(())
}
