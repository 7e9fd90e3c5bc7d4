//! WeChat Pay API v3 (app payments), as its documentation and official SDKs do it: requests carry
//! `Authorization: WECHATPAY2-SHA256-RSA2048 ...` (SHA256withRSA with the merchant key over
//! `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`); answers and notifications are verified with
//! the WeChat Pay public key whose id is in `Wechatpay-Serial` (over `TIMESTAMP\nNONCE\nBODY\n`);
//! notification resources are AEAD_AES_256_GCM with the APIv3 key. All crypto is aws-lc-rs.

use crate::adapters::config;
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::adapters::outbound::{send, CallError};
use crate::adapters::secrets::Secret;
use crate::domain::money::Money;
use crate::domain::order::Order;
use crate::domain::payment::{Notice, PayoutRequest, RefundStatus, TradeFacts, TradeStatus};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use lambda_http::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;

/// The scheme of the `Authorization` header.
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";
/// WeChat Pay's production gateway.
pub const DEFAULT_GATEWAY_URL: &str = "https://api.mch.weixin.qq.com";
/// How far a signed timestamp may be from now (WeChat Pay's SDKs allow five minutes).
pub const MAX_SKEW_SECONDS: i64 = 300;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where this API receives WeChat Pay's notifications, and the variables that name other URLs.
pub const NOTIFY_PATH: &str = "/api/v1/payments/wxpay/notify";
pub const REFUND_NOTIFY_PATH: &str = "/api/v1/payments/wxpay/refund-notify";
pub const NOTIFY_URL_VARIABLE: &str = "WXPAY_NOTIFY_URL";
pub const REFUND_NOTIFY_URL_VARIABLE: &str = "WXPAY_REFUND_NOTIFY_URL";
const MCH_KEY_VARIABLE: &str = "WXPAY_MCH_PRIVATE_KEY_PEM";
const APIV3_KEY_VARIABLE: &str = "WXPAY_APIV3_KEY";
const PUBLIC_KEY_VARIABLE: &str = "WXPAY_PUBLIC_KEY_PEM";
const SECRET_VARIABLE: &str = "WXPAY_SECRET_ARN";

/// Fields of the WeChat Pay secret (`WXPAY_SECRET_ARN`).
pub const SECRET_MCH_KEY_FIELD: &str = "mch_private_key";
pub const SECRET_APIV3_KEY_FIELD: &str = "apiv3_key";
pub const SECRET_PUBLIC_KEY_FIELD: &str = "wxpay_public_key";

/// The APIv3 key: 32 bytes that decrypt notification resources.
pub struct ApiV3Key(LessSafeKey);

impl ApiV3Key {
    pub fn from_text(text: &str) -> Result<ApiV3Key, String> {
        let bytes = text.trim().as_bytes();
        if bytes.len() != 32 {
            return Err(format!("the APIv3 key must be 32 bytes, got {}", bytes.len()));
        }
        let key =
            UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| "the APIv3 key is not an AES-256 key".to_string())?;
        Ok(ApiV3Key(LessSafeKey::new(key)))
    }

    /// Decrypts a resource: `ciphertext` is base64 of the ciphertext and its 16-byte tag.
    pub fn decrypt(&self, nonce: &str, associated_data: &str, ciphertext: &str) -> Result<Vec<u8>, String> {
        let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes()).map_err(|_| "the nonce is not 12 bytes")?;
        let mut data = STANDARD.decode(ciphertext).map_err(|_| "the ciphertext is not base64")?;
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(associated_data.as_bytes()), &mut data)
            .map_err(|_| "the resource does not decrypt with the APIv3 key")?;
        Ok(plain.to_vec())
    }

    /// Encrypts a resource as WeChat Pay does (the stand-in gateway and the dev tool).
    pub fn encrypt(&self, nonce: &str, associated_data: &str, plain: &[u8]) -> Result<String, String> {
        let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes()).map_err(|_| "the nonce is not 12 bytes")?;
        let mut data = plain.to_vec();
        self.0
            .seal_in_place_append_tag(nonce, Aad::from(associated_data.as_bytes()), &mut data)
            .map_err(|_| "encryption failed")?;
        Ok(STANDARD.encode(data))
    }
}

