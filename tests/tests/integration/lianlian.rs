//! LianLian Pay end to end against the stand-in the tests start (which checks every request's
//! `MD5withRSA` signature with the merchant's public key and signs its answers and notifications
//! with the committed RSA-1024 stand-in key): the parameters the mobile SDK takes (quick pay and
//! Apple Pay, the wiki shop's `llQuickPay` / `llApplePay` names), the notification, refunds paid
//! once under faults and lost answers, refund notifications, lost notifications found by
//! `?refresh=true` and by the payment-timeout schedule, a late payment paid back, and bad
//! notifications that change nothing.

use orders_dev::alipay_gateway::Fault;
use orders_dev::lianlian_keys::{self, paid_notification, MerchantKey};
use orders_integration_tests::{Method, StatusCode, TestApi};
use orders_shared::adapters::crypto::Md5RsaVerifyingKey;
use orders_shared::adapters::lianlian::{
    check_signature, info_order, lianlian_time, sign_notification, LianlianConfig, LianlianSettings, Params,
};
use orders_shared::app::after_sales::retry_refund_payouts;
use orders_shared::app::payment::start;
use orders_shared::app::sweep::close_expired_orders;
use orders_shared::domain::money::Money;
use orders_shared::domain::payment::{PaymentChannel, PaymentChoice, PaymentMethod};
use orders_shared::domain::time::Timestamp;
use orders_shared::ApiError;
use serde_json::{json, Value};
use std::sync::Arc;

const SHOP: &str = "shop-a";
const NOTIFY: &str = "/api/v1/payments/lianlian/notify";
const REFUND_NOTIFY: &str = "/api/v1/payments/lianlian/refund-notify";

async fn api_with(window_seconds: i64) -> TestApi {
    let api = TestApi::start_with(
        &orders_integration_tests::dynamodb_endpoint(),
        |config| config.payment_window_seconds = window_seconds,
        None,
    )
    .await;
    api.put_sku(SHOP, "tea", "64.00", 100).await;
    api
}

/// Posts a body to a LianLian callback; (status, the answer as JSON).
async fn deliver(api: &TestApi, path: &str, body: &str) -> (StatusCode, Value) {
    let response = api
        .http
        .post(format!("{}{path}", api.base))
        .header("content-type", "application/json;charset=utf-8")
        .body(body.to_string())
        .send()
        .await
        .expect("the dev server answers");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")))
}

/// The parameters a start answered, as the SDK would send them.
fn params_of(value: &Value) -> Params {
    let object = value.as_object().unwrap_or_else(|| panic!("lianlian_params is an object: {value}"));
    object
        .iter()
        .map(|(name, value)| {
            let text = value.as_str().unwrap_or_else(|| panic!("{name} is a string: {value}"));
            (name.clone(), text.to_string())
        })
        .collect()
}

/// The harness's merchant key's public half: what the stand-in trusts.
fn merchant_public_key() -> Md5RsaVerifyingKey {
    orders_integration_tests::lianlian_merchant_key().verifying_key().expect("the merchant's public key")
}

/// A paid notification for `no` signed by the stand-in LianLian key, with `change` applied to its
/// parameters before signing.
fn notification(no: &str, amount: Money, change: impl FnOnce(&mut Params)) -> String {
    let created_ms: i64 = no[..13].parse().expect("an order number");
    let mut params = paid_notification(
        no,
        &info_order(no, None),
        &lianlian_time(Timestamp::from_millis(created_ms)),
        amount,
        &format!("2026{}", &no[6..18]),
        Timestamp::now(),
    );
    change(&mut params);
    sign_notification(&lianlian_keys::stand_in_lianlian_key().expect("stand-in key"), params).expect("signed")
}

