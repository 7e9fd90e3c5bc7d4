//! RSA2 as Alipay's open API signs: the parameters sorted by name, `sign` (and `sign_type` where
//! Alipay leaves it out) skipped, joined as `k=v` with `&`, SHA256withRSA, base64; and Alipay's
//! times.

use super::config::AlipayConfig;
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use std::collections::BTreeMap;

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

pub(super) fn url_encode(pairs: &BTreeMap<String, String>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// `passback_params` as Alipay takes it (URL-encoded, as its documentation asks): `buyer=<id>`.
pub fn passback(buyer_id: &str) -> String {
    form_urlencoded::byte_serialize(format!("buyer={buyer_id}").as_bytes()).collect()
}

/// The buyer a notification's `passback_params` (as sent: URL-encoded once) names.
pub fn buyer_of_passback(text: &str) -> Option<String> {
    let decoded: String =
        form_urlencoded::parse(format!("p={text}").as_bytes()).map(|(_, value)| value.into_owned()).collect();
    decoded.strip_prefix("buyer=").filter(|buyer| !buyer.is_empty()).map(str::to_string)
}

/// Alipay's `yyyy-MM-dd HH:mm:ss`, in Beijing time.
pub(super) fn alipay_time(at: Timestamp) -> String {
    let beijing = at.plus_seconds(8 * 3600).to_string();
    // "2026-01-31T08:00:00.000Z" -> "2026-01-31 08:00:00"
    format!("{} {}", &beijing[..10], &beijing[11..19])
}

/// An Alipay `yyyy-MM-dd HH:mm:ss` (Beijing time), if it is one.
pub fn parse_alipay_time(text: &str) -> Option<Timestamp> {
    let (date, time) = text.split_once(' ')?;
    Timestamp::parse(&format!("{date}T{time}+08:00")).ok()
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

    #[test]
    fn the_buyer_comes_back_whatever_it_holds() {
        for buyer in ["buyer-1", "auth0|5f3a&x=1", "买家"] {
            assert_eq!(buyer_of_passback(&passback(buyer)).as_deref(), Some(buyer));
        }
        assert_eq!(buyer_of_passback("other%3D1"), None);
    }
}
