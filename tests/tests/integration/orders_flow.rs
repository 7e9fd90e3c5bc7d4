//! The buyer's whole flow through HTTP: create, get, list with every filter, cursor pages,
//! counts, cancel, delete; ownership and roles; the address book.

use orders_integration_tests::{address, Answer, Method, StatusCode, TestApi};
use serde_json::json;

fn order_nos(list: &Answer) -> Vec<String> {
    let items = list.data()["items"].as_array().unwrap_or_else(|| panic!("not a list: {}", list.body));
    items.iter().map(|o| o["order_no"].as_str().unwrap_or_default().to_string()).collect()
}

#[tokio::test]
async fn create_get_list_count_cancel_and_delete() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    api.put_sku("shop-a", "cup", "5.50", 100).await;
    api.put_sku("shop-b", "pot", "20.00", 100).await;
    let buyer = api.buyer("alice");

    // Items of two shops become two orders, created together.
    let created = api.create(&buyer, &[("tea", 2), ("pot", 1)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.code(), 0);
    let orders = created.data()["orders"].as_array().unwrap().clone();
    assert_eq!(orders.len(), 2);
    for order in &orders {
        let no = order["order_no"].as_str().unwrap();
        assert_eq!(no.len(), 18);
        assert!(no.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(order["status"], "pending_payment");
        assert_eq!(order["buyer_id"], "alice");
        assert_eq!(order["amounts"]["payable"], "20.00", "priced from the catalog: {order}");
        assert_eq!(order["address"]["city"], "Chengdu");
        assert!(order["expires_at"].is_string());
    }
    let sellers: Vec<&str> = orders.iter().map(|o| o["seller_id"].as_str().unwrap()).collect();
    assert!(sellers.contains(&"shop-a") && sellers.contains(&"shop-b"));
    assert_eq!(api.stock("tea").await, 98);
    assert_eq!(api.stock("pot").await, 99);

    let cup_order = api.create(&buyer, &[("cup", 3)]).await;
    let cup_no = cup_order.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    assert_eq!(cup_order.data()["orders"][0]["amounts"]["goods"], "16.50");
    let tea_order = api.create(&buyer, &[("tea", 1)]).await;
    let tea_no = tea_order.data()["orders"][0]["order_no"].as_str().unwrap().to_string();

    let detail = api.call(Method::GET, &format!("/api/v1/orders/{cup_no}"), Some(&buyer), None).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.data()["lines"][0]["sku_id"], "cup");
    assert_eq!(detail.data()["lines"][0]["unit_price"], "5.50");
    assert_eq!(detail.data()["timeline"].as_array().unwrap().len(), 1);
    assert!(detail.body["request_id"].as_str().is_some_and(|id| !id.is_empty()));

    let counts = api.counts(&buyer).await;
    assert_eq!(counts["wait_pay"], 4);
    assert_eq!(counts["all"], 4);

    // Cancel gives the stock back and is recorded in the timeline.
    let cancelled = api
        .call(
            Method::POST,
            &format!("/api/v1/orders/{cup_no}/cancel"),
            Some(&buyer),
            Some(json!({"reason": "too slow"})),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(cancelled.data()["status"], "closed");
    assert_eq!(cancelled.data()["close_reason"], "buyer_cancelled");
    assert_eq!(cancelled.data()["timeline"][1]["comment"], "too slow");
    assert_eq!(api.stock("cup").await, 100);
    let again = api.call(Method::POST, &format!("/api/v1/orders/{cup_no}/cancel"), Some(&buyer), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), 10007);
    assert!(again.body["msg"].as_str().unwrap().contains("closed"), "says which state: {}", again.body);
    assert_eq!(api.stock("cup").await, 100, "a refused cancel gives nothing back twice");

    let counts = api.counts(&buyer).await;
    assert_eq!(
        (counts["wait_pay"].as_i64(), counts["closed"].as_i64(), counts["all"].as_i64()),
        (Some(3), Some(1), Some(4))
    );

    // Lists: newest first, each filter, totals from counters.
    let all = api.call(Method::GET, "/api/v1/orders", Some(&buyer), None).await;
    assert_eq!(all.status, StatusCode::OK);
    let all_nos = order_nos(&all);
    assert_eq!(all_nos.len(), 4);
    let mut sorted = all_nos.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(all_nos, sorted, "newest first");
    assert_eq!(all.data()["total"], 4);
    assert_eq!(all_nos[0], tea_no);

    let closed = api.call(Method::GET, "/api/v1/orders?status=closed", Some(&buyer), None).await;
    assert_eq!(order_nos(&closed), vec![cup_no.clone()]);
    assert_eq!(closed.data()["total"], 1);
    let pending = api.call(Method::GET, "/api/v1/orders?status=pending_payment", Some(&buyer), None).await;
    assert_eq!(order_nos(&pending).len(), 3);
    assert_eq!(pending.data()["total"], 3);
    let both = api.call(Method::GET, "/api/v1/orders?status=pending_payment,closed", Some(&buyer), None).await;
    assert_eq!(order_nos(&both).len(), 4);
    assert_eq!(both.data()["total"], 4);

    let by_no = api.call(Method::GET, &format!("/api/v1/orders?order_no={cup_no}"), Some(&buyer), None).await;
    assert_eq!(order_nos(&by_no), vec![cup_no.clone()]);
    let by_ids = api.call(Method::GET, &format!("/api/v1/orders?ids={cup_no},{tea_no}"), Some(&buyer), None).await;
    assert_eq!(order_nos(&by_ids), vec![tea_no.clone(), cup_no.clone()]);
    let by_name = api.call(Method::GET, "/api/v1/orders?product_name=PRODUCT%20TEA", Some(&buyer), None).await;
    assert_eq!(order_nos(&by_name).len(), 2, "case-insensitive contains: {}", by_name.body);
    assert!(by_name.data()["total"].is_null(), "no counter answers a name filter");

    let cup_created = detail.data()["created_at"].as_str().unwrap().to_string();
    let until_cup =
        api.call(Method::GET, &format!("/api/v1/orders?created_to={cup_created}"), Some(&buyer), None).await;
    assert_eq!(until_cup.status, StatusCode::OK, "{}", until_cup.body);
    assert_eq!(order_nos(&until_cup).len(), 3, "{}", until_cup.body);
    let from_cup =
        api.call(Method::GET, &format!("/api/v1/orders?created_from={cup_created}"), Some(&buyer), None).await;
    assert_eq!(order_nos(&from_cup), vec![tea_no.clone(), cup_no.clone()]);

    // Cursor pages walk every order once, in order.
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/orders?limit=1&cursor={cursor}"),
            None => "/api/v1/orders?limit=1".to_string(),
        };
        let page = api.call(Method::GET, &path, Some(&buyer), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        walked.extend(order_nos(&page));
        match page.data()["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(walked, all_nos);

    // A cursor is refused for another buyer and for another filter.
    let first = api.call(Method::GET, "/api/v1/orders?limit=1", Some(&buyer), None).await;
    let cursor = first.data()["next_cursor"].as_str().unwrap().to_string();
    let other_buyer = api.buyer("mallory");
    let foreign =
        api.call(Method::GET, &format!("/api/v1/orders?limit=1&cursor={cursor}"), Some(&other_buyer), None).await;
    assert_eq!((foreign.status, foreign.code()), (StatusCode::BAD_REQUEST, 10005));
    assert!(foreign.body["msg"].as_str().unwrap().contains("cursor"));
    let other_filter = api
        .call(Method::GET, &format!("/api/v1/orders?limit=1&status=closed&cursor={cursor}"), Some(&buyer), None)
        .await;
    assert_eq!((other_filter.status, other_filter.code()), (StatusCode::BAD_REQUEST, 10005));

    // Delete: only closed or completed; then gone from detail, lists and counts.
    let refused = api.call(Method::DELETE, &format!("/api/v1/orders/{tea_no}"), Some(&buyer), None).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, 10007));
    let deleted = api.call(Method::DELETE, &format!("/api/v1/orders/{cup_no}"), Some(&buyer), None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let gone = api.call(Method::GET, &format!("/api/v1/orders/{cup_no}"), Some(&buyer), None).await;
    assert_eq!((gone.status, gone.code()), (StatusCode::NOT_FOUND, 10001));
    let after = api.call(Method::GET, "/api/v1/orders", Some(&buyer), None).await;
    assert!(!order_nos(&after).contains(&cup_no));
    assert_eq!(after.data()["total"], 3);
    let closed = api.call(Method::GET, "/api/v1/orders?status=closed", Some(&buyer), None).await;
    assert!(order_nos(&closed).is_empty());
    let counts = api.counts(&buyer).await;
    assert_eq!(
        (counts["closed"].as_i64(), counts["all"].as_i64(), counts["wait_pay"].as_i64()),
        (Some(0), Some(3), Some(3))
    );
}

