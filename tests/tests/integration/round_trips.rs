//! DynamoDB round trips per route, counted by an SDK interceptor: reads are one call, state
//! changes one read and one write (a shop's reads the order from its index; a payment provider's
//! notification names the buyer it was given). These are counts, not times.

use orders_integration_tests::{alipay_notification_with_passback, Method, StatusCode, TestApi, DEV_APP_ID};
use serde_json::{json, Value};

/// A route call: name, method, path, token, body, and the operations it must make (sorted).
type Step<'a> = (&'a str, Method, String, Option<&'a str>, Option<Value>, &'a [&'a str]);

#[tokio::test]
async fn every_route_makes_the_fewest_round_trips() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let buyer = api.buyer("alice");
    let seller = api.seller("u", "shop-a");
    let admin = api.admin("root");
    let address =
        api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(orders_integration_tests::address())).await;
    let address_id = address.data()["address_id"].as_str().unwrap().to_string();
    let paid_no = api.create(&buyer, &[("tea", 1)]).await.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let open_no = api.create(&buyer, &[("tea", 1)]).await.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    api.calls.take();

    let order_body = json!({"items": [{"sku_id": "tea", "quantity": 1}], "address_id": address_id});
    let ship = json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"});
    let steps: Vec<Step> = vec![
        (
            "create-order",
            Method::POST,
            "/api/v1/orders".into(),
            Some(&buyer),
            Some(order_body),
            &["BatchGetItem", "TransactWriteItems"],
        ),
        ("get-order", Method::GET, format!("/api/v1/orders/{open_no}"), Some(&buyer), None, &["GetItem"]),
        (
            "list-orders",
            Method::GET,
            "/api/v1/orders?status=pending_payment".into(),
            Some(&buyer),
            None,
            &["GetItem", "Query"],
        ),
        (
            "list-orders (name filter)",
            Method::GET,
            "/api/v1/orders?product_name=tea".into(),
            Some(&buyer),
            None,
            &["Query"],
        ),
        ("get-order-counts", Method::GET, "/api/v1/order-counts".into(), Some(&buyer), None, &["GetItem"]),
        ("get-payment", Method::GET, format!("/api/v1/orders/{open_no}/payment"), Some(&buyer), None, &["GetItem"]),
        (
            "start-payment",
            Method::POST,
            format!("/api/v1/orders/{open_no}/payments"),
            Some(&buyer),
            // The first start with a provider is written on the order before the provider is asked.
            Some(json!({"channel": "alipay"})),
            &["GetItem", "PutItem"],
        ),
        // One Query reads a SKU's item and its stock shards, if any.
        ("get-sku", Method::GET, "/api/v1/skus/tea".into(), None, None, &["Query"]),
        ("get-seller-sku", Method::GET, "/api/v1/seller/skus/tea".into(), Some(&seller), None, &["Query"]),
        (
            "put-sku",
            Method::PUT,
            "/api/v1/seller/skus/tea".into(),
            Some(&seller),
            Some(json!({"name": "Tea", "price": "10.00", "stock": 100})),
            // The SKU as it was (does its freight template change? is it in shards?), then the write.
            &["Query", "UpdateItem"],
        ),
        (
            "adjust-stock",
            Method::POST,
            "/api/v1/seller/skus/tea/stock-adjustments".into(),
            Some(&seller),
            Some(json!({"delta": 5, "reason": "received"})),
            &["UpdateItem"],
        ),
        (
            "update-address",
            Method::PUT,
            format!("/api/v1/addresses/{address_id}"),
            Some(&buyer),
            Some(orders_integration_tests::address()),
            &["GetItem", "TransactWriteItems"],
        ),
        ("list-addresses", Method::GET, "/api/v1/addresses".into(), Some(&buyer), None, &["Query"]),
        ("get-address", Method::GET, format!("/api/v1/addresses/{address_id}"), Some(&buyer), None, &["BatchGetItem"]),
        ("get-points", Method::GET, "/api/v1/points".into(), Some(&buyer), None, &["GetItem"]),
        (
            "grant-points",
            Method::POST,
            "/api/v1/admin/points".into(),
            Some(&admin),
            Some(json!({"buyer_id": "alice", "points": 10})),
            &["UpdateItem"],
        ),
        ("get-seller-order", Method::GET, format!("/api/v1/seller/orders/{open_no}"), Some(&seller), None, &["Query"]),
        ("get-seller-order-counts", Method::GET, "/api/v1/seller/order-counts".into(), Some(&seller), None, &["Query"]),
        ("list-seller-orders", Method::GET, "/api/v1/seller/orders".into(), Some(&seller), None, &["Query", "Query"]),
        (
            "seller-close-order",
            Method::POST,
            format!("/api/v1/seller/orders/{open_no}/close"),
            Some(&seller),
            None,
            // The shop's index names the buyer: one read, one write.
            &["Query", "TransactWriteItems"],
        ),
        (
            "delete-order",
            Method::DELETE,
            format!("/api/v1/orders/{open_no}"),
            Some(&buyer),
            None,
            &["GetItem", "TransactWriteItems"],
        ),
    ];
    check(&api, steps).await;

    // The notification passes the buyer back (passback_params): one read, one write.
    let buyer_id = "alice";
    let form = alipay_notification_with_passback(&alipay, DEV_APP_ID, &paid_no, "10.00", "T-rt", buyer_id);
    let (status, _) = api.notify(&form).await;
    assert_eq!(status, StatusCode::OK);
    let mut calls = api.calls.take();
    calls.sort();
    assert_eq!(calls, ["GetItem", "TransactWriteItems"], "alipay-notify");
    let steps: Vec<Step> = vec![
        (
            "ship-order",
            Method::POST,
            format!("/api/v1/seller/orders/{paid_no}/ship"),
            Some(&seller),
            Some(ship),
            &["Query", "TransactWriteItems"],
        ),
        (
            "add-tracking-event",
            Method::POST,
            format!("/api/v1/seller/orders/{paid_no}/tracking-events"),
            Some(&seller),
            Some(json!({"description": "x"})),
            &["Query", "UpdateItem"],
        ),
        ("get-logistics", Method::GET, format!("/api/v1/orders/{paid_no}/logistics"), Some(&buyer), None, &["GetItem"]),
        (
            "confirm-receipt",
            Method::POST,
            format!("/api/v1/orders/{paid_no}/receipt"),
            Some(&buyer),
            None,
            &["GetItem", "TransactWriteItems"],
        ),
        (
            "review-order",
            Method::POST,
            format!("/api/v1/orders/{paid_no}/review"),
            Some(&buyer),
            None,
            &["GetItem", "TransactWriteItems"],
        ),
    ];
    check(&api, steps).await;
}

