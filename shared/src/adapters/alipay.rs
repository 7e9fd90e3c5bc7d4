//! Alipay app payment: the RSA2 (SHA256withRSA) signed `order_string` the Alipay app SDK takes,
//! and verification of Alipay's asynchronous notification.

use crate::adapters::config;
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::adapters::outbound::{post_form, CallError};
use crate::adapters::secrets::Secret;
use crate::domain::money::Money;
use crate::domain::order::Order;
use crate::domain::payment::{TradeFacts, TradeStatus};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::time::Duration;

const APP_KEY_VARIABLE: &str = "ALIPAY_APP_PRIVATE_KEY_PEM";
const ALIPAY_KEY_VARIABLE: &str = "ALIPAY_PUBLIC_KEY_PEM";
const SECRET_VARIABLE: &str = "ALIPAY_SECRET_ARN";

/// The field of the Alipay secret (`ALIPAY_SECRET_ARN`) that holds the app's private key.
pub const SECRET_APP_KEY_FIELD: &str = "app_private_key";
/// The field of the Alipay secret that holds Alipay's public key.
pub const SECRET_ALIPAY_KEY_FIELD: &str = "alipay_public_key";

/// Merchant settings, from `ALIPAY_APP_ID` and the notify URL (`ALIPAY_NOTIFY_URL`, else
/// `PAYMENT_NOTIFY_BASE_URL` and the notify route); the keys from
/// `ALIPAY_APP_PRIVATE_KEY_PEM` and `ALIPAY_PUBLIC_KEY_PEM` (local), or from the Secrets Manager
/// secret `ALIPAY_SECRET_ARN` (deployed; fields `app_private_key`, `alipay_public_key`), read and
/// parsed when first used. Keys may be PEM (PKCS#8, PKCS#1, SubjectPublicKeyInfo) or the bare
/// base64 Alipay's console shows.
pub struct AlipayConfig {
    pub app_id: String,
    /// Signs order strings.
    app_private_key: Option<Secret<SigningKey>>,
    /// Verifies notifications.
    alipay_public_key: Option<Secret<VerifyingKey>>,
    /// Where Alipay notifies; payments refuse to start without it.
    pub notify_url: Option<String>,
    /// `ALIPAY_GATEWAY_URL`: where open API calls (refunds) go.
    pub gateway_url: String,
    /// `ALIPAY_TIMEOUT_MS` (default 10,000): how long a call may take before its outcome counts
    /// as unknown (retried later with the same request number).
    pub timeout: Duration,
}

/// Where this API receives Alipay's notifications, and the variable that names another URL.
pub const NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";
pub const NOTIFY_URL_VARIABLE: &str = "ALIPAY_NOTIFY_URL";

/// Alipay's production gateway.
pub const DEFAULT_GATEWAY_URL: &str = "https://openapi.alipay.com/gateway.do";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl std::fmt::Debug for AlipayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print keys.
        f.debug_struct("AlipayConfig").field("app_id", &self.app_id).finish_non_exhaustive()
    }
}

impl AlipayConfig {
    /// Settings with keys already in hand (the local stand-ins and tests).
    pub fn with_keys(
        app_id: impl Into<String>,
        app_private_key: SigningKey,
        alipay_public_key: VerifyingKey,
        notify_url: Option<String>,
    ) -> AlipayConfig {
        AlipayConfig {
            app_id: app_id.into(),
            app_private_key: Some(Secret::ready(APP_KEY_VARIABLE, app_private_key)),
            alipay_public_key: Some(Secret::ready(ALIPAY_KEY_VARIABLE, alipay_public_key)),
            notify_url,
            gateway_url: DEFAULT_GATEWAY_URL.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same settings calling another gateway (a sandbox, a stand-in).
    pub fn with_gateway(mut self, gateway_url: impl Into<String>, timeout: Duration) -> AlipayConfig {
        self.gateway_url = gateway_url.into();
        self.timeout = timeout;
        self
    }

    /// None when `ALIPAY_APP_ID` is unset; an error when it is set without any key. A bad or
    /// unreadable key is reported when first used.
    pub fn from_env() -> Result<Option<AlipayConfig>, String> {
        let Some(app_id) = std::env::var("ALIPAY_APP_ID").ok().filter(|id| !id.is_empty()) else { return Ok(None) };
        let app_private_key = Secret::from_env(
            APP_KEY_VARIABLE,
            APP_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_APP_KEY_FIELD),
            SigningKey::from_text,
        );
        let alipay_public_key = Secret::from_env(
            ALIPAY_KEY_VARIABLE,
            ALIPAY_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_ALIPAY_KEY_FIELD),
            VerifyingKey::from_text,
        );
        if app_private_key.is_none() && alipay_public_key.is_none() {
            return Err(format!(
                "ALIPAY_APP_ID is set but neither {SECRET_VARIABLE} nor {APP_KEY_VARIABLE} / {ALIPAY_KEY_VARIABLE}"
            ));
        }
        let notify_url = config::notify_url(NOTIFY_URL_VARIABLE, NOTIFY_PATH)?;
        let (gateway_url, timeout) = gateway_from_env()?;
        let gateway_url = gateway_url.unwrap_or_else(|| DEFAULT_GATEWAY_URL.into());
        Ok(Some(AlipayConfig { app_id, app_private_key, alipay_public_key, notify_url, gateway_url, timeout }))
    }

