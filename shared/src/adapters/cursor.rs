//! Opaque list cursors, signed. A cursor carries the store's position, a fingerprint of who asked
//! and with which filter, and when it was given out, under an HMAC-SHA256 tag: a forged,
//! truncated or altered cursor, one for another caller or filter, one signed with another key or
//! one older than a day is a 400 on the `cursor` field, never a position the store would refuse.

use crate::error::ApiError;
use aws_lc_rs::hmac;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A cursor is walked within a day; an older one is stale.
pub const MAX_AGE_SECONDS: i64 = 24 * 3600;
/// Longer text is not a cursor this API gave out.
const MAX_CURSOR_CHARS: usize = 2048;
/// Secrets shorter than this are refused: the key must not be guessable.
pub const MIN_KEY_BYTES: usize = 32;

/// The key that signs cursors (`ORDERS_CURSOR_KEY`).
#[derive(Clone)]
pub struct CursorKey(hmac::Key);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

impl CursorKey {
    /// A secret of at least 32 bytes (any text: a random base64 or hex string serves).
    pub fn from_secret(secret: &str) -> Result<CursorKey, String> {
        let secret = secret.trim();
        if secret.len() < MIN_KEY_BYTES {
            return Err(format!("the cursor key must be at least {MIN_KEY_BYTES} bytes"));
        }
        Ok(CursorKey(hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes())))
    }

    /// A new random secret, as text (for the dev server's key file and tests).
    pub fn generate_secret() -> String {
        let bytes: [u8; 32] = rand::random();
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Fingerprint of owner and filter.
    s: String,
    /// The position: string attributes of the last evaluated key.
    k: BTreeMap<String, String>,
    /// When it was given out, in seconds since the epoch.
    t: i64,
}

/// A fingerprint of the caller and every filter that shapes the list.
pub fn scope(owner: &str, filter: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, format!("{owner}\u{1f}{filter}").as_bytes());
    hex::encode(&digest.as_ref()[..12])
}

/// The cursor for `position` in the list `scope`, given out at `now_seconds`.
pub fn encode(key: &CursorKey, scope: &str, position: BTreeMap<String, String>, now_seconds: i64) -> String {
    let payload = Payload { s: scope.to_string(), k: position, t: now_seconds };
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap_or_default());
    let tag = hmac::sign(&key.0, body.as_bytes());
    format!("{body}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// The position a cursor names, if this list gave it out to this caller for this filter, with
/// exactly the key attributes `names` (the ones the list's index uses).
pub fn decode(
    key: &CursorKey,
    cursor: &str,
    scope: &str,
    names: &[&str],
    now_seconds: i64,
) -> Result<BTreeMap<String, String>, ApiError> {
    let invalid = |why: &str| ApiError::invalid("cursor", why.to_string());
    let foreign = || invalid("is not a cursor this list gave out for this caller and filter");
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(foreign());
    }
    let (body, tag) = cursor.split_once('.').ok_or_else(foreign)?;
    let tag = URL_SAFE_NO_PAD.decode(tag.as_bytes()).map_err(|_| foreign())?;
    hmac::verify(&key.0, body.as_bytes(), &tag).map_err(|_| foreign())?;
    let bytes = URL_SAFE_NO_PAD.decode(body.as_bytes()).map_err(|_| foreign())?;
    let payload: Payload = serde_json::from_slice(&bytes).map_err(|_| foreign())?;
    if payload.s != scope {
        return Err(foreign());
    }
    let age = now_seconds.saturating_sub(payload.t);
    if !(-300..=MAX_AGE_SECONDS).contains(&age) {
        return Err(invalid("has expired; start the list again from the first page"));
    }
    let same_names = payload.k.len() == names.len() && names.iter().all(|name| payload.k.contains_key(*name));
    if !same_names || payload.k.values().any(|value| value.is_empty() || value.len() > 1024) {
        return Err(foreign());
    }
    Ok(payload.k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(secret: &str) -> CursorKey {
        CursorKey::from_secret(&secret.repeat(32)).expect("a key")
    }

    #[test]
    fn a_cursor_only_works_for_its_owner_filter_key_and_day() {
        let (key_a, key_b) = (key("a"), key("b"));
        let mine = scope("buyer-a", "status=paid");
        let names = ["PK", "SK"];
        let position = BTreeMap::from([
            ("PK".to_string(), "BUYER#buyer-a".to_string()),
            ("SK".to_string(), "ORDER#1".to_string()),
        ]);
        let now = 1_800_000_000;
        let cursor = encode(&key_a, &mine, position.clone(), now);
        assert_eq!(decode(&key_a, &cursor, &mine, &names, now + 60).unwrap(), position);
        let refused = |text: &str, scope: &str, key: &CursorKey, at: i64| matches!(decode(key, text, scope, &names, at), Err(ApiError::Invalid { field, .. }) if field == "cursor");
        assert!(refused(&cursor, &scope("buyer-b", "status=paid"), &key_a, now), "another caller");
        assert!(refused(&cursor, &scope("buyer-a", "status=closed"), &key_a, now), "another filter");
        assert!(refused(&cursor, &mine, &key_b, now), "another key");
        assert!(refused(&cursor, &mine, &key_a, now + MAX_AGE_SECONDS + 1), "stale");
        assert!(refused(&cursor[..cursor.len() - 3], &mine, &key_a, now), "truncated");
        assert!(refused(&format!("x{cursor}"), &mine, &key_a, now), "altered");
        assert!(!refused(&cursor, &mine, &key_a, now));
        assert!(decode(&key_a, &cursor, &mine, &["GSI1PK", "GSI1SK", "PK", "SK"], now).is_err(), "other index");
        // A forged position under a made-up tag.
        let forged = Payload { s: mine.clone(), k: position, t: now };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert!(refused(&format!("{body}.AAAA"), &mine, &key_a, now));
        for garbage in ["", ".", "not-a-cursor", "a.b.c", &"x".repeat(5000)] {
            assert!(refused(garbage, &mine, &key_a, now), "{garbage:?}");
        }
        assert!(CursorKey::from_secret("short").is_err());
    }
}
