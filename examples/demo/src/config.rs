use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub queue_depth: usize,
    pub metrics_interval: Duration,
    pub settings_url: String,
    pub fulfilment_url: String,
    pub snapshot_interval: Duration,
}

impl Config {
    pub fn from_env() -> Config {
        let queue_depth = std::env::var("ORDERFLOW_QUEUE_DEPTH")
            .ok()
            .and_then(|depth| depth.parse().ok())
            .unwrap_or(1024);
        let settings_url = std::env::var("ORDERFLOW_SETTINGS_URL")
            .unwrap_or_else(|_| "http://settings.internal".to_string());
        let fulfilment_url = std::env::var("ORDERFLOW_FULFILMENT_URL")
            .unwrap_or_else(|_| "http://fulfilment.internal".to_string());
        Config {
            queue_depth,
            metrics_interval: Duration::from_secs(10),
            settings_url,
            fulfilment_url,
            snapshot_interval: Duration::from_secs(60),
        }
    }
}

/// Reads the enabled feature flags from the settings service.
///
/// The admin tools call this before they have a runtime, so it brings its own.
#[tokio::main(flavor = "current_thread")]
pub async fn load_feature_flags(settings_url: &str) -> Vec<String> {
    // Stands in for an HTTP request.
    tokio::time::sleep(Duration::from_millis(5)).await;
    vec![format!("{settings_url}/flags/fast-path")]
}

/// The enabled feature flags of each region, for the admin tools.
pub fn feature_flags_by_region(settings_urls: &[String]) -> Vec<(String, Vec<String>)> {
    let mut by_region = Vec::with_capacity(settings_urls.len());
    for url in settings_urls {
        by_region.push((url.clone(), load_feature_flags(url)));
    }
    by_region
}

/// Whether the settings service accepts connections.
pub async fn settings_reachable(settings_url: &str) -> bool {
    let authority = settings_url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let address = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    tokio::net::TcpStream::connect(address).await.is_ok()
}
