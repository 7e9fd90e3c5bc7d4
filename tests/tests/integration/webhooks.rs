//! Order events and webhooks through the whole path: a change written by a route, read back from
//! DynamoDB Local's stream, published as events, delivered to the dev server's inbox signed as
//! Standard Webhooks say (checked by the `standardwebhooks` Python package), retried with the
//! same id when the receiver fails, and the endpoint routes' rules: the secret shown once,
//! rotation, the test event, disabling, the SSRF refusals, shop isolation and the limit.

use orders_dev::event_stream::StreamPump;
use orders_dev::webhook_inbox::{Received, PATH as INBOX};
use orders_integration_tests::event_bus::StandInEventBus;
use orders_integration_tests::{dynamodb_endpoint, Method, SigningKey, StatusCode, TestApi};
use orders_shared::adapters::events::bus::EventBus;
use orders_shared::app::deliveries::deliver_due;
use orders_shared::app::events::{publish, ChangeRecord};
use orders_shared::domain::events::{EventType, OrderEvent, PublishedEvent};
use orders_shared::domain::time::Timestamp;
use orders_shared::App;
use serde_json::{json, Value};
use std::time::Duration;

const SHOP: &str = "shop-a";

fn seller(api: &TestApi) -> String {
    api.seller("shop-a-user", SHOP)
}

/// Registers an endpoint of shop-a at `path` of the dev server: its data (with the secret).
async fn register(api: &TestApi, path: &str, event_types: Value) -> Value {
    let body = json!({"url": format!("{}{path}", api.base), "event_types": event_types, "description": "test"});
    let created = api.call(Method::POST, "/api/v1/seller/webhooks", Some(&seller(api)), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.data().clone()
}

async fn paid_order(api: &TestApi, alipay: &SigningKey, buyer: &str) -> String {
    api.paid_order(alipay, buyer, 1).await
}

async fn shop_posts(api: &TestApi, path: &str, body: Value) {
    let answer = api.call(Method::POST, path, Some(&seller(api)), Some(body)).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
}

fn bodies(received: &[Received]) -> Vec<Value> {
    received.iter().map(|received| serde_json::from_str(&received.body).expect("a JSON body")).collect()
}

/// Verifies each delivery with the Standard Webhooks reference library (Python): every
/// `secret` given must verify every one.
fn verify_with_standardwebhooks(received: &[Received], secret: &str) {
    let python = orders_dev::repo_root().unwrap().join(".tools/webhooks-venv/bin/python");
    assert!(python.exists(), "{} is missing: run `make tools`", python.display());
    let deliveries: Vec<Value> = received
        .iter()
        .map(|received| {
            json!({"body": received.body, "headers": {"webhook-id": received.webhook_id,
                "webhook-timestamp": received.webhook_timestamp, "webhook-signature": received.webhook_signature}})
        })
        .collect();
    let script = "import json, sys\nfrom standardwebhooks.webhooks import Webhook\n\
        given = json.load(sys.stdin)\nhook = Webhook(given['secret'])\n\
        for delivery in given['deliveries']:\n    hook.verify(delivery['body'], delivery['headers'])\n\
        print(len(given['deliveries']))\n";
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    let input = json!({"secret": secret, "deliveries": deliveries}).to_string();
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), input.as_bytes()).expect("written");
    let output = child.wait_with_output().expect("python ends");
    assert!(output.status.success(), "standardwebhooks refused: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), received.len().to_string());
}

