//! Order ingestion: orders arrive on a channel, are priced in US cents, stored, and counted.

pub mod config;
pub mod embed;
pub mod ingest;
pub mod maintenance;
pub mod metrics;
pub mod notify;
pub mod pricing;
pub mod report;
pub mod store;

#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub id: u64,
    pub customer: u64,
    pub currency: String,
    pub amount_cents: i64,
}
