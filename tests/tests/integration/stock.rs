//! Stock as three figures (on hand, reserved, available): a seller sets or adjusts on hand and
//! never undoes reservations; orders reserve, release and consume; the figures stay true under
//! any interleaving.

use orders_integration_tests::{alipay_notification, Method, StatusCode, TestApi, DEV_APP_ID};
use orders_shared::app::catalog;
use orders_shared::app::checkout::{place, Placed};
use orders_shared::app::orders::transition;
use orders_shared::domain::member::Benefit;
use orders_shared::domain::order::{OrderType, Payment, Shipment};
use orders_shared::domain::party::Actor;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::domain::pricing::{AddressSource, Checkout};
use orders_shared::domain::state::Action;
use orders_shared::domain::time::Timestamp;
use orders_shared::samples;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

async fn figures(api: &TestApi, shop: &str, sku: &str) -> (i64, i64, i64) {
    let token = api.seller(&format!("{shop}-user"), shop);
    let answer = api.call(Method::GET, &format!("/api/v1/seller/skus/{sku}"), Some(&token), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let data = answer.data();
    let (on_hand, reserved, available) =
        (data["on_hand"].as_i64().unwrap(), data["reserved"].as_i64().unwrap(), data["available"].as_i64().unwrap());
    assert_eq!(data["stock"].as_i64(), Some(available), "the catalog's stock is what can be bought");
    (on_hand, reserved, available)
}

fn put_body(stock: i64, expected: Option<i64>) -> Value {
    let mut body = json!({"name": "Tea", "price": "10.00", "stock": stock});
    if let Some(expected) = expected {
        body["expected_on_hand"] = json!(expected);
    }
    body
}

#[tokio::test]
async fn a_seller_saving_its_stock_again_never_undoes_reservations() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 50).await;
    let buyers: Vec<String> = (0..5).map(|i| api.buyer(&format!("buyer-{i}"))).collect();
    let mut orders = Vec::new();
    for buyer in &buyers {
        let created = api.create(buyer, &[("tea", 1)]).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        orders.push(created.data()["orders"][0]["order_no"].as_str().unwrap().to_string());
    }
    assert_eq!(figures(&api, "shop-a", "tea").await, (50, 5, 45));
    // The seller saves the SKU again with the same 50 on the shelf.
    api.put_sku("shop-a", "tea", "10.00", 50).await;
    assert_eq!(figures(&api, "shop-a", "tea").await, (50, 5, 45), "the five reservations stay");
    for (buyer, no) in buyers.iter().zip(&orders) {
        let cancelled = api.call(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(buyer), None).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    }
    assert_eq!(figures(&api, "shop-a", "tea").await, (50, 0, 50), "50 for sale, as on the shelf");
    assert_eq!(api.stock("tea").await, 50);
}

#[tokio::test]
async fn on_hand_below_reservations_is_refused_and_expected_on_hand_protects_two_screens() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 50).await;
    let buyer = api.buyer("alice");
    assert_eq!(api.create(&buyer, &[("tea", 5)]).await.status, StatusCode::CREATED);
    let seller = api.seller("shop-a-user", "shop-a");
    let path = "/api/v1/seller/skus/tea";

    let below = api.call(Method::PUT, path, Some(&seller), Some(put_body(3, None))).await;
    assert_eq!((below.status, below.code()), (StatusCode::CONFLICT, 10007), "{}", below.body);
    assert!(below.body["msg"].as_str().unwrap().contains("5 units reserved"), "says how many: {}", below.body);
    assert_eq!(figures(&api, "shop-a", "tea").await, (50, 5, 45), "nothing changed");

    // Two screens loaded on hand 50; the first saves 60, the second (still expecting 50) is refused.
    let first = api.call(Method::PUT, path, Some(&seller), Some(put_body(60, Some(50)))).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!((first.data()["on_hand"].as_i64(), first.data()["available"].as_i64()), (Some(60), Some(55)));
    let second = api.call(Method::PUT, path, Some(&seller), Some(put_body(40, Some(50)))).await;
    assert_eq!((second.status, second.code()), (StatusCode::CONFLICT, 10007), "{}", second.body);
    assert!(second.body["msg"].as_str().unwrap().contains("60"), "{}", second.body);
    assert_eq!(figures(&api, "shop-a", "tea").await, (60, 5, 55));

    // Another shop cannot touch it; a stranger's view of it is 404.
    let other = api.seller("shop-b-user", "shop-b");
    let taken = api.call(Method::PUT, path, Some(&other), Some(put_body(1, None))).await;
    assert_eq!((taken.status, taken.code()), (StatusCode::FORBIDDEN, 10003));
    let peek = api.call(Method::GET, path, Some(&other), None).await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
    for bad in [put_body(-1, None), put_body(100_000_001, None), put_body(10, Some(-5))] {
        let answer = api.call(Method::PUT, path, Some(&seller), Some(bad.clone())).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005), "{bad}");
    }
}

