//! WeChat Pay API v3 end to end against the stand-in gateway the tests start (which checks every
//! request's signature and signs its answers and notifications): pay at creation, the
//! notification, refunds answered `PROCESSING` and settled by the refund notification or the
//! retry schedule's query; notifications that are tampered with, replayed, stale, for another
//! merchant or amount change nothing; lost notifications are found by `?refresh=true` and by
//! the payment-timeout schedule, which closes unpaid trades at the provider first. Alipay's
//! query and close are checked the same way.

use orders_dev::wxpay_keys;
use orders_integration_tests::{Method, StatusCode, TestApi};
use orders_shared::adapters::crypto::SigningKey;
use orders_shared::adapters::wxpay::{build_notification, ApiV3Key};
use orders_shared::app::after_sales::retry_refund_payouts;
use orders_shared::app::sweep::close_expired_orders;
use orders_shared::domain::money::Money;
use orders_shared::domain::time::Timestamp;
use serde_json::{json, Value};

const SHOP: &str = "shop-a";

/// A notification's headers.
type Headers = Vec<(&'static str, String)>;

async fn api_with(window_seconds: i64) -> TestApi {
    let (api, _alipay) = TestApi::start_with_alipay(|config| config.payment_window_seconds = window_seconds).await;
    api.put_sku(SHOP, "tea", "64.00", 100).await;
    api
}

/// Posts a notification (headers and body as WeChat Pay sends them) to `path`.
async fn deliver(api: &TestApi, path: &str, headers: &[(&str, String)], body: &str) -> (StatusCode, String) {
    let mut request = api.http.post(format!("{}{path}", api.base)).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.body(body.to_string()).send().await.expect("the dev server answers");
    (response.status(), response.text().await.unwrap_or_default())
}

fn transaction(no: &str, total: i64, mchid: &str, appid: &str) -> Value {
    let mut resource = wxpay_keys::paid_transaction(no, total, &format!("4200{no}"), Timestamp::now());
    resource["mchid"] = json!(mchid);
    resource["appid"] = json!(appid);
    resource
}

/// A payment notification signed and encrypted with the stand-in keys, at `at`.
fn notification(resource: &Value, at: Timestamp) -> (Vec<(&'static str, String)>, String) {
    let (headers, body) = wxpay_keys::stand_in_notification("TRANSACTION.SUCCESS", "transaction", resource, at, None)
        .expect("a notification");
    (headers.pairs().to_vec(), body)
}

#[tokio::test]
async fn a_buyer_pays_with_wechat_pay_end_to_end_and_is_refunded_once() {
    let api = api_with(1800).await;
    let buyer = api.buyer("wx-buyer");
    let (no, created) = api.create_paying(&buyer, "wxpay").await;

    // The create answered the app's parameters, signed by the merchant key over
    // appid\ntimestamp\nnoncestr\nprepayid\n.
    let params = &created["payments"][0]["wxpay_result"];
    assert_eq!(created["payments"][0]["channel"], "wxpay");
    assert_eq!(params["package"], "Sign=WXPay");
    assert_eq!(params["partnerid"], wxpay_keys::DEV_MCH_ID);
    let message = format!(
        "{}\n{}\n{}\n{}\n",
        params["appid"].as_str().unwrap(),
        params["timestamp"].as_str().unwrap(),
        params["noncestr"].as_str().unwrap(),
        params["prepayid"].as_str().unwrap()
    );
    let merchant_public = orders_integration_tests::wxpay_merchant_key().verifying_key().unwrap();
    assert!(merchant_public.verify_base64(message.as_bytes(), params["sign"].as_str().unwrap()));
    assert_eq!(created["orders"][0]["payment_starts"], json!(["wxpay"]));
    let trade = api.wxpay.trade(&no).expect("a prepay at the gateway");
    assert_eq!((trade.total, trade.trade_state.as_str()), (12_800, "NOTPAY"));
    assert_eq!(params["prepayid"].as_str(), Some(trade.prepay_id.as_str()));

    // The buyer pays; WeChat Pay's notification is verified, decrypted and recorded.
    assert_eq!(api.wxpay.buyer_pays(&no, true).await.expect("paid"), Some(204));
    let paid = api.payment_of(&buyer, &no, false).await;
    assert_eq!(
        (paid["status"].as_str(), paid["paid"].as_bool(), paid["channel"].as_str()),
        (Some("paid"), Some(true), Some("wxpay"))
    );
    assert_eq!(paid["trade_no"].as_str(), Some(api.wxpay.trade(&no).unwrap().transaction_id.as_str()));

    // A refund of the unshipped order: WeChat Pay answers PROCESSING, the case stays refunding.
    let approved = api.refund_approved(&buyer, &no).await;
    let case = &approved["refund"];
    assert_eq!((case["status"].as_str(), case["payout"]["status"].as_str()), (Some("refunding"), Some("processing")));
    let refund_no = case["payout"]["out_request_no"].as_str().unwrap().to_string();
    let refunds = api.wxpay.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!((refunds[0].refund, refunds[0].total, refunds[0].status.as_str()), (12_800, 12_800, "PROCESSING"));

    // The refund completes; its notification settles the case (and a repeat changes nothing).
    assert_eq!(api.wxpay.complete_refund(&refund_no, true).await.expect("completed"), Some(204));
    let after = api.order_of(&buyer, &no).await;
    assert_eq!(after["refund"]["status"], "refunded", "{after}");
    assert_eq!(after["refund"]["payout"]["status"], "succeeded");
    let version = after["version"].as_u64();
    assert_eq!(api.wxpay.complete_refund(&refund_no, true).await.expect("again"), Some(204));
    assert_eq!(
        api.order_of(&buyer, &no).await["version"].as_u64(),
        version,
        "a repeated refund notification changes nothing"
    );
    assert_eq!(api.wxpay.refunds().len(), 1, "paid back once");
    assert_eq!(api.wxpay.calls().1, 0, "every request the gateway saw was signed by the merchant key");
}

#[tokio::test]
async fn tampered_replayed_stale_foreign_and_wrong_amount_notifications_change_nothing() {
    let api = api_with(1800).await;
    let buyer = api.buyer("wx-hostile");
    let (no, _) = api.create_paying(&buyer, "wxpay").await;
    let before = api.order_of(&buyer, &no).await;
    let notify = "/api/v1/payments/wxpay/notify";
    let now = Timestamp::now();
    let ids = (wxpay_keys::DEV_MCH_ID, wxpay_keys::DEV_APP_ID);

    // Tampered: the body changed after it was signed.
    let (headers, body) = notification(&transaction(&no, 12_800, ids.0, ids.1), now);
    let tampered = body.replacen("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESs", 1);
    // Stale: signed 6 minutes ago.
    let (stale_headers, stale_body) = notification(&transaction(&no, 12_800, ids.0, ids.1), now.plus_seconds(-360));
    // Another merchant, another app, another amount: signed and encrypted correctly.
    let (foreign_headers, foreign_body) = notification(&transaction(&no, 12_800, "1900000999", ids.1), now);
    let (app_headers, app_body) = notification(&transaction(&no, 12_800, ids.0, "wx-other-app"), now);
    let (amount_headers, amount_body) = notification(&transaction(&no, 1, ids.0, ids.1), now);
    // Signed by a key that is not WeChat Pay's, and a serial that is not its key id.
    let apiv3 = ApiV3Key::from_text(wxpay_keys::DEV_APIV3_KEY).unwrap();
    let impostor = SigningKey::generate().unwrap();
    let (impostor_headers, impostor_body) = build_notification(
        &apiv3,
        &impostor,
        wxpay_keys::DEV_PUBLIC_KEY_ID,
        "TRANSACTION.SUCCESS",
        "transaction",
        &transaction(&no, 12_800, ids.0, ids.1),
        now,
    )
    .unwrap();
    let mut wrong_serial = headers.clone();
    wrong_serial[3].1 = "PUB_KEY_ID_SOMEONE_ELSE".into();
    // Encrypted with another APIv3 key (and correctly signed).
    let other_apiv3 = ApiV3Key::from_text("another0apiv3key0of0thirty0two0b").unwrap();
    let wxpay_key = wxpay_keys::stand_in_wxpay_key().unwrap();
    let (other_key_headers, other_key_body) = build_notification(
        &other_apiv3,
        &wxpay_key,
        wxpay_keys::DEV_PUBLIC_KEY_ID,
        "TRANSACTION.SUCCESS",
        "transaction",
        &transaction(&no, 12_800, ids.0, ids.1),
        now,
    )
    .unwrap();

    let cases: Vec<(&str, Headers, String)> = vec![
        ("tampered", headers.clone(), tampered),
        ("stale", stale_headers, stale_body),
        ("another merchant", foreign_headers, foreign_body),
        ("another app", app_headers, app_body),
        ("another amount", amount_headers, amount_body),
        ("not WeChat Pay's key", impostor_headers.pairs().to_vec(), impostor_body),
        ("another key id", wrong_serial, body.clone()),
        ("another APIv3 key", other_key_headers.pairs().to_vec(), other_key_body),
        ("unsigned", Vec::new(), body.clone()),
    ];
    for (what, headers, body) in &cases {
        let (status, text) = deliver(&api, notify, headers, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {text}");
        let answer: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"));
        assert_eq!(answer["code"], "FAIL", "{what}");
        assert!(answer["message"].as_str().is_some_and(|message| !message.is_empty()), "{what}");
    }
    assert_eq!(api.order_of(&buyer, &no).await, before, "no refused notification changed the order");

    // The genuine one pays; replaying it exactly changes nothing more.
    let (status, _) = deliver(&api, notify, &headers, &body).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let paid = api.order_of(&buyer, &no).await;
    assert_eq!(paid["status"], "paid");
    for _ in 0..3 {
        let (status, _) = deliver(&api, notify, &headers, &body).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "a replay is acknowledged");
    }
    assert_eq!(api.order_of(&buyer, &no).await, paid, "replays changed nothing");
}

#[tokio::test]
async fn a_lost_wechat_pay_notification_is_found_by_refresh_and_by_the_timeout_schedule() {
    // A window of 3 s: three creates and two payments fit in it even on a loaded machine.
    let api = api_with(3).await;
    let buyer = api.buyer("wx-lost");
    let (refreshed_no, _) = api.create_paying(&buyer, "wxpay").await;
    let (swept_no, _) = api.create_paying(&buyer, "wxpay").await;
    let (unpaid_no, _) = api.create_paying(&buyer, "wxpay").await;
    // Paid in the app, but the notifications never arrive.
    assert_eq!(api.wxpay.buyer_pays(&refreshed_no, false).await.expect("paid"), None);
    assert_eq!(api.wxpay.buyer_pays(&swept_no, false).await.expect("paid"), None);

    assert_eq!(api.payment_of(&buyer, &refreshed_no, false).await["paid"], false, "nothing said yet");
    let refreshed = api.payment_of(&buyer, &refreshed_no, true).await;
    assert_eq!((refreshed["paid"].as_bool(), refreshed["status"].as_str()), (Some(true), Some("paid")), "{refreshed}");

    // Past the deadline: the schedule asks before it closes.
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let report = close_expired_orders(&api.app, Timestamp::now()).await.expect("the schedule runs");
    assert_eq!((report.due, report.done), (2, 2), "{report:?}");
    let swept = api.order_of(&buyer, &swept_no).await;
    assert_eq!(swept["status"], "paid", "paid at the provider: settled, not closed");
    assert!(swept["late_payments"].as_array().unwrap().is_empty());
    let unpaid = api.order_of(&buyer, &unpaid_no).await;
    assert_eq!((unpaid["status"].as_str(), unpaid["close_reason"].as_str()), (Some("closed"), Some("payment_timeout")));
    assert_eq!(api.wxpay.trade(&unpaid_no).unwrap().trade_state, "CLOSED", "closed at WeChat Pay first");
    assert!(api.wxpay.buyer_pays(&unpaid_no, true).await.is_err(), "a closed trade can no longer be paid");
    assert_eq!(api.wxpay.calls().1, 0);
}

#[tokio::test]
async fn a_processing_refund_whose_notification_is_lost_is_settled_by_the_retry_schedules_query() {
    let api = api_with(1800).await;
    let buyer = api.buyer("wx-refund-query");
    let (no, _) = api.create_paying(&buyer, "wxpay").await;
    api.wxpay.buyer_pays(&no, true).await.expect("paid");
    let approved = api.refund_approved(&buyer, &no).await;
    let refund_no = approved["refund"]["payout"]["out_request_no"].as_str().unwrap().to_string();
    assert_eq!(approved["refund"]["payout"]["status"], "processing");

    // Still processing when the schedule asks: nothing moves, nothing is sent twice.
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(3600)).await.expect("runs");
    assert_eq!(api.order_of(&buyer, &no).await["refund"]["status"], "refunding");
    // It completes without a notification: the next query settles it.
    api.wxpay.complete_refund(&refund_no, false).await.expect("completed");
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(7200)).await.expect("runs");
    let after = api.order_of(&buyer, &no).await;
    assert_eq!(
        (after["refund"]["status"].as_str(), after["status"].as_str()),
        (Some("refunded"), Some("closed")),
        "{after}"
    );
    assert_eq!(api.wxpay.refunds().len(), 1, "one refund at WeChat Pay");
    assert_eq!(api.wxpay.calls().1, 0);
}

