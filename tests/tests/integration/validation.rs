//! Bad input: 400 with code 10005 naming the field, and nothing written.

use orders_integration_tests::{address, Method, StatusCode, TestApi};
use serde_json::json;

#[tokio::test]
async fn bad_create_requests_name_the_field_and_write_nothing() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let many: Vec<_> = (0..25).map(|i| json!({"sku_id": format!("sku-{i}"), "quantity": 1})).collect();
    let cases: Vec<(String, &str)> = vec![
        ("{\"items\": [".to_string(), "body"),
        ("[1, 2]".to_string(), "body"),
        (
            json!({"items": [{"sku_id": "tea", "quantity": "two"}], "address": address()}).to_string(),
            "items[0].quantity",
        ),
        (json!({"items": [{"sku_id": 7, "quantity": 1}], "address": address()}).to_string(), "items[0].sku_id"),
        (json!({"items": [{"sku_id": "tea", "quantity": 0}], "address": address()}).to_string(), "items[0].quantity"),
        (json!({"items": [{"sku_id": "tea", "quantity": -1}], "address": address()}).to_string(), "items[0].quantity"),
        (
            json!({"items": [{"sku_id": "tea", "quantity": 10000}], "address": address()}).to_string(),
            "items[0].quantity",
        ),
        (json!({"items": [], "address": address()}).to_string(), "items"),
        (json!({"items": many, "address": address()}).to_string(), "items"),
        (json!({"items": [{"sku_id": "tea", "quantity": 1}]}).to_string(), "address_id"),
        (json!({"items": [{"sku_id": "tea", "quantity": 1}], "address": {"name": "x"}}).to_string(), "address"),
        (
            json!({"items": [{"sku_id": "tea", "quantity": 1}], "address": address(), "colour": "red"}).to_string(),
            "colour",
        ),
        (
            json!({"items": [{"sku_id": "tea", "quantity": 1}], "address": address(), "remark": "x".repeat(201)})
                .to_string(),
            "remark",
        ),
        (
            json!({"items": [{"sku_id": "tea", "quantity": 1}], "address": address(), "pad": "x".repeat(70 * 1024)})
                .to_string(),
            "body",
        ),
    ];
    for (body, field) in cases {
        let answer = api.call_with(Method::POST, "/api/v1/orders", Some(&buyer), Some(body.clone()), &[]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{field}: {}", answer.body);
        assert_eq!(answer.code(), 10005, "{field}");
        let message = answer.body["msg"].as_str().unwrap();
        assert!(message.contains(field), "message names {field}: {message}");
        assert!(answer.body["data"].is_null());
    }
    let unknown = api.create(&buyer, &[("tea", 1), ("no-such-sku", 1)]).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::NOT_FOUND, 10001));
    assert!(unknown.body["msg"].as_str().unwrap().contains("no-such-sku"));
    let too_many = api.create(&buyer, &[("tea", 11)]).await;
    assert_eq!((too_many.status, too_many.code()), (StatusCode::CONFLICT, 10008));

    // Nothing was written by any of them.
    assert_eq!(api.stock("tea").await, 10);
    assert_eq!(api.counts(&buyer).await["all"], 0);
    let list = api.call(Method::GET, "/api/v1/orders", Some(&buyer), None).await;
    assert!(list.data()["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn bad_list_parameters_and_cursors_are_refused() {
    let api = TestApi::start().await;
    let buyer = api.buyer("alice");
    for (query, field) in [
        ("status=shipping", "status"),
        ("status=paid,unknown", "status"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=garbage", "cursor"),
        ("cursor=eyJzIjoiYSIsImsiOnt9fQ", "cursor"),
        ("order_no=123", "order_no"),
        ("ids=1,2", "ids"),
        ("created_from=yesterday", "created_from"),
        ("created_from=2026-02-01T00:00:00Z&created_to=2026-01-01T00:00:00Z", "created_from"),
    ] {
        let answer = api.call(Method::GET, &format!("/api/v1/orders?{query}"), Some(&buyer), None).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005), "{query}: {}", answer.body);
        assert!(answer.body["msg"].as_str().unwrap().contains(field), "{query}: {}", answer.body);
    }
}

#[tokio::test]
async fn bad_sku_and_address_bodies_are_refused() {
    let api = TestApi::start().await;
    let seller = api.seller("u", "shop-a");
    for (body, field) in [
        (json!({"name": "Tea", "price": "12.345", "stock": 1}), "price"),
        (json!({"name": "Tea", "price": 12.5, "stock": 1}), "price"),
        (json!({"name": "Tea", "price": "0.00", "stock": 1}), "price"),
        (json!({"name": "Tea", "price": "1.00", "stock": -1}), "stock"),
        (json!({"name": "", "price": "1.00", "stock": 1}), "name"),
        (json!({"price": "1.00", "stock": 1}), "name"),
    ] {
        let answer = api.call(Method::PUT, "/api/v1/seller/skus/tea", Some(&seller), Some(body.clone())).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005), "{body}: {}", answer.body);
        assert!(answer.body["msg"].as_str().unwrap().contains(field), "{body}: {}", answer.body);
    }
    let bad_id = api
        .call(
            Method::PUT,
            "/api/v1/seller/skus/tea%20pot",
            Some(&seller),
            Some(json!({"name": "T", "price": "1.00", "stock": 1})),
        )
        .await;
    assert_eq!(bad_id.code(), 10005);
    let missing = api.call(Method::GET, "/api/v1/skus/tea", None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "nothing was written");

    let buyer = api.buyer("alice");
    let mut bad_phone = address();
    bad_phone["phone"] = json!("call me");
    let answer = api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(bad_phone)).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::BAD_REQUEST, 10005));
    assert!(answer.body["msg"].as_str().unwrap().contains("phone"));
    let list = api.call(Method::GET, "/api/v1/addresses", Some(&buyer), None).await;
    assert_eq!(list.data()["total"], 0);
}
