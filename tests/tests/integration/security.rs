//! What the service promises an attacker cannot do: steer where a provider calls back, pay or be
//! paid 0.00, read a cached answer, outrun a race on stock, points or refunds, or turn hostile
//! input into a 5xx. (The points-password lock is `points_password`; roles, tokens and other
//! parties' objects are `authorization`.)

use futures::future::join_all;
use orders_dev::{alipay_keys, handlers};
use orders_integration_tests::{address, alipay_notification, order_body, Method, StatusCode, TestApi, DEV_APP_ID};
use orders_shared::adapters::http::event::EventBuilder;
use orders_shared::http::SECURITY_HEADERS;
use orders_shared::lambda_http;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn form_field(form: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(form.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

#[tokio::test]
async fn the_notify_url_comes_from_configuration_never_from_the_request() {
    let (api, _alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let created = api.create(&buyer, &[("tea", 1)]).await;
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let started = api
        .call_with(
            Method::POST,
            &format!("/api/v1/orders/{no}/payments"),
            Some(&buyer),
            Some(json!({"channel": "alipay"}).to_string()),
            &[("host", "evil.example"), ("x-forwarded-proto", "https"), ("x-forwarded-host", "evil.example")],
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let order_string = started.data()["order_string"].as_str().unwrap();
    assert_eq!(form_field(order_string, "notify_url").as_deref(), Some("https://shop.example.com/notify"));
    assert!(!order_string.contains("evil"), "{order_string}");
}

#[tokio::test]
async fn a_function_without_a_notify_url_refuses_to_start_payments_and_writes_nothing() {
    let (alipay, _alipay_key) = alipay_keys::generate(None).unwrap();
    let api = TestApi::start_with(&orders_integration_tests::dynamodb_endpoint(), |_| {}, Some(alipay)).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let created = api.create(&buyer, &[("tea", 1)]).await;
    let order = created.data()["orders"][0].clone();
    let no = order["order_no"].as_str().unwrap();
    let started = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/payments"), Some(&buyer), Some(json!({"channel": "alipay"})))
        .await;
    assert_eq!((started.status, started.code()), (StatusCode::INTERNAL_SERVER_ERROR, 10004), "{}", started.body);
    let after = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(after.data()["timeline"], order["timeline"], "no payment start was recorded");

    let mut with_payment = order_body(&[("tea", 1)]);
    with_payment["pay_channel"] = json!("alipay");
    let refused = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(with_payment)).await;
    assert_eq!(refused.code(), 10004, "{}", refused.body);
    let listed = api.call(Method::GET, "/api/v1/orders", Some(&buyer), None).await;
    assert_eq!(listed.data()["total"], 1, "no order was placed by the refused create");
}

#[tokio::test]
async fn no_order_is_ever_priced_at_nothing_and_no_payment_of_nothing_is_taken() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    let admin = api.admin("root");
    let level = |percent: i64| json!({"name": "Staff", "discount_percent": percent});
    let everything = api.call(Method::PUT, "/api/v1/admin/member-levels/staff", Some(&admin), Some(level(100))).await;
    assert_eq!((everything.status, everything.code()), (StatusCode::BAD_REQUEST, 10005), "{}", everything.body);
    assert!(everything.body["msg"].as_str().unwrap().contains("discount_percent"));
    let most = api.call(Method::PUT, "/api/v1/admin/member-levels/staff", Some(&admin), Some(level(99))).await;
    assert_eq!(most.status, StatusCode::OK, "{}", most.body);
    let member =
        api.call(Method::PUT, "/api/v1/admin/members/alice", Some(&admin), Some(json!({"level": "staff"}))).await;
    assert_eq!(member.status, StatusCode::OK, "{}", member.body);
    api.put_sku("shop-a", "sticker", "0.01", 10).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    for (sku, payable) in [("sticker", "0.01"), ("tea", "0.10")] {
        let mut body = order_body(&[(sku, 1)]);
        body["benefit"] = json!("discount");
        let created = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        assert_eq!(created.data()["orders"][0]["amounts"]["payable"], payable, "{sku}");
    }

    // A points order is paid as it is placed (0.00 of money): a signed notification of 0.00 for
    // it is refused and changes nothing.
    api.put_sku_body("shop-a", "mug", json!({"name": "Mug", "price": "30.00", "points_price": 10, "stock": 10})).await;
    api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 100})))
        .await;
    let points_order =
        json!({"items": [{"sku_id": "mug", "quantity": 1}], "address": address(), "order_type": "points"});
    let placed = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points_order)).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    let no = placed.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let before = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    let (status, text) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "0.00", "T-ZERO")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    let after = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    assert_eq!(after.body["data"], before.body["data"], "nothing changed");
    assert!(after.data()["late_payments"].as_array().unwrap().is_empty());
}