#[tokio::test]
async fn every_event_of_an_orders_life_arrives_signed_in_sequence_and_once() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let endpoint = register(&api, INBOX, json!([])).await;
    let secret = endpoint["secret"].as_str().expect("the secret is shown on create");
    assert!(secret.starts_with("whsec_"));
    let buyer = api.buyer("b-events");
    let no = paid_order(&api, &alipay, &buyer).await;
    let orders = format!("/api/v1/seller/orders/{no}");
    shop_posts(
        &api,
        &format!("{orders}/ship"),
        json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"}),
    )
    .await;
    let tracking = json!({"description": "Left the warehouse", "location": "Hangzhou"});
    let added = api.call(Method::POST, &format!("{orders}/tracking-events"), Some(&seller(&api)), Some(tracking)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let receipt = api.call(Method::POST, &format!("/api/v1/orders/{no}/receipt"), Some(&buyer), None).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    let review = json!({"comment": "Good"});
    let reviewed = api.call(Method::POST, &format!("/api/v1/orders/{no}/review"), Some(&buyer), Some(review)).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);

    api.publish_events().await;
    let received = api.inbox.received();
    let events = bodies(&received);
    let types: Vec<&str> = events.iter().map(|event| event["type"].as_str().unwrap_or_default()).collect();
    assert_eq!(
        types,
        ["order.created", "order.paid", "order.shipped", "order.tracking_added", "order.completed", "order.reviewed"]
    );
    let sequences: Vec<u64> = events.iter().map(|event| event["sequence"].as_u64().unwrap_or_default()).collect();
    assert_eq!(sequences, [1, 2, 3, 4, 5, 6], "one order's events number 1, 2, 3, ... without gaps");
    for (event, received) in events.iter().zip(&received) {
        assert_eq!(event["id"], received.webhook_id, "webhook-id is the event id");
        assert_eq!((event["order_no"].as_str(), event["seller_id"].as_str()), (Some(no.as_str()), Some(SHOP)));
        assert_eq!(event["data"]["order"]["order_no"], no.as_str(), "the order as the shop sees it");
        assert!(event["timestamp"].as_str().is_some_and(|at| at.ends_with('Z')), "RFC 3339 UTC");
    }
    assert_eq!(events[1]["data"]["order"]["status"], "paid");
    verify_with_standardwebhooks(&received, secret);

    // The stream read again from its start (a batch given twice) delivers nothing twice.
    let again = api.publish_events_from_start().await;
    assert!(again > 0);
    assert_eq!(api.inbox.received().len(), received.len(), "each event reaches an endpoint once");

    // The log: every delivery succeeded at its first attempt.
    let endpoint_id = endpoint["endpoint_id"].as_str().unwrap();
    let path = format!("/api/v1/seller/webhooks/{endpoint_id}/deliveries?status=succeeded&limit=4");
    let page = api.call(Method::GET, &path, Some(&seller(&api)), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let items = page.data()["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["event_type"], "order.reviewed", "newest first");
    assert!(items.iter().all(|item| item["attempts"] == 1 && item["last_status"] == 204));
    let cursor = page.data()["next_cursor"].as_str().expect("a second page");
    let rest = api.call(Method::GET, &format!("{path}&cursor={cursor}"), Some(&seller(&api)), None).await;
    assert_eq!(rest.data()["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_same_event_a_third_time() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let endpoint = register(&api, &format!("{INBOX}/flaky"), json!(["order.paid"])).await;
    let endpoint_id = endpoint["endpoint_id"].as_str().unwrap().to_string();
    let no = paid_order(&api, &alipay, &api.buyer("b-flaky")).await;
    api.publish_events().await;

    // First attempt at once (503); then the schedule: 1 s, then 60 s (WEBHOOK_RETRY_SECONDS=1).
    let log = format!("/api/v1/seller/webhooks/{endpoint_id}/deliveries");
    let first = api.call(Method::GET, &log, Some(&seller(&api)), None).await;
    let delivery = first.data()["items"][0].clone();
    assert_eq!((delivery["status"].as_str(), delivery["attempts"].as_u64()), (Some("pending"), Some(1)));
    assert_eq!(delivery["last_status"], 503);
    assert_eq!(delivery["event_type"], "order.paid", "only the types it asked for");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let report = deliver_due(&api.app, Timestamp::now()).await.expect("the schedule runs");
    assert_eq!((report.due, report.failed), (1, 1));
    // The next attempt is a minute away: run the schedule as if it were then.
    let report = deliver_due(&api.app, Timestamp::now().plus_seconds(61)).await.expect("the schedule runs");
    assert_eq!(report.succeeded, 1);

    let received = api.inbox.received();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|r| r.webhook_id == format!("evt_{no}_2")), "the same id every time");
    assert!(received.iter().all(|r| r.body == received[0].body), "the same body every time");
    let statuses: Vec<u16> = received.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 204]);
    verify_with_standardwebhooks(&received, endpoint["secret"].as_str().unwrap());
    let after = api.call(Method::GET, &log, Some(&seller(&api)), None).await;
    let delivery = &after.data()["items"][0];
    assert_eq!((delivery["status"].as_str(), delivery["attempts"].as_u64()), (Some("succeeded"), Some(3)));
    assert!(delivery["next_attempt_at"].is_null());
}