/// Merchant settings: ids from `WXPAY_APP_ID`, `WXPAY_MCH_ID`, `WXPAY_MCH_SERIAL_NO`,
/// `WXPAY_PUBLIC_KEY_ID`; the merchant key, APIv3 key and WeChat Pay public key from
/// `WXPAY_MCH_PRIVATE_KEY_PEM`, `WXPAY_APIV3_KEY`, `WXPAY_PUBLIC_KEY_PEM` (local) or the Secrets
/// Manager secret `WXPAY_SECRET_ARN` (deployed; fields `mch_private_key`, `apiv3_key`,
/// `wxpay_public_key`), read when first used.
pub struct WxpayConfig {
    pub app_id: String,
    pub mch_id: String,
    /// The serial number of the merchant's API certificate (`serial_no` in requests).
    pub mch_serial_no: String,
    mch_private_key: Option<Secret<SigningKey>>,
    apiv3_key: Option<Secret<ApiV3Key>>,
    wxpay_public_key: Option<Secret<VerifyingKey>>,
    /// The id WeChat Pay puts in `Wechatpay-Serial` when it signs with that public key.
    pub wxpay_public_key_id: String,
    /// `WXPAY_NOTIFY_URL` (else `PAYMENT_NOTIFY_BASE_URL` and the notify route): where payment
    /// notifications go; payments refuse to start without it.
    pub notify_url: Option<String>,
    /// `WXPAY_REFUND_NOTIFY_URL` (else the base and the refund route, else beside `notify_url`).
    pub refund_notify_url: Option<String>,
    /// `WXPAY_GATEWAY_URL`.
    pub gateway_url: String,
    /// `WXPAY_TIMEOUT_MS` (default 10,000).
    pub timeout: Duration,
}

impl std::fmt::Debug for WxpayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print keys.
        f.debug_struct("WxpayConfig")
            .field("app_id", &self.app_id)
            .field("mch_id", &self.mch_id)
            .finish_non_exhaustive()
    }
}

/// The ids of a merchant (the local stand-ins and tests build one from these).
#[derive(Debug, Clone)]
pub struct MerchantIds {
    pub app_id: String,
    pub mch_id: String,
    pub mch_serial_no: String,
    pub wxpay_public_key_id: String,
}