/// Calls each route once and compares the DynamoDB operations it made with the expected ones.
async fn check(api: &TestApi, steps: Vec<Step<'_>>) {
    for (route, method, path, token, body, expected) in steps {
        let answer = api.call(method, &path, token, body).await;
        assert!(answer.status.is_success(), "{route}: {}", answer.body);
        let mut calls = api.calls.take();
        calls.sort();
        assert_eq!(calls, expected, "{route}");
    }
}

#[tokio::test]
async fn a_sharded_sku_is_read_in_one_call_and_a_create_reads_its_shards_once() {
    let api = TestApi::start().await;
    api.put_sku_body("shop-a", "flash", json!({"name": "Flash", "price": "10.00", "stock": 100, "stock_shards": 8}))
        .await;
    let buyer = api.buyer("alice");
    let seller = api.seller("u", "shop-a");
    // Warms the shop's counter setting, as any running function has it.
    api.create(&buyer, &[("flash", 1)]).await;
    api.calls.take();
    let order_body =
        json!({"items": [{"sku_id": "flash", "quantity": 1}], "address": orders_integration_tests::address()});
    let steps: Vec<Step> = vec![
        // The SKU (with its shards' count), its shards, then the transaction on the one chosen.
        (
            "create-order",
            Method::POST,
            "/api/v1/orders".into(),
            Some(&buyer),
            Some(order_body),
            &["BatchGetItem", "Query", "TransactWriteItems"],
        ),
        ("get-sku", Method::GET, "/api/v1/skus/flash".into(), None, None, &["Query"]),
        ("get-seller-sku", Method::GET, "/api/v1/seller/skus/flash".into(), Some(&seller), None, &["Query"]),
    ];
    check(&api, steps).await;
}