#[tokio::test]
async fn a_lost_alipay_notification_is_found_by_refresh_and_an_unpaid_trade_is_closed_at_alipay() {
    let api = api_with(1).await;
    let buyer = api.buyer("ali-lost");
    let (paid_no, created) = api.create_paying(&buyer, "alipay").await;
    assert!(created["payments"][0]["order_string"].as_str().is_some_and(|text| text.contains("sign=")));
    let (unpaid_no, _) = api.create_paying(&buyer, "alipay").await;
    let gateway = api.gateway.as_ref().expect("the stand-in Alipay gateway");
    let trade_no = gateway.buyer_pays(&paid_no, Money(12_800));

    let refreshed = api.payment_of(&buyer, &paid_no, true).await;
    assert_eq!(
        (refreshed["paid"].as_bool(), refreshed["trade_no"].as_str()),
        (Some(true), Some(trade_no.as_str())),
        "{refreshed}"
    );

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    close_expired_orders(&api.app, Timestamp::now()).await.expect("the schedule runs");
    assert_eq!(api.order_of(&buyer, &unpaid_no).await["status"], "closed");
    assert_eq!(
        gateway.trade(&unpaid_no).map(|trade| trade.status),
        Some("TRADE_CLOSED".to_string()),
        "closed at Alipay first"
    );
    assert_eq!(gateway.calls().1, 0);
}