impl WxpayConfig {
    /// Settings with keys in hand (the local stand-ins and tests).
    pub fn with_keys(
        ids: MerchantIds,
        mch_private_key: SigningKey,
        apiv3_key: ApiV3Key,
        wxpay_public_key: VerifyingKey,
        notify_url: Option<String>,
    ) -> WxpayConfig {
        WxpayConfig {
            app_id: ids.app_id,
            mch_id: ids.mch_id,
            mch_serial_no: ids.mch_serial_no,
            mch_private_key: Some(Secret::ready(MCH_KEY_VARIABLE, mch_private_key)),
            apiv3_key: Some(Secret::ready(APIV3_KEY_VARIABLE, apiv3_key)),
            wxpay_public_key: Some(Secret::ready(PUBLIC_KEY_VARIABLE, wxpay_public_key)),
            wxpay_public_key_id: ids.wxpay_public_key_id,
            refund_notify_url: notify_url.as_deref().map(refund_notify_beside),
            notify_url,
            gateway_url: DEFAULT_GATEWAY_URL.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same settings calling another gateway (a stand-in).
    pub fn with_gateway(mut self, gateway_url: impl Into<String>, timeout: Duration) -> WxpayConfig {
        self.gateway_url = gateway_url.into().trim_end_matches('/').to_string();
        self.timeout = timeout;
        self
    }

    /// None when `WXPAY_MCH_ID` is unset; an error naming what is missing or malformed otherwise.
    pub fn from_env() -> Result<Option<WxpayConfig>, String> {
        let var = |name: &str| std::env::var(name).ok().map(|value| value.trim().to_string()).filter(|v| !v.is_empty());
        let Some(mch_id) = var("WXPAY_MCH_ID") else { return Ok(None) };
        let required = |name: &str| var(name).ok_or_else(|| format!("WXPAY_MCH_ID is set but {name} is not"));
        let app_id = required("WXPAY_APP_ID")?;
        let mch_serial_no = required("WXPAY_MCH_SERIAL_NO")?;
        let wxpay_public_key_id = required("WXPAY_PUBLIC_KEY_ID")?;
        let mch_private_key = Secret::from_env(
            MCH_KEY_VARIABLE,
            MCH_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_MCH_KEY_FIELD),
            SigningKey::from_text,
        );
        let apiv3_key = Secret::from_env(
            APIV3_KEY_VARIABLE,
            APIV3_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_APIV3_KEY_FIELD),
            ApiV3Key::from_text,
        );
        let wxpay_public_key = Secret::from_env(
            PUBLIC_KEY_VARIABLE,
            PUBLIC_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_PUBLIC_KEY_FIELD),
            VerifyingKey::from_text,
        );
        if mch_private_key.is_none() && apiv3_key.is_none() && wxpay_public_key.is_none() {
            return Err(format!("WXPAY_MCH_ID is set but neither {SECRET_VARIABLE} nor {MCH_KEY_VARIABLE}, {APIV3_KEY_VARIABLE} and {PUBLIC_KEY_VARIABLE}"));
        }
        let notify_url = config::notify_url(NOTIFY_URL_VARIABLE, NOTIFY_PATH)?;
        let refund_notify_url = match config::notify_url(REFUND_NOTIFY_URL_VARIABLE, REFUND_NOTIFY_PATH)? {
            Some(url) => Some(url),
            None => notify_url.as_deref().map(refund_notify_beside),
        };
        let gateway_url = var("WXPAY_GATEWAY_URL").unwrap_or_else(|| DEFAULT_GATEWAY_URL.to_string());
        if !(gateway_url.starts_with("https://") || gateway_url.starts_with("http://")) {
            return Err(format!("WXPAY_GATEWAY_URL must be an http(s) URL, got {gateway_url:?}"));
        }
        let timeout = match var("WXPAY_TIMEOUT_MS") {
            Some(text) => match text.parse::<u64>() {
                Ok(ms) if (100..=60_000).contains(&ms) => Duration::from_millis(ms),
                _ => return Err(format!("WXPAY_TIMEOUT_MS must be 100 to 60000, got {text:?}")),
            },
            None => DEFAULT_TIMEOUT,
        };
        Ok(Some(WxpayConfig {
            app_id,
            mch_id,
            mch_serial_no,
            mch_private_key,
            apiv3_key,
            wxpay_public_key,
            wxpay_public_key_id,
            notify_url,
            refund_notify_url,
            gateway_url: gateway_url.trim_end_matches('/').to_string(),
            timeout,
        }))
    }

    pub async fn signing_key(&self) -> Result<&SigningKey, ApiError> {
        let missing = || ApiError::Internal(format!("{MCH_KEY_VARIABLE} is not configured for this function"));
        self.mch_private_key.as_ref().ok_or_else(missing)?.get().await
    }

    pub async fn apiv3_key(&self) -> Result<&ApiV3Key, ApiError> {
        let missing = || ApiError::Internal(format!("{APIV3_KEY_VARIABLE} is not configured for this function"));
        self.apiv3_key.as_ref().ok_or_else(missing)?.get().await
    }

    pub async fn verifying_key(&self) -> Result<&VerifyingKey, ApiError> {
        let missing = || ApiError::Internal(format!("{PUBLIC_KEY_VARIABLE} is not configured for this function"));
        self.wxpay_public_key.as_ref().ok_or_else(missing)?.get().await
    }
}

