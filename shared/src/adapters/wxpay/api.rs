//! The API v3 calls: app prepay (and the app's signed parameters), query and close a trade, refund
//! and query a refund. Every answer must verify; one that does not, a timeout or a 5xx is an
//! unknown outcome (asked again under the same number).

use super::config::WxpayConfig;
use super::sign::{authorization, base_path, beijing_rfc3339, nonce, unix_seconds, verify_signed};
use crate::adapters::crypto::SigningKey;
use crate::adapters::outbound::{send, CallError};
use crate::domain::money::Money;
use crate::domain::order::Order;
use crate::domain::payment::{PayoutRequest, RefundStatus, TradeFacts, TradeStatus};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};
use serde::{Deserialize, Serialize};
use serde_json::json;

const ATTACH_BUYER: &str = "buyer=";

/// What a prepay attaches so that WeChat Pay passes it back in the notification (at most 128
/// characters): the buyer, so the order is read without its number claim. None when too long.
pub fn attach_of_buyer(buyer_id: &str) -> Option<String> {
    let attach = format!("{ATTACH_BUYER}{buyer_id}");
    (attach.chars().count() <= 128).then_some(attach)
}

/// What the app SDK takes to open WeChat Pay (`PayReq`), `sign` over
/// `appid\ntimestamp\nnoncestr\nprepayid\n` with the merchant key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppPayParams {
    pub appid: String,
    pub partnerid: String,
    pub prepayid: String,
    pub package: String,
    pub noncestr: String,
    pub timestamp: String,
    pub sign: String,
}

pub fn app_pay_params(
    config: &WxpayConfig,
    key: &SigningKey,
    prepay_id: &str,
    at: Timestamp,
) -> Result<AppPayParams, ApiError> {
    let (timestamp, noncestr) = (unix_seconds(at).to_string(), nonce());
    let message = format!("{}\n{timestamp}\n{noncestr}\n{prepay_id}\n", config.app_id);
    let sign = key.sign_base64(message.as_bytes()).map_err(ApiError::Internal)?;
    Ok(AppPayParams {
        appid: config.app_id.clone(),
        partnerid: config.mch_id.clone(),
        prepayid: prepay_id.to_string(),
        package: "Sign=WXPay".to_string(),
        noncestr,
        timestamp,
        sign,
    })
}

/// A verified answer of the gateway.
struct Verified {
    status: u16,
    body: serde_json::Value,
}

/// Why a call has no trustworthy answer: its outcome is unknown.
#[derive(Debug)]
struct NoAnswer(String);

/// Signs and sends one call; the answer counts only if its signature verifies.
async fn call(
    config: &WxpayConfig,
    method: &str,
    path_and_query: &str,
    body: Option<&serde_json::Value>,
    now: Timestamp,
) -> Result<Result<Verified, NoAnswer>, ApiError> {
    let body = body.map(|body| body.to_string()).unwrap_or_default();
    // The signature covers the URL's whole path (a gateway behind a base path included).
    let signed_path = format!("{}{path_and_query}", base_path(&config.gateway.url));
    let key = config.signing_key().await?;
    let authorization = authorization(&config.mch_id, &config.mch_serial_no, key, method, &signed_path, &body, now)?;
    let verifying_key = config.verifying_key().await?;
    let headers = [
        ("authorization", authorization),
        ("accept", "application/json".to_string()),
        ("content-type", "application/json".to_string()),
        ("user-agent", concat!("orders/", env!("CARGO_PKG_VERSION")).to_string()),
    ];
    let url = format!("{}{path_and_query}", config.gateway.url);
    let answer = match send(method, &url, &headers, body.into_bytes(), config.gateway.timeout).await {
        Ok(answer) => answer,
        Err(CallError::Timeout) => {
            return Ok(Err(NoAnswer(format!("no answer within {} ms", config.gateway.timeout.as_millis()))))
        }
        Err(CallError::Transport(why)) => return Ok(Err(NoAnswer(format!("gateway unreachable: {why}")))),
    };
    if answer.status >= 500 {
        return Ok(Err(NoAnswer(format!("gateway answered HTTP {}", answer.status))));
    }
    if let Err(error) = verify_signed(
        config,
        verifying_key,
        |name| answer.headers.get(name).and_then(|value| value.to_str().ok()),
        &answer.body,
        None,
    ) {
        return Ok(Err(NoAnswer(format!("HTTP {} answer not trusted: {error}", answer.status))));
    }
    let body = if answer.body.is_empty() {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&answer.body) {
            Ok(body) => body,
            Err(_) => return Ok(Err(NoAnswer(format!("HTTP {} answer is not JSON", answer.status)))),
        }
    };
    Ok(Ok(Verified { status: answer.status, body }))
}