#[tokio::test]
async fn rotation_signs_with_both_secrets_and_the_test_event_and_retry_answer_at_once() {
    let api = TestApi::start().await;
    let endpoint = register(&api, INBOX, json!(["refund.*"])).await;
    let endpoint_id = endpoint["endpoint_id"].as_str().unwrap();
    let old_secret = endpoint["secret"].as_str().unwrap();
    let read =
        api.call(Method::GET, &format!("/api/v1/seller/webhooks/{endpoint_id}"), Some(&seller(&api)), None).await;
    assert!(read.data().get("secret").is_none(), "the secret is shown only on create and rotate");
    let listed = api.call(Method::GET, "/api/v1/seller/webhooks", Some(&seller(&api)), None).await;
    assert!(listed.data()["items"][0].get("secret").is_none());

    let path = format!("/api/v1/seller/webhooks/{endpoint_id}/rotate-secret");
    let rotated = api.call(Method::POST, &path, Some(&seller(&api)), None).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let new_secret = rotated.data()["secret"].as_str().unwrap();
    assert_ne!(new_secret, old_secret);

    let tested =
        api.call(Method::POST, &format!("/api/v1/seller/webhooks/{endpoint_id}/test"), Some(&seller(&api)), None).await;
    assert_eq!(tested.status, StatusCode::OK, "{}", tested.body);
    assert_eq!(
        (tested.data()["status"].as_str(), tested.data()["event_type"].as_str()),
        (Some("succeeded"), Some("webhook.test"))
    );
    let received = api.inbox.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].webhook_signature.split(' ').count(), 2, "both secrets sign for a day");
    verify_with_standardwebhooks(&received, old_secret);
    verify_with_standardwebhooks(&received, new_secret);

    // A host name goes through the client's own resolver (an address is checked before sending).
    let by_name = api.base.replace("127.0.0.1", "localhost");
    let body = json!({"url": format!("{by_name}{INBOX}?by-name")});
    let named = api.call(Method::POST, "/api/v1/seller/webhooks", Some(&seller(&api)), Some(body)).await;
    assert_eq!(named.status, StatusCode::CREATED, "{}", named.body);
    let path = format!("/api/v1/seller/webhooks/{}/test", named.data()["endpoint_id"].as_str().unwrap());
    let sent = api.call(Method::POST, &path, Some(&seller(&api)), None).await;
    assert_eq!((sent.data()["status"].as_str(), sent.data()["last_error"].as_str()), (Some("succeeded"), None));
    assert!(api.inbox.received().iter().any(|got| got.path.ends_with("?by-name")));

    let delivery_id = tested.data()["delivery_id"].as_str().unwrap();
    let retry = format!("/api/v1/seller/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry");
    let retried = api.call(Method::POST, &retry, Some(&seller(&api)), None).await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.body);
    assert_eq!(retried.data()["attempts"], 2);
    let received: Vec<Received> = api.inbox.received().into_iter().filter(|got| got.path == INBOX).collect();
    assert_eq!(received[1].webhook_id, received[0].webhook_id, "a retry keeps the event id");
}

