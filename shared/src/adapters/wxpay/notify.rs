//! Payment and refund notifications: verified (signature, serial, five-minute window) and
//! decrypted before anything is read; and built as WeChat Pay builds them, for the stand-in gateway
//! and the tools.

use super::api::Transaction;
use super::config::{ApiV3Key, WxpayConfig};
use super::sign::{beijing_rfc3339, nonce, verify_signed, SignedHeaders};
use crate::adapters::crypto::SigningKey;
use crate::domain::payment::{Callback, Notice, RefundStatus};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};
use serde::{Deserialize, Serialize};

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
    callback: Callback<'_>,
    now: Timestamp,
) -> Result<Notice, ApiError> {
    let body = callback.body;
    verify_signed(config, config.verifying_key().await?, |name| callback.header(name), body, Some(now))?;
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