fn assert_secured(headers: &reqwest::header::HeaderMap, what: &str) {
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(headers.get(name).and_then(|v| v.to_str().ok()), Some(value), "{what}: {name}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_the_docs_page_a_policy() {
    let (api, _alipay) = TestApi::start_with_alipay(|_| {}).await;
    let buyer = api.buyer("alice");
    let requests = [
        ("list", Method::GET, "/api/v1/orders", Some(buyer.as_str()), None),
        ("refused", Method::GET, "/api/v1/orders", None, None),
        ("unknown route", Method::GET, "/api/v1/nowhere", None, None),
        ("provider notification", Method::POST, "/api/v1/payments/alipay/notify", None, Some("sign=forged")),
        ("description", Method::GET, "/api/v1/openapi.json", None, None),
        ("docs page", Method::GET, "/api/v1/docs", None, None),
        ("docs script", Method::GET, "/api/v1/docs/init.js", None, None),
    ];
    for (what, method, path, token, body) in requests {
        let mut request = api.http.request(method, format!("{}{path}", api.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        let response = request.send().await.unwrap();
        assert!(!response.status().is_server_error(), "{what}: {}", response.status());
        assert_secured(response.headers(), what);
        if what == "docs page" {
            let policy = response.headers()["content-security-policy"].to_str().unwrap();
            assert!(policy.contains("script-src 'self'") && !policy.contains("script-src 'self' 'unsafe-inline'"));
            assert!(!response.text().await.unwrap().contains("<script>"), "no inline script for the policy to allow");
        }
    }
    // A function answers with them by itself (in AWS there is no dev server in front).
    let handler = handlers::handler("get-order").unwrap();
    let event = EventBuilder::new(Method::GET, "/api/v1/orders/{id}", "/api/v1/orders/1")
        .path_params([("id", "1")])
        .into_request();
    let response: lambda_http::Response<lambda_http::Body> = handler(api.app.clone(), event).await;
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(response.headers().get(name).and_then(|v| v.to_str().ok()), Some(value), "get-order: {name}");
    }
}

#[tokio::test]
async fn a_quote_refuses_a_pay_channel_the_create_would_refuse() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    for channel in ["bitcoin", "points"] {
        let mut body = order_body(&[("tea", 1)]);
        body["pay_channel"] = json!(channel);
        let quote = api.call(Method::POST, "/api/v1/orders/quote", Some(&buyer), Some(body.clone())).await;
        let create = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
        assert_eq!((quote.status, quote.code()), (StatusCode::BAD_REQUEST, 10005), "{channel}: {}", quote.body);
        assert_eq!(quote.body["msg"], create.body["msg"], "{channel}: the same rule");
    }
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_refused_after_the_read_timeout() {
    let api = TestApi::start().await;
    let token = api.buyer("alice");
    let address = api.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/orders HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"items\""
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("an answer within the read timeout, not a connection held forever")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..read]);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("10005"), "{text}");
}

