//! HS256 bearer tokens for local work, and the claims API Gateway's JWT authorizer would pass.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// The secret used when `ORDERS_DEV_JWT_SECRET` is not set. For local work only.
pub const DEFAULT_DEV_SECRET: &str = "orders-dev-secret-change-me";

/// Verifies a bearer token and returns its claims as API Gateway passes them: every value a string.
pub fn verify(secret: &str, authorization: Option<&str>) -> Option<HashMap<String, String>> {
    let token = authorization?.strip_prefix("Bearer ").or_else(|| authorization?.strip_prefix("bearer "))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "sub"]);
    let data =
        decode::<Map<String, Value>>(token.trim(), &DecodingKey::from_secret(secret.as_bytes()), &validation).ok()?;
    Some(
        data.claims
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

/// A token for `sub` with `role` (and `seller_id`), valid for `days`.
pub fn mint(secret: &str, sub: &str, role: &str, seller_id: Option<&str>, days: u64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let mut claims = Map::new();
    claims.insert("sub".into(), Value::from(sub));
    claims.insert("role".into(), Value::from(role));
    if let Some(seller_id) = seller_id {
        claims.insert("seller_id".into(), Value::from(seller_id));
    }
    claims.insert("iss".into(), Value::from("orders-dev"));
    claims.insert("iat".into(), Value::from(now));
    claims.insert("exp".into(), Value::from(now + days * 86400));
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap_or_default()
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
}