    /// The app's signing key; a 500 naming it when this function lacks it or it is bad.
    pub async fn signing_key(&self) -> Result<&SigningKey, ApiError> {
        let missing = || ApiError::Internal(format!("{APP_KEY_VARIABLE} is not configured for this function"));
        self.app_private_key.as_ref().ok_or_else(missing)?.get().await
    }

    /// Alipay's public key; a 500 naming it when this function lacks it or it is bad.
    pub async fn verifying_key(&self) -> Result<&VerifyingKey, ApiError> {
        let missing = || ApiError::Internal(format!("{ALIPAY_KEY_VARIABLE} is not configured for this function"));
        self.alipay_public_key.as_ref().ok_or_else(missing)?.get().await
    }
}

/// `ALIPAY_GATEWAY_URL` (None when unset) and `ALIPAY_TIMEOUT_MS`, checked.
pub fn gateway_from_env() -> Result<(Option<String>, Duration), String> {
    let gateway_url = std::env::var("ALIPAY_GATEWAY_URL").ok().filter(|url| !url.trim().is_empty());
    if let Some(url) = &gateway_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("ALIPAY_GATEWAY_URL must be an http(s) URL, got {url:?}"));
        }
    }
    let timeout = match std::env::var("ALIPAY_TIMEOUT_MS") {
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(ms) if (100..=60_000).contains(&ms) => Duration::from_millis(ms),
            _ => return Err(format!("ALIPAY_TIMEOUT_MS must be 100 to 60000, got {text:?}")),
        },
        Err(_) => DEFAULT_TIMEOUT,
    };
    Ok((gateway_url, timeout))
}

/// The string Alipay signs: parameters sorted by name, empty values and `sign` left out,
/// `name=value` joined by `&`, values not URL-encoded.
pub fn signing_content(params: &BTreeMap<String, String>, skip: &[&str]) -> String {
    params
        .iter()
        .filter(|(name, value)| !value.is_empty() && !skip.contains(&name.as_str()))
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RSA2: SHA256withRSA (PKCS#1 v1.5), base64.
pub fn rsa2_sign(key: &SigningKey, content: &str) -> Result<String, ApiError> {
    key.sign_base64(content.as_bytes()).map_err(ApiError::Internal)
}

fn url_encode(pairs: &BTreeMap<String, String>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// Alipay's `yyyy-MM-dd HH:mm:ss`, in Beijing time.
fn alipay_time(at: Timestamp) -> String {
    let beijing = at.plus_seconds(8 * 3600).to_string();
    // "2026-01-31T08:00:00.000Z" -> "2026-01-31 08:00:00"
    format!("{} {}", &beijing[..10], &beijing[11..19])
}

/// An Alipay `yyyy-MM-dd HH:mm:ss` (Beijing time), if it is one.
pub fn parse_alipay_time(text: &str) -> Option<Timestamp> {
    let (date, time) = text.split_once(' ')?;
    Timestamp::parse(&format!("{date}T{time}+08:00")).ok()
}

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

/// A verified notification's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub out_trade_no: String,
    pub trade_no: String,
    pub total_amount: Money,
    pub trade_status: String,
    /// `gmt_payment`: when the buyer paid, if Alipay says.
    pub paid_at: Option<Timestamp>,
}

impl Notification {
    /// `TRADE_SUCCESS` and `TRADE_FINISHED` mean the money arrived.
    pub fn is_paid(&self) -> bool {
        matches!(self.trade_status.as_str(), "TRADE_SUCCESS" | "TRADE_FINISHED")
    }

    /// What it says about the order's trade.
    pub fn facts(&self) -> TradeFacts {
        let status = match self.trade_status.as_str() {
            "TRADE_SUCCESS" | "TRADE_FINISHED" => {
                TradeStatus::Paid { trade_no: self.trade_no.clone(), amount: self.total_amount, paid_at: self.paid_at }
            }
            "TRADE_CLOSED" => TradeStatus::Closed,
            _ => TradeStatus::NotPaid,
        };
        TradeFacts { out_trade_no: self.out_trade_no.clone(), status }
    }
}

/// Verifies the RSA2 signature of a form-encoded notification (over every parameter but `sign`
/// and `sign_type`) and that it is for this merchant. Anything wrong is SignatureInvalid.
pub fn verify_notification(config: &AlipayConfig, key: &VerifyingKey, body: &[u8]) -> Result<Notification, ApiError> {
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(ApiError::rejected(Rejection::Malformed, format!("parameter {name} repeated")));
        }
    }
    let refuse = |reason: Rejection, why: &str| ApiError::rejected(reason, why);
    let signature = params.get("sign").ok_or_else(|| refuse(Rejection::Signature, "no sign"))?;
    if params.get("sign_type").is_some_and(|kind| kind != "RSA2") {
        return Err(refuse(Rejection::Signature, "sign_type is not RSA2"));
    }
    if !key.verify_base64(signing_content(&params, &["sign", "sign_type"]).as_bytes(), signature) {
        return Err(refuse(Rejection::Signature, "signature does not verify"));
    }
    if params.get("app_id") != Some(&config.app_id) {
        return Err(refuse(Rejection::Merchant, "app_id is not ours"));
    }
    let field = |name: &str| {
        params.get(name).cloned().ok_or_else(|| ApiError::rejected(Rejection::Malformed, format!("no {name}")))
    };
    Ok(Notification {
        out_trade_no: field("out_trade_no")?,
        trade_no: field("trade_no")?,
        total_amount: Money::parse(&field("total_amount")?)
            .map_err(|_| refuse(Rejection::Malformed, "total_amount is not an amount"))?,
        trade_status: field("trade_status")?,
        paid_at: params.get("gmt_payment").and_then(|time| parse_alipay_time(time)),
    })
}