/// `.../notify` -> `.../refund-notify`; another URL gets `refund-notify` appended as a sibling.
fn refund_notify_beside(notify_url: &str) -> String {
    match notify_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/refund-notify"),
        None => format!("{notify_url}/refund-notify"),
    }
}

/// The path part of a URL (`https://host/base` -> `/base`; none -> empty).
fn base_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("", |at| &after_scheme[at..])
}

/// A random 32-character nonce.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    // The system generator does not fail on Linux; a zero nonce would still be signed over.
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    hex::encode_upper(bytes)
}

/// Seconds since the epoch.
pub fn unix_seconds(at: Timestamp) -> i64 {
    at.millis().div_euclid(1000)
}

/// WeChat Pay's RFC 3339 time in Beijing (`2026-01-31T08:00:00+08:00`).
pub fn beijing_rfc3339(at: Timestamp) -> String {
    let beijing = at.plus_seconds(8 * 3600).to_string();
    format!("{}+08:00", &beijing[..19])
}

/// The message a request's signature covers.
pub fn request_message(method: &str, path_and_query: &str, timestamp: i64, nonce: &str, body: &str) -> String {
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The message an answer's or a notification's signature covers.
pub fn answer_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
    message.extend_from_slice(body);
    message.push(b'\n');
    message
}

/// The `Authorization` header of a request.
pub fn authorization(
    mch_id: &str,
    serial_no: &str,
    key: &SigningKey,
    method: &str,
    path_and_query: &str,
    body: &str,
    at: Timestamp,
) -> Result<String, ApiError> {
    let (timestamp, nonce) = (unix_seconds(at), nonce());
    let message = request_message(method, path_and_query, timestamp, &nonce, body);
    let signature = key.sign_base64(message.as_bytes()).map_err(ApiError::Internal)?;
    Ok(format!(
        "{SCHEME} mchid=\"{mch_id}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{serial_no}\""
    ))
}

/// The parts of an `Authorization` header (the stand-in gateway reads them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationParts {
    pub mchid: String,
    pub nonce_str: String,
    pub signature: String,
    pub timestamp: i64,
    pub serial_no: String,
}

pub fn parse_authorization(header: &str) -> Result<AuthorizationParts, String> {
    let rest =
        header.strip_prefix(SCHEME).and_then(|rest| rest.strip_prefix(' ')).ok_or("not WECHATPAY2-SHA256-RSA2048")?;
    let mut parts = std::collections::BTreeMap::new();
    for pair in rest.split(',') {
        let (name, value) = pair.trim().split_once('=').ok_or("a part without =")?;
        let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or("a value without quotes")?;
        if parts.insert(name.to_string(), value.to_string()).is_some() {
            return Err(format!("{name} repeated"));
        }
    }
    let mut take = |name: &str| parts.remove(name).ok_or(format!("no {name}"));
    Ok(AuthorizationParts {
        mchid: take("mchid")?,
        nonce_str: take("nonce_str")?,
        signature: take("signature")?,
        timestamp: take("timestamp")?.parse().map_err(|_| "timestamp is not a number")?,
        serial_no: take("serial_no")?,
    })
}

/// The signature headers of an answer or a notification.
pub struct SignedHeaders {
    pub timestamp: String,
    pub nonce: String,
    pub signature: String,
    pub serial: String,
}