#[tokio::test]
async fn adjustments_move_on_hand_and_shipping_consumes_what_was_reserved() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 50).await;
    let buyer = api.buyer("alice");
    let seller = api.seller("shop-a-user", "shop-a");
    let created = api.create(&buyer, &[("tea", 5)]).await;
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let adjust = |delta: i64, reason: &str| {
        let body = json!({"delta": delta, "reason": reason});
        let (api, seller) = (&api, &seller);
        async move { api.call(Method::POST, "/api/v1/seller/skus/tea/stock-adjustments", Some(seller), Some(body)).await }
    };

    let received = adjust(20, "goods received").await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    assert_eq!(figures(&api, "shop-a", "tea").await, (70, 5, 65));
    let too_many = adjust(-66, "damaged").await;
    assert_eq!((too_many.status, too_many.code()), (StatusCode::CONFLICT, 10007), "{}", too_many.body);
    let lost = adjust(-65, "damaged").await;
    assert_eq!(lost.status, StatusCode::OK, "{}", lost.body);
    assert_eq!(figures(&api, "shop-a", "tea").await, (5, 5, 0), "only the reserved units are left");
    for (delta, reason) in [(0, "x"), (1, ""), (100_000_001, "x")] {
        let answer = adjust(delta, reason).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005), "{delta} {reason:?}");
    }
    let other = api.seller("shop-b-user", "shop-b");
    let body = json!({"delta": 1, "reason": "x"});
    let foreign =
        api.call(Method::POST, "/api/v1/seller/skus/tea/stock-adjustments", Some(&other), Some(body.clone())).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "another shop's SKU is hidden like a missing one");
    let missing = api.call(Method::POST, "/api/v1/seller/skus/nope/stock-adjustments", Some(&seller), Some(body)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Paid and shipped: the five units leave the shelf.
    let (status, _) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "50.00", "T-ship")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(figures(&api, "shop-a", "tea").await, (5, 5, 0), "paying holds the units still");
    let ship = json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF1"});
    let shipped = api.call(Method::POST, &format!("/api/v1/seller/orders/{no}/ship"), Some(&seller), Some(ship)).await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    assert_eq!(figures(&api, "shop-a", "tea").await, (0, 0, 0));
}

#[tokio::test]
async fn a_sku_from_before_the_three_figures_is_migrated_with_what_open_orders_hold() {
    let api = TestApi::start().await;
    let table = api.app.config.table_name.clone();
    let client = orders_dev::local_db::client(&orders_integration_tests::dynamodb_endpoint());
    // A SKU as the single-figure version stored it: 7 could be bought, 3 more were held by an order.
    let item = json!({"PK": "SKU#old", "SK": "SKU", "sku_id": "old", "seller_id": "shop-a", "name": "Old tea",
        "properties": "", "pic": "", "price": 1000, "stock": 7, "updated_at": "2026-01-01T00:00:00.000Z"});
    let item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
        serde_dynamo::to_item(item).expect("item");
    client.put_item().table_name(&table).set_item(Some(item)).send().await.expect("legacy item");
    let mut held = samples::sku("old", "shop-a", 1000, 10, Timestamp::now());
    held.listing.name = "Old tea".into();
    let checkout = Checkout {
        items: vec![("old".into(), 3)],
        order_type: OrderType::Standard,
        from_cart: None,
        benefit: Benefit::None,
        address: AddressSource::Inline(samples::address()),
        remark: String::new(),
        fingerprint: String::new(),
        pay_password: None,
        pay_channel: None,
    };
    let skus = std::collections::BTreeMap::from([("old".to_string(), held)]);
    let open = orders_shared::domain::pricing::build_orders(
        "alice",
        &checkout,
        &skus,
        &Default::default(),
        &samples::address(),
        Timestamp::now(),
        1800,
    )
    .expect("an order");
    api.app.store.import_orders(&open).await.expect("the open order");

    // Before the migration: the catalog reads 7, but nothing can be reserved or set.
    assert_eq!(api.stock("old").await, 7);
    let buyer = api.buyer("bob");
    assert_eq!(api.create(&buyer, &[("old", 1)]).await.code(), 10008);
    let seller = api.seller("shop-a-user", "shop-a");
    let refused = api.call(Method::PUT, "/api/v1/seller/skus/old", Some(&seller), Some(put_body(20, None))).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, 10007), "{}", refused.body);

    let report = api.app.store.migrate_legacy_stock().await.expect("migration");
    assert_eq!(report.converted, vec![("old".to_string(), 7, 3, 10)]);
    assert_eq!(figures(&api, "shop-a", "old").await, (10, 3, 7));
    assert!(api.app.store.migrate_legacy_stock().await.expect("again").converted.is_empty(), "once only");
    let cancelled = api
        .call(Method::POST, &format!("/api/v1/orders/{}/cancel", open[0].order_no), Some(&api.buyer("alice")), None)
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(figures(&api, "shop-a", "old").await, (10, 0, 10));
    assert_eq!(api.create(&buyer, &[("old", 10)]).await.status, StatusCode::CREATED);
}

/// One step of the stock property.
#[derive(Debug, Clone)]
enum Op {
    Set(i64),
    Adjust(i64),
    Create(u32),
    Cancel(usize),
    PayAndShip(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0i64..30).prop_map(Op::Set),
        (-10i64..15).prop_map(Op::Adjust),
        (1u32..6).prop_map(Op::Create),
        (0usize..8).prop_map(Op::Cancel),
        (0usize..8).prop_map(Op::PayAndShip),
    ]
}

