//! The samples of the providers' callbacks: each provider's notification, signed (and where the
//! provider asks, encrypted) with the stand-in keys `make dev` trusts.

use super::{request, Caller, Request};
use crate::alipay_keys::{stand_in_alipay_key, DEV_APP_ID};
use crate::seed::demo_order_no;
use orders_shared::adapters::alipay::sign_notification;
use serde_json::json;
use std::collections::BTreeMap;

/// Alipay's notification that the demo order of `alipay-notify` is paid, signed with the stand-in
/// Alipay key `make dev` trusts (the signature is deterministic: RSA PKCS#1 v1.5).
pub(super) fn alipay_notification() -> Result<String, String> {
    let order_no = demo_order_no("alipay-notify").ok_or("no demo order for alipay-notify")?;
    let params = BTreeMap::from([
        ("app_id".to_string(), DEV_APP_ID.to_string()),
        ("charset".to_string(), "utf-8".to_string()),
        ("notify_type".to_string(), "trade_status_sync".to_string()),
        ("out_trade_no".to_string(), order_no),
        ("total_amount".to_string(), "138.00".to_string()),
        ("trade_no".to_string(), "2026112522001400000000000001".to_string()),
        ("trade_status".to_string(), "TRADE_SUCCESS".to_string()),
        ("version".to_string(), "1.0".to_string()),
    ]);
    sign_notification(&stand_in_alipay_key()?, params).map_err(|error| error.to_string())
}

/// A WeChat Pay notification for the demo order of `start-payment`, encrypted with the stand-in
/// APIv3 key and signed with the stand-in WeChat Pay key, at the samples' fixed time: by the time
/// it is sent it is more than five minutes old, so it shows the shape and is refused as stale
/// (`sign-wxpay-notify` makes a fresh one).
pub(super) fn wxpay_notification(
    function: &'static str,
    event_type: &str,
    original_type: &str,
) -> Result<Request, String> {
    let order_no = demo_order_no("start-payment").ok_or("no demo order for start-payment")?;
    let at = orders_shared::domain::time::Timestamp::parse("2026-11-25T03:00:00Z")?;
    let resource = if original_type == "refund" {
        json!({"mchid": crate::wxpay_keys::DEV_MCH_ID, "out_trade_no": order_no, "transaction_id": "4200002026112500000000000001",
            "out_refund_no": format!("{order_no}-1"), "refund_id": "50300002026112500000000000001", "refund_status": "SUCCESS",
            "success_time": "2026-11-25T11:00:00+08:00", "user_received_account": "支付用户零钱",
            "amount": {"total": 13800, "refund": 13800, "payer_total": 13800, "payer_refund": 13800}})
    } else {
        crate::wxpay_keys::paid_transaction(&order_no, 13_800, "4200002026112500000000000001", at)
    };
    let nonce = Some("5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
    let (headers, body) = crate::wxpay_keys::stand_in_notification(event_type, original_type, &resource, at, nonce)?;
    let path = if original_type == "refund" {
        "/api/v1/payments/wxpay/refund-notify"
    } else {
        "/api/v1/payments/wxpay/notify"
    };
    let mut request = request(function, "POST", path, Caller::Public);
    request.body = Some(body);
    request.headers = headers.pairs().to_vec();
    Ok(request)
}

/// LianLian's notification that the demo order of `lianlian-notify` is paid (or, for
/// `lianlian-refund-notify`, that a refund of the `start-payment` demo order was paid back: that
/// order has no such refund, so it is refused), signed with the stand-in LianLian key `make dev`
/// trusts (MD5withRSA is deterministic).
pub(super) fn lianlian_notification(function: &'static str) -> Result<Request, String> {
    use crate::lianlian_keys::{paid_notification, stand_in_lianlian_key, DEV_OID_PARTNER};
    use orders_shared::adapters::lianlian::{sign_notification, Params};
    use orders_shared::domain::money::Money;
    let at = orders_shared::domain::time::Timestamp::parse("2026-11-25T03:00:00Z")?;
    let (path, params) = if function == "lianlian-refund-notify" {
        let order_no = demo_order_no("start-payment").ok_or("no demo order for start-payment")?;
        let params = Params::from([
            ("oid_partner".into(), DEV_OID_PARTNER.into()),
            ("no_refund".into(), format!("{order_no}-1")),
            ("dt_refund".into(), "20261125110000".into()),
            ("oid_refundno".into(), "2026112500000001".into()),
            ("money_refund".into(), "138.00".into()),
            ("sta_refund".into(), "2".into()),
            ("settle_date".into(), "20261125".into()),
        ]);
        ("/api/v1/payments/lianlian/refund-notify", params)
    } else {
        let order_no = demo_order_no(function).ok_or("no demo order for lianlian-notify")?;
        // The bill's time is the order's creation, the first 13 digits of its number.
        let created_ms: i64 = order_no[..13].parse().map_err(|_| "a demo order number")?;
        let dt_order = orders_shared::adapters::lianlian::lianlian_time(
            orders_shared::domain::time::Timestamp::from_millis(created_ms),
        );
        // The shape only: without the buyer our payment start puts in `info_order`.
        let info_order = orders_shared::adapters::lianlian::info_order(&order_no, None);
        let params = paid_notification(&order_no, &info_order, &dt_order, Money(13_800), "2026112500000002", at);
        ("/api/v1/payments/lianlian/notify", params)
    };
    let mut request = request(function, "POST", path, Caller::Public);
    request.body = Some(sign_notification(&stand_in_lianlian_key()?, params).map_err(|error| error.to_string())?);
    Ok(request)
}
