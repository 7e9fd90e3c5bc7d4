//! The points password (seed 004's `pay_password`): six digits a buyer sets; once set, every
//! points payment carries it. Five wrong tries lock points payments for fifteen minutes. Only its
//! argon2id hash is stored, and it is never logged.

use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// Wrong tries in a row that lock points payments.
pub const MAX_FAILURES: u32 = 5;
/// How long the lock lasts.
pub const LOCK_SECONDS: i64 = 15 * 60;

/// Six ASCII digits.
pub fn validate(field: &str, password: &str) -> Result<(), ApiError> {
    if password.len() == 6 && password.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "must be 6 digits"))
    }
}

/// A buyer's stored password: its hash and the tries since the last right one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPassword {
    pub hash: String,
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub locked_until: Option<Timestamp>,
}

impl PayPassword {
    /// Refused while locked: says until when.
    pub fn check_unlocked(&self, now: Timestamp) -> Result<(), ApiError> {
        match self.locked_until {
            Some(until) if now < until => Err(ApiError::PointsPassword(format!(
                "points payments are locked after {MAX_FAILURES} wrong passwords until {until}"
            ))),
            _ => Ok(()),
        }
    }
}

/// A password as a caller sent it: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct GivenPassword(pub String);

impl std::fmt::Debug for GivenPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GivenPassword(***)")
    }
}