#[tokio::test]
async fn other_buyers_roles_and_tokens() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let alice = api.buyer("alice");
    let bob = api.buyer("bob");
    let created = api.create(&alice, &[("tea", 1)]).await;
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let before = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&alice), None).await;

    for (method, path) in [
        (Method::GET, format!("/api/v1/orders/{no}")),
        (Method::POST, format!("/api/v1/orders/{no}/cancel")),
        (Method::DELETE, format!("/api/v1/orders/{no}")),
    ] {
        let answer = api.call(method.clone(), &path, Some(&bob), None).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, 10001), "{method} {path}");
    }
    let after = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&alice), None).await;
    assert_eq!(before.data(), after.data(), "bob changed nothing");
    assert_eq!(api.stock("tea").await, 9);
    assert!(api.call(Method::GET, "/api/v1/orders", Some(&bob), None).await.data()["items"]
        .as_array()
        .unwrap()
        .is_empty());

    // A buyer on a seller route: 403. No token or a bad one: 401. A seller on buyer routes: 403.
    let as_buyer = api
        .call(
            Method::PUT,
            "/api/v1/seller/skus/tea",
            Some(&alice),
            Some(json!({"name": "x", "price": "1.00", "stock": 1})),
        )
        .await;
    assert_eq!((as_buyer.status, as_buyer.code()), (StatusCode::FORBIDDEN, 10003));
    let no_token = api.call(Method::GET, "/api/v1/orders", None, None).await;
    assert_eq!((no_token.status, no_token.code()), (StatusCode::UNAUTHORIZED, 10002));
    let forged = api.call(Method::GET, "/api/v1/orders", Some("not.a.token"), None).await;
    assert_eq!((forged.status, forged.code()), (StatusCode::UNAUTHORIZED, 10002));
    let seller = api.seller("shop-a-user", "shop-a");
    let seller_on_buyer = api.call(Method::GET, "/api/v1/orders", Some(&seller), None).await;
    assert_eq!((seller_on_buyer.status, seller_on_buyer.code()), (StatusCode::FORBIDDEN, 10003));

    // A seller cannot overwrite another shop's SKU.
    let other_shop = api.seller("shop-b-user", "shop-b");
    let taken = api
        .call(
            Method::PUT,
            "/api/v1/seller/skus/tea",
            Some(&other_shop),
            Some(json!({"name": "x", "price": "1.00", "stock": 1})),
        )
        .await;
    assert_eq!((taken.status, taken.code()), (StatusCode::FORBIDDEN, 10003));
    assert_eq!(api.stock("tea").await, 9);

    // Chinese messages on request.
    let zh = api
        .call_with(Method::GET, &format!("/api/v1/orders/{no}"), Some(&bob), None, &[("accept-language", "zh-CN")])
        .await;
    assert!(zh.body["msg"].as_str().unwrap().contains("不存在"), "{}", zh.body);
}

