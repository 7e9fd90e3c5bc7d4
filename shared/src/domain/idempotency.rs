//! `Idempotency-Key`: the same key with the same body gives the first result again.

use crate::error::ApiError;

/// A key that passed the rules; only `parse` makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The header's name, for messages.
    pub const HEADER: &'static str = "Idempotency-Key";

    /// The longest key, in characters.
    pub const MAX_CHARS: usize = 255;

    /// 1 to 255 printable ASCII characters (space to `~`), as the header's bytes.
    pub fn parse(bytes: &[u8]) -> Result<IdempotencyKey, ApiError> {
        let valid = (1..=Self::MAX_CHARS).contains(&bytes.len()) && bytes.iter().all(|b| (b' '..=b'~').contains(b));
        match std::str::from_utf8(bytes) {
            Ok(text) if valid => Ok(IdempotencyKey(text.to_string())),
            _ => Err(ApiError::invalid(Self::HEADER, "must be 1 to 255 printable ASCII characters")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_printable_ascii_or_refused() {
        assert!(IdempotencyKey::parse(b"order 2026-01-31 #1").is_ok());
        assert!(IdempotencyKey::parse(&[b'k'; 255]).is_ok());
        for bad in [&b""[..], &[b'k'; 256][..], "清单".as_bytes(), b"a\tb", &[0xff, 0xfe]] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
