//! Input a client should never be able to turn into a 500, a panic or a silent duplicate: forged
//! cursors, extreme numbers, odd idempotency keys, oversized token ids, invisible characters and
//! bodies that are not JSON.

use orders_integration_tests::{address, order_body, Method, StatusCode, TestApi};
use orders_shared::adapters::cursor;
use serde_json::json;

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test]
async fn forged_altered_and_foreign_cursors_are_400_never_500() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "1.00", 100).await;
    let alice = api.buyer("alice");
    for _ in 0..3 {
        assert_eq!(api.create(&alice, &[("tea", 1)]).await.status, StatusCode::CREATED);
    }
    let first = api.call(Method::GET, "/api/v1/orders?limit=1", Some(&alice), None).await;
    let cursor = first.data()["next_cursor"].as_str().expect("a next page").to_string();
    let second = api.call(Method::GET, &format!("/api/v1/orders?limit=1&cursor={cursor}"), Some(&alice), None).await;
    assert_eq!(second.status, StatusCode::OK, "the real cursor works: {}", second.body);

    // A cursor anyone could have written: the right fingerprint, another buyer's position.
    let scope = cursor::scope("buyer:alice", "s=[];no=None;ids=[];p=None;f=None;t=None");
    let forged = json!({"s": scope, "k": {"PK": "BUYER#bob", "SK": "ORDER#176400000000000000"}}).to_string();
    let mut altered = cursor.clone().into_bytes();
    altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
    let cases = [
        base64url(forged.as_bytes()),
        String::from_utf8(altered).unwrap(),
        cursor[..cursor.len() / 2].to_string(),
        "garbage".to_string(),
        "x".repeat(3000),
    ];
    for bad in &cases {
        let answer = api.call(Method::GET, &format!("/api/v1/orders?limit=1&cursor={bad}"), Some(&alice), None).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005), "{bad}: {}", answer.body);
        assert!(answer.body["msg"].as_str().unwrap().contains("cursor"));
    }
    // Another buyer, or the same buyer with another filter, cannot use it.
    let bob = api.buyer("bob");
    let foreign = api.call(Method::GET, &format!("/api/v1/orders?limit=1&cursor={cursor}"), Some(&bob), None).await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST);
    let other_filter = format!("/api/v1/orders?limit=1&status=closed&cursor={cursor}");
    assert_eq!(api.call(Method::GET, &other_filter, Some(&alice), None).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn extreme_points_are_refused_when_the_body_is_read() {
    let api = TestApi::start().await;
    let admin = api.admin("root");
    for points in [json!(i64::MIN), json!(i64::MAX), json!(0), json!(1_000_000_001)] {
        let body = json!({"buyer_id": "alice", "points": points});
        let answer = api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(body)).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005), "{points}: {}", answer.body);
        assert!(answer.body["msg"].as_str().unwrap().contains("points"));
    }
    let granted = api
        .call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 5})))
        .await;
    assert_eq!(granted.data()["balance"], 5);
}

#[tokio::test]
async fn an_idempotency_key_that_is_not_printable_ascii_is_refused_not_ignored() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "1.00", 100).await;
    let buyer = api.buyer("alice");
    let body = order_body(&[("tea", 1)]).to_string();
    let long = "k".repeat(256);
    let keys: [&[u8]; 3] = ["订单-1".as_bytes(), long.as_bytes(), b"\xff\xfe"];
    for key in keys {
        let mut request = api
            .http
            .post(format!("{}/api/v1/orders", api.base))
            .bearer_auth(&buyer)
            .header("content-type", "application/json")
            .body(body.clone());
        request = request.header("idempotency-key", reqwest::header::HeaderValue::from_bytes(key).unwrap());
        for _ in 0..2 {
            let response = request.try_clone().unwrap().send().await.unwrap();
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{key:?}");
            let answer: serde_json::Value = response.json().await.unwrap();
            assert!(answer["msg"].as_str().unwrap().contains("Idempotency-Key"), "{answer}");
        }
    }
    assert_eq!(api.counts(&buyer).await["all"], 0, "no order was created by any of them");
    assert_eq!(api.stock("tea").await, 100);
    // A key with spaces and punctuation is printable: it works and replays.
    let key = [("idempotency-key", "order 2026-11-25 #1")];
    let first = api.call_with(Method::POST, "/api/v1/orders", Some(&buyer), Some(body.clone()), &key).await;
    let again = api.call_with(Method::POST, "/api/v1/orders", Some(&buyer), Some(body), &key).await;
    assert_eq!((first.status, again.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first.data()["orders"][0]["order_no"], again.data()["orders"][0]["order_no"]);
}

#[tokio::test]
async fn token_ids_that_are_too_long_or_odd_are_401() {
    let api = TestApi::start().await;
    let long = "a".repeat(3000);
    for sub in [long.as_str(), "alice#paid", "li lei", "李雷"] {
        let token = api.buyer(sub);
        let answer = api.call(Method::GET, "/api/v1/orders", Some(&token), None).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::UNAUTHORIZED, 10002), "{sub:.20}: {}", answer.body);
    }
    let shop = api.seller("u", "shop#a");
    let answer = api.call(Method::GET, "/api/v1/seller/orders", Some(&shop), None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let fine = api.buyer("auth0|5f7c8ec7c33c6c004bbafe82");
    assert_eq!(api.call(Method::GET, "/api/v1/orders", Some(&fine), None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn text_with_control_or_invisible_characters_is_refused_naming_the_field() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "1.00", 100).await;
    let buyer = api.buyer("alice");
    let cases = [
        ("remark", json!("pay me\u{202E}later")),
        ("remark", json!("a\u{0}b")),
        ("address.name", json!("Li\u{200B}Lei")),
        ("address.detail", json!("1 Renmin Rd\n2nd floor")),
    ];
    for (field, value) in cases {
        let mut body = order_body(&[("tea", 1)]);
        match field.strip_prefix("address.") {
            Some(part) => body["address"][part] = value.clone(),
            None => body[field] = value.clone(),
        }
        let answer = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005), "{field} {value}");
        assert!(answer.body["msg"].as_str().unwrap().contains(field), "{}", answer.body);
    }
    let mut body = order_body(&[("tea", 1)]);
    body["remark"] = json!("leave at the door\nring twice");
    assert_eq!(api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await.status, StatusCode::CREATED);
    let mut bad_address = address();
    bad_address["city"] = json!("Chengdu\u{FEFF}");
    let answer = api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(bad_address)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "1.00", 100).await;
    let buyer = api.buyer("alice");
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"] {
        let response = api
            .http
            .post(format!("{}/api/v1/orders", api.base))
            .bearer_auth(&buyer)
            .header("content-type", content_type)
            .body(order_body(&[("tea", 1)]).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
        let answer: serde_json::Value = response.json().await.unwrap();
        assert_eq!(answer["code"], 10005);
    }
    assert_eq!(api.counts(&buyer).await["all"], 0);
}