#[tokio::test]
async fn wxpay_is_refused_for_points_orders_and_a_trade_started_twice_is_one_prepay() {
    let api = api_with(1800).await;
    let buyer = api.buyer("wx-twice");
    let (no, created) = api.create_paying(&buyer, "wxpay").await;
    let again = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/payments"), Some(&buyer), Some(json!({"channel": "wxpay"})))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.data()["wxpay_result"]["prepayid"], created["payments"][0]["wxpay_result"]["prepayid"]);
    assert_eq!(api.order_of(&buyer, &no).await["payment_starts"], json!(["wxpay"]), "recorded once");

    let mut points = orders_integration_tests::order_body(&[("tea", 1)]);
    points["order_type"] = json!("points");
    points["pay_type"] = json!("wxpay");
    let refused = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(points)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
}

#[tokio::test]
async fn a_wechat_refund_whose_answer_is_lost_after_it_was_taken_is_retried_under_the_same_number_and_paid_once() {
    use orders_dev::alipay_gateway::Fault;
    let api = api_with(1800).await;
    let buyer = api.buyer("wx-refund-fault");
    let (no, _) = api.create_paying(&buyer, "wxpay").await;
    api.wxpay.buyer_pays(&no, true).await.expect("paid");
    api.wxpay.refunds_succeed_at_once(true);
    // The gateway takes the refund, then the answer is lost (502); then one that does not verify.
    api.wxpay.script([Fault::BadGateway { paid: true }, Fault::BadSignature]);
    let approved = api.refund_approved(&buyer, &no).await;
    assert_eq!(approved["refund"]["payout"]["status"], "pending", "{approved}");
    assert_eq!(api.wxpay.refunds().len(), 1, "taken once already");
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(3600)).await.expect("runs");
    assert_eq!(api.order_of(&buyer, &no).await["refund"]["status"], "refunding", "an unverified answer is not trusted");
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(7200)).await.expect("runs");
    let after = api.order_of(&buyer, &no).await;
    assert_eq!(after["refund"]["status"], "refunded", "{after}");
    assert_eq!(after["refund"]["payout"]["attempts"], 3);
    let refunds = api.wxpay.refunds();
    assert_eq!((refunds.len(), refunds[0].refund), (1, 12_800), "one refund, under one request number");
}

