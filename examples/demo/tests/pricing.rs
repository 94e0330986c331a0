use orderflow::pricing;

#[tokio::test]
async fn blocking_conversion_matches_async_one() {
    let blocking = tokio::task::block_in_place(|| pricing::to_usd_cents_blocking("EUR", 10_000));
    let awaited = pricing::to_usd_cents_awaited("EUR", 10_000).await;
    assert_eq!(blocking, awaited);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_conversion_from_a_worker_thread() {
    let cents = tokio::task::block_in_place(|| pricing::to_usd_cents_blocking("GBP", 100));
    assert_eq!(cents, 127);
}

#[tokio::test]
async fn blocking_conversion_on_the_blocking_pool() {
    let cents = tokio::task::spawn_blocking(|| pricing::to_usd_cents_blocking("JPY", 10_000))
        .await
        .unwrap();
    assert_eq!(cents, 67);
}

#[test]
fn blocking_conversion_without_a_runtime() {
    assert_eq!(pricing::to_usd_cents_blocking("USD", 250), 250);
}
