//! Beyond one item's write limit: a SKU's stock in shards (never oversold, sold out only when
//! every shard is), a shop's counters over the shards an admin gives it (counts still exact), and
//! the per-item write budget that stands in for DynamoDB's limit.

use orders_integration_tests::faults::{Fault, FaultInjector};
use orders_integration_tests::{alipay_notification, Method, StatusCode, TestApi, DEV_APP_ID};
use orders_shared::adapters::store::keys::{seller_pk, SELLER_COUNTS_PREFIX};
use orders_shared::domain::counters::Bucket;
use serde_json::{json, Value};

fn sku_body(stock: i64, shards: u32) -> Value {
    json!({"name": "Mooncake", "price": "10.00", "stock": stock, "stock_shards": shards})
}

async fn seller_sku(api: &TestApi, sku: &str) -> Value {
    let answer =
        api.call(Method::GET, &format!("/api/v1/seller/skus/{sku}"), Some(&api.seller("u", "shop")), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.data().clone()
}

/// (on hand, reserved, available) of each shard item, by one consistent read.
async fn shard_figures(api: &TestApi, sku: &str) -> Vec<(u32, i64, i64, i64)> {
    let (_, shards) = api.app.store.sku_stock(sku, true).await.expect("read").expect("the SKU");
    shards.iter().map(|shard| (shard.shard, shard.on_hand, shard.reserved, shard.available)).collect()
}

#[tokio::test]
async fn a_sharded_sku_sells_its_last_units_wherever_they_sit_and_keeps_every_figure_exact() {
    let (api, alipay_key) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku_body("shop", "mooncake", sku_body(10, 4)).await;
    let sku = seller_sku(&api, "mooncake").await;
    assert_eq!(
        (sku["on_hand"].as_i64(), sku["available"].as_i64(), sku["stock_shards"].as_u64()),
        (Some(10), Some(10), Some(4))
    );
    let figures = shard_figures(&api, "mooncake").await;
    assert_eq!(figures.iter().map(|f| f.3).collect::<Vec<_>>(), vec![3, 3, 2, 2], "spread evenly");
    assert_eq!(api.stock("mooncake").await, 10, "the public figure is the sum, in one call");

    // Three orders of 3: whichever shards they pick, a shard short of 3 sends them elsewhere.
    let buyer = api.buyer("alice");
    let mut orders = Vec::new();
    for _ in 0..3 {
        let answer = api.create(&buyer, &[("mooncake", 3)]).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        orders.push(answer.data()["orders"][0]["order_no"].as_str().unwrap().to_string());
    }
    assert_eq!(api.stock("mooncake").await, 1);
    let refused = api.create(&buyer, &[("mooncake", 2)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "2 wanted, 1 left: {}", refused.body);
    let last = api.create(&buyer, &[("mooncake", 1)]).await;
    assert_eq!(last.status, StatusCode::CREATED, "the last unit is sold from whatever shard holds it: {}", last.body);
    orders.push(last.data()["orders"][0]["order_no"].as_str().unwrap().to_string());
    assert_eq!(api.stock("mooncake").await, 0);
    assert!(shard_figures(&api, "mooncake").await.iter().all(|f| f.3 == 0 && f.2 == f.1), "sold out everywhere");

    // A cancel gives its units back to the shards it took them from.
    let cancel = api.call(Method::POST, &format!("/api/v1/orders/{}/cancel", orders[0]), Some(&buyer), None).await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.body);
    let sku = seller_sku(&api, "mooncake").await;
    assert_eq!(
        (sku["on_hand"].as_i64(), sku["reserved"].as_i64(), sku["available"].as_i64()),
        (Some(10), Some(7), Some(3))
    );

    // Paid and shipped: on hand goes down in the shards that held the units.
    let (status, _) =
        api.notify(&alipay_notification(&alipay_key, DEV_APP_ID, &orders[1], "30.00", "T-mooncake")).await;
    assert_eq!(status, StatusCode::OK);
    let ship = json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"});
    let shipped = api
        .call(
            Method::POST,
            &format!("/api/v1/seller/orders/{}/ship", orders[1]),
            Some(&api.seller("u", "shop")),
            Some(ship),
        )
        .await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    let sku = seller_sku(&api, "mooncake").await;
    assert_eq!(
        (sku["on_hand"].as_i64(), sku["reserved"].as_i64(), sku["available"].as_i64()),
        (Some(7), Some(4), Some(3))
    );

    // The seller's edits keep the sums exact: an adjustment, a set guarded by what it saw, and a
    // stale guard refused.
    let seller = api.seller("u", "shop");
    let adjust = json!({"delta": 5, "reason": "delivery"});
    let adjusted =
        api.call(Method::POST, "/api/v1/seller/skus/mooncake/stock-adjustments", Some(&seller), Some(adjust)).await;
    assert_eq!(adjusted.status, StatusCode::OK, "{}", adjusted.body);
    assert_eq!(adjusted.data()["on_hand"].as_i64(), Some(12));
    let mut set = sku_body(20, 4);
    set["expected_on_hand"] = json!(7);
    let stale = api.call(Method::PUT, "/api/v1/seller/skus/mooncake", Some(&seller), Some(set.clone())).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    set["expected_on_hand"] = json!(12);
    let fresh = api.call(Method::PUT, "/api/v1/seller/skus/mooncake", Some(&seller), Some(set)).await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    assert_eq!((fresh.data()["on_hand"].as_i64(), fresh.data()["reserved"].as_i64()), (Some(20), Some(4)));
    let below = api.call(Method::PUT, "/api/v1/seller/skus/mooncake", Some(&seller), Some(sku_body(3, 4))).await;
    assert_eq!(below.status, StatusCode::CONFLICT, "below what open orders hold: {}", below.body);

    // Back to one shard: units held in the others stay there for their orders, none are sold
    // from there, and the figures still add up.
    let one = api.call(Method::PUT, "/api/v1/seller/skus/mooncake", Some(&seller), Some(sku_body(20, 1))).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    let figures = shard_figures(&api, "mooncake").await;
    assert_eq!(figures.iter().map(|f| f.3).sum::<i64>(), 16);
    assert_eq!(figures.iter().find(|f| f.0 == 0).map(|f| f.3), Some(16), "all available units in shard 0");
    for order in &orders[2..] {
        let cancel = api.call(Method::POST, &format!("/api/v1/orders/{order}/cancel"), Some(&buyer), None).await;
        assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.body);
    }
    let sku = seller_sku(&api, "mooncake").await;
    assert_eq!(
        (sku["on_hand"].as_i64(), sku["reserved"].as_i64(), sku["available"].as_i64()),
        (Some(20), Some(0), Some(20))
    );
    for (shard, on_hand, reserved, available) in shard_figures(&api, "mooncake").await {
        assert_eq!(on_hand, reserved + available, "shard {shard}");
    }
    let invalid = api.call(Method::PUT, "/api/v1/seller/skus/mooncake", Some(&seller), Some(sku_body(20, 33))).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST, "{}", invalid.body);
}

