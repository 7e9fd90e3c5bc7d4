//! create → pay (signed notification) → ship → tracking → receipt → review through HTTP, payment
//! replays and races, forged notifications, time-outs, the shop's side, and points.

use futures::future::join_all;
use orders_integration_tests::{alipay_notification, Answer, Method, StatusCode, TestApi, DEV_APP_ID};
use orders_shared::app::after_sales::retry_refund_payouts;
use orders_shared::app::sweep::{auto_confirm_receipts, close_expired_orders};
use orders_shared::domain::time::Timestamp;
use serde_json::{json, Value};
use std::time::Duration;

fn first_order(answer: &Answer) -> Value {
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    answer.data()["orders"][0].clone()
}

fn timeline_statuses(order: &Value) -> Vec<String> {
    order["timeline"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap().to_string()).collect()
}

async fn count(api: &TestApi, token: &str, seller: bool, bucket: &str) -> i64 {
    let path = if seller { "/api/v1/seller/order-counts" } else { "/api/v1/order-counts" };
    api.call(Method::GET, path, Some(token), None).await.data()[bucket].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_whole_path_from_order_to_review() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let seller = api.seller("shop-a-user", "shop-a");
    let order = first_order(&api.create(&buyer, &[("tea", 2)]).await);
    let no = order["order_no"].as_str().unwrap().to_string();
    assert!(order["close_seconds"].as_i64().unwrap() > 1700);
    assert_eq!((count(&api, &buyer, false, "wait_pay").await, count(&api, &seller, true, "wait_pay").await), (1, 1));

    // Start paying: a signed order string for the Alipay SDK.
    let start = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/payments"), Some(&buyer), Some(json!({"channel": "alipay"})))
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    let order_string = start.data()["order_string"].as_str().unwrap();
    let params: std::collections::BTreeMap<String, String> =
        serde_urlencoded::from_str(order_string).expect("form encoded");
    assert_eq!(params["method"], "alipay.trade.app.pay");
    assert_eq!(params["sign_type"], "RSA2");
    assert!(params["biz_content"].contains(&no) && params["biz_content"].contains("\"128.00\""));
    let content = orders_shared::adapters::alipay::signing_content(&params, &["sign"]);
    let app_public = api.alipay_app_public.as_ref().expect("Alipay configured");
    assert!(app_public.verify_base64(content.as_bytes(), &params["sign"]), "RSA2 signature verifies");
    let unpaid = api.call(Method::GET, &format!("/api/v1/orders/{no}/payment"), Some(&buyer), None).await;
    assert_eq!((unpaid.data()["status"].as_str(), unpaid.data()["paid"].as_bool()), (Some("unpaid"), Some(false)));

    // Alipay's notification pays it.
    let (status, text) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "128.00", "T-1")).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    let paid = api.call(Method::GET, &format!("/api/v1/orders/{no}/payment"), Some(&buyer), None).await;
    assert_eq!(paid.data()["status"], "paid");
    assert_eq!(paid.data()["trade_no"], "T-1");
    assert_eq!((count(&api, &buyer, false, "wait_send").await, count(&api, &seller, true, "wait_send").await), (1, 1));
    assert_eq!(count(&api, &buyer, false, "wait_pay").await, 0);

    // The shop ships and adds tracking; the buyer sees logistics newest first.
    let logistics_early = api.call(Method::GET, &format!("/api/v1/orders/{no}/logistics"), Some(&buyer), None).await;
    assert_eq!((logistics_early.status, logistics_early.code()), (StatusCode::CONFLICT, 10007));
    let shipped = api
        .call(
            Method::POST,
            &format!("/api/v1/seller/orders/{no}/ship"),
            Some(&seller),
            Some(json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF100"})),
        )
        .await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    assert!(shipped.data()["auto_confirm_at"].is_string());
    assert_eq!(count(&api, &buyer, false, "wait_receipt").await, 1);
    for (at, description) in [("2026-01-02T08:00:00Z", "picked up"), ("2026-01-03T08:00:00Z", "arrived in Chengdu")] {
        let event = api
            .call(
                Method::POST,
                &format!("/api/v1/seller/orders/{no}/tracking-events"),
                Some(&seller),
                Some(json!({"at": at, "description": description, "location": "Chengdu"})),
            )
            .await;
        assert_eq!(event.status, StatusCode::CREATED, "{}", event.body);
    }
    let logistics = api.call(Method::GET, &format!("/api/v1/orders/{no}/logistics"), Some(&buyer), None).await;
    assert_eq!(logistics.data()["tracking_no"], "SF100");
    assert_eq!(logistics.data()["events"][0]["description"], "arrived in Chengdu", "newest first");

    // Receipt, then review.
    let review_early = api.call(Method::POST, &format!("/api/v1/orders/{no}/review"), Some(&buyer), None).await;
    assert_eq!(review_early.code(), 10007);
    let received = api.call(Method::POST, &format!("/api/v1/orders/{no}/receipt"), Some(&buyer), None).await;
    assert_eq!(received.data()["status"], "completed");
    assert_eq!(
        (count(&api, &buyer, false, "completed").await, count(&api, &buyer, false, "wait_review").await),
        (1, 1)
    );
    let reviewed = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/review"), Some(&buyer), Some(json!({"comment": "great tea"})))
        .await;
    assert_eq!(reviewed.data()["reviewed"], true);
    assert_eq!(count(&api, &buyer, false, "wait_review").await, 0);
    assert_eq!(count(&api, &seller, true, "completed").await, 1);
    assert_eq!(
        timeline_statuses(reviewed.data()),
        ["pending_payment", "payment_started", "paid", "shipped", "tracking", "tracking", "completed", "reviewed"]
    );
    let actors: Vec<&str> =
        reviewed.data()["timeline"].as_array().unwrap().iter().map(|e| e["actor"].as_str().unwrap()).collect();
    assert_eq!(actors, ["buyer", "buyer", "payment_provider", "seller", "seller", "seller", "buyer", "buyer"]);

    // The shop's list and detail.
    let shop_list =
        api.call(Method::GET, "/api/v1/seller/orders?status=completed&buyer_id=alice", Some(&seller), None).await;
    assert_eq!(shop_list.data()["items"].as_array().unwrap().len(), 1, "{}", shop_list.body);
    let shop_detail = api.call(Method::GET, &format!("/api/v1/seller/orders/{no}"), Some(&seller), None).await;
    assert_eq!(shop_detail.data()["order_no"], no.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_notification_replayed_twenty_times_pays_once() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let no = first_order(&api.create(&buyer, &[("tea", 1)]).await)["order_no"].as_str().unwrap().to_string();
    let form = alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-20");
    let answers = join_all((0..20).map(|_| api.notify(&form))).await;
    for (status, text) in &answers {
        assert_eq!((*status, text.as_str()), (StatusCode::OK, "success"));
    }
    let order = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(timeline_statuses(order.data()), ["pending_payment", "paid"], "one transition, one entry");
    assert_eq!(api.counts(&buyer).await["wait_send"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pay_racing_cancel_either_pays_or_keeps_the_money_to_pay_back() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 1000).await;
    let buyer = api.buyer("alice");
    let (mut paid_wins, mut cancel_wins) = (0, 0);
    for round in 0..50 {
        let no = first_order(&api.create(&buyer, &[("tea", 1)]).await)["order_no"].as_str().unwrap().to_string();
        let form = alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", &format!("T-race-{round}"));
        let cancel_path = format!("/api/v1/orders/{no}/cancel");
        let (pay, cancel) = tokio::join!(api.notify(&form), api.call(Method::POST, &cancel_path, Some(&buyer), None));
        // Alipay is always answered `success`: the money either paid the order or, the order
        // being cancelled first, is kept on it as a late payment to be paid back.
        assert_eq!((pay.0, pay.1.as_str()), (StatusCode::OK, "success"), "round {round}");
        let cancelled = cancel.status == StatusCode::OK;
        let order = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
        let late = order.data()["late_payments"].as_array().unwrap().len();
        if cancelled {
            assert_eq!((order.data()["status"].as_str(), late), (Some("closed"), 1), "round {round}: {}", order.body);
            assert_eq!(order.data()["late_payments"][0]["trade_no"], format!("T-race-{round}"));
            assert_eq!(order.data()["late_payments"][0]["payout"]["status"], "pending", "round {round}: to go back");
            retry_refund_payouts(&api.app, Timestamp::now()).await.expect("payout schedule");
            let order = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
            let payout = &order.data()["late_payments"][0]["payout"];
            assert_eq!(payout["status"], "succeeded", "round {round}: the late money went back: {}", order.body);
            assert!(order.data()["refund"].is_null(), "round {round}: no after-sales case for it");
            cancel_wins += 1;
        } else {
            assert_eq!((cancel.status, cancel.code()), (StatusCode::CONFLICT, 10007), "round {round}");
            assert_eq!((order.data()["status"].as_str(), late), (Some("paid"), 0), "round {round}");
            paid_wins += 1;
        }
    }
    let counts = api.counts(&buyer).await;
    assert_eq!((counts["wait_send"].as_i64(), counts["closed"].as_i64()), (Some(paid_wins), Some(cancel_wins)));
    assert_eq!(api.stock("tea").await, 1000 - paid_wins, "cancelled orders gave their stock back");
    let paid_back: i64 = api.gateway.as_ref().unwrap().paid().iter().map(|refund| refund.amount.0).sum();
    assert_eq!(paid_back, 1000 * cancel_wins, "each late payment was paid back once");
}

#[tokio::test]
async fn forged_or_wrong_notifications_change_nothing() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let no = first_order(&api.create(&buyer, &[("tea", 1)]).await)["order_no"].as_str().unwrap().to_string();
    let forged_key = orders_shared::adapters::crypto::SigningKey::generate().expect("a key");
    let cases = [
        ("forged signature", alipay_notification(&forged_key, DEV_APP_ID, &no, "10.00", "T-x")),
        ("wrong amount", alipay_notification(&alipay, DEV_APP_ID, &no, "0.01", "T-x")),
        ("unknown order", alipay_notification(&alipay, DEV_APP_ID, "176400000000099999", "10.00", "T-x")),
        ("wrong app id", alipay_notification(&alipay, "2021999999999999", &no, "10.00", "T-x")),
        ("tampered", alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-x").replace("T-x", "T-y")),
        ("no signature", "app_id=2021000000000000&out_trade_no=1&trade_status=TRADE_SUCCESS".to_string()),
    ];
    for (what, form) in cases {
        let (status, text) = api.notify(&form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {text}");
        assert!(text.contains("10010"), "{what}: {text}");
    }
    let order = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(order.data()["status"], "pending_payment");
    assert_eq!(timeline_statuses(order.data()).len(), 1);
}

#[tokio::test]
async fn an_order_past_its_window_cannot_be_paid_and_every_read_agrees_until_the_schedule_closes_it() {
    let (api, alipay) = TestApi::start_with_alipay(|config| config.payment_window_seconds = 1).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let no = first_order(&api.create(&buyer, &[("tea", 3)]).await)["order_no"].as_str().unwrap().to_string();
    assert_eq!(api.stock("tea").await, 7);
    tokio::time::sleep(Duration::from_millis(1300)).await;

    // Before the schedule closes it, every read agrees: it is unpaid, with no time left to pay.
    let detail = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(
        (detail.data()["status"].as_str(), detail.data()["close_seconds"].as_i64()),
        (Some("pending_payment"), Some(0))
    );
    let listed = api.call(Method::GET, "/api/v1/orders", Some(&buyer), None).await;
    assert_eq!(listed.data()["items"][0]["status"], "pending_payment");
    let pending = api.call(Method::GET, "/api/v1/orders?status=pending_payment", Some(&buyer), None).await;
    assert_eq!(pending.data()["items"].as_array().unwrap().len(), 1);
    assert_eq!(pending.data()["total"], 1);
    let counts = api.counts(&buyer).await;
    assert_eq!((counts["wait_pay"].as_i64(), counts["closed"].as_i64()), (Some(1), Some(0)));
    let payment = api.call(Method::GET, &format!("/api/v1/orders/{no}/payment"), Some(&buyer), None).await;
    assert_eq!(
        (payment.data()["status"].as_str(), payment.data()["close_seconds"].as_i64()),
        (Some("unpaid"), Some(0))
    );
    // It can no longer be paid: starting is refused, and money that arrives anyway is kept on the
    // order to be paid back (Alipay is answered `success`, so it stops repeating).
    let start = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/payments"), Some(&buyer), Some(json!({"channel": "alipay"})))
        .await;
    assert_eq!(start.code(), 10007);
    let (status, text) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "30.00", "T-late")).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    let (status, _) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "30.00", "T-late")).await;
    assert_eq!(status, StatusCode::OK, "a repeat is acknowledged and recorded once");
    let detail = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(detail.data()["status"], "pending_payment");
    assert_eq!(detail.data()["late_payments"].as_array().unwrap().len(), 1);
    assert_eq!(detail.data()["late_payments"][0]["amount"], "30.00");

    // The sweeper writes it down and gives the stock back.
    let report = close_expired_orders(&api.app, Timestamp::now()).await.expect("sweep");
    assert_eq!((report.done, report.skipped), (1, 0));
    assert_eq!(api.stock("tea").await, 10);
    let counts = api.counts(&buyer).await;
    assert_eq!((counts["wait_pay"].as_i64(), counts["closed"].as_i64()), (Some(0), Some(1)));
    // The payout schedule pays the late money back through its own payout (no after-sales case).
    let paid_back = retry_refund_payouts(&api.app, Timestamp::now()).await.expect("payout schedule");
    assert_eq!(paid_back.done, 1);
    let stored = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    let steps = ["pending_payment", "payment_late", "closed", "late_payment_refunded"];
    assert_eq!(timeline_statuses(stored.data()), steps);
    assert_eq!(stored.data()["late_payments"][0]["payout"]["status"], "succeeded");
    assert!(stored.data()["refund"].is_null());
    let again = close_expired_orders(&api.app, Timestamp::now()).await.expect("sweep");
    assert_eq!(again.due, 0, "the due index no longer holds it");
}

