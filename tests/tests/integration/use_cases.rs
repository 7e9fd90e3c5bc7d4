//! The use cases of `shared::app` called directly, without HTTP: each rule of placing an order,
//! starting a payment and recording a notification, against DynamoDB Local.

use orders_integration_tests::{alipay_notification, TestApi, DEV_APP_ID};
use orders_shared::app::checkout::{place, Placed};
use orders_shared::app::orders::transition;
use orders_shared::app::payment::{record_notification, start};
use orders_shared::domain::idempotency::IdempotencyKey;
use orders_shared::domain::member::Benefit;
use orders_shared::domain::order::{OrderStatus, OrderType};
use orders_shared::domain::party::Actor;
use orders_shared::domain::payment::Callback;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::domain::pricing::{AddressSource, Checkout};
use orders_shared::domain::state::Action;
use orders_shared::samples;
use orders_shared::ApiError;

fn checkout(items: &[(&str, u32)], fingerprint: &str) -> Checkout {
    Checkout {
        items: items.iter().map(|(sku, quantity)| (sku.to_string(), *quantity)).collect(),
        order_type: OrderType::Standard,
        from_cart: None,
        benefit: Benefit::None,
        address: AddressSource::Inline(samples::address()),
        remark: String::new(),
        fingerprint: fingerprint.into(),
        pay_password: None,
        pay_channel: None,
    }
}

fn created(placed: Placed) -> Vec<orders_shared::domain::order::Order> {
    match placed {
        Placed::Created(orders) => orders,
        Placed::Replayed(_) => panic!("expected new orders"),
    }
}

#[tokio::test]
async fn placing_splits_by_seller_reserves_stock_and_replays_a_key() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 5).await;
    api.put_sku("shop-b", "pot", "20.00", 5).await;
    let app = &api.app;
    let key = IdempotencyKey::parse(b"key-1").expect("a valid key");

    let orders = created(place(app, "alice", &checkout(&[("tea", 2), ("pot", 1)], "f1"), Some(&key)).await.unwrap());
    assert_eq!(orders.len(), 2, "one order per seller");
    assert_eq!(app.store.get_sku("tea").await.unwrap().unwrap().available, 3);

    // The same key and body: the same orders, nothing reserved again.
    let Placed::Replayed(again) =
        place(app, "alice", &checkout(&[("tea", 2), ("pot", 1)], "f1"), Some(&key)).await.unwrap()
    else {
        panic!("expected a replay");
    };
    let mut numbers: Vec<_> = orders.iter().map(|o| o.order_no.clone()).collect();
    numbers.sort();
    assert_eq!(again.iter().map(|o| o.order_no.clone()).collect::<Vec<_>>(), numbers);
    assert_eq!(app.store.get_sku("tea").await.unwrap().unwrap().available, 3);
    // The same key with another body.
    let other = place(app, "alice", &checkout(&[("tea", 1)], "f2"), Some(&key)).await;
    assert_eq!(other.unwrap_err(), ApiError::IdempotencyMismatch);

    // More than the stock, and a SKU that does not exist: nothing written.
    let too_many = place(app, "alice", &checkout(&[("tea", 4)], "f3"), None).await;
    assert_eq!(too_many.unwrap_err(), ApiError::OutOfStock { sku_id: "tea".into() });
    let unknown = place(app, "alice", &checkout(&[("tea", 1), ("nope", 1)], "f4"), None).await;
    assert!(matches!(unknown, Err(ApiError::NotFound { .. })));
    assert_eq!(app.store.get_sku("tea").await.unwrap().unwrap().available, 3);

    // A cancel through the transition use case gives the stock back.
    let tea_order = orders.iter().find(|o| o.seller_id == "shop-a").unwrap();
    let cancel = Action::Cancel { reason: String::new() };
    let closed = transition(app, Actor::Buyer("alice"), &tea_order.order_no, cancel.clone()).await.unwrap();
    assert_eq!(closed.status, OrderStatus::Closed);
    assert_eq!(app.store.get_sku("tea").await.unwrap().unwrap().available, 5);
    let again = transition(app, Actor::Buyer("alice"), &tea_order.order_no, cancel.clone()).await;
    assert!(matches!(again, Err(ApiError::StateConflict { .. })));
    let stranger = transition(app, Actor::Buyer("bob"), &tea_order.order_no, cancel).await;
    assert!(matches!(stranger, Err(ApiError::NotFound { .. })), "another buyer's order does not exist for bob");
}

#[tokio::test]
async fn starting_a_payment_and_recording_the_notification() {
    let (api, alipay_key) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 5).await;
    let app = &api.app;
    let order = created(place(app, "alice", &checkout(&[("tea", 3)], "f"), None).await.unwrap()).remove(0);
    let no = order.order_no.clone();

    let started = start(app, "alice", &no, PaymentChannel::Alipay.into()).await.unwrap();
    let order_string = started.params.as_ref().and_then(|params| params.value.as_str()).expect("an order string");
    assert!(order_string.contains("alipay.trade.app.pay") && order_string.contains("sign="));
    let points = start(app, "alice", &no, PaymentChannel::Points.into()).await;
    assert!(matches!(points, Err(ApiError::Invalid { field, .. }) if field == "channel"));
    let stranger = start(app, "bob", &no, PaymentChannel::Alipay.into()).await;
    assert!(matches!(stranger, Err(ApiError::NotFound { .. })));

    // A notification for another amount changes nothing; the right one pays once.
    let wrong = alipay_notification(&alipay_key, DEV_APP_ID, &no, "29.99", "T-1");
    assert!(matches!(
        record_notification(app, PaymentChannel::Alipay, Callback::body(wrong.as_bytes())).await,
        Err(ApiError::SignatureInvalid { .. })
    ));
    let right = alipay_notification(&alipay_key, DEV_APP_ID, &no, "30.00", "T-1");
    record_notification(app, PaymentChannel::Alipay, Callback::body(right.as_bytes())).await.expect("paid");
    record_notification(app, PaymentChannel::Alipay, Callback::body(right.as_bytes()))
        .await
        .expect("a repeat is acknowledged");
    let paid = app.store.get_order("alice", &no).await.unwrap().unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(paid.version, 3, "the start recorded, then paid exactly once");
    let tampered = right.replace("T-1", "T-2");
    assert!(matches!(
        record_notification(app, PaymentChannel::Alipay, Callback::body(tampered.as_bytes())).await,
        Err(ApiError::SignatureInvalid { .. })
    ));

    // Paid now: starting again is a conflict.
    let again = start(app, "alice", &no, PaymentChannel::Alipay.into()).await;
    assert!(matches!(again, Err(ApiError::StateConflict { .. })));
}
