//! Signing and verifying as API v3 does it: the request's `Authorization` header (SHA256withRSA
//! with the merchant key), answers and notifications signed by WeChat Pay over
//! `TIMESTAMP\nNONCE\nBODY\n` (checked within five minutes), resources sealed with AEAD_AES_256_GCM
//! under the APIv3 key.

use super::config::WxpayConfig;
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};

/// The scheme of the `Authorization` header.
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";
/// How far a signed timestamp may be from now (WeChat Pay's SDKs allow five minutes).
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The path part of a URL (`https://host/base` -> `/base`; none -> empty).
pub(super) fn base_path(url: &str) -> &str {
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
    /// From the headers `header` looks up by lowercase name.
    pub fn read<'h>(header: impl Fn(&str) -> Option<&'h str>) -> Result<SignedHeaders, String> {
        let header = |name: &str| header(name).map(str::to_string).ok_or_else(|| format!("no {name} header"));
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
pub fn verify_signed<'h>(
    config: &WxpayConfig,
    key: &VerifyingKey,
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
    now: Option<Timestamp>,
) -> Result<(), ApiError> {
    let signed = SignedHeaders::read(header).map_err(|why| ApiError::rejected(Rejection::Signature, why))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
