//! The payment providers' callbacks: their notifications, each verified as the provider signs
//! it and answered as the provider expects.

use super::answers::*;
use utoipa::ToSchema;

/// The fields of Alipay's asynchronous notification this API reads (it verifies the RSA2 `sign`
/// over all of them).
#[derive(ToSchema)]
pub struct AlipayNotificationForm {
    pub app_id: String,
    /// The order number.
    pub out_trade_no: String,
    /// Alipay's trade number.
    pub trade_no: String,
    /// The amount paid, `"128.00"`.
    pub total_amount: String,
    /// `TRADE_SUCCESS` and `TRADE_FINISHED` pay the order; others are acknowledged.
    pub trade_status: String,
    pub sign: String,
    /// `RSA2`.
    pub sign_type: Option<String>,
}

/// Alipay's asynchronous notification (no token: its RSA2 signature is verified)
///
/// Answered `success` (text) once recorded, also for a payment the order can no longer take
/// (kept as a late payment to be paid back).
#[utoipa::path(post, path = "/api/v1/payments/alipay/notify", operation_id = "alipay-notify", tag = "payments", security(()),
    request_body(content = AlipayNotificationForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Recorded", body = String, content_type = "text/plain", example = json!("success")),
        (status = 400, description = "Signature, app id, order or amount wrong (10010)", body = ErrorEnvelope),
        Faults,
    ))]
fn alipay_notify() {}

/// WeChat Pay's answer to a notification it sent: `FAIL` makes it send the notification again.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WxpayFailure {
    /// `FAIL`.
    pub code: String,
    pub message: String,
}

/// WeChat Pay API v3 payment notification (no token: its headers' signature is verified)
///
/// Signed by WeChat Pay (`Wechatpay-Timestamp`, `-Nonce`, `-Signature`, `-Serial`: the public key
/// id); a timestamp more than 5 minutes off is refused. The `resource` is decrypted with the
/// APIv3 key (AEAD_AES_256_GCM); `mchid`, `appid`, `out_trade_no` and `amount.total` are checked and
/// `trade_state` `SUCCESS` pays the order once. 204 once recorded, also for a payment the order
/// can no longer take (kept as a late payment and paid back).
#[utoipa::path(post, path = "/api/v1/payments/wxpay/notify", operation_id = "wxpay-notify", tag = "payments", security(()),
    params(WxpaySignatureHeaders),
    request_body(content = WxpayNotification, content_type = "application/json"),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Signature, time, merchant, order or amount wrong; nothing changed", body = WxpayFailure),
        (status = 500, description = "Not configured", body = WxpayFailure),
        (status = 503, description = "Try again", body = WxpayFailure),
    ))]
fn wxpay_notify() {}

/// WeChat Pay API v3 refund notification (no token: verified like a payment notification)
///
/// `REFUND.SUCCESS` settles the refund WeChat Pay answered `PROCESSING`; `REFUND.ABNORMAL` and
/// `REFUND.CLOSED` leave it for the shop's retry. 204 once recorded.
#[utoipa::path(post, path = "/api/v1/payments/wxpay/refund-notify", operation_id = "wxpay-refund-notify", tag = "payments", security(()),
    params(WxpaySignatureHeaders),
    request_body(content = WxpayNotification, content_type = "application/json"),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Signature, time, merchant or refund wrong; nothing changed", body = WxpayFailure),
        (status = 500, description = "Not configured", body = WxpayFailure),
        (status = 503, description = "Try again", body = WxpayFailure),
    ))]
fn wxpay_refund_notify() {}

/// The headers WeChat Pay signs a notification with.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct WxpaySignatureHeaders {
    /// Unix seconds.
    #[param(rename = "Wechatpay-Timestamp")]
    pub timestamp: Option<String>,
    #[param(rename = "Wechatpay-Nonce")]
    pub nonce: Option<String>,
    /// Base64 SHA256-RSA over `timestamp\nnonce\nbody\n`.
    #[param(rename = "Wechatpay-Signature")]
    pub signature: Option<String>,
    /// The WeChat Pay public key id (`PUB_KEY_ID_...`).
    #[param(rename = "Wechatpay-Serial")]
    pub serial: Option<String>,
}