fn text<'a>(body: &'a serde_json::Value, name: &str) -> &'a str {
    body.get(name).and_then(serde_json::Value::as_str).unwrap_or_default()
}

fn error_detail(verified: &Verified) -> String {
    format!("HTTP {} {}: {}", verified.status, text(&verified.body, "code"), text(&verified.body, "message"))
}

/// `POST /v3/pay/transactions/app`: the prepay id for an unpaid order (WeChat Pay answers the
/// same one again for the same order and parameters).
pub async fn prepay(config: &WxpayConfig, order: &Order, notify_url: &str, now: Timestamp) -> Result<String, ApiError> {
    let description =
        order.lines.first().map(|line| line.product_name.clone()).unwrap_or_else(|| order.order_no.clone());
    let mut body = json!({
        "appid": config.app_id,
        "mchid": config.mch_id,
        "description": description.chars().take(127).collect::<String>(),
        "out_trade_no": order.order_no,
        "notify_url": notify_url,
        "amount": {"total": order.amounts.payable.0, "currency": "CNY"},
    });
    if let Some(expires_at) = order.expires_at {
        body["time_expire"] = json!(beijing_rfc3339(expires_at));
    }
    if let Some(attach) = attach_of_buyer(&order.buyer_id) {
        body["attach"] = json!(attach);
    }
    match call(config, "POST", "/v3/pay/transactions/app", Some(&body), now).await? {
        Ok(verified) if verified.status == 200 => match text(&verified.body, "prepay_id") {
            "" => Err(ApiError::Unavailable("WeChat Pay answered without a prepay_id".into())),
            prepay_id => Ok(prepay_id.to_string()),
        },
        Ok(verified) => {
            Err(ApiError::Unavailable(format!("WeChat Pay refused the prepay: {}", error_detail(&verified))))
        }
        Err(NoAnswer(why)) => Err(ApiError::Unavailable(format!("WeChat Pay: {why}"))),
    }
}

/// The decrypted transaction of a notification or a query answer.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Transaction {
    #[serde(default)]
    pub appid: String,
    #[serde(default)]
    pub mchid: String,
    pub out_trade_no: String,
    #[serde(default)]
    pub transaction_id: String,
    pub trade_state: String,
    #[serde(default)]
    pub amount: Option<TransactionAmount>,
    #[serde(default)]
    pub success_time: Option<String>,
    /// What the prepay attached (the buyer), passed back in notifications and queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TransactionAmount {
    pub total: i64,
    #[serde(default)]
    pub currency: String,
}

impl Transaction {
    /// What it says about the order's trade; an id or merchant that is not ours is refused.
    pub fn facts(&self, config: &WxpayConfig) -> Result<TradeFacts, ApiError> {
        if self.mchid != config.mch_id || self.appid != config.app_id {
            return Err(ApiError::rejected(Rejection::Merchant, "mchid or appid is not ours"));
        }
        let status = match self.trade_state.as_str() {
            // REFUND: it was paid, then (partly) refunded.
            "SUCCESS" | "REFUND" => {
                let amount =
                    self.amount.as_ref().ok_or_else(|| ApiError::rejected(Rejection::Malformed, "no amount"))?;
                if !amount.currency.is_empty() && amount.currency != "CNY" {
                    return Err(ApiError::rejected(Rejection::Amount, format!("currency {}", amount.currency)));
                }
                let paid_at = self.success_time.as_deref().and_then(|time| Timestamp::parse(time).ok());
                TradeStatus::Paid { trade_no: self.transaction_id.clone(), amount: Money(amount.total), paid_at }
            }
            "CLOSED" | "REVOKED" | "PAYERROR" => TradeStatus::Closed,
            _ => TradeStatus::NotPaid,
        };
        let buyer_id = self.attach.as_deref().and_then(|attach| attach.strip_prefix(ATTACH_BUYER)).map(str::to_string);
        Ok(TradeFacts { out_trade_no: self.out_trade_no.clone(), status, buyer_id })
    }
}

/// `GET /v3/pay/transactions/out-trade-no/{no}?mchid=`: the order's trade (a 404 means none).
pub async fn query(config: &WxpayConfig, out_trade_no: &str, now: Timestamp) -> Result<TradeFacts, ApiError> {
    let path = format!("/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={}", config.mch_id);
    match call(config, "GET", &path, None, now).await? {
        Ok(verified) if verified.status == 200 => {
            let transaction: Transaction = serde_json::from_value(verified.body)
                .map_err(|error| ApiError::Unavailable(format!("WeChat Pay query answer: {error}")))?;
            transaction.facts(config)
        }
        Ok(verified) if verified.status == 404 => {
            Ok(TradeFacts { out_trade_no: out_trade_no.to_string(), status: TradeStatus::NotPaid, buyer_id: None })
        }
        Ok(verified) => Err(ApiError::Unavailable(format!("WeChat Pay query: {}", error_detail(&verified)))),
        Err(NoAnswer(why)) => Err(ApiError::Unavailable(format!("WeChat Pay query: {why}"))),
    }
}

