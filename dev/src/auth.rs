//! HS256 bearer tokens for local work, and the claims API Gateway's JWT authorizer would pass.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// The secret used when `ORDERS_DEV_JWT_SECRET` is not set. For local work only.
pub const DEFAULT_DEV_SECRET: &str = "orders-dev-secret-change-me";

/// Claims as the token holds them, refused when a name appears twice (`{"role": "buyer",
/// "role": "admin"}` names no one role).
struct UniqueClaims(Map<String, Value>);

impl<'de> serde::Deserialize<'de> for UniqueClaims {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = UniqueClaims;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object of claims")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueClaims, A::Error> {
                let mut claims = Map::new();
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    if claims.contains_key(&name) {
                        return Err(serde::de::Error::custom(format!("the claim {name} appears twice")));
                    }
                    claims.insert(name, value);
                }
                Ok(UniqueClaims(claims))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Verifies a bearer token as API Gateway's JWT authorizer does (signature, `exp`, `nbf`, an
/// `iat` not in the future, one value per claim) and returns its claims as API Gateway passes
/// them: every value a string.
pub fn verify(secret: &str, authorization: Option<&str>) -> Option<HashMap<String, String>> {
    let token = authorization?.strip_prefix("Bearer ").or_else(|| authorization?.strip_prefix("bearer "))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "sub"]);
    let data = decode::<UniqueClaims>(token.trim(), &DecodingKey::from_secret(secret.as_bytes()), &validation).ok()?;
    let now = unix_now();
    let issued = data.claims.0.get("iat").map(|iat| iat.as_u64());
    if issued.is_some_and(|iat| iat.is_none_or(|iat| iat > now + validation.leeway)) {
        return None;
    }
    Some(
        data.claims
            .0
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                (name, text)
            })
            .collect(),
    )
}

/// A token with exactly these claims (tests make expired or not-yet-valid ones with it).
pub fn mint_claims(secret: &str, claims: &Map<String, Value>) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap_or_default()
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A token for `sub` with `role` (and `seller_id`), valid for `days`.
pub fn mint(secret: &str, sub: &str, role: &str, seller_id: Option<&str>, days: u64) -> String {
    let now = unix_now();
    let mut claims = Map::new();
    claims.insert("sub".into(), Value::from(sub));
    claims.insert("role".into(), Value::from(role));
    if let Some(seller_id) = seller_id {
        claims.insert("seller_id".into(), Value::from(seller_id));
    }
    claims.insert("iss".into(), Value::from("orders-dev"));
    claims.insert("iat".into(), Value::from(now));
    claims.insert("exp".into(), Value::from(now + days * 86400));
    mint_claims(secret, &claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_verifies_and_a_forged_one_does_not() {
        let token = mint("s3cret", "buyer-1", "buyer", None, 1);
        let claims = verify("s3cret", Some(&format!("Bearer {token}"))).expect("valid");
        assert_eq!(claims.get("sub").map(String::as_str), Some("buyer-1"));
        assert_eq!(claims.get("role").map(String::as_str), Some("buyer"));
        assert!(verify("other", Some(&format!("Bearer {token}"))).is_none());
        assert!(verify("s3cret", Some(&token)).is_none(), "the Bearer scheme is required");
        assert!(verify("s3cret", None).is_none());
    }

    fn signed(claims: &str) -> String {
        use base64::Engine;
        let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        let message = format!("{}.{}", encode(r#"{"alg":"HS256","typ":"JWT"}"#), encode(claims));
        let key = EncodingKey::from_secret(b"s3cret");
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
        format!("Bearer {message}.{signature}")
    }

    #[test]
    fn tokens_api_gateway_refuses_are_refused_here_too() {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let exp = now + 3600;
        let good = signed(&format!(r#"{{"sub":"b1","role":"buyer","exp":{exp},"iat":{now}}}"#));
        assert!(verify("s3cret", Some(&good)).is_some(), "the hand-made token itself is valid");
        let later = now + 86_400;
        let not_yet = signed(&format!(r#"{{"sub":"b1","role":"buyer","exp":{exp},"nbf":{later}}}"#));
        assert!(verify("s3cret", Some(&not_yet)).is_none(), "nbf a day ahead");
        let future = signed(&format!(r#"{{"sub":"b1","role":"buyer","exp":{exp},"iat":{later}}}"#));
        assert!(verify("s3cret", Some(&future)).is_none(), "issued a day from now");
        let two_roles = signed(&format!(r#"{{"sub":"b1","role":"buyer","role":"admin","exp":{exp}}}"#));
        assert!(verify("s3cret", Some(&two_roles)).is_none(), "two role claims");
    }
}
