//! Checks the settings service of each region: `regions URL...`.

use orderflow::config;
use std::time::Duration;
use tokio::runtime::Builder;

fn main() {
    let urls: Vec<String> = std::env::args().skip(1).collect();

    for (url, flags) in config::feature_flags_by_region(&urls) {
        println!("{url}: flags {}", flags.join(", "));
    }

    // One runtime for every check; each gives up after two seconds.
    let runtime = Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("runtime");
    for url in &urls {
        let reachable = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(2), config::settings_reachable(url))
                .await
                .unwrap_or(false)
        });
        println!("{url}: {}", if reachable { "up" } else { "down" });
    }
}