#[tokio::test]
async fn an_approval_reads_the_shops_return_address_only_for_a_return_that_needs_it() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let buyer = api.buyer("alice");
    let seller = api.seller("u", "shop-a");
    let address = json!({"name": "Returns desk", "phone": "02800000000", "province": "Sichuan", "city": "Chengdu",
                         "district": "Jinjiang", "detail": "8 Warehouse Rd"});
    let saved = api.call(Method::PUT, "/api/v1/seller/return-address", Some(&seller), Some(address.clone())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let (money_only, goods_back, goods_back_to) = (
        api.paid_order(&alipay, &buyer, 1).await,
        api.paid_order(&alipay, &buyer, 1).await,
        api.paid_order(&alipay, &buyer, 1).await,
    );
    for no in [&goods_back, &goods_back_to] {
        let ship = json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"});
        let shipped =
            api.call(Method::POST, &format!("/api/v1/seller/orders/{no}/ship"), Some(&seller), Some(ship)).await;
        assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    }
    for (no, kind) in
        [(&money_only, "refund_only"), (&goods_back, "return_and_refund"), (&goods_back_to, "return_and_refund")]
    {
        let body = json!({"type": kind, "reason": "r"});
        let applied = api.call(Method::POST, &format!("/api/v1/orders/{no}/refund"), Some(&buyer), Some(body)).await;
        assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    }
    // Let the shop's index catch up, as it has in a moment.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    api.calls.take();
    let approve = |no: &str| format!("/api/v1/seller/orders/{no}/refund/approve");
    let steps: Vec<Step> = vec![
        // The order from the shop's index; the payout written before the provider's call; the
        // answer recorded with the stock released; no return address read. (The two GetItems
        // are the stand-in Alipay gateway's, which shares the counted client: the number claim,
        // then the order it checks the refund against.)
        (
            "approve money only",
            Method::POST,
            approve(&money_only),
            Some(&seller),
            None,
            &["GetItem", "GetItem", "PutItem", "Query", "TransactWriteItems"],
        ),
        // A return: the shop's saved address, read once.
        ("approve a return", Method::POST, approve(&goods_back), Some(&seller), None, &["GetItem", "PutItem", "Query"]),
        // A return to an address in the body: nothing more.
        (
            "approve a return to the address given",
            Method::POST,
            approve(&goods_back_to),
            Some(&seller),
            Some(json!({"return_address": address})),
            &["PutItem", "Query"],
        ),
    ];
    check(&api, steps).await;
}

/// A status few of a buyer's orders are in is still one Query: the counters, read first, say how
/// far to read for a page of it. A status none is in is answered by the counters alone.
#[tokio::test]
async fn a_sparse_status_is_one_query_and_an_empty_one_none() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let buyer = api.buyer("bea");
    let seller = api.seller("u", "shop-a");
    let mut order_nos = Vec::new();
    for _ in 0..24 {
        let created = api.create(&buyer, &[("tea", 1)]).await;
        order_nos.push(created.data()["orders"][0]["order_no"].as_str().unwrap().to_string());
    }
    // The oldest is the only one left unpaid: 23 newer closed orders lie before it.
    for no in &order_nos[1..] {
        let cancelled = api.call(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(&buyer), None).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    }
    api.calls.take();

    let numbers = |answer: &orders_integration_tests::Answer| -> Vec<String> {
        let items = answer.data()["items"].as_array().cloned().unwrap_or_default();
        items.iter().map(|order| order["order_no"].as_str().unwrap_or_default().to_string()).collect()
    };
    // Path, token, the orders it lists, its total, the operations it makes (sorted).
    type ListStep<'a> = (&'a str, &'a str, Vec<String>, i64, &'a [&'a str]);
    let steps: [ListStep; 4] = [
        ("/api/v1/orders?status=pending_payment&limit=5", &buyer, vec![order_nos[0].clone()], 1, &["GetItem", "Query"]),
        ("/api/v1/orders?status=paid&limit=5", &buyer, Vec::new(), 0, &["GetItem"]),
        // The shop's list of two statuses filters its all-orders index the same way (its
        // counters are a Query of their shards).
        (
            "/api/v1/seller/orders?status=pending_payment,paid&limit=5",
            &seller,
            vec![order_nos[0].clone()],
            1,
            &["Query", "Query"],
        ),
        // A status the buyer's orders are mostly in: a page, and a cursor to the rest.
        (
            "/api/v1/orders?status=closed&limit=5",
            &buyer,
            order_nos[19..].iter().rev().cloned().collect(),
            23,
            &["GetItem", "Query"],
        ),
    ];
    for (path, token, expected, total, operations) in steps {
        let answer = api.call(Method::GET, path, Some(token), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        assert_eq!(numbers(&answer), expected, "{path}");
        assert_eq!(answer.data()["total"], json!(total), "{path}");
        assert_eq!(answer.data()["next_cursor"].is_null(), total as usize <= expected.len(), "{path}");
        let mut calls = api.calls.take();
        calls.sort();
        assert_eq!(calls, operations, "{path}");
    }
}