#[test]
fn random_interleavings_keep_available_plus_reserved_equal_to_on_hand() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let api = runtime.block_on(TestApi::start());
    let cases = std::env::var("STOCK_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(16);
    let case = std::sync::atomic::AtomicUsize::new(0);
    // The same property whatever the SKU's stock is split over: its own item, 2 or 8 shards.
    for shards in [1, 2, 8] {
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        let result = runner.run(&prop::collection::vec(op(), 1..30), |ops| {
            let sku_id = format!("sku-{}", case.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            runtime.block_on(check_interleaving(&api, &sku_id, shards, ops))
        });
        result.unwrap_or_else(|failure| panic!("the stock figures stay true with {shards} shards: {failure}"));
    }
}

async fn check_interleaving(api: &TestApi, sku_id: &str, shards: u32, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let app = &api.app;
    let listing = samples::listing(sku_id, "shop", 100);
    let mut shelved: i64 = 0; // everything ever put on the shelf
    let mut on_hand: i64 = 0;
    let mut orders: Vec<(String, u32, bool)> = Vec::new(); // (order_no, units, open)
    let mut sold: i64 = 0;
    catalog::put_sku(app, &listing, 0, None, shards).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
    for op in ops {
        match op {
            Op::Set(units) => {
                if catalog::put_sku(app, &listing, units, None, shards).await.is_ok() {
                    shelved += (units - on_hand).max(0);
                    on_hand = units;
                }
            }
            Op::Adjust(delta) if delta != 0 => {
                if catalog::adjust_stock(app, "shop", sku_id, delta, "test").await.is_ok() {
                    shelved += delta.max(0);
                    on_hand += delta;
                }
            }
            Op::Adjust(_) => {}
            Op::Create(units) => {
                let checkout = Checkout {
                    items: vec![(sku_id.to_string(), units)],
                    order_type: OrderType::Standard,
                    from_cart: None,
                    benefit: Benefit::None,
                    address: AddressSource::Inline(samples::address()),
                    remark: String::new(),
                    fingerprint: String::new(),
                    pay_password: None,
                    pay_channel: None,
                };
                let available = app.store.get_sku(sku_id).await.ok().flatten().map_or(0, |sku| sku.available);
                match place(app, "buyer", &checkout, None).await {
                    Ok(Placed::Created(mut created)) => orders.push((created.remove(0).order_no, units, true)),
                    Err(orders_shared::ApiError::OutOfStock { .. }) => {
                        prop_assert!(available < i64::from(units), "refused {units} with {available} available")
                    }
                    other => return Err(TestCaseError::fail(format!("placing {units}: {other:?}"))),
                }
            }
            Op::Cancel(index) => {
                let Some((no, _, open)) = orders.get_mut(index) else { continue };
                let cancel = Action::Cancel { reason: String::new() };
                if transition(app, Actor::Buyer("buyer"), no, cancel).await.is_ok() {
                    *open = false;
                }
            }
            Op::PayAndShip(index) => {
                let Some((no, units, open)) = orders.get_mut(index) else { continue };
                let now = Timestamp::now();
                let payment = Payment { channel: PaymentChannel::Alipay, trade_no: format!("T{no}"), paid_at: now };
                if transition(app, Actor::PaymentProvider, no, Action::Pay(payment)).await.is_err() {
                    continue;
                }
                let shipment = Shipment {
                    carrier_code: "SF".into(),
                    carrier_name: "SF".into(),
                    tracking_no: "1".into(),
                    shipped_at: now,
                };
                let ship = Action::Ship { shipment, auto_confirm_at: now.plus_seconds(86_400) };
                transition(app, Actor::Seller("shop"), no, ship)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                *open = false;
                sold += i64::from(*units);
                on_hand -= i64::from(*units);
            }
        }
        let (sku, shard_figures) =
            app.store.sku_stock(sku_id, true).await.map_err(|e| TestCaseError::fail(e.to_string()))?.expect("the SKU");
        for shard in &shard_figures {
            prop_assert_eq!(shard.available + shard.reserved, shard.on_hand, "each shard: {:?}", shard);
            prop_assert!(shard.available >= 0 && shard.reserved >= 0 && shard.on_hand >= 0, "{:?}", shard);
        }
        prop_assert!(shard_figures.len() as u32 <= shards.max(1), "no shard item past the setting");
        let held: i64 = orders.iter().filter(|(_, _, open)| *open).map(|(_, units, _)| i64::from(*units)).sum();
        prop_assert_eq!(sku.available + sku.reserved, sku.on_hand, "available + reserved = on hand");
        prop_assert!(sku.available >= 0 && sku.reserved >= 0 && sku.on_hand >= 0);
        prop_assert_eq!(sku.reserved, held, "reserved = what open orders hold");
        prop_assert_eq!(sku.on_hand, on_hand);
        prop_assert!(sold <= shelved, "never sold more than was put on the shelf");
    }
    Ok(())
}