/// Signs notification parameters the way Alipay does (for tests and the dev tools: the dev
/// server's "Alipay" key pair stands in for Alipay's).
pub fn sign_notification(
    alipay_private_key: &SigningKey,
    mut params: BTreeMap<String, String>,
) -> Result<String, ApiError> {
    params.insert("sign_type".to_string(), "RSA2".to_string());
    let sign = rsa2_sign(alipay_private_key, &signing_content(&params, &["sign", "sign_type"]))?;
    params.insert("sign".to_string(), sign);
    Ok(url_encode(&params))
}

/// The common parameters of an open API call (`method`, signed with the app key), as a form.
pub fn signed_call(
    config: &AlipayConfig,
    key: &SigningKey,
    method: &str,
    biz_content: &serde_json::Value,
    now: Timestamp,
) -> Result<String, ApiError> {
    let mut params = BTreeMap::from([
        ("app_id".to_string(), config.app_id.clone()),
        ("method".to_string(), method.to_string()),
        ("format".to_string(), "JSON".to_string()),
        ("charset".to_string(), "utf-8".to_string()),
        ("sign_type".to_string(), "RSA2".to_string()),
        ("timestamp".to_string(), alipay_time(now)),
        ("version".to_string(), "1.0".to_string()),
        ("biz_content".to_string(), biz_content.to_string()),
    ]);
    let sign = rsa2_sign(key, &signing_content(&params, &["sign"]))?;
    params.insert("sign".to_string(), sign);
    Ok(url_encode(&params))
}

/// One refund, as `alipay.trade.refund` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundCall<'a> {
    /// Our order number (the payment's `out_trade_no`).
    pub out_trade_no: &'a str,
    /// Alipay's number of the payment, when known (a late payment names its own trade).
    pub trade_no: Option<&'a str>,
    pub refund_amount: Money,
    /// Unique per refund and the same on every retry: Alipay pays one number at most once.
    pub out_request_no: &'a str,
    pub refund_reason: &'a str,
}