#[tokio::test]
async fn shipped_orders_complete_by_themselves() {
    let (api, alipay) = TestApi::start_with_alipay(|config| config.auto_confirm_days = 10).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let seller = api.seller("u", "shop-a");
    let no = first_order(&api.create(&buyer, &[("tea", 1)]).await)["order_no"].as_str().unwrap().to_string();
    api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-auto")).await;
    api.call(
        Method::POST,
        &format!("/api/v1/seller/orders/{no}/ship"),
        Some(&seller),
        Some(json!({"carrier_code": "YTO", "carrier_name": "YTO Express", "tracking_no": "YT1"})),
    )
    .await;
    let early = auto_confirm_receipts(&api.app, Timestamp::now()).await.expect("sweep");
    assert_eq!(early.done, 0, "not yet due");
    let later = auto_confirm_receipts(&api.app, Timestamp::now().plus_seconds(10 * 86_400 + 60)).await.expect("sweep");
    assert_eq!(later.done, 1);
    let order = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(order.data()["status"], "completed");
    assert_eq!(order.data()["timeline"].as_array().unwrap().last().unwrap()["actor"], "system");
    assert_eq!(api.counts(&buyer).await["wait_review"], 1);
}

#[tokio::test]
async fn shops_see_and_act_on_their_own_orders_only() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let no = first_order(&api.create(&buyer, &[("tea", 1)]).await)["order_no"].as_str().unwrap().to_string();
    let other_shop = api.seller("b-user", "shop-b");
    let ship_body = json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"});
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/seller/orders/{no}"), None),
        (Method::POST, format!("/api/v1/seller/orders/{no}/close"), None),
        (Method::POST, format!("/api/v1/seller/orders/{no}/ship"), Some(ship_body.clone())),
        (Method::POST, format!("/api/v1/seller/orders/{no}/tracking-events"), Some(json!({"description": "x"}))),
    ] {
        let answer = api.call(method, &path, Some(&other_shop), body).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, 10001), "{path}: {}", answer.body);
    }
    assert!(api.call(Method::GET, "/api/v1/seller/orders", Some(&other_shop), None).await.data()["items"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(count(&api, &other_shop, true, "all").await, 0);
    for path in ["/api/v1/seller/orders", "/api/v1/seller/order-counts"] {
        let answer = api.call(Method::GET, path, Some(&buyer), None).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::FORBIDDEN, 10003), "{path}");
    }
    let as_buyer =
        api.call(Method::POST, &format!("/api/v1/seller/orders/{no}/ship"), Some(&buyer), Some(ship_body)).await;
    assert_eq!((as_buyer.status, as_buyer.code()), (StatusCode::FORBIDDEN, 10003));

    // The owning shop may close it while unpaid; stock comes back; shipping it then is a conflict.
    let shop = api.seller("a-user", "shop-a");
    let closed = api
        .call(
            Method::POST,
            &format!("/api/v1/seller/orders/{no}/close"),
            Some(&shop),
            Some(json!({"reason": "no stock"})),
        )
        .await;
    assert_eq!((closed.status, closed.data()["close_reason"].as_str()), (StatusCode::OK, Some("seller_closed")));
    assert_eq!(api.stock("tea").await, 10);
    // Money that arrives now is kept on the order to be paid back; Alipay is told `success`.
    let (status, text) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-closed")).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    let payment = api.call(Method::GET, &format!("/api/v1/orders/{no}/payment"), Some(&buyer), None).await;
    assert_eq!(
        (payment.data()["paid"].as_bool(), payment.data()["late"][0]["amount"].as_str()),
        (Some(false), Some("10.00"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn points_pay_whole_orders_or_part_and_are_never_spent_twice() {
    let api = TestApi::start().await;
    api.put_sku_body(
        "shop-a",
        "mug",
        json!({"name": "Points mug", "price": "30.00", "points_price": 300, "stock": 100}),
    )
    .await;
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let admin = api.admin("root");
    let buyer = api.buyer("alice");
    let not_admin = api
        .call(Method::POST, "/api/v1/admin/points", Some(&buyer), Some(json!({"buyer_id": "alice", "points": 5})))
        .await;
    assert_eq!(not_admin.code(), 10003);
    let granted = api
        .call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 1000})))
        .await;
    assert_eq!(granted.data()["balance"], 1000, "{}", granted.body);

    // A points order is paid at creation.
    let body = json!({"items": [{"sku_id": "mug", "quantity": 2}], "address": orders_integration_tests::address(), "order_type": "points"});
    let order = first_order(&api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body.clone())).await);
    assert_eq!(order["status"], "paid");
    assert_eq!(order["amounts"]["points_used"], 600);
    assert_eq!(order["amounts"]["payable"], "0.00");
    assert_eq!(order["payment"]["channel"], "points");
    assert_eq!(balance(&api, &buyer).await, 400);
    let short = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
    assert_eq!((short.status, short.code()), (StatusCode::BAD_REQUEST, 10005), "{}", short.body);
    let tea_only = json!({"items": [{"sku_id": "tea", "quantity": 1}], "address": orders_integration_tests::address(), "order_type": "points"});
    let not_for_points = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(tea_only)).await;
    assert_eq!(not_for_points.code(), 10005);

    // Points offset part of a standard order and come back when it is cancelled.
    let partial = json!({"items": [{"sku_id": "tea", "quantity": 1}], "address": orders_integration_tests::address(), "points_to_use": 100});
    let order = first_order(&api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(partial)).await);
    assert_eq!(
        (order["amounts"]["payable"].as_str(), order["amounts"]["points_used"].as_i64()),
        (Some("9.00"), Some(100))
    );
    assert_eq!(balance(&api, &buyer).await, 300);
    let no = order["order_no"].as_str().unwrap();
    api.call(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(&buyer), None).await;
    assert_eq!(balance(&api, &buyer).await, 400);

    // Ten racing points orders of 300 against a balance of 1000: exactly three.
    api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 600})))
        .await;
    let one = json!({"items": [{"sku_id": "mug", "quantity": 1}], "address": orders_integration_tests::address(), "order_type": "points"});
    let answers =
        join_all((0..10).map(|_| api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(one.clone())))).await;
    assert_eq!(answers.iter().filter(|a| a.status == StatusCode::CREATED).count(), 3);
    assert_eq!(balance(&api, &buyer).await, 100);
    let overdraw = api
        .call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": -101})))
        .await;
    assert_eq!(overdraw.code(), 10005);
    assert_eq!(balance(&api, &buyer).await, 100);
}

