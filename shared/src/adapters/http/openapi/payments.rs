//! Paying an order, and the providers' notifications.

use super::answers::*;
use crate::adapters::http::bodies::PaymentBody;
use crate::adapters::http::views::{PaymentStartView, PaymentView};
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

/// Start paying an order
///
/// `alipay` answers the RSA2-signed `order_string` for the Alipay app SDK, `wxpay` the WeChat
/// app SDK's parameters (`wxpay_result`, after a prepay at WeChat Pay); `points` answers the
/// payment state of a points order (paid when placed).
#[utoipa::path(post, path = "/api/v1/orders/{id}/payments", operation_id = "start-payment", tag = "payments",
    params(OrderNoPath),
    request_body = PaymentBody,
    responses(
        (status = 200, description = "What the app needs to pay", content(
            (Envelope<PaymentStartView> = "application/json"),
            (Envelope<PaymentView> = "application/json"),
        )),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn start_payment() {}

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

/// Whether and how an order was paid
///
/// `refresh=true` first asks the providers an unpaid order's payment was started with
/// (`alipay.trade.query`, WeChat Pay's query by `out_trade_no`) and settles a payment whose
/// notification never came.
#[utoipa::path(get, path = "/api/v1/orders/{id}/payment", operation_id = "get-payment", tag = "payments",
    params(OrderNoPath,
        ("refresh" = Option<bool>, Query, description = "Ask the providers first")),
    responses(
        (status = 200, description = "The payment state", body = Envelope<PaymentView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_payment() {}