/// What Alipay answered to a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundAnswer {
    /// `10000`: refunded (now, or earlier under the same request number).
    Refunded { refund_fee: Option<Money>, fund_change: bool },
    /// A business refusal (`40004` and the like): `sub_code: sub_msg`.
    Refused(String),
    /// The outcome is not known (timeout, 5xx, `ACQ.SYSTEM_ERROR`, `20000`, an answer that does
    /// not verify): try again with the same request number.
    Unknown(String),
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
pub fn read_refund_answer(key: &VerifyingKey, status: u16, body: &[u8]) -> RefundAnswer {
    let (fields, value) = match read_answer(key, "alipay.trade.refund", status, body) {
        Ok(read) => read,
        Err(why) => return RefundAnswer::Unknown(why),
    };
    let text = |name: &str| value.get(name).and_then(serde_json::Value::as_str);
    match (fields.code.as_str(), fields.sub_code()) {
        ("10000", _) => RefundAnswer::Refunded {
            refund_fee: text("refund_fee").and_then(|fee| Money::parse(fee).ok()),
            fund_change: text("fund_change") == Some("Y"),
        },
        // Busy or failing inside Alipay: the refund may or may not have happened.
        ("20000", _) | (_, "ACQ.SYSTEM_ERROR") => RefundAnswer::Unknown(fields.detail()),
        _ => RefundAnswer::Refused(fields.detail()),
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
    Ok(match post_form(&config.gateway_url, form, config.timeout).await {
        Ok((status, body)) => read_answer(verifying_key, method, status, &body),
        Err(CallError::Timeout) => Err(format!("no answer within {} ms", config.timeout.as_millis())),
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
    Ok(TradeFacts { out_trade_no: out_trade_no.to_string(), status })
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

/// Calls `alipay.trade.refund` on the configured gateway.
pub async fn refund(config: &AlipayConfig, call: &RefundCall<'_>, now: Timestamp) -> Result<RefundAnswer, ApiError> {
    let mut biz = serde_json::json!({
        "out_trade_no": call.out_trade_no,
        "refund_amount": call.refund_amount.to_string(),
        "out_request_no": call.out_request_no,
        "refund_reason": call.refund_reason.chars().take(256).collect::<String>(),
    });
    if let Some(trade_no) = call.trade_no {
        biz["trade_no"] = serde_json::Value::String(trade_no.to_string());
    }
    let form = signed_call(config, config.signing_key().await?, "alipay.trade.refund", &biz, now)?;
    let verifying_key = config.verifying_key().await?;
    Ok(match post_form(&config.gateway_url, form, config.timeout).await {
        Ok((status, body)) => read_refund_answer(verifying_key, status, &body),
        Err(CallError::Timeout) => RefundAnswer::Unknown(format!("no answer within {} ms", config.timeout.as_millis())),
        Err(CallError::Transport(why)) => RefundAnswer::Unknown(format!("gateway unreachable: {why}")),
    })
}

/// Signs an answer the way Alipay does (for the stand-in gateway): `{"<method>_response":
/// <response>, "sign": <RSA2 over the response's text>}`.
pub fn sign_answer(
    alipay_private_key: &SigningKey,
    response_key: &str,
    response: &serde_json::Value,
) -> Result<String, ApiError> {
    let text = response.to_string();
    let sign = rsa2_sign(alipay_private_key, &text)?;
    Ok(format!("{{\"{response_key}\":{text},\"sign\":{}}}", serde_json::Value::String(sign)))
}

/// Reads a form-encoded open API call and checks its RSA2 signature with the app's public key
/// (for the stand-in gateway). The parameters, or why it is refused.
pub fn verify_call(app_public_key: &VerifyingKey, form: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let mut params = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(form) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(format!("parameter {name} repeated"));
        }
    }
    let sign = params.get("sign").ok_or("no sign")?;
    if params.get("sign_type").map(String::as_str) != Some("RSA2") {
        return Err("sign_type is not RSA2".into());
    }
    if !app_public_key.verify_base64(signing_content(&params, &["sign"]).as_bytes(), sign) {
        return Err("the signature does not verify".into());
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bad_key_is_reported_when_first_used_naming_its_variable() {
        let config = AlipayConfig {
            app_id: "2021".into(),
            app_private_key: Some(Secret::text(APP_KEY_VARIABLE, "not a key".into(), SigningKey::from_text)),
            alipay_public_key: None,
            notify_url: None,
            gateway_url: DEFAULT_GATEWAY_URL.into(),
            timeout: DEFAULT_TIMEOUT,
        };
        let error = config.signing_key().await.err().expect("a bad key");
        assert!(matches!(&error, ApiError::Internal(why) if why.contains(APP_KEY_VARIABLE)), "{error:?}");
    }

    #[tokio::test]
    async fn a_function_without_the_public_key_cannot_verify_and_says_which_key() {
        let config = AlipayConfig {
            app_id: "2021".into(),
            app_private_key: None,
            alipay_public_key: None,
            notify_url: None,
            gateway_url: DEFAULT_GATEWAY_URL.into(),
            timeout: DEFAULT_TIMEOUT,
        };
        let error = config.verifying_key().await.err().expect("no key to verify with");
        assert!(matches!(&error, ApiError::Internal(why) if why.contains("ALIPAY_PUBLIC_KEY_PEM")), "{error:?}");
    }
}
