//! The points password (`pay_password`): set and changed with the old one, required
//! by every points payment once set, five wrong tries lock points payments for 15 minutes.

use futures::future::join_all;
use orders_integration_tests::{address, Answer, Method, StatusCode, TestApi};
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
    let until = stored.lock_ends().expect("locked");
    let minutes = (until.millis() - Timestamp::now().millis()) as f64 / 60_000.0;
    assert!((14.0..=15.0).contains(&minutes), "locked for 15 minutes: {minutes}");
    assert_eq!(balance(&api, &buyer).await, Some(800), "nothing was spent");
    assert!(!format!("{stored:?}").contains("135790"));
}

async fn balance(api: &TestApi, buyer: &str) -> Option<i64> {
    api.call(Method::GET, "/api/v1/points", Some(buyer), None).await.data()["balance"].as_i64()
}

/// A buyer with the password `135790` and 1,000 points, on a shop that sells a points mug.
async fn buyer_with_password(api: &TestApi, buyer_id: &str) -> String {
    let admin = api.admin("root");
    let granted = api
        .call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": buyer_id, "points": 1000})))
        .await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    let buyer = api.buyer(buyer_id);
    assert_eq!(set(api, &buyer, json!({"password": "135790"})).await.status, StatusCode::OK);
    buyer
}

async fn sell_points_mug(api: &TestApi) {
    let mug = json!({"name": "Points mug", "price": "30.00", "points_price": 100, "stock": 1000});
    api.put_sku_body("shop-a", "mug", mug).await;
}

/// How the answers of a burst of points orders split: placed, wrong password with tries left,
/// wrong password that locked, refused unchecked by the lock.
#[derive(Debug, Default, PartialEq, Eq)]
struct Burst {
    placed: usize,
    wrong: usize,
    wrong_and_locked: usize,
    locked: usize,
}

impl Burst {
    fn of(answers: &[Answer]) -> Burst {
        let mut burst = Burst::default();
        for answer in answers {
            let msg = answer.body["msg"].as_str().unwrap_or_default();
            match (answer.status, answer.code()) {
                (StatusCode::CREATED, 0) => burst.placed += 1,
                (StatusCode::FORBIDDEN, 10003) if msg.contains("tries left") => burst.wrong += 1,
                (StatusCode::FORBIDDEN, 10003) if msg.starts_with("wrong points password") => {
                    burst.wrong_and_locked += 1
                }
                (StatusCode::FORBIDDEN, 10003) if msg.contains("locked") => burst.locked += 1,
                other => panic!("unexpected answer {other:?}: {}", answer.body),
            }
        }
        burst
    }

    /// Passwords that were checked (the rest were refused by the lock before any check).
    fn checked(&self) -> usize {
        self.placed + self.wrong + self.wrong_and_locked
    }
}

/// 30 points orders at once, each with another six-digit password; `right_at` holds the right one.
async fn burst(api: &TestApi, buyer: &str, right_at: Option<usize>) -> Burst {
    let tries = (0..30).map(|index| {
        let password = if Some(index) == right_at { "135790".to_string() } else { format!("{:06}", 200_000 + index) };
        api.call(Method::POST, "/api/v1/orders", Some(buyer), Some(points_order(Some(&password))))
    });
    Burst::of(&join_all(tries).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_tries_check_at_most_five_passwords_and_the_lock_refuses_even_the_right_one() {
    let api = TestApi::start().await;
    sell_points_mug(&api).await;

    // Thirty wrong passwords at once: five are checked (the fifth locks), the rest are refused
    // unchecked, and the lock then refuses the right password too.
    let buyer = buyer_with_password(&api, "mallory-target").await;
    let wrong = burst(&api, &buyer, None).await;
    assert_eq!(wrong, Burst { placed: 0, wrong: 4, wrong_and_locked: 1, locked: 25 });
    let right = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("135790")))).await;
    assert_eq!(Burst::of(std::slice::from_ref(&right)), Burst { locked: 1, ..Burst::default() }, "{}", right.body);
    let stored = api.app.store.pay_password("mallory-target").await.unwrap().unwrap();
    assert_eq!(stored.failures, 5, "the count stays full while it locks");
    assert_eq!(balance(&api, &buyer).await, Some(1000));

    // The right password among thirty, as a guesser would send it (position 21), four times: at
    // most five passwords are checked in each burst, whatever the interleaving.
    for round in 0..4 {
        let buyer_id = format!("guessed-{round}");
        let buyer = buyer_with_password(&api, &buyer_id).await;
        let mixed = burst(&api, &buyer, Some(20)).await;
        assert!(mixed.checked() <= 5, "round {round}: {mixed:?}");
        assert_eq!(mixed.checked() + mixed.locked, 30, "round {round}: {mixed:?}");
        let spent = if mixed.placed == 1 { 100 } else { 0 };
        assert_eq!(balance(&api, &buyer).await, Some(1000 - spent), "round {round}: {mixed:?}");
    }
}

#[tokio::test]
async fn a_lock_that_has_ended_counts_again_from_the_first_try() {
    let api = TestApi::start().await;
    sell_points_mug(&api).await;
    let buyer = buyer_with_password(&api, "patient").await;
    for _ in 0..5 {
        api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("000000")))).await;
    }
    let locked = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("135790")))).await;
    assert!(locked.body["msg"].as_str().unwrap().contains("locked"), "{}", locked.body);

    // Fifteen minutes later (the last counted try moved back 16 minutes):
    let client = orders_dev::local_db::client(&orders_integration_tests::dynamodb_endpoint());
    let long_ago = Timestamp::now().plus_seconds(-16 * 60).to_string();
    client
        .update_item()
        .table_name(&api.app.config.table_name)
        .key(
            "PK",
            aws_sdk_dynamodb::types::AttributeValue::S(orders_shared::adapters::store::keys::buyer_pk("patient")),
        )
        .key(
            "SK",
            aws_sdk_dynamodb::types::AttributeValue::S(orders_shared::adapters::store::keys::PAY_PASSWORD_SK.into()),
        )
        .update_expression("SET last_try_at = :at")
        .expression_attribute_values(":at", aws_sdk_dynamodb::types::AttributeValue::S(long_ago))
        .send()
        .await
        .expect("moved back");
    let wrong = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("000000")))).await;
    assert!(wrong.body["msg"].as_str().unwrap().contains("4 tries left"), "{}", wrong.body);
    let right = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order(Some("135790")))).await;
    assert_eq!(right.status, StatusCode::CREATED, "{}", right.body);
    let stored = api.app.store.pay_password("patient").await.unwrap().unwrap();
    assert_eq!((stored.failures, stored.lock_ends()), (0, None), "a right one cleared the count");
}