impl SignedHeaders {
    pub fn read(headers: &HeaderMap) -> Result<SignedHeaders, String> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
                .ok_or_else(|| format!("no {name} header"))
        };
        Ok(SignedHeaders {
            timestamp: header("wechatpay-timestamp")?,
            nonce: header("wechatpay-nonce")?,
            signature: header("wechatpay-signature")?,
            serial: header("wechatpay-serial")?,
        })
    }

    /// Signs `body` as WeChat Pay does (the stand-in gateway and the dev tool): the four headers.
    pub fn sign(key: &SigningKey, key_id: &str, body: &[u8], at: Timestamp) -> Result<SignedHeaders, String> {
        SignedHeaders::sign_with_nonce(key, key_id, body, at, &nonce())
    }

    /// `sign` with a given nonce (deterministic samples).
    pub fn sign_with_nonce(
        key: &SigningKey,
        key_id: &str,
        body: &[u8],
        at: Timestamp,
        nonce: &str,
    ) -> Result<SignedHeaders, String> {
        let (timestamp, nonce) = (unix_seconds(at).to_string(), nonce.to_string());
        let signature = key.sign_base64(&answer_message(&timestamp, &nonce, body))?;
        Ok(SignedHeaders { timestamp, nonce, signature, serial: key_id.to_string() })
    }

    pub fn pairs(&self) -> [(&'static str, String); 4] {
        [
            ("Wechatpay-Timestamp", self.timestamp.clone()),
            ("Wechatpay-Nonce", self.nonce.clone()),
            ("Wechatpay-Signature", self.signature.clone()),
            ("Wechatpay-Serial", self.serial.clone()),
        ]
    }
}