#[tokio::test]
async fn urls_that_reach_inside_are_refused_and_a_shop_sees_only_its_own() {
    let (api, _) = TestApi::start_with_alipay(|config| config.webhooks.allow_loopback = false).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.8/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "ftp://example.com/hook",
        "https://user:pw@example.com/hook",
    ] {
        let body = json!({"url": url});
        let refused = api.call(Method::POST, "/api/v1/seller/webhooks", Some(&seller(&api)), Some(body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{url}: {}", refused.body);
        assert!(refused.body["msg"].as_str().unwrap_or_default().contains("url"), "{url}: names the field");
    }
    let refused = api
        .call(
            Method::POST,
            "/api/v1/seller/webhooks",
            Some(&seller(&api)),
            Some(json!({"url": "https://x.example", "event_types": ["shipping.*"]})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);

    // With loopback allowed (the dev server), the endpoint is another shop's business.
    let api = TestApi::start().await;
    let endpoint = register(&api, INBOX, json!([])).await;
    let endpoint_id = endpoint["endpoint_id"].as_str().unwrap();
    let other = api.seller("shop-b-user", "shop-b");
    for (method, tail) in [
        (Method::GET, ""),
        (Method::DELETE, ""),
        (Method::POST, "/rotate-secret"),
        (Method::POST, "/test"),
        (Method::GET, "/deliveries"),
    ] {
        let path = format!("/api/v1/seller/webhooks/{endpoint_id}{tail}");
        let answer = api.call(method.clone(), &path, Some(&other), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}: {}", answer.body);
    }
    let theirs = api.call(Method::GET, "/api/v1/seller/webhooks", Some(&other), None).await;
    assert_eq!(theirs.data()["items"], json!([]));
    assert!(api.inbox.received().is_empty(), "nothing was sent for another shop");

    // At most 10 per shop; a deleted one frees its place.
    for _ in 1..10 {
        register(&api, INBOX, json!([])).await;
    }
    let body = json!({"url": format!("{}{INBOX}", api.base)});
    let eleventh = api.call(Method::POST, "/api/v1/seller/webhooks", Some(&seller(&api)), Some(body.clone())).await;
    assert_eq!(eleventh.status, StatusCode::BAD_REQUEST, "{}", eleventh.body);
    let path = format!("/api/v1/seller/webhooks/{endpoint_id}");
    let deleted = api.call(Method::DELETE, &path, Some(&seller(&api)), None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let again = api.call(Method::POST, "/api/v1/seller/webhooks", Some(&seller(&api)), Some(body)).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
}

#[tokio::test]
async fn an_endpoint_failing_everything_for_days_is_disabled_and_put_enables_it() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    // Nothing listens on port 9 of loopback: every attempt is a refused connection.
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["order.created"]});
    let created = api.call(Method::POST, "/api/v1/seller/webhooks", Some(&seller(&api)), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let endpoint_id = created.data()["endpoint_id"].as_str().unwrap().to_string();
    paid_order(&api, &alipay, &api.buyer("b-down")).await;
    api.publish_events().await;
    let log = format!("/api/v1/seller/webhooks/{endpoint_id}/deliveries");
    let first = api.call(Method::GET, &log, Some(&seller(&api)), None).await;
    assert!(first.data()["items"][0]["last_error"].as_str().is_some_and(|error| !error.is_empty()));

    // It has been failing since long ago (the schedule's "5 days" at WEBHOOK_RETRY_SECONDS=1 is one).
    let mut endpoint = api.app.store.get_webhook(SHOP, &endpoint_id).await.unwrap().unwrap();
    let read_at = endpoint.updated_at;
    endpoint.failing_since = Some(Timestamp::now().plus_seconds(-2 * 86_400));
    assert!(api.app.store.replace_webhook(&endpoint, read_at).await.unwrap());
    deliver_due(&api.app, Timestamp::now().plus_seconds(2)).await.expect("the schedule runs");
    let read =
        api.call(Method::GET, &format!("/api/v1/seller/webhooks/{endpoint_id}"), Some(&seller(&api)), None).await;
    assert_eq!(read.data()["enabled"], false, "{}", read.body);
    assert!(read.data()["disabled_reason"].as_str().is_some());

    let body = json!({"url": format!("{}{INBOX}", api.base), "event_types": ["order.*"]});
    let put =
        api.call(Method::PUT, &format!("/api/v1/seller/webhooks/{endpoint_id}"), Some(&seller(&api)), Some(body)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!((put.data()["enabled"].as_bool(), put.data()["disabled_reason"].is_null()), (Some(true), true));
}

#[tokio::test]
async fn events_go_to_the_bus_ten_a_call_and_refused_entries_are_sent_again() {
    let bus = StandInEventBus::start().await;
    // As deployed: the bus named by the environment, reached through the real SDK (SigV4).
    for (name, value) in [
        ("EVENT_BUS_NAME", "orders-order-events"),
        ("AWS_ENDPOINT_URL_EVENTBRIDGE", bus.endpoint.as_str()),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "ASIALAMBDAROLE"),
        ("AWS_SECRET_ACCESS_KEY", "lambdarolesecret"),
    ] {
        std::env::set_var(name, value);
    }
    let api = TestApi::start().await;
    api.put_sku(SHOP, "tea", "64.00", 100).await;
    let app = App { bus: EventBus::from_env().await, ..api.app.clone() };
    assert!(app.bus.is_some());
    let buyer = api.buyer("b-bus");
    for _ in 0..12 {
        let created = api.create(&buyer, &[("tea", 1)]).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    bus.refuse_next(3);
    let mut pump = StreamPump::open(&dynamodb_endpoint(), &api.table).await.expect("the stream");
    pump.pump(&app).await.expect("published");

    let accepted = bus.accepted();
    assert_eq!(accepted.len(), 12, "each event once: refused entries were sent again, none dropped");
    assert!(bus.calls().iter().all(|entries| *entries <= 10), "{:?}", bus.calls());
    let ids: std::collections::BTreeSet<String> = accepted
        .iter()
        .map(|entry| {
            assert_eq!(entry["Source"], "order-service");
            assert_eq!(entry["DetailType"], "order.created");
            assert_eq!(entry["EventBusName"], "orders-order-events");
            let detail: Value = serde_json::from_str(entry["Detail"].as_str().expect("a detail")).expect("JSON");
            assert_eq!(detail["type"], "order.created");
            detail["id"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 12);

    // A bus that keeps refusing fails the batch at the first record it refused: nothing is lost,
    // the stream gives it again.
    let created = api.create(&buyer, &[("tea", 1)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    bus.refuse_next(1000);
    let refused = pump.pump(&app).await;
    assert!(refused.is_err_and(|why| why.contains("not published")), "the batch is reported failed");
    bus.refuse_next(0);
    pump.pump(&app).await.expect("published when the bus takes it");
    assert_eq!(bus.accepted().len(), 13);
}

#[tokio::test]
async fn a_record_that_cannot_be_published_stops_the_batch_there_and_comes_again() {
    let api = TestApi::start().await;
    register(&api, INBOX, json!([])).await;
    // The same change read again is the same event: its time is the timeline entry's.
    let at = Timestamp::now();
    let event = |order_no: &str| PublishedEvent {
        event: OrderEvent {
            id: format!("evt_{order_no}_1"),
            event_type: EventType::OrderCreated,
            at,
            order_no: order_no.into(),
            seller_id: SHOP.into(),
            buyer_id: "b".into(),
            sequence: 1,
        },
        body: json!({"id": format!("evt_{order_no}_1")}).to_string(),
    };
    let record = |id: &str, events: Result<Vec<PublishedEvent>, String>| ChangeRecord { id: id.into(), events };
    let batch = vec![
        record("1", Ok(vec![event("100000000000000001")])),
        record("2", Err("a corrupt image".into())),
        record("3", Ok(vec![event("100000000000000003")])),
    ];
    let outcome = publish(&api.app, batch).await;
    assert_eq!((outcome.events, outcome.failed_from.as_deref()), (1, Some("2")), "{outcome:?}");
    let ids: Vec<String> = api.inbox.received().iter().map(|r| r.webhook_id.clone()).collect();
    assert_eq!(ids, ["evt_100000000000000001_1"], "nothing after the failed record");
    // Given again from the failed record (now readable), the rest is published, the first not twice.
    let again = vec![
        record("2", Ok(Vec::new())),
        record("3", Ok(vec![event("100000000000000003")])),
        record("1", Ok(vec![event("100000000000000001")])),
    ];
    let outcome = publish(&api.app, again).await;
    assert_eq!(outcome.failed_from, None);
    let ids: Vec<String> = api.inbox.received().iter().map(|r| r.webhook_id.clone()).collect();
    assert_eq!(ids, ["evt_100000000000000001_1", "evt_100000000000000003_1"]);
}