async fn balance(api: &TestApi, token: &str) -> i64 {
    api.call(Method::GET, "/api/v1/points", Some(token), None).await.data()["balance"].as_i64().unwrap()
}

#[tokio::test]
async fn a_shop_does_not_wait_for_the_review_of_an_order_its_buyer_deleted() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let seller = api.seller("u", "shop-a");
    let no = first_order(&api.create(&buyer, &[("tea", 1)]).await)["order_no"].as_str().unwrap().to_string();
    api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-review")).await;
    let ship = json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"});
    api.call(Method::POST, &format!("/api/v1/seller/orders/{no}/ship"), Some(&seller), Some(ship)).await;
    api.call(Method::POST, &format!("/api/v1/orders/{no}/receipt"), Some(&buyer), None).await;
    assert_eq!(count(&api, &seller, true, "wait_review").await, 1);
    let deleted = api.call(Method::DELETE, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(count(&api, &seller, true, "wait_review").await, 0, "a deleted order will not be reviewed");
    assert_eq!(count(&api, &seller, true, "completed").await, 1, "the shop still counts the sale");
}

#[tokio::test]
async fn pay_channel_starts_paying_in_the_create_call() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "64.00", 10).await;
    api.put_sku("shop-b", "cup", "10.00", 10).await;
    api.put_sku_body(
        "shop-a",
        "mug",
        json!({"name": "Points mug", "price": "30.00", "points_price": 100, "stock": 10}),
    )
    .await;
    let buyer = api.buyer("alice");
    let admin = api.admin("root");
    api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 500})))
        .await;

    // Two shops, one call: two orders, each with its signed order string.
    let mut body = orders_integration_tests::order_body(&[("tea", 1), ("cup", 2)]);
    body["pay_channel"] = json!("alipay");
    let created = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let payments = created.data()["payments"].as_array().unwrap().clone();
    assert_eq!(payments.len(), 2);
    let app_public = api.alipay_app_public.as_ref().expect("Alipay configured");
    for payment in &payments {
        let params: std::collections::BTreeMap<String, String> =
            serde_urlencoded::from_str(payment["order_string"].as_str().unwrap()).unwrap();
        let content = orders_shared::adapters::alipay::signing_content(&params, &["sign"]);
        assert!(app_public.verify_base64(content.as_bytes(), &params["sign"]), "RSA2 signature verifies");
        assert!(params["biz_content"].contains(payment["order_no"].as_str().unwrap()));
        assert!(params["biz_content"].contains(&format!("\"{}\"", payment["amount"].as_str().unwrap())));
    }
    // The buyer pays one; it is an order like any other.
    let no = payments[0]["order_no"].as_str().unwrap();
    let amount = payments[0]["amount"].as_str().unwrap();
    let (status, _) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, no, amount, "T-created")).await;
    assert_eq!(status, StatusCode::OK);

    // pay_type is pay_channel's alias, and sccb is points, for a points order.
    let sccb = json!({"items": [{"sku_id": "mug", "quantity": 1}], "address": orders_integration_tests::address(), "order_type": "points", "pay_type": "sccb"});
    let paid = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(sccb)).await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
    assert_eq!(paid.data()["orders"][0]["status"], "paid");
    assert!(paid.data().get("payments").is_none(), "nothing left to pay");
    for (pay_channel, order_type, field) in [
        ("points", "standard", "pay_channel"),
        ("wxpay", "points", "pay_channel"),
        ("alipay", "points", "pay_channel"),
        ("cash", "standard", "pay_channel"),
    ] {
        let mut body = orders_integration_tests::order_body(&[("tea", 1)]);
        body["pay_channel"] = json!(pay_channel);
        body["order_type"] = json!(order_type);
        if order_type == "points" {
            body["items"] = json!([{"sku_id": "mug", "quantity": 1}]);
        }
        let refused = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::BAD_REQUEST, 10005),
            "{pay_channel}/{order_type}: {}",
            refused.body
        );
        assert!(refused.body["msg"].as_str().unwrap().contains(field));
    }
    assert_eq!(api.stock("tea").await, 9, "refused calls reserved nothing");
}
