//! The `events/` samples: each is what `make events` writes, and each function's handler,
//! given its sample on a table seeded as `make dev` seeds it, answers what the sample's name
//! says (2xx, or the error it is named for), as `cargo lambda invoke --data-file` would see.

use orders_dev::events::{samples, Sample};
use orders_dev::{alipay_keys, handlers, seed};
use orders_integration_tests::TestApi;
use orders_shared::adapters::events::stream::{change_records, Change, StreamEvent};
use orders_shared::app::after_sales::{retry_refund_payouts, run_timers};
use orders_shared::app::deliveries::deliver_due;
use orders_shared::app::events::publish;
use orders_shared::app::sweep::{auto_confirm_receipts, close_expired_orders};
use orders_shared::domain::time::Timestamp;
use orders_shared::lambda_http;
use std::collections::BTreeSet;

fn committed(sample: &Sample) -> String {
    let path = orders_dev::repo_root().unwrap().join("events").join(&sample.file);
    std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing: run `make events`", path.display()))
}

#[test]
fn the_committed_samples_are_current() {
    let samples = samples().expect("the samples");
    for sample in &samples {
        assert!(committed(sample) == sample.text, "events/{} is stale: run `make events`", sample.file);
    }
    let files: BTreeSet<String> = std::fs::read_dir(orders_dev::repo_root().unwrap().join("events"))
        .expect("events/")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    let made: BTreeSet<String> = samples.iter().map(|sample| sample.file.clone()).collect();
    assert_eq!(files, made, "events/ holds exactly the samples `make events` writes");
}

#[tokio::test]
async fn every_sample_answers_what_its_name_says() {
    let keys = std::env::temp_dir().join(format!("orders-events-{}", rand::random::<u32>()));
    let (mut alipay, alipay_key) = alipay_keys::load_or_create(&keys).expect("make dev's Alipay keys");
    alipay.notify_url = Some("http://127.0.0.1:3000/api/v1/payments/alipay/notify".into());
    let api = TestApi::start_with_alipay_keys(alipay, alipay_key).await;
    seed::seed_demo_shop(&api.app.store).await.expect("the demo shop");
    seed::seed_demo_orders(&api.app).await.expect("the demo orders");
    let inbox = format!("{}{}", api.base, orders_dev::webhook_inbox::PATH);
    seed::seed_demo_webhooks(&api.app, &inbox).await.expect("the demo webhooks");

    for sample in samples().expect("the samples") {
        match sample.status {
            Some(status) => {
                let request = lambda_http::request::from_str(&committed(&sample))
                    .unwrap_or_else(|error| panic!("{} is not an HTTP API event: {error}", sample.file));
                let handler = handlers::handler(sample.function).expect("a handler");
                let response = handler(api.app.clone(), request).await;
                let body = match response.body() {
                    lambda_http::Body::Text(text) => text.clone(),
                    _ => String::new(),
                };
                assert_eq!(response.status().as_u16(), status, "events/{}: {body}", sample.file);
            }
            None if sample.function == "publish-order-events" => {
                let event: StreamEvent = serde_json::from_str(&committed(&sample)).expect("a stream event");
                let records = change_records(event.records.into_iter().map(Change::from).collect());
                let outcome = publish(&api.app, records).await;
                assert_eq!((outcome.events, outcome.failed_from), (1, None), "{}", sample.file);
                assert!(
                    api.inbox.received().iter().any(|received| received.body.contains("\"type\":\"order.paid\"")),
                    "the demo endpoint got the sample's order.paid"
                );
            }
            None => {
                let event: serde_json::Value = serde_json::from_str(&committed(&sample)).expect("JSON");
                assert_eq!(event["detail-type"], "Scheduled Event", "{}", sample.file);
                let now = Timestamp::now();
                let ran = match sample.function {
                    "close-expired-orders" => close_expired_orders(&api.app, now).await.map(|_| ()),
                    "auto-confirm-receipt" => auto_confirm_receipts(&api.app, now).await.map(|_| ()),
                    "after-sales-timers" => run_timers(&api.app, now).await.map(|_| ()),
                    "retry-refund-payouts" => retry_refund_payouts(&api.app, now).await.map(|_| ()),
                    "deliver-webhooks" => deliver_due(&api.app, now).await.map(|_| ()),
                    other => panic!("{other} is a schedule without a runner here"),
                };
                assert!(ran.is_ok(), "{}: {ran:?}", sample.file);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&keys);
}