/// `POST /v3/pay/transactions/out-trade-no/{no}/close`: the trade can no longer be paid. A trade
/// that was paid meanwhile is reported as such (`ORDER_PAID`), so the caller settles it.
pub async fn close(config: &WxpayConfig, out_trade_no: &str, now: Timestamp) -> Result<TradeStatus, ApiError> {
    let path = format!("/v3/pay/transactions/out-trade-no/{out_trade_no}/close");
    let body = json!({"mchid": config.mch_id});
    match call(config, "POST", &path, Some(&body), now).await? {
        Ok(verified) if verified.status == 204 || verified.status == 200 => Ok(TradeStatus::Closed),
        Ok(verified) if text(&verified.body, "code") == "ORDER_PAID" => {
            Ok(query(config, out_trade_no, now).await?.status)
        }
        Ok(verified) if verified.status == 404 => Ok(TradeStatus::Closed),
        Ok(verified) => Err(ApiError::Unavailable(format!("WeChat Pay close: {}", error_detail(&verified)))),
        Err(NoAnswer(why)) => Err(ApiError::Unavailable(format!("WeChat Pay close: {why}"))),
    }
}

fn refund_status(verified: &Verified) -> RefundStatus {
    match text(&verified.body, "status") {
        "SUCCESS" => RefundStatus::Refunded,
        "PROCESSING" => RefundStatus::Processing,
        "ABNORMAL" => RefundStatus::Refused("ABNORMAL: the buyer's account cannot take the refund".into()),
        "CLOSED" => RefundStatus::Refused("CLOSED: the refund was closed".into()),
        other => RefundStatus::Unknown(format!("refund status {other:?}")),
    }
}

/// `POST /v3/refund/domestic/refunds`. WeChat Pay pays an `out_refund_no` at most once.
pub async fn refund(
    config: &WxpayConfig,
    refund: &PayoutRequest<'_>,
    notify_url: &str,
    now: Timestamp,
) -> Result<RefundStatus, ApiError> {
    let mut body = json!({
        "out_trade_no": refund.out_trade_no,
        "out_refund_no": refund.out_request_no,
        "reason": refund.reason.chars().take(80).collect::<String>(),
        "notify_url": notify_url,
        "amount": {"refund": refund.amount.0, "total": refund.trade_total.0, "currency": "CNY"},
    });
    if let Some(transaction_id) = refund.trade_no {
        // A transaction id names the payment; out_trade_no is then left out (one or the other).
        body["transaction_id"] = json!(transaction_id);
        if let Some(object) = body.as_object_mut() {
            object.remove("out_trade_no");
        }
    }
    Ok(match call(config, "POST", "/v3/refund/domestic/refunds", Some(&body), now).await? {
        Ok(verified) if verified.status == 200 => refund_status(&verified),
        Ok(verified) => match text(&verified.body, "code") {
            // Busy, or failing inside WeChat Pay: the refund may or may not have been taken.
            "SYSTEM_ERROR" | "FREQUENCY_LIMITED" => RefundStatus::Unknown(error_detail(&verified)),
            _ => RefundStatus::Refused(error_detail(&verified)),
        },
        Err(NoAnswer(why)) => RefundStatus::Unknown(why),
    })
}

/// `GET /v3/refund/domestic/refunds/{out_refund_no}`.
pub async fn query_refund(config: &WxpayConfig, out_refund_no: &str, now: Timestamp) -> Result<RefundStatus, ApiError> {
    let path = format!("/v3/refund/domestic/refunds/{out_refund_no}");
    Ok(match call(config, "GET", &path, None, now).await? {
        Ok(verified) if verified.status == 200 => refund_status(&verified),
        Ok(verified) if verified.status == 404 => RefundStatus::Unknown("WeChat Pay has no such refund yet".into()),
        Ok(verified) => RefundStatus::Unknown(error_detail(&verified)),
        Err(NoAnswer(why)) => RefundStatus::Unknown(why),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buyer_is_attached_when_it_fits() {
        let attach = attach_of_buyer("u-8f3a2c19").expect("fits");
        assert_eq!(attach.strip_prefix(ATTACH_BUYER), Some("u-8f3a2c19"), "what a notification's facts read back");
        // WeChat Pay takes at most 128 characters: a longer buyer id is not attached.
        assert_eq!(attach_of_buyer(&"b".repeat(122)).map(|text| text.len()), Some(128));
        assert_eq!(attach_of_buyer(&"b".repeat(123)), None);
    }
}