/// Checks a signed answer or notification: the serial names our WeChat Pay public key, the
/// signature verifies over `timestamp\nnonce\nbody\n`, and (when `now` is given) the timestamp is
/// within five minutes.
pub fn verify_signed(
    config: &WxpayConfig,
    key: &VerifyingKey,
    headers: &HeaderMap,
    body: &[u8],
    now: Option<Timestamp>,
) -> Result<(), ApiError> {
    let signed = SignedHeaders::read(headers).map_err(|why| ApiError::rejected(Rejection::Signature, why))?;
    if signed.serial != config.wxpay_public_key_id {
        let why = format!("Wechatpay-Serial {} is not our WeChat Pay public key id", signed.serial);
        return Err(ApiError::rejected(Rejection::Signature, why));
    }
    if !key.verify_base64(&answer_message(&signed.timestamp, &signed.nonce, body), &signed.signature) {
        return Err(ApiError::rejected(Rejection::Signature, "the signature does not verify"));
    }
    if let Some(now) = now {
        let at: i64 = signed
            .timestamp
            .parse()
            .map_err(|_| ApiError::rejected(Rejection::Malformed, "Wechatpay-Timestamp is not a number"))?;
        if (unix_seconds(now) - at).abs() > MAX_SKEW_SECONDS {
            return Err(ApiError::rejected(Rejection::Stale, "Wechatpay-Timestamp is more than 5 minutes off"));
        }
    }
    Ok(())
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
    let signed_path = format!("{}{path_and_query}", base_path(&config.gateway_url));
    let key = config.signing_key().await?;
    let authorization = authorization(&config.mch_id, &config.mch_serial_no, key, method, &signed_path, &body, now)?;
    let verifying_key = config.verifying_key().await?;
    let headers = [
        ("authorization", authorization),
        ("accept", "application/json".to_string()),
        ("content-type", "application/json".to_string()),
        ("user-agent", concat!("orders/", env!("CARGO_PKG_VERSION")).to_string()),
    ];
    let url = format!("{}{path_and_query}", config.gateway_url);
    let answer = match send(method, &url, &headers, body.into_bytes(), config.timeout).await {
        Ok(answer) => answer,
        Err(CallError::Timeout) => {
            return Ok(Err(NoAnswer(format!("no answer within {} ms", config.timeout.as_millis()))))
        }
        Err(CallError::Transport(why)) => return Ok(Err(NoAnswer(format!("gateway unreachable: {why}")))),
    };
    if answer.status >= 500 {
        return Ok(Err(NoAnswer(format!("gateway answered HTTP {}", answer.status))));
    }
    if let Err(error) = verify_signed(config, verifying_key, &answer.headers, &answer.body, None) {
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
        Ok(TradeFacts { out_trade_no: self.out_trade_no.clone(), status })
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
            Ok(TradeFacts { out_trade_no: out_trade_no.to_string(), status: TradeStatus::NotPaid })
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

/// A notification's envelope.
#[derive(Debug, Deserialize, Serialize)]
pub struct Envelope {
    pub id: String,
    #[serde(default)]
    pub create_time: String,
    pub event_type: String,
    #[serde(default)]
    pub resource_type: String,
    pub resource: Resource,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Resource {
    pub algorithm: String,
    pub ciphertext: String,
    #[serde(default)]
    pub associated_data: String,
    #[serde(default)]
    pub original_type: String,
    pub nonce: String,
}

/// The decrypted resource of a refund notification.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RefundResource {
    pub mchid: String,
    pub out_trade_no: String,
    #[serde(default)]
    pub transaction_id: String,
    pub out_refund_no: String,
    #[serde(default)]
    pub refund_id: String,
    pub refund_status: String,
}

/// Verifies (headers' signature, five-minute window), decrypts and reads a notification.
pub async fn read_notification(
    config: &WxpayConfig,
    headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Result<Notice, ApiError> {
    verify_signed(config, config.verifying_key().await?, headers, body, Some(now))?;
    let envelope: Envelope = serde_json::from_slice(body)
        .map_err(|error| ApiError::rejected(Rejection::Malformed, format!("not a notification: {error}")))?;
    let resource = &envelope.resource;
    if resource.algorithm != "AEAD_AES_256_GCM" {
        return Err(ApiError::rejected(Rejection::Malformed, format!("algorithm {}", resource.algorithm)));
    }
    let plain = config
        .apiv3_key()
        .await?
        .decrypt(&resource.nonce, &resource.associated_data, &resource.ciphertext)
        .map_err(|why| ApiError::rejected(Rejection::Signature, why))?;
    let malformed = |error: serde_json::Error| ApiError::rejected(Rejection::Malformed, format!("resource: {error}"));
    if envelope.event_type.starts_with("TRANSACTION.") {
        let transaction: Transaction = serde_json::from_slice(&plain).map_err(malformed)?;
        return Ok(Notice::Trade(transaction.facts(config)?));
    }
    if envelope.event_type.starts_with("REFUND.") {
        let refund: RefundResource = serde_json::from_slice(&plain).map_err(malformed)?;
        if refund.mchid != config.mch_id {
            return Err(ApiError::rejected(Rejection::Merchant, "mchid is not ours"));
        }
        let status = match refund.refund_status.as_str() {
            "SUCCESS" => RefundStatus::Refunded,
            "PROCESSING" => RefundStatus::Processing,
            other => RefundStatus::Refused(format!("{}: {other}", envelope.event_type)),
        };
        return Ok(Notice::Refund { out_trade_no: refund.out_trade_no, out_request_no: refund.out_refund_no, status });
    }
    Err(ApiError::rejected(Rejection::Malformed, format!("event_type {}", envelope.event_type)))
}

/// A notification as WeChat Pay sends it (the stand-in gateway and `sign-wxpay-notify`): the
/// resource encrypted with the APIv3 key, the body signed with WeChat Pay's key. (headers, body)
pub fn build_notification(
    apiv3_key: &ApiV3Key,
    wxpay_key: &SigningKey,
    wxpay_key_id: &str,
    event_type: &str,
    original_type: &str,
    resource: &serde_json::Value,
    at: Timestamp,
) -> Result<(SignedHeaders, String), String> {
    let notice = Notification { event_type, original_type, resource, at };
    build_notification_with_nonce(apiv3_key, wxpay_key, wxpay_key_id, &notice, &nonce())
}

/// What a notification says, before it is encrypted and signed.
pub struct Notification<'a> {
    pub event_type: &'a str,
    pub original_type: &'a str,
    pub resource: &'a serde_json::Value,
    pub at: Timestamp,
}

/// `build_notification` with a given 32-character nonce (deterministic samples).
pub fn build_notification_with_nonce(
    apiv3_key: &ApiV3Key,
    wxpay_key: &SigningKey,
    wxpay_key_id: &str,
    notice: &Notification<'_>,
    nonce_text: &str,
) -> Result<(SignedHeaders, String), String> {
    let Notification { event_type, original_type, resource, at } = *notice;
    let nonce: String = nonce_text.chars().take(12).collect();
    let associated_data = original_type.to_string();
    let ciphertext = apiv3_key.encrypt(&nonce, &associated_data, resource.to_string().as_bytes())?;
    let envelope = Envelope {
        id: format!("EV-{nonce_text}"),
        create_time: beijing_rfc3339(at),
        event_type: event_type.to_string(),
        resource_type: "encrypt-resource".to_string(),
        resource: Resource {
            algorithm: "AEAD_AES_256_GCM".to_string(),
            ciphertext,
            associated_data,
            original_type: original_type.to_string(),
            nonce,
        },
        summary: if event_type.starts_with("REFUND.") { "退款成功" } else { "支付成功" }.to_string(),
    };
    let body = serde_json::to_string(&envelope).map_err(|error| error.to_string())?;
    let headers = SignedHeaders::sign_with_nonce(wxpay_key, wxpay_key_id, body.as_bytes(), at, nonce_text)?;
    Ok((headers, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_decrypts_only_with_its_key_nonce_and_associated_data() {
        let key = ApiV3Key::from_text("0123456789abcdef0123456789abcdef").expect("32 bytes");
        let sealed = key.encrypt("abcdefghijkl", "transaction", b"{\"a\":1}").expect("encrypts");
        assert_eq!(key.decrypt("abcdefghijkl", "transaction", &sealed).expect("opens"), b"{\"a\":1}");
        assert!(key.decrypt("abcdefghijkm", "transaction", &sealed).is_err(), "another nonce");
        assert!(key.decrypt("abcdefghijkl", "refund", &sealed).is_err(), "other associated data");
        let other = ApiV3Key::from_text("fedcba9876543210fedcba9876543210").expect("32 bytes");
        assert!(other.decrypt("abcdefghijkl", "transaction", &sealed).is_err(), "another key");
        assert!(ApiV3Key::from_text("short").is_err());
    }

    #[test]
    fn an_authorization_header_reads_back_and_its_signature_covers_the_request() {
        let key = SigningKey::generate().expect("a key");
        let at = Timestamp::from_millis(1_700_000_000_123);
        let header =
            authorization("1900000001", "SERIAL1", &key, "POST", "/v3/pay/transactions/app", "{}", at).expect("signs");
        let parts = parse_authorization(&header).expect("reads");
        assert_eq!(
            (parts.mchid.as_str(), parts.serial_no.as_str(), parts.timestamp),
            ("1900000001", "SERIAL1", 1_700_000_000)
        );
        let public = key.verifying_key().expect("public");
        let message = request_message("POST", "/v3/pay/transactions/app", parts.timestamp, &parts.nonce_str, "{}");
        assert!(public.verify_base64(message.as_bytes(), &parts.signature));
        let other = request_message("POST", "/v3/pay/transactions/app", parts.timestamp, &parts.nonce_str, "{ }");
        assert!(!public.verify_base64(other.as_bytes(), &parts.signature), "the body is covered");
        assert!(parse_authorization("Bearer x").is_err());
    }

    #[test]
    fn times_are_beijing_rfc3339() {
        let at = Timestamp::parse("2026-01-31T20:30:00.000Z").expect("a time");
        assert_eq!(beijing_rfc3339(at), "2026-02-01T04:30:00+08:00");
        assert_eq!(
            refund_notify_beside("https://shop.example.com/api/v1/payments/wxpay/notify"),
            "https://shop.example.com/api/v1/payments/wxpay/refund-notify"
        );
    }
}