#[tokio::test]
async fn a_conflict_says_what_happened_in_each_language() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let created = api.create(&buyer, &[("tea", 1)]).await;
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let seller = api.seller("shop-a-user", "shop-a");
    let zh = [("accept-language", "zh-CN")];
    let below = json!({"name": "Tea", "price": "10.00", "stock": 0}).to_string();
    let stock = api.call_with(Method::PUT, "/api/v1/seller/skus/tea", Some(&seller), Some(below.clone()), &[]).await;
    let stock_zh = api.call_with(Method::PUT, "/api/v1/seller/skus/tea", Some(&seller), Some(below), &zh).await;
    assert_eq!((stock.status, stock_zh.status), (StatusCode::CONFLICT, StatusCode::CONFLICT));
    let (en, zh_msg) = (stock.body["msg"].as_str().unwrap(), stock_zh.body["msg"].as_str().unwrap());
    assert!(en.contains("SKU tea") && en.contains("1 units reserved") && !en.contains("order whose status"), "{en}");
    assert!(zh_msg.contains("库存") && zh_msg.contains("tea"), "{zh_msg}");
    let english_words = ["cannot", "stock", "reserved", "order", "status"];
    assert!(!english_words.iter().any(|word| zh_msg.contains(word)), "only Chinese: {zh_msg}");

    let (status, _) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-1")).await;
    assert_eq!(status, StatusCode::OK);
    let cancel = api.call_with(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(&buyer), None, &zh).await;
    assert_eq!(cancel.status, StatusCode::CONFLICT);
    assert_eq!(cancel.body["msg"], "订单状态为已付款，不能取消", "{}", cancel.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_on_stock_points_cases_and_payouts_never_give_twice() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    // Thirty buyers for five units: five orders.
    api.put_sku("shop-a", "rare", "10.00", 5).await;
    let api = &api;
    let creates = (0..30).map(|index| {
        let token = api.buyer(&format!("racer-{index}"));
        async move { api.create(&token, &[("rare", 1)]).await.status }
    });
    let created = join_all(creates).await.into_iter().filter(|status| *status == StatusCode::CREATED).count();
    assert_eq!(created, 5);
    assert_eq!(api.stock("rare").await, 0);

    // Twenty orders spending the same 100 points: one.
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let admin = api.admin("root");
    api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "pat", "points": 100}))).await;
    let pat = api.buyer("pat");
    let spends = (0..20).map(|_| {
        let mut body = order_body(&[("tea", 1)]);
        body["points_to_use"] = json!(100);
        api.call(Method::POST, "/api/v1/orders", Some(&pat), Some(body))
    });
    let spent = join_all(spends).await.into_iter().filter(|answer| answer.status == StatusCode::CREATED).count();
    assert_eq!(spent, 1);

    // Ten applications for one paid order: one case; ten approvals of it: one payout.
    let buyer = api.buyer("alice");
    let created = api.create(&buyer, &[("tea", 1)]).await;
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let (status, _) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-race")).await;
    assert_eq!(status, StatusCode::OK);
    let path = format!("/api/v1/orders/{no}/refund");
    let applications = (0..10)
        .map(|_| api.call(Method::POST, &path, Some(&buyer), Some(json!({"type": "refund_only", "reason": "race"}))));
    let opened: Vec<StatusCode> = join_all(applications).await.into_iter().map(|answer| answer.status).collect();
    assert_eq!(opened.iter().filter(|status| **status == StatusCode::CREATED).count(), 1, "{opened:?}");
    let seller = api.seller("shop-a-user", "shop-a");
    let approve = format!("/api/v1/seller/orders/{no}/refund/approve");
    let approvals = (0..10).map(|_| api.call(Method::POST, &approve, Some(&seller), None));
    let answers: Vec<Value> = join_all(approvals).await.into_iter().map(|answer| answer.body).collect();
    assert!(answers.iter().all(|answer| answer["code"] == 0 || answer["code"] == 10007), "{answers:?}");
    let gateway = api.gateway.as_ref().unwrap();
    assert_eq!(gateway.paid().iter().filter(|paid| paid.out_trade_no == no).count(), 1, "one payout");
}

#[tokio::test]
async fn hostile_bodies_and_paths_are_never_a_5xx() {
    let api = TestApi::start().await;
    let buyer = api.buyer("alice");
    let huge = format!("{{\"remark\": \"{}\"}}", "x".repeat(12 * 1024 * 1024 + 512 * 1024));
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    for (what, body) in
        [("12.5 MiB", huge), ("10,000 levels of arrays", deep), ("10,000 levels of objects", deep_object)]
    {
        let answer = api
            .http
            .post(format!("{}/api/v1/orders", api.base))
            .bearer_auth(&buyer)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{what}");
    }
    let long = "9".repeat(5_000);
    for path in [
        "/api/v1/orders/..%2F..%2Fseller%2Forders".to_string(),
        "/api/v1/orders/%00".to_string(),
        "/api/v1/orders/%E4%BD%A0%E5%A5%BD".to_string(),
        format!("/api/v1/orders/{long}"),
        "/api/v1/orders?cursor=%FF%FE&limit=-1".to_string(),
        "/api/v1/orders?status=paid,paid,paid,%00".to_string(),
        "/api/v1/addresses/%2e%2e".to_string(),
    ] {
        let answer = api.http.get(format!("{}{path}", api.base)).bearer_auth(&buyer).send().await.unwrap();
        let status = answer.status();
        assert!(status.is_client_error(), "{path}: {status}");
    }
}
