//! The points password (`pay_password`): six digits a buyer sets; once set, every
//! points payment carries it. Five wrong tries lock points payments for fifteen minutes. Only its
//! argon2id hash is stored, and it is never logged.

use crate::domain::time::Timestamp;
use crate::error::{ApiError, PasswordRefusal};
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

/// A buyer's stored password: its hash and the tries counted since the last right one. Every
/// try is counted before its password is checked, so tries in flight at once count too; the
/// count stays full for the whole lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPassword {
    pub hash: String,
    #[serde(default)]
    pub failures: u32,
    /// When the last try was counted: a full count locks until `LOCK_SECONDS` after it.
    #[serde(default)]
    pub last_try_at: Option<Timestamp>,
    /// A lock as earlier versions wrote it (they started the count again when they locked).
    #[serde(default)]
    pub locked_until: Option<Timestamp>,
}

impl PayPassword {
    /// When the lock ends, if the count is full (or an older lock is stored).
    pub fn lock_ends(&self) -> Option<Timestamp> {
        let counted = if self.failures >= MAX_FAILURES {
            // A full count without a time (never written so) locks until a right change.
            Some(self.last_try_at.map_or(Timestamp::from_millis(i64::MAX), |at| at.plus_seconds(LOCK_SECONDS)))
        } else {
            None
        };
        counted.max(self.locked_until)
    }

    /// Refused while locked: says until when.
    pub fn check_unlocked(&self, now: Timestamp) -> Result<(), ApiError> {
        match self.lock_ends() {
            Some(until) if now < until => Err(ApiError::PointsPassword(PasswordRefusal::Locked { until })),
            _ => Ok(()),
        }
    }

    /// The refusal of a wrong password counted into this state: tries left, or the lock.
    pub fn wrong_password(&self, now: Timestamp) -> ApiError {
        ApiError::PointsPassword(match self.lock_ends() {
            Some(until) if now < until => PasswordRefusal::WrongAndLocked { until },
            _ => PasswordRefusal::Wrong {
                tries_left: MAX_FAILURES.saturating_sub(self.failures),
                lock_minutes: LOCK_SECONDS / 60,
            },
        })
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