#[tokio::test]
async fn a_buyer_pays_with_lianlian_quick_pay_end_to_end_and_is_refunded_once() {
    let api = api_with(1800).await;
    let buyer = api.buyer("ll-buyer");
    let (no, created) = api.create_paying(&buyer, "lianlian").await;

    // What LianLian's SDK takes: every value a string, signed MD5withRSA by the merchant key.
    let payment_start = &created["payments"][0];
    assert_eq!(payment_start["channel"], "lianlian");
    let params = params_of(&payment_start["lianlian_params"]);
    check_signature(&merchant_public_key(), &params, &[]).expect("the merchant's signature verifies");
    let placed = &created["orders"][0];
    let created_at = Timestamp::parse(placed["created_at"].as_str().unwrap()).unwrap();
    assert_eq!(params["oid_partner"], lianlian_keys::DEV_OID_PARTNER);
    assert_eq!(params["busi_partner"], "109001", "physical goods");
    assert_eq!(params["no_order"], no);
    assert_eq!(params["dt_order"], lianlian_time(created_at), "the order's time, Beijing");
    assert_eq!(params["money_order"], "128.00");
    assert_eq!(params["sign_type"], "RSA");
    assert_eq!(params["user_id"], "ll-buyer");
    assert_eq!(params["info_order"], format!("order {no} buyer=ll-buyer"), "passed back by the notification");
    assert_eq!(params["notify_url"], format!("{}{NOTIFY}", api.base));
    let minutes: i64 = params["valid_order"].parse().expect("minutes");
    assert!((29..=30).contains(&minutes), "the minutes left to pay: {minutes}");
    let risk: Value = serde_json::from_str(&params["risk_item"]).expect("risk_item is JSON text");
    assert_eq!(risk["frms_ware_category"], lianlian_keys::DEV_WARE_CATEGORY);
    assert_eq!(risk["user_info_mercht_userno"], "ll-buyer");
    assert!(!params.contains_key("ap_merchant_id"), "quick pay by default");
    assert_eq!(placed["payment_starts"], json!(["lianlian"]));
    let mut tampered = params.clone();
    tampered.insert("money_order".into(), "0.01".into());
    assert!(check_signature(&merchant_public_key(), &tampered, &[]).is_err(), "the amount is covered");

    // The buyer pays in the app; LianLian's notification pays the order, reading it directly (the
    // buyer rides in `info_order`): one GetItem and one write.
    api.calls.take();
    let (bill, notified) = api.lianlian.buyer_pays(&params, true).await.expect("paid");
    let (status, answer) = notified.expect("a notification was sent");
    assert_eq!(status, 200);
    assert_eq!(api.calls.take(), ["GetItem", "TransactWriteItems"], "the notification's round trips");
    assert_eq!(serde_json::from_str::<Value>(&answer).unwrap(), json!({"ret_code": "0000", "ret_msg": "交易成功"}));
    let paid = api.payment_of(&buyer, &no, false).await;
    assert_eq!(
        (paid["status"].as_str(), paid["channel"].as_str(), paid["trade_no"].as_str()),
        (Some("paid"), Some("lianlian"), Some(bill.oid_paybill.as_str()))
    );

    // A refund: LianLian is still paying it; its notification settles the case once.
    let approved = api.refund_approved(&buyer, &no).await;
    let case = &approved["refund"];
    assert_eq!((case["status"].as_str(), case["payout"]["status"].as_str()), (Some("refunding"), Some("processing")));
    let no_refund = case["payout"]["out_request_no"].as_str().unwrap().to_string();
    assert_eq!(no_refund, format!("{no}-1"));
    let refunds = api.lianlian.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!((refunds[0].money_refund, refunds[0].sta_refund.as_str()), (Money(12_800), "1"));
    let (_, notified) = api.lianlian.complete_refund(&no_refund, true).await.expect("completed");
    assert_eq!(notified.expect("notified").0, 200);
    let after = api.order_of(&buyer, &no).await;
    assert_eq!(after["refund"]["status"], "refunded", "{after}");
    assert_eq!(after["refund"]["payout"]["status"], "succeeded");
    let (_, again) = api.lianlian.complete_refund(&no_refund, true).await.expect("again");
    assert_eq!(again.expect("notified").0, 200, "a repeat is acknowledged");
    assert_eq!(api.order_of(&buyer, &no).await["version"], after["version"], "and changes nothing");
    assert_eq!(api.lianlian.refunded(&no), Money(12_800), "paid back once");
    assert_eq!(api.lianlian.refused_signatures(), 0, "every request the stand-in saw was signed by the merchant key");
}

