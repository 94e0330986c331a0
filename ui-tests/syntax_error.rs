// A file that does not parse is reported where the parser stopped, as an error, and nothing
// else in it is linted.

use std::time::Duration;

async fn poll_upstream(interval: Duration) {
    loop {
        let response fetch_status().await; //~ syntax_error
        tokio::time::sleep(interval).await;
    }
}
