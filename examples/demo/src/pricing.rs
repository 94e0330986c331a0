use std::collections::HashMap;
use tokio::runtime::{Builder, Handle, Runtime};

/// Exchange rates to USD, fetched once per currency.
#[derive(Default)]
pub struct RateCache {
    rates: HashMap<String, f64>,
}

impl RateCache {
    pub fn get(&self, currency: &str) -> Option<f64> {
        self.rates.get(currency).copied()
    }
}

/// Stands in for a call to the rates service.
async fn fetch_rate(currency: &str) -> f64 {
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    match currency {
        "EUR" => 1.08,
        "GBP" => 1.27,
        "JPY" => 0.0067,
        _ => 1.0,
    }
}

/// An order's amount in US cents.
pub async fn to_usd_cents(currency: &str, amount_cents: i64) -> i64 {
    let rate = Runtime::new().unwrap().block_on(fetch_rate(currency));
    (amount_cents as f64 * rate).round() as i64
}

/// Fills the cache for the currencies we see most.
pub async fn warm_cache(cache: &mut RateCache, currencies: &[&str]) {
    for currency in currencies {
        let rate = Handle::current().block_on(fetch_rate(currency));
        cache.rates.insert(currency.to_string(), rate);
    }
}

/// The same conversion, awaiting the rate on the caller's runtime.
pub async fn to_usd_cents_awaited(currency: &str, amount_cents: i64) -> i64 {
    let rate = fetch_rate(currency).await;
    (amount_cents as f64 * rate).round() as i64
}

/// For scripts and admin tools, which run outside any runtime.
pub fn to_usd_cents_blocking(currency: &str, amount_cents: i64) -> i64 {
    let runtime = Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("pricing runtime");
    runtime.block_on(to_usd_cents_awaited(currency, amount_cents))
}

/// Fetches the rates of `currencies` concurrently.
pub async fn fetch_rates(currencies: &[&str]) -> RateCache {
    let mut fetches = tokio::task::JoinSet::new();
    for currency in currencies {
        let currency = currency.to_string();
        fetches.spawn(async move {
            let rate = fetch_rate(&currency).await;
            (currency, rate)
        });
    }
    let mut cache = RateCache::default();
    while let Some(fetched) = fetches.join_next().await {
        let (currency, rate) = fetched.expect("rate fetch panicked");
        cache.rates.insert(currency, rate);
    }
    cache
}