#[tokio::test]
async fn apple_pay_and_the_wiki_shops_pay_type_names_choose_the_method() {
    let api = api_with(1800).await;
    let buyer = api.buyer("ll-apple");
    let (no, created) = api.create_paying(&buyer, "llApplePay").await;
    let params = params_of(&created["payments"][0]["lianlian_params"]);
    assert_eq!(params["ap_merchant_id"], lianlian_keys::DEV_AP_MERCHANT_ID);
    check_signature(&merchant_public_key(), &params, &[]).expect("signed with the Apple merchant id");

    let start_with = |body: Value| {
        let path = format!("/api/v1/orders/{no}/payments");
        let api = &api;
        let buyer = buyer.clone();
        async move { api.call(Method::POST, &path, Some(&buyer), Some(body)).await }
    };
    let quick = start_with(json!({"pay_type": "llQuickPay"})).await;
    assert_eq!(quick.status, StatusCode::OK, "{}", quick.body);
    assert!(quick.data()["lianlian_params"].get("ap_merchant_id").is_none());
    let apple = start_with(json!({"channel": "lianlian", "method": "apple"})).await;
    assert_eq!(apple.data()["lianlian_params"]["ap_merchant_id"], lianlian_keys::DEV_AP_MERCHANT_ID);
    for (body, field) in [
        (json!({"channel": "alipay", "method": "apple"}), "method"),
        (json!({"pay_type": "llQuickPay", "method": "apple"}), "method"),
        (json!({"channel": "lianlian", "method": "card"}), ""),
        (json!({"channel": "unionpay"}), "channel"),
    ] {
        let refused = start_with(body.clone()).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{body}: {}", refused.body);
        assert!(refused.body["msg"].as_str().unwrap().contains(field), "{body}: {}", refused.body);
    }
    assert_eq!(api.order_of(&buyer, &no).await["payment_starts"], json!(["lianlian"]), "recorded once");

    // A function without the Apple merchant id refuses Apple Pay before writing anything.
    let merchant = MerchantKey::generate().unwrap();
    let settings = LianlianSettings {
        oid_partner: lianlian_keys::DEV_OID_PARTNER.into(),
        ware_category: lianlian_keys::DEV_WARE_CATEGORY.into(),
        ap_merchant_id: None,
        notify_url: Some("https://api.example.com/api/v1/payments/lianlian/notify".into()),
        refund_notify_url: None,
    };
    let without = LianlianConfig::with_keys(
        settings,
        merchant.signing_key().unwrap(),
        lianlian_keys::stand_in_lianlian_public_key().unwrap(),
    );
    let app = api.app.clone().with_provider(PaymentChannel::Lianlian, Arc::new(without));
    let (other, _) = api.create_paying(&buyer, "wxpay").await;
    let apple = PaymentChoice { channel: PaymentChannel::Lianlian, method: Some(PaymentMethod::Apple) };
    let refused = start(&app, "ll-apple", &other, apple).await;
    assert!(matches!(&refused, Err(ApiError::Internal(why)) if why.contains("LIANLIAN_AP_MERCHANT_ID")), "{refused:?}");
    assert_eq!(api.order_of(&buyer, &other).await["payment_starts"], json!(["wxpay"]), "nothing written");
}

#[tokio::test]
async fn tampered_foreign_wrong_amount_wrong_key_and_unsigned_notifications_change_nothing() {
    let api = api_with(1800).await;
    let buyer = api.buyer("ll-hostile");
    let (no, _) = api.create_paying(&buyer, "lianlian").await;
    let before = api.order_of(&buyer, &no).await;
    let genuine = notification(&no, Money(12_800), |_| {});

    let tampered = genuine.replacen("128.00", "128.01", 1);
    let foreign = notification(&no, Money(12_800), |params| {
        params.insert("oid_partner".into(), "209900000000000999".into());
    });
    let wrong_amount = notification(&no, Money(1), |_| {});
    let unsigned = {
        let mut body: Value = serde_json::from_str(&genuine).unwrap();
        body.as_object_mut().unwrap().remove("sign");
        body.to_string()
    };
    let md5 = {
        let mut body: Value = serde_json::from_str(&genuine).unwrap();
        body["sign_type"] = json!("MD5");
        body.to_string()
    };
    // Signed by a key that is not LianLian's (the merchant's own, say).
    let impostor = MerchantKey::generate().unwrap().signing_key().unwrap();
    let created_ms: i64 = no[..13].parse().unwrap();
    let impostor_body = sign_notification(
        &impostor,
        paid_notification(
            &no,
            &info_order(&no, None),
            &lianlian_time(Timestamp::from_millis(created_ms)),
            Money(12_800),
            "2026x",
            Timestamp::now(),
        ),
    )
    .unwrap();
    let unknown_order = notification("176400000000099999", Money(12_800), |_| {});
    let cases = [
        ("tampered", tampered),
        ("another partner", foreign),
        ("another amount", wrong_amount),
        ("unsigned", unsigned),
        ("sign_type MD5", md5),
        ("not LianLian's key", impostor_body),
        ("no such order", unknown_order),
        ("not JSON", "oid_partner=1&sign=x".to_string()),
    ];
    for (what, body) in &cases {
        let (status, answer) = deliver(&api, NOTIFY, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {answer}");
        assert_eq!(answer["ret_code"], "9999", "{what}: {answer}");
        assert!(answer["ret_msg"].as_str().is_some_and(|message| !message.is_empty()), "{what}");
    }
    // A bill that failed is acknowledged and changes nothing.
    let failed = notification(&no, Money(12_800), |params| {
        params.insert("result_pay".into(), "FAILURE".into());
    });
    let (status, answer) = deliver(&api, NOTIFY, &failed).await;
    assert_eq!((status, answer["ret_code"].as_str()), (StatusCode::OK, Some("0000")));
    assert_eq!(api.order_of(&buyer, &no).await, before, "no refused notification changed the order");

    // The genuine one pays; replaying it changes nothing more.
    let (status, answer) = deliver(&api, NOTIFY, &genuine).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({"ret_code": "0000", "ret_msg": "交易成功"})));
    let paid = api.order_of(&buyer, &no).await;
    assert_eq!(paid["status"], "paid");
    for _ in 0..3 {
        let (status, answer) = deliver(&api, NOTIFY, &genuine).await;
        assert_eq!((status, answer["ret_code"].as_str()), (StatusCode::OK, Some("0000")), "a replay is acknowledged");
    }
    assert_eq!(api.order_of(&buyer, &no).await, paid, "replays changed nothing");

    // A refund notification for a refund that does not exist is refused.
    let refund = sign_notification(
        &lianlian_keys::stand_in_lianlian_key().unwrap(),
        Params::from([
            ("oid_partner".into(), lianlian_keys::DEV_OID_PARTNER.into()),
            ("no_refund".into(), format!("{no}-7")),
            ("dt_refund".into(), "20261125110000".into()),
            ("oid_refundno".into(), "2026112500000009".into()),
            ("money_refund".into(), "128.00".into()),
            ("sta_refund".into(), "2".into()),
        ]),
    )
    .unwrap();
    let (status, answer) = deliver(&api, REFUND_NOTIFY, &refund).await;
    assert_eq!((status, answer["ret_code"].as_str()), (StatusCode::BAD_REQUEST, Some("9999")), "{answer}");
    assert_eq!(api.order_of(&buyer, &no).await, paid);
}

