//! The points password (seed 004's `pay_password`): set and changed with the old one, required
//! by every points payment once set, five wrong tries lock points payments for 15 minutes.

use orders_integration_tests::{address, Method, StatusCode, TestApi};
use orders_shared::domain::time::Timestamp;
use serde_json::{json, Value};

async fn set(api: &TestApi, buyer: &str, body: Value) -> orders_integration_tests::Answer {
    api.call(Method::PUT, "/api/v1/points/password", Some(buyer), Some(body)).await
}

fn points_order(password: Option<&str>) -> Value {
    let mut body = json!({"items": [{"sku_id": "mug", "quantity": 1}], "address": address(), "order_type": "points"});
    if let Some(password) = password {
        body["pay_password"] = json!(password);
    }
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn points_payments_need_the_password_once_set_and_five_wrong_tries_lock_them() {
    let api = TestApi::start().await;
    api.put_sku_body(
        "shop-a",
        "mug",
        json!({"name": "Points mug", "price": "30.00", "points_price": 100, "stock": 100}),
    )
    .await;
    let admin = api.admin("root");
    api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 1000})))
        .await;
    let buyer = api.buyer("alice");

    // No password yet: points pay without one.
    let free = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(None))).await;
    assert_eq!(free.status, StatusCode::CREATED, "{}", free.body);

    for bad in ["12345", "1234567", "12a456", ""] {
        let refused = set(&api, &buyer, json!({"password": bad})).await;
        assert_eq!((refused.status, refused.code()), (StatusCode::BAD_REQUEST, 10005), "{bad:?}");
    }
    assert_eq!(set(&api, &buyer, json!({"password": "246810"})).await.status, StatusCode::OK);
    let no_old = set(&api, &buyer, json!({"password": "135790"})).await;
    assert_eq!((no_old.status, no_old.code()), (StatusCode::BAD_REQUEST, 10005));
    let wrong_old = set(&api, &buyer, json!({"password": "135790", "old_password": "000000"})).await;
    assert_eq!((wrong_old.status, wrong_old.code()), (StatusCode::FORBIDDEN, 10003));
    assert_eq!(set(&api, &buyer, json!({"password": "135790", "old_password": "246810"})).await.status, StatusCode::OK);
    let stored = api.app.store.pay_password("alice").await.unwrap().unwrap();
    assert!(stored.hash.starts_with("$argon2id$") && !stored.hash.contains("135790"), "only a hash is kept");
    assert_eq!(stored.failures, 0, "a right old password cleared the count");

    // Now every points payment carries it; a quote pays nothing and needs none.
    let missing = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(None))).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::BAD_REQUEST, 10005));
    assert!(missing.body["msg"].as_str().unwrap().contains("pay_password"));
    let quote = api.call(Method::POST, "/api/v1/orders/quote", Some(&buyer), Some(points_order(None))).await;
    assert_eq!(quote.status, StatusCode::OK, "{}", quote.body);
    let standard_with_points =
        json!({"items": [{"sku_id": "mug", "quantity": 1}], "address": address(), "points_to_use": 10});
    let also = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(standard_with_points)).await;
    assert_eq!(also.code(), 10005, "points off a standard order need it too: {}", also.body);
    let plain = api.create(&buyer, &[("mug", 1)]).await;
    assert_eq!(plain.status, StatusCode::CREATED, "no points, no password");

    let right = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("135790")))).await;
    assert_eq!(right.status, StatusCode::CREATED, "{}", right.body);
    assert_eq!(balance(&api, &buyer).await, Some(800));

    // Four wrong tries say how many are left; the fifth locks, and then even the right one waits.
    for left in (1..=4).rev() {
        let wrong = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("000000")))).await;
        assert_eq!((wrong.status, wrong.code()), (StatusCode::FORBIDDEN, 10003));
        assert!(wrong.body["msg"].as_str().unwrap().contains(&format!("{left} tries left")), "{}", wrong.body);
    }
    let fifth = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("000000")))).await;
    assert_eq!((fifth.status, fifth.code()), (StatusCode::FORBIDDEN, 10003));
    assert!(fifth.body["msg"].as_str().unwrap().contains("locked"), "{}", fifth.body);
    let locked = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("135790")))).await;
    assert_eq!((locked.status, locked.code()), (StatusCode::FORBIDDEN, 10003), "{}", locked.body);
    assert!(locked.body["msg"].as_str().unwrap().contains("until"));
    let stored = api.app.store.pay_password("alice").await.unwrap().unwrap();
    let until = stored.locked_until.expect("locked");
    let minutes = (until.millis() - Timestamp::now().millis()) as f64 / 60_000.0;
    assert!((14.0..=15.0).contains(&minutes), "locked for 15 minutes: {minutes}");
    assert_eq!(balance(&api, &buyer).await, Some(800), "nothing was spent");
    assert!(!format!("{stored:?}").contains("135790"));
}

async fn balance(api: &TestApi, buyer: &str) -> Option<i64> {
    api.call(Method::GET, "/api/v1/points", Some(buyer), None).await.data()["balance"].as_i64()
}