#[tokio::test]
async fn an_unreachable_wechat_pay_still_places_the_orders_and_says_which_payment_did_not_start() {
    use orders_shared::app::checkout::{place_and_start, Placed};
    use orders_shared::domain::member::Benefit;
    use orders_shared::domain::order::OrderType;
    use orders_shared::domain::payment::PaymentChannel;
    use orders_shared::domain::pricing::{AddressSource, Checkout};
    let api = api_with(1800).await;
    // The same merchant, its gateway a port nothing listens on.
    let merchant = orders_integration_tests::wxpay_merchant_key().to_pem().unwrap();
    let wxpay_key = wxpay_keys::stand_in_wxpay_key().unwrap();
    let notify_url = Some("https://api.example.com/api/v1/payments/wxpay/notify".to_string());
    let unreachable = wxpay_keys::config(SigningKey::from_text(&merchant).unwrap(), &wxpay_key, notify_url)
        .unwrap()
        .with_gateway("http://127.0.0.1:9", std::time::Duration::from_millis(300));
    let app = api.app.clone().with_provider(PaymentChannel::Wxpay, std::sync::Arc::new(unreachable));
    let checkout = Checkout {
        items: vec![("tea".to_string(), 1)],
        order_type: OrderType::Standard,
        from_cart: None,
        benefit: Benefit::None,
        address: AddressSource::Inline(orders_shared::samples::address()),
        remark: String::new(),
        fingerprint: "wx-unreachable".into(),
        pay_password: None,
        pay_channel: Some(PaymentChannel::Wxpay.into()),
    };
    let (placed, starts) = place_and_start(&app, "wx-unreachable", &checkout, None).await.unwrap();
    let Placed::Created(orders) = placed else { panic!("new orders") };
    assert_eq!(orders.len(), 1);
    let no = orders[0].order_no.clone();
    assert!(starts.started.is_empty());
    assert_eq!(starts.failed.len(), 1);
    assert_eq!(starts.failed[0].0, no);
    assert!(matches!(starts.failed[0].1, orders_shared::ApiError::Unavailable(_)), "{:?}", starts.failed[0].1);
    // The start was written before WeChat Pay was called, so the timeout schedule will ask it.
    let stored = api.app.store.order_by_no(&no).await.unwrap().unwrap();
    assert_eq!(stored.payment_starts, vec![PaymentChannel::Wxpay]);

    // Reachable again: start-payment starts it.
    let buyer = api.buyer("wx-unreachable");
    let again = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/payments"), Some(&buyer), Some(json!({"channel": "wxpay"})))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.data()["wxpay_result"]["package"], "Sign=WXPay");
}