#[tokio::test]
async fn address_book_and_ordering_from_it() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let alice = api.buyer("alice");
    let mut home = address();
    home["detail"] = json!("home");
    let first = api.call(Method::POST, "/api/v1/addresses", Some(&alice), Some(home.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.data()["is_default"], true, "the first address is the default");
    let first_id = first.data()["address_id"].as_str().unwrap().to_string();
    let mut office = address();
    office["detail"] = json!("office");
    office["is_default"] = json!(true);
    let second = api.call(Method::POST, "/api/v1/addresses", Some(&alice), Some(office)).await;
    let second_id = second.data()["address_id"].as_str().unwrap().to_string();
    assert_eq!(second.data()["is_default"], true);
    let list = api.call(Method::GET, "/api/v1/addresses", Some(&alice), None).await;
    let items = list.data()["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["address_id"], second_id.as_str(), "default first");
    assert_eq!(items[1]["is_default"], false, "one default only");

    let mut moved = address();
    moved["detail"] = json!("new home");
    moved["is_default"] = json!(true);
    let updated = api.call(Method::PUT, &format!("/api/v1/addresses/{first_id}"), Some(&alice), Some(moved)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.data()["detail"], "new home");
    let got = api.call(Method::GET, &format!("/api/v1/addresses/{second_id}"), Some(&alice), None).await;
    assert_eq!(got.data()["is_default"], false);

    // Ordering with an address id snapshots it into the order.
    let order = api
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&alice),
            Some(json!({"items": [{"sku_id": "tea", "quantity": 1}], "address_id": first_id})),
        )
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.body);
    assert_eq!(order.data()["orders"][0]["address"]["detail"], "new home");

    // Another buyer's address id is unknown to bob, for reading and for ordering.
    let bob = api.buyer("bob");
    let foreign = api.call(Method::GET, &format!("/api/v1/addresses/{first_id}"), Some(&bob), None).await;
    assert_eq!((foreign.status, foreign.code()), (StatusCode::NOT_FOUND, 10001));
    let foreign_order = api
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&bob),
            Some(json!({"items": [{"sku_id": "tea", "quantity": 1}], "address_id": first_id})),
        )
        .await;
    assert_eq!((foreign_order.status, foreign_order.code()), (StatusCode::NOT_FOUND, 10001));

    let deleted = api.call(Method::DELETE, &format!("/api/v1/addresses/{first_id}"), Some(&alice), None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    let again = api.call(Method::DELETE, &format!("/api/v1/addresses/{first_id}"), Some(&alice), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // At most 20.
    for index in 0..19 {
        let mut extra = address();
        extra["detail"] = json!(format!("extra {index}"));
        let answer = api.call(Method::POST, "/api/v1/addresses", Some(&alice), Some(extra)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "address {index}: {}", answer.body);
    }
    let full = api.call(Method::POST, "/api/v1/addresses", Some(&alice), Some(address())).await;
    assert_eq!((full.status, full.code()), (StatusCode::BAD_REQUEST, 10005));
    let list = api.call(Method::GET, "/api/v1/addresses", Some(&alice), None).await;
    assert_eq!(list.data()["items"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn the_public_catalog_needs_no_token() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "12.30", 7).await;
    let sku = api.call(Method::GET, "/api/v1/skus/tea", None, None).await;
    assert_eq!(sku.status, StatusCode::OK);
    assert_eq!(sku.data()["price"], "12.30");
    assert_eq!(sku.data()["seller_id"], "shop-a");
    let missing = api.call(Method::GET, "/api/v1/skus/nothing", None, None).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, 10001));
}