#[tokio::test]
async fn many_buyers_racing_for_a_sharded_sku_never_oversell_and_leave_nothing_unsold() {
    let api = std::sync::Arc::new(TestApi::start().await);
    api.put_sku_body("shop", "flash", sku_body(40, 8)).await;
    let mut buyers = tokio::task::JoinSet::new();
    for index in 0..60 {
        let api = api.clone();
        buyers.spawn(async move {
            let token = api.buyer(&format!("buyer-{index}"));
            loop {
                let answer = api.create(&token, &[("flash", 1)]).await;
                match answer.status {
                    StatusCode::SERVICE_UNAVAILABLE => continue,
                    status => return status,
                }
            }
        });
    }
    let mut sold = 0;
    let mut refused = 0;
    while let Some(status) = buyers.join_next().await {
        match status.expect("a buyer") {
            StatusCode::CREATED => sold += 1,
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((sold, refused), (40, 20), "every unit sold once, the rest refused");
    let sku = seller_sku(&api, "flash").await;
    assert_eq!(
        (sku["on_hand"].as_i64(), sku["reserved"].as_i64(), sku["available"].as_i64()),
        (Some(40), Some(40), Some(0))
    );
}

#[tokio::test]
async fn a_shops_counters_move_to_more_shards_and_still_count_exactly() {
    let api = TestApi::start().await;
    api.put_sku("big-shop", "tea", "10.00", 1000).await;
    let admin = api.admin("root");
    let path = "/api/v1/admin/shops/big-shop/counter-shards";
    for bad in [json!({"counter_shards": 0}), json!({"counter_shards": 33}), json!({})] {
        let answer = api.call(Method::PUT, path, Some(&admin), Some(bad)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    }
    let buyer = api.buyer("alice");
    let mut placed = Vec::new();
    for _ in 0..6 {
        let answer = api.create(&buyer, &[("tea", 1)]).await;
        placed.push(answer.data()["orders"][0]["order_no"].as_str().unwrap().to_string());
    }
    let set = api.call(Method::PUT, path, Some(&admin), Some(json!({"counter_shards": 32}))).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.data(), &json!({"seller_id": "big-shop", "counter_shards": 32}));
    for _ in 0..40 {
        let answer = api.create(&buyer, &[("tea", 1)]).await;
        placed.push(answer.data()["orders"][0]["order_no"].as_str().unwrap().to_string());
    }
    // Orders placed before the change keep their shard: cancel some of both kinds.
    for order in placed.iter().step_by(3) {
        let cancel = api.call(Method::POST, &format!("/api/v1/orders/{order}/cancel"), Some(&buyer), None).await;
        assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.body);
    }
    let cancelled = placed.iter().step_by(3).count() as i64;
    let counts = api.app.store.seller_counts("big-shop").await.expect("counts");
    assert_eq!(counts.get(Bucket::All), 46);
    assert_eq!(counts.get(Bucket::Closed), cancelled);
    assert_eq!(counts.get(Bucket::WaitPay), 46 - cancelled);
    let shard_items = orders_dev::local_db::client(&orders_integration_tests::dynamodb_endpoint())
        .query()
        .table_name(&api.table)
        .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
        .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(seller_pk("big-shop")))
        .expression_attribute_values(":prefix", aws_sdk_dynamodb::types::AttributeValue::S(SELLER_COUNTS_PREFIX.into()))
        .send()
        .await
        .expect("the shards");
    assert!(shard_items.count() > 8, "spread past the default 8: {} items", shard_items.count());
    let seller = api.seller("u", "big-shop");
    let answer = api.call(Method::GET, "/api/v1/seller/order-counts", Some(&seller), None).await;
    assert_eq!(answer.data()["all"].as_i64(), Some(46), "the route sums every shard in one call");
}

