//! Pushes the counters to the collector every minute: `exporter`. The job loop came over from
//! an actix service, together with its `Arbiter`.

use orderflow::metrics;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let jobs = actix_rt::Arbiter::new();
    jobs.spawn(async {
        loop {
            metrics::push_final().await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
    tokio::signal::ctrl_c().await.ok();
    jobs.stop();
}