#[tokio::test]
async fn a_lost_lianlian_notification_is_found_by_refresh_and_the_schedule_and_late_payments_are_paid_back() {
    // A window of 3 s: three creates and two payments fit in it even on a loaded machine.
    let api = api_with(3).await;
    let buyer = api.buyer("ll-lost");
    let (refreshed_no, refreshed_created) = api.create_paying(&buyer, "lianlian").await;
    let (swept_no, swept_created) = api.create_paying(&buyer, "lianlian").await;
    let (late_no, late_created) = api.create_paying(&buyer, "lianlian").await;
    let params = |created: &Value| params_of(&created["payments"][0]["lianlian_params"]);
    // Paid in the app, but the notifications never arrive.
    assert!(api.lianlian.buyer_pays(&params(&refreshed_created), false).await.expect("paid").1.is_none());
    let (swept_bill, _) = api.lianlian.buyer_pays(&params(&swept_created), false).await.expect("paid");

    assert_eq!(api.payment_of(&buyer, &refreshed_no, false).await["paid"], false, "nothing said yet");
    let refreshed = api.payment_of(&buyer, &refreshed_no, true).await;
    assert_eq!((refreshed["paid"].as_bool(), refreshed["channel"].as_str()), (Some(true), Some("lianlian")));

    // Past the deadline the schedule asks LianLian before it closes (LianLian has no close: the
    // bill's valid_order ends it). LianLian says a bill was paid but never when, so a payment
    // learned only now, after the deadline, cannot pay the order: it is kept and paid back, and
    // the order closes.
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let report = close_expired_orders(&api.app, Timestamp::now()).await.expect("the schedule runs");
    assert_eq!((report.due, report.done), (2, 2), "{report:?}");
    let swept = api.order_of(&buyer, &swept_no).await;
    assert_eq!(swept["status"], "closed", "{swept}");
    assert_eq!(swept["late_payments"][0]["trade_no"], swept_bill.oid_paybill.as_str(), "found, not lost: {swept}");
    let closed = api.order_of(&buyer, &late_no).await;
    assert_eq!((closed["status"].as_str(), closed["close_reason"].as_str()), (Some("closed"), Some("payment_timeout")));

    // The buyer pays the closed order anyway (within the bill's validity): kept likewise.
    let (bill, notified) = api.lianlian.buyer_pays(&params(&late_created), true).await.expect("LianLian takes it");
    assert_eq!(notified.expect("notified").0, 200, "acknowledged so that LianLian stops repeating");
    let kept = api.order_of(&buyer, &late_no).await;
    assert_eq!(kept["status"], "closed");
    assert_eq!(kept["late_payments"][0]["trade_no"], bill.oid_paybill.as_str(), "{kept}");

    // The payout schedule pays both back, each under its own request number, once.
    api.lianlian.refunds_succeed_at_once(true);
    retry_refund_payouts(&api.app, Timestamp::now()).await.expect("runs");
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(3600)).await.expect("runs again");
    for no in [&swept_no, &late_no] {
        let repaid = api.order_of(&buyer, no).await;
        assert_eq!(repaid["late_payments"][0]["payout"]["status"], "succeeded", "{repaid}");
        assert_eq!(api.lianlian.refunded(no), Money(12_800));
    }
    assert_eq!(api.lianlian.refunds().len(), 2, "the late payments only");
    assert_eq!(api.lianlian.refunded(&refreshed_no), Money::ZERO);
    assert!(api.lianlian.calls("/orderquery.htm") >= 3);
    assert_eq!(api.lianlian.refused_signatures(), 0);
}

