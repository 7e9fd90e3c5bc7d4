//! Orders written before orders were stored as one document (every field an attribute, the
//! `buyer-status` index's keys) are read, listed and changed as they are, and `migrate-orders`
//! rewrites them a page at a time, resumably, once.

use orders_integration_tests::{order_body, Method, StatusCode, TestApi};
use serde_json::{json, Value};

async fn created(api: &TestApi, buyer: &str) -> String {
    let answer = api.call(Method::POST, "/api/v1/orders", Some(buyer), Some(order_body(&[("tea", 1)]))).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    answer.data()["orders"][0]["order_no"].as_str().expect("an order number").to_string()
}

/// What the buyer's and the shop's routes show of the orders.
async fn views(api: &TestApi, buyer: &str, numbers: &[String]) -> Vec<Value> {
    let seller = api.seller("shop-a-user", "shop-a");
    let mut shown = Vec::new();
    for no in numbers {
        shown.push(api.order_of(buyer, no).await);
        let answer = api.call(Method::GET, &format!("/api/v1/seller/orders/{no}"), Some(&seller), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        shown.push(answer.data().clone());
    }
    for path in ["/api/v1/orders", "/api/v1/orders?status=pending_payment", "/api/v1/orders?status=closed"] {
        let answer = api.call(Method::GET, path, Some(buyer), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        shown.push(answer.data()["items"].clone());
    }
    let listed = api.call(Method::GET, "/api/v1/seller/orders?status=pending_payment", Some(&seller), None).await;
    shown.push(listed.data()["items"].clone());
    shown.iter_mut().for_each(without_countdown);
    shown
}

/// `close_seconds` counts down to `expires_at` (which stays): views taken a second apart differ
/// in it alone.
fn without_countdown(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.remove("close_seconds");
            fields.values_mut().for_each(without_countdown);
        }
        Value::Array(items) => items.iter_mut().for_each(without_countdown),
        _ => {}
    }
}

#[tokio::test]
async fn orders_of_the_layout_before_documents_are_served_and_migrated_once_page_by_page() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let buyer = api.buyer("mig-buyer");
    let mut numbers = Vec::new();
    for _ in 0..7 {
        numbers.push(created(&api, &buyer).await);
    }
    let cancelled = api.call(Method::POST, &format!("/api/v1/orders/{}/cancel", numbers[0]), Some(&buyer), None).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    let mut orders = Vec::new();
    for no in &numbers {
        orders.push(api.app.store.get_order("mig-buyer", no).await.unwrap().expect("stored"));
    }
    let before = views(&api, &buyer, &numbers).await;

    // The table as the previous version wrote it.
    api.app.store.import_legacy_orders(&orders).await.expect("legacy items");
    assert_eq!(views(&api, &buyer, &numbers).await, before, "served as they are");

    // A change to a legacy order writes it as a document (and its next read is the same order).
    let closed = api.call(Method::POST, &format!("/api/v1/orders/{}/cancel", numbers[1]), Some(&buyer), None).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    let before = views(&api, &buyer, &numbers).await;

    // Three items a page: the migration reports its progress and resumes from where it stopped.
    let mut from = None;
    let (mut pages, mut converted) = (0, 0);
    loop {
        let page = api.app.store.migrate_order_documents(from.clone(), 3).await.expect("a page");
        pages += 1;
        converted += page.converted;
        assert_eq!(page.changed_meanwhile, 0);
        match page.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    assert!(pages >= 2, "{pages} pages");
    assert_eq!(converted, 6, "the six orders still in the old layout (the cancelled one was rewritten by its change)");
    assert_eq!(views(&api, &buyer, &numbers).await, before, "the same orders after the migration");

    let again = api.app.store.migrate_order_documents(None, 1000).await.expect("again");
    assert_eq!((again.converted, again.changed_meanwhile), (0, 0), "once only");

    // Migrated orders go on living: counters and stock moves still match.
    let paid_back = api.call(Method::POST, &format!("/api/v1/orders/{}/cancel", numbers[2]), Some(&buyer), None).await;
    assert_eq!(paid_back.status, StatusCode::OK, "{}", paid_back.body);
    let counts = api.call(Method::GET, "/api/v1/order-counts", Some(&buyer), None).await;
    assert_eq!(
        (counts.data()["wait_pay"].as_i64(), counts.data()["closed"].as_i64()),
        (Some(4), Some(3)),
        "{}",
        counts.body
    );
    assert_eq!(json!(api.stock("tea").await), json!(96));
}
