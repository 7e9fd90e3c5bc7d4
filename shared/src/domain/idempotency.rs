//! `Idempotency-Key`: the same key with the same body gives the first result again.

use crate::error::ApiError;

/// A key that passed the rules; only `parse` makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The header's name, for messages.
    pub const HEADER: &'static str = "Idempotency-Key";

    /// 1 to 128 visible ASCII characters.
    pub fn parse(text: &str) -> Result<IdempotencyKey, ApiError> {
        let valid = (1..=128).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(ApiError::invalid(Self::HEADER, "must be 1 to 128 visible ASCII characters"));
        }
        Ok(IdempotencyKey(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
