//! LianLian's signature, as its SDKs compute it (`LLPayUtil.genSignData`, `TraderRSAUtil`): the
//! parameters sorted by name ignoring case, `sign` and empty values left out, joined as `k=v`
//! with `&`, signed RSA PKCS#1 v1.5 over an MD5 digest (`MD5withRSA`, sign_type `RSA`), base64.
//! Every value is a string; a message's other JSON values sign as their JSON text.

use crate::adapters::crypto::{Md5RsaSigningKey, Md5RsaVerifyingKey};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A message's parameters, by name.
pub type Params = BTreeMap<String, String>;

/// What LianLian signs: every parameter but `sign` and those in `unsigned`, empty values (and the
/// SDKs' `"null"`) left out, sorted by name ignoring case.
pub fn signing_content(params: &Params, unsigned: &[&str]) -> String {
    let mut names: Vec<&String> = params
        .iter()
        .filter(|(name, value)| {
            name.as_str() != "sign" && !unsigned.contains(&name.as_str()) && !value.is_empty() && *value != "null"
        })
        .map(|(name, _)| name)
        .collect();
    names.sort_by_key(|name| name.to_lowercase());
    names.iter().map(|name| format!("{name}={}", params[*name])).collect::<Vec<_>>().join("&")
}

/// Signs `params` (sign_type `RSA`): the `sign` to add.
pub fn sign(key: &Md5RsaSigningKey, params: &Params) -> Result<String, ApiError> {
    key.sign_base64(signing_content(params, &[]).as_bytes()).map_err(ApiError::Internal)
}

/// Adds `sign_type` and `sign` to `params`.
pub fn signed(key: &Md5RsaSigningKey, mut params: Params) -> Result<Params, ApiError> {
    params.insert("sign_type".into(), "RSA".into());
    let signature = sign(key, &params)?;
    params.insert("sign".into(), signature);
    Ok(params)
}

/// Why a message's signature is not trusted, if it is not.
pub fn check_signature(key: &Md5RsaVerifyingKey, params: &Params, unsigned: &[&str]) -> Result<(), String> {
    let signature = params.get("sign").filter(|sign| !sign.is_empty()).ok_or("not signed")?;
    if params.get("sign_type").is_some_and(|kind| kind != "RSA") {
        return Err(format!("sign_type {:?} is not RSA", params["sign_type"]));
    }
    if !key.verify_base64(signing_content(params, unsigned).as_bytes(), signature) {
        return Err("the signature does not verify".into());
    }
    Ok(())
}

/// A JSON object's members as parameters (strings as they are, `null` left out, anything else as
/// its JSON text); none when `body` is not a JSON object.
pub fn params_of(body: &[u8]) -> Option<Params> {
    let object: Map<String, Value> = serde_json::from_slice(body).ok()?;
    Some(
        object
            .into_iter()
            .filter_map(|(name, value)| match value {
                Value::Null => None,
                Value::String(text) => Some((name, text)),
                other => Some((name, other.to_string())),
            })
            .collect(),
    )
}

/// The parameters as the JSON object LianLian's APIs take.
pub fn to_json(params: &Params) -> String {
    serde_json::to_string(params).unwrap_or_else(|_| "{}".into())
}

/// LianLian's `yyyyMMddHHmmss`, in Beijing time.
pub fn lianlian_time(at: Timestamp) -> String {
    let beijing = at.plus_seconds(8 * 3600).to_string();
    // "2026-01-31T08:00:00.000Z" -> "20260131080000"
    beijing[..19].chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
    }

    #[test]
    fn the_content_is_sorted_ignoring_case_without_sign_and_empty_values() {
        let message = params(&[
            ("oid_partner", "201408071000001543"),
            ("sign", "abc"),
            ("Busi_partner", "109001"),
            ("info_order", ""),
            ("name_goods", "null"),
            ("money_order", "12.34"),
        ]);
        assert_eq!(
            signing_content(&message, &[]),
            "Busi_partner=109001&money_order=12.34&oid_partner=201408071000001543"
        );
        assert_eq!(signing_content(&message, &["money_order"]), "Busi_partner=109001&oid_partner=201408071000001543");
    }

    #[test]
    fn json_members_become_strings() {
        let read = params_of(br#"{"a": "x", "b": 1.5, "c": null, "d": {"e": "f"}}"#).expect("an object");
        assert_eq!(read, params(&[("a", "x"), ("b", "1.5"), ("d", r#"{"e":"f"}"#)]));
        assert!(params_of(b"[1]").is_none());
    }

    #[test]
    fn times_are_beijing_digits() {
        let at = Timestamp::parse("2026-01-31T20:30:05.123Z").expect("a time");
        assert_eq!(lianlian_time(at), "20260201043005");
    }
}
