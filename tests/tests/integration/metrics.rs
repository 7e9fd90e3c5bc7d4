//! The metrics a deployed function writes, as CloudWatch reads them: EMF lines, flushed after an
//! invocation, counting orders created, paid and refunded (and how much), closed by timeout, refused payment
//! notifications by reason, store retries and 503s. The recorder is installed in this test's
//! process (nextest: one process per test), as a Lambda function installs it before serving.

use orders_integration_tests::faults::{Fault, FaultInjector};
use orders_integration_tests::{alipay_notification, order_body, Method, StatusCode, TestApi, DEV_APP_ID};
use orders_shared::adapters::metrics;
use orders_shared::app::sweep::close_expired_orders;
use orders_shared::domain::time::Timestamp;
use serde_json::Value;
use std::collections::BTreeMap;

/// The flushed EMF lines, summed per metric and dimension values (`"OrdersPaid{channel=alipay}"`),
/// after checking each line is a valid EMF document.
fn flushed() -> BTreeMap<String, f64> {
    let mut buffer = Vec::new();
    metrics::flush_to(&mut buffer);
    let mut sums = BTreeMap::new();
    for line in String::from_utf8(buffer).expect("UTF-8").lines() {
        let document: Value = serde_json::from_str(line).expect("one JSON document per line");
        let directive = &document["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "OrderServiceTest");
        assert!(document["_aws"]["Timestamp"].as_u64().is_some());
        let dimensions: Vec<String> = directive["Dimensions"][0]
            .as_array()
            .expect("one dimension set")
            .iter()
            .map(|name| {
                let name = name.as_str().expect("a dimension name");
                format!("{name}={}", document[name].as_str().expect("the dimension's value"))
            })
            .collect();
        for metric in directive["Metrics"].as_array().expect("metrics") {
            let name = metric["Name"].as_str().expect("a metric name");
            let key =
                if dimensions.is_empty() { name.to_string() } else { format!("{name}{{{}}}", dimensions.join(",")) };
            *sums.entry(key).or_insert(0.0) += document[name].as_f64().expect("a number");
        }
    }
    sums
}

#[tokio::test]
async fn business_and_store_metrics_are_written_as_emf() {
    std::env::set_var("METRICS_NAMESPACE", "OrderServiceTest");
    metrics::install().expect("the recorder");
    let faults = FaultInjector::seeded(1);
    let (api, alipay_key) = TestApi::start_with_faults(&faults).await;
    api.put_sku("shop-m1", "metric-tea", "12.50", 10).await;
    api.put_sku("shop-m2", "metric-cup", "30.00", 10).await;
    let _ = flushed();

    // One checkout, two shops: two orders.
    let buyer = api.buyer("buyer-m");
    let body = order_body(&[("metric-tea", 2), ("metric-cup", 1)]);
    let placed = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    let orders = placed.data()["orders"].as_array().unwrap().clone();
    let no = |seller: &str| {
        orders.iter().find(|order| order["seller_id"] == seller).unwrap()["order_no"].as_str().unwrap().to_string()
    };
    assert_eq!(flushed().get("OrdersCreated"), Some(&2.0));

    // One paid (twice notified, paid once); a forged one and one for no order refused.
    let paid = alipay_notification(&alipay_key, DEV_APP_ID, &no("shop-m1"), "25.00", "T-metrics-1");
    assert_eq!(api.notify(&paid).await, (StatusCode::OK, "success".to_string()));
    assert_eq!(api.notify(&paid).await, (StatusCode::OK, "success".to_string()));
    assert_eq!(api.notify(&paid.replace("T-metrics-1", "T-forged")).await.0, StatusCode::BAD_REQUEST);
    let nobody = alipay_notification(&alipay_key, DEV_APP_ID, "999999999999999999", "25.00", "T-metrics-2");
    assert_eq!(api.notify(&nobody).await.0, StatusCode::BAD_REQUEST);
    let sums = flushed();
    assert_eq!(sums.get("OrdersPaid{channel=alipay}"), Some(&1.0), "{sums:?}");
    assert_eq!(sums.get("PaidAmountFen{channel=alipay}"), Some(&2500.0), "{sums:?}");
    assert_eq!(sums.get("NotifyRejected{provider=alipay,reason=signature}"), Some(&1.0), "{sums:?}");
    assert_eq!(sums.get("NotifyRejected{provider=alipay,reason=unknown_order}"), Some(&1.0), "{sums:?}");

    // Its money goes back (through the stand-in gateway).
    let refund_path = format!("/api/v1/orders/{}/refund", no("shop-m1"));
    let applied = api
        .call(Method::POST, &refund_path, Some(&buyer), Some(serde_json::json!({"type": "refund_only", "reason": "m"})))
        .await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let shop = api.seller("shop-m1-user", "shop-m1");
    let approve = format!("/api/v1/seller/orders/{}/refund/approve", no("shop-m1"));
    let approved = api.call(Method::POST, &approve, Some(&shop), None).await;
    assert_eq!(approved.data()["refund"]["status"], "refunded", "{}", approved.body);
    let sums = flushed();
    assert_eq!(sums.get("OrdersRefunded{channel=alipay}"), Some(&1.0), "{sums:?}");
    assert_eq!(sums.get("RefundedAmountFen{channel=alipay}"), Some(&2500.0), "{sums:?}");

    // A throttled read the SDK retries; a store that stays unreachable is a 503.
    faults.fail_next(Some("GetItem"), Fault::Throttle, 1);
    let read = api.call(Method::GET, &format!("/api/v1/orders/{}", no("shop-m2")), Some(&buyer), None).await;
    assert_eq!(read.status, StatusCode::OK);
    faults.fail_next(Some("GetItem"), Fault::Unreachable, 10);
    let down = api.call(Method::GET, &format!("/api/v1/orders/{}", no("shop-m2")), Some(&buyer), None).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE, "{}", down.body);
    faults.stop();
    let sums = flushed();
    assert!(sums.get("StoreRetries{cause=sdk}").is_some_and(|retries| *retries >= 1.0), "{sums:?}");
    assert_eq!(sums.get("Unavailable"), Some(&1.0), "{sums:?}");

    // An unpaid order closes at its deadline (a second API whose window is one second).
    let (short, _) = TestApi::start_with_alipay(|config| config.payment_window_seconds = 1).await;
    short.put_sku("shop-m1", "metric-tea", "12.50", 10).await;
    let placed = short.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(order_body(&[("metric-tea", 1)]))).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let report = close_expired_orders(&short.app, Timestamp::now()).await.expect("sweep");
    assert_eq!(report.done, 1);
    let sums = flushed();
    assert_eq!((sums.get("OrdersCreated"), sums.get("OrdersClosedByTimeout")), (Some(&1.0), Some(&1.0)));
    assert!(flushed().is_empty(), "a flush writes what was recorded since the last one");
}
