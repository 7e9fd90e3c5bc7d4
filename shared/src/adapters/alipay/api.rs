//! The app payment's order string, and the open API calls (query, close, refund), every answer
//! verified over its exact text.

use super::config::AlipayConfig;
use super::sign::{alipay_time, parse_alipay_time, passback, rsa2_sign, signed_call, signing_content, url_encode};
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::adapters::outbound::{post_form, CallError};
use crate::domain::money::Money;
use crate::domain::order::Order;
use crate::domain::payment::{PayoutRequest, RefundStatus, TradeFacts, TradeStatus};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The signed `order_string` for `alipay.trade.app.pay` (the Alipay app SDK's input).
pub fn app_pay_order_string(
    config: &AlipayConfig,
    key: &SigningKey,
    order: &Order,
    notify_url: &str,
    now: Timestamp,
) -> Result<String, ApiError> {
    let subject = order.lines.first().map(|line| line.product_name.clone()).unwrap_or_else(|| order.order_no.clone());
    let mut biz = serde_json::json!({
        "out_trade_no": order.order_no,
        "total_amount": order.amounts.payable.to_string(),
        "subject": subject.chars().take(128).collect::<String>(),
        "product_code": "QUICK_MSECURITY_PAY",
    });
    if let Some(expires_at) = order.expires_at {
        biz["time_expire"] = serde_json::Value::String(alipay_time(expires_at));
    }
    // Alipay passes it back in the notification: the order is then read without its number claim.
    biz["passback_params"] = serde_json::Value::String(passback(&order.buyer_id));
    let mut params = BTreeMap::from([
        ("app_id".to_string(), config.app_id.clone()),
        ("method".to_string(), "alipay.trade.app.pay".to_string()),
        ("format".to_string(), "JSON".to_string()),
        ("charset".to_string(), "utf-8".to_string()),
        ("sign_type".to_string(), "RSA2".to_string()),
        ("timestamp".to_string(), alipay_time(now)),
        ("version".to_string(), "1.0".to_string()),
        ("notify_url".to_string(), notify_url.to_string()),
        ("biz_content".to_string(), biz.to_string()),
    ]);
    let sign = rsa2_sign(key, &signing_content(&params, &["sign"]))?;
    params.insert("sign".to_string(), sign);
    Ok(url_encode(&params))
}

#[derive(Deserialize)]
struct ResponseFields {
    code: String,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    sub_code: Option<String>,
    #[serde(default)]
    sub_msg: Option<String>,
}

/// Reads an open API answer as Alipay's SDKs do: the RSA2 `sign` must verify over the exact text
/// of the `<method>_response` value (or `error_response`) with Alipay's public key. Ok: the
/// verified response (its `code` read); Err: why the answer is not trusted (its outcome unknown).
fn read_answer(
    key: &VerifyingKey,
    method: &str,
    status: u16,
    body: &[u8],
) -> Result<(ResponseFields, serde_json::Value), String> {
    if status >= 500 {
        return Err(format!("gateway answered HTTP {status}"));
    }
    // Every value kept as its exact text, for the signature.
    let Ok(values) = serde_json::from_slice::<BTreeMap<String, &RawValue>>(body) else {
        return Err(format!("gateway answered HTTP {status} without a JSON answer"));
    };
    let response_key = format!("{}_response", method.replace('.', "_"));
    let Some(response) = values.get(&response_key).or_else(|| values.get("error_response")) else {
        return Err(format!("the answer has no {response_key}"));
    };
    let Some(sign) = values.get("sign").and_then(|sign| serde_json::from_str::<String>(sign.get()).ok()) else {
        return Err("the answer is not signed".into());
    };
    if !key.verify_base64(response.get().as_bytes(), &sign) {
        return Err("the answer's signature does not verify".into());
    }
    let fields =
        serde_json::from_str::<ResponseFields>(response.get()).map_err(|_| "the answer's fields do not read")?;
    let value = serde_json::from_str(response.get()).map_err(|_| "the answer's fields do not read")?;
    Ok((fields, value))
}

impl ResponseFields {
    fn sub_code(&self) -> &str {
        self.sub_code.as_deref().unwrap_or_default()
    }

    fn detail(&self) -> String {
        format!("{} {}: {}", self.code, self.sub_code(), self.sub_msg.as_deref().unwrap_or(&self.msg))
    }
}

/// Reads a refund answer (see `read_answer`); an answer that does not verify is never trusted.
/// `10000` is refunded (now, or earlier under the same request number); a business refusal
/// (`40004` and the like) keeps `code sub_code: sub_msg`.
fn read_refund_answer(key: &VerifyingKey, status: u16, body: &[u8]) -> RefundStatus {
    let (fields, _) = match read_answer(key, "alipay.trade.refund", status, body) {
        Ok(read) => read,
        Err(why) => return RefundStatus::Unknown(why),
    };
    match (fields.code.as_str(), fields.sub_code()) {
        ("10000", _) => RefundStatus::Refunded,
        // Busy or failing inside Alipay: the refund may or may not have happened.
        ("20000", _) | (_, "ACQ.SYSTEM_ERROR") => RefundStatus::Unknown(fields.detail()),
        _ => RefundStatus::Refused(fields.detail()),
    }
}

/// Signs, sends and reads one open API call: the verified response, or why its outcome is unknown.
async fn open_api(
    config: &AlipayConfig,
    method: &str,
    biz: &serde_json::Value,
    now: Timestamp,
) -> Result<Result<(ResponseFields, serde_json::Value), String>, ApiError> {
    let form = signed_call(config, config.signing_key().await?, method, biz, now)?;
    let verifying_key = config.verifying_key().await?;
    Ok(match post_form(&config.gateway.url, form, config.gateway.timeout).await {
        Ok((status, body)) => read_answer(verifying_key, method, status, &body),
        Err(CallError::Timeout) => Err(format!("no answer within {} ms", config.gateway.timeout.as_millis())),
        Err(CallError::Transport(why)) => Err(format!("gateway unreachable: {why}")),
    })
}

/// `alipay.trade.query`: what Alipay knows of the order's trade (`ACQ.TRADE_NOT_EXIST`: the
/// buyer never opened it). An unknown outcome is 503.
pub async fn query(config: &AlipayConfig, out_trade_no: &str, now: Timestamp) -> Result<TradeFacts, ApiError> {
    let biz = serde_json::json!({"out_trade_no": out_trade_no});
    let (fields, value) = open_api(config, "alipay.trade.query", &biz, now)
        .await?
        .map_err(|why| ApiError::Unavailable(format!("alipay.trade.query: {why}")))?;
    let text = |name: &str| value.get(name).and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
    let status = match (fields.code.as_str(), fields.sub_code()) {
        ("10000", _) => match text("trade_status").as_str() {
            "TRADE_SUCCESS" | "TRADE_FINISHED" => TradeStatus::Paid {
                trade_no: text("trade_no"),
                paid_at: parse_alipay_time(&text("send_pay_date")),
                amount: Money::parse(&text("total_amount"))
                    .map_err(|_| ApiError::Unavailable("alipay.trade.query: total_amount is not an amount".into()))?,
            },
            "TRADE_CLOSED" => TradeStatus::Closed,
            _ => TradeStatus::NotPaid,
        },
        (_, "ACQ.TRADE_NOT_EXIST") => TradeStatus::NotPaid,
        _ => return Err(ApiError::Unavailable(format!("alipay.trade.query: {}", fields.detail()))),
    };
    Ok(TradeFacts { out_trade_no: out_trade_no.to_string(), status, buyer_id: None })
}

/// `alipay.trade.close`: the trade can no longer be paid. One that was paid meanwhile is reported
/// as such (from a query), so the caller settles it; one that never existed is as good as closed
/// (the order string carried `time_expire`).
pub async fn close(config: &AlipayConfig, out_trade_no: &str, now: Timestamp) -> Result<TradeStatus, ApiError> {
    let biz = serde_json::json!({"out_trade_no": out_trade_no});
    let (fields, _) = open_api(config, "alipay.trade.close", &biz, now)
        .await?
        .map_err(|why| ApiError::Unavailable(format!("alipay.trade.close: {why}")))?;
    match (fields.code.as_str(), fields.sub_code()) {
        ("10000", _) | (_, "ACQ.TRADE_NOT_EXIST") => Ok(TradeStatus::Closed),
        (_, "ACQ.TRADE_STATUS_ERROR") => Ok(query(config, out_trade_no, now).await?.status),
        _ => Err(ApiError::Unavailable(format!("alipay.trade.close: {}", fields.detail()))),
    }
}

/// `alipay.trade.refund` under the payout's request number (Alipay pays one number at most once;
/// a timeout, a 5xx or an answer that does not verify is an unknown outcome, asked again later).
pub async fn refund(
    config: &AlipayConfig,
    payout: &PayoutRequest<'_>,
    now: Timestamp,
) -> Result<RefundStatus, ApiError> {
    let mut biz = serde_json::json!({
        "out_trade_no": payout.out_trade_no,
        "refund_amount": payout.amount.to_string(),
        "out_request_no": payout.out_request_no,
        "refund_reason": payout.reason.chars().take(256).collect::<String>(),
    });
    if let Some(trade_no) = payout.trade_no {
        biz["trade_no"] = serde_json::Value::String(trade_no.to_string());
    }
    let form = signed_call(config, config.signing_key().await?, "alipay.trade.refund", &biz, now)?;
    let verifying_key = config.verifying_key().await?;
    Ok(match post_form(&config.gateway.url, form, config.gateway.timeout).await {
        Ok((status, body)) => read_refund_answer(verifying_key, status, &body),
        Err(CallError::Timeout) => {
            RefundStatus::Unknown(format!("no answer within {} ms", config.gateway.timeout.as_millis()))
        }
        Err(CallError::Transport(why)) => RefundStatus::Unknown(format!("gateway unreachable: {why}")),
    })
}