#[tokio::test]
async fn an_item_over_its_write_budget_is_throttled_and_nothing_is_half_written() {
    let faults = FaultInjector::seeded(25);
    let (api, _) = TestApi::start_with_faults(&faults).await;
    api.put_sku("shop", "hot", "10.00", 100).await;
    // 10 write units a second per item: a create's transaction writes the SKU's item (2 units).
    faults.limit_writes_per_item(10);
    let buyer = api.buyer("alice");
    let mut answers = Vec::new();
    for _ in 0..12 {
        answers.push(api.create(&buyer, &[("hot", 1)]).await.status);
    }
    let throttled: usize =
        faults.injected().iter().filter(|((_, fault), _)| *fault == Fault::Throttle).map(|(_, count)| count).sum();
    assert!(throttled > 0, "the budget throttled: {answers:?}");
    let created = answers.iter().filter(|status| **status == StatusCode::CREATED).count() as i64;
    assert!(answers.iter().all(|status| matches!(*status, StatusCode::CREATED | StatusCode::SERVICE_UNAVAILABLE)));
    faults.stop();
    let sku = seller_sku(&api, "hot").await;
    assert_eq!(sku["reserved"].as_i64(), Some(created), "only whole orders reserved");
    let counts = api.counts(&buyer).await;
    assert_eq!(counts["all"].as_i64(), Some(created));
}

#[tokio::test]
async fn a_sharded_stock_edit_sent_twice_by_the_sdk_is_applied_once() {
    let faults = FaultInjector::seeded(26);
    let (api, _) = TestApi::start_with_faults(&faults).await;
    api.put_sku_body("shop", "twice", sku_body(10, 4)).await;
    let seller = api.seller("u", "shop");
    let adjust = |delta: i64| json!({"delta": delta, "reason": "delivery"});
    let path = "/api/v1/seller/skus/twice/stock-adjustments";
    // The transaction lands, DynamoDB answers 500 and the SDK sends it again: its conditions fail
    // on what the first attempt moved, and the write token on the SKU's item tells it landed.
    faults.fail_next(Some("TransactWriteItems"), Fault::ServerErrorAfterWrite, 1);
    let answer = api.call(Method::POST, path, Some(&seller), Some(adjust(5))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.data()["on_hand"].as_i64(), Some(15), "applied once");
    assert_eq!(faults.injected().get(&("TransactWriteItems".to_string(), Fault::ServerErrorAfterWrite)), Some(&1));
    // An answer lost altogether is a 503, as for every write here; the change is made once.
    faults.fail_next(Some("TransactWriteItems"), Fault::LostAnswer, 1);
    let lost = api.call(Method::POST, path, Some(&seller), Some(adjust(5))).await;
    assert_eq!(lost.status, StatusCode::SERVICE_UNAVAILABLE, "{}", lost.body);
    let sku = seller_sku(&api, "twice").await;
    assert_eq!((sku["on_hand"].as_i64(), sku["available"].as_i64()), (Some(20), Some(20)));
}