#[tokio::test]
async fn a_lianlian_refund_is_paid_once_under_timeouts_lost_and_unverified_answers_and_a_refusal_waits_for_the_shop() {
    let api = api_with(1800).await;
    let buyer = api.buyer("ll-faults");
    let (no, created) = api.create_paying(&buyer, "lianlian").await;
    api.lianlian.buyer_pays(&params_of(&created["payments"][0]["lianlian_params"]), true).await.expect("paid");
    api.lianlian.refunds_succeed_at_once(true);
    // No answer in time (not taken); taken but the answer lost (502); then never reached.
    let stall = Fault::Stall { paid: false, for_: std::time::Duration::from_millis(600) };
    api.lianlian.script([stall, Fault::BadGateway { paid: true }]);
    let approved = api.refund_approved(&buyer, &no).await;
    assert_eq!(approved["refund"]["payout"]["status"], "pending", "{approved}");
    assert!(api.lianlian.refunds().is_empty(), "not taken");
    // The retry asks first (no such refund), then sends it again under the same number.
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(3600)).await.expect("runs");
    assert_eq!(api.order_of(&buyer, &no).await["refund"]["status"], "refunding", "the answer was lost");
    assert_eq!(api.lianlian.refunds().len(), 1, "taken");
    // The next retry asks first and learns it was paid: nothing is sent again.
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(7200)).await.expect("runs");
    let after = api.order_of(&buyer, &no).await;
    assert_eq!(after["refund"]["status"], "refunded", "{after}");
    assert_eq!(after["refund"]["payout"]["attempts"], 3);
    assert_eq!((api.lianlian.calls("/refund.htm"), api.lianlian.calls("/refundquery.htm")), (2, 2));
    assert_eq!(api.lianlian.refunded(&no), Money(12_800), "one refund, under one request number");

    // An answer that does not verify is not trusted; the retry's query settles it.
    let (no, created) = api.create_paying(&buyer, "lianlian").await;
    api.lianlian.buyer_pays(&params_of(&created["payments"][0]["lianlian_params"]), true).await.expect("paid");
    api.lianlian.script([Fault::BadSignature]);
    let approved = api.refund_approved(&buyer, &no).await;
    assert_eq!(approved["refund"]["payout"]["status"], "pending", "{approved}");
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(3600)).await.expect("runs");
    assert_eq!(api.order_of(&buyer, &no).await["refund"]["status"], "refunded");
    assert_eq!(api.lianlian.refunded(&no), Money(12_800));

    // A business refusal keeps LianLian's ret_code and waits for the shop, whose retry reuses
    // the number (asking first).
    let (no, created) = api.create_paying(&buyer, "lianlian").await;
    api.lianlian.buyer_pays(&params_of(&created["payments"][0]["lianlian_params"]), true).await.expect("paid");
    api.lianlian.script([Fault::Refuse("8914")]);
    let refused = api.refund_approved(&buyer, &no).await;
    let payout = &refused["refund"]["payout"];
    assert_eq!(payout["status"], "failed", "{refused}");
    assert!(payout["last_error"].as_str().unwrap().contains("8914"), "{payout}");
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(86_400)).await.expect("runs");
    assert_eq!(api.lianlian.refunded(&no), Money::ZERO, "a refusal is not retried by the schedule");
    let retried = api.shop_refund_step(&no, "retry-payout").await;
    assert_eq!(retried["refund"]["status"], "refunded", "{retried}");
    assert_eq!(retried["refund"]["payout"]["out_request_no"], format!("{no}-1"));
    assert_eq!(api.lianlian.refunded(&no), Money(12_800));
    assert_eq!(api.lianlian.refused_signatures(), 0);
}
