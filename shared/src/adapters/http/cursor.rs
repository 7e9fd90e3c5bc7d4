//! Opaque list cursors. A cursor carries the store's position and a fingerprint of who asked and
//! with which filter; any other caller or filter gets 400 instead of someone else's page.

use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Fingerprint of owner and filter.
    s: String,
    /// The position: string attributes of the last evaluated key.
    k: BTreeMap<String, String>,
}

/// A fingerprint of the caller and every filter that shapes the list.
pub fn scope(owner: &str, filter: &str) -> String {
    let digest = Sha256::digest(format!("{owner}\u{1f}{filter}").as_bytes());
    hex::encode(&digest[..12])
}

pub fn encode(scope: &str, position: BTreeMap<String, String>) -> String {
    let payload = Payload { s: scope.to_string(), k: position };
    let json = serde_json::to_vec(&payload).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

pub fn decode(cursor: &str, scope: &str) -> Result<BTreeMap<String, String>, ApiError> {
    let invalid = || ApiError::invalid("cursor", "is not a cursor this list gave out for this caller and filter");
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid())?;
    let payload: Payload = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if payload.s != scope || payload.k.is_empty() {
        return Err(invalid());
    }
    Ok(payload.k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_only_works_for_its_owner_and_filter() {
        let mine = scope("buyer-a", "status=paid");
        let position = BTreeMap::from([("PK".to_string(), "BUYER#buyer-a".to_string())]);
        let cursor = encode(&mine, position.clone());
        assert_eq!(decode(&cursor, &mine).unwrap(), position);
        assert!(decode(&cursor, &scope("buyer-b", "status=paid")).is_err());
        assert!(decode(&cursor, &scope("buyer-a", "status=closed")).is_err());
        assert!(decode("not-a-cursor", &mine).is_err());
        assert!(decode("", &mine).is_err());
    }
}