/// A WeChat Pay notification: its envelope with the encrypted resource.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WxpayNotification {
    pub id: String,
    pub create_time: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, ...
    pub event_type: String,
    pub resource_type: String,
    pub resource: WxpayResource,
    pub summary: String,
}

/// AEAD_AES_256_GCM with the APIv3 key.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WxpayResource {
    pub algorithm: String,
    /// Base64 of the ciphertext and its tag.
    pub ciphertext: String,
    pub associated_data: String,
    pub original_type: String,
    /// 12 characters.
    pub nonce: String,
}

/// LianLian Pay's payment notification (JSON), as this API reads it: every member a string,
/// `sign` (`MD5withRSA` by LianLian's key) over the others sorted by name.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LianlianNotification {
    pub oid_partner: String,
    /// The order number.
    pub no_order: String,
    /// The order's time, `yyyyMMddHHmmss` (Beijing).
    pub dt_order: String,
    /// LianLian's bill number.
    pub oid_paybill: String,
    /// The amount paid, `"128.00"`.
    pub money_order: String,
    /// `SUCCESS` pays the order; others are acknowledged.
    pub result_pay: String,
    pub settle_date: Option<String>,
    /// The order's description as the payment's parameters gave it, passed back:
    /// `order <order_no> buyer=<buyer>`.
    pub info_order: Option<String>,
    pub pay_type: Option<String>,
    pub bank_code: Option<String>,
    /// `RSA`.
    pub sign_type: String,
    pub sign: String,
}

/// LianLian Pay's refund notification.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LianlianRefundNotification {
    pub oid_partner: String,
    /// The refund's request number (`<order_no>-<n>`).
    pub no_refund: String,
    pub dt_refund: String,
    /// LianLian's refund number.
    pub oid_refundno: String,
    pub money_refund: String,
    /// `2` paid back, `3` failed; others mean still being paid.
    pub sta_refund: String,
    pub settle_date: Option<String>,
    /// `RSA`.
    pub sign_type: String,
    pub sign: String,
}

/// LianLian Pay's answer to a notification: `0000` stops it repeating it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LianlianAcknowledgement {
    /// `0000` when recorded (or recorded before); `9999` when refused, nothing changed.
    pub ret_code: String,
    /// `交易成功`, or why it was refused.
    pub ret_msg: String,
}

/// LianLian Pay payment notification (no token: its `MD5withRSA` signature is verified)
///
/// Verified with LianLian's public key; `oid_partner` must be the shop's, `money_order` the order's
/// payable amount; `result_pay` `SUCCESS` pays the order once. `{"ret_code": "0000"}` once
/// recorded, also for a payment the order can no longer take (kept as a late payment and paid
/// back).
#[utoipa::path(post, path = "/api/v1/payments/lianlian/notify", operation_id = "lianlian-notify", tag = "payments", security(()),
    request_body(content = LianlianNotification, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = LianlianAcknowledgement, example = json!({"ret_code": "0000", "ret_msg": "交易成功"})),
        (status = 400, description = "Signature, partner, order or amount wrong; nothing changed", body = LianlianAcknowledgement),
        (status = 500, description = "Not configured", body = LianlianAcknowledgement),
        (status = 503, description = "Try again", body = LianlianAcknowledgement),
    ))]
fn lianlian_notify() {}

/// LianLian Pay refund notification (no token: verified like a payment notification)
///
/// `sta_refund` `2` settles the refund LianLian was still paying; `3` leaves it for the shop's
/// retry. `{"ret_code": "0000"}` once recorded.
#[utoipa::path(post, path = "/api/v1/payments/lianlian/refund-notify", operation_id = "lianlian-refund-notify", tag = "payments", security(()),
    request_body(content = LianlianRefundNotification, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = LianlianAcknowledgement),
        (status = 400, description = "Signature, partner or refund wrong; nothing changed", body = LianlianAcknowledgement),
        (status = 500, description = "Not configured", body = LianlianAcknowledgement),
        (status = 503, description = "Try again", body = LianlianAcknowledgement),
    ))]
fn lianlian_refund_notify() {}
