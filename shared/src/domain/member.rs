//! Member levels and the benefit an order takes: the member discount or points, never both
//! (a discount means no points).

use crate::domain::money::Money;
use crate::domain::text::validate_text;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// Levels kept (they live in one item).
pub const MAX_LEVELS: usize = 100;
/// The largest member discount: an order always has something left to pay.
pub const MAX_DISCOUNT_PERCENT: u8 = 99;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberLevel {
    pub level_id: String,
    pub name: String,
    /// Percent off goods, 0 to 99: every order keeps at least 0.01 to pay, so no provider is ever
    /// asked for 0.00.
    pub discount_percent: u8,
}

/// Level ids: 1 to 32 of `A-Za-z0-9_-`.
pub fn validate_level_id(field: &str, id: &str) -> Result<(), ApiError> {
    let ok = (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "must be 1 to 32 of A-Z, a-z, 0-9, '_' and '-'"))
    }
}

impl MemberLevel {
    pub fn validate(&self) -> Result<(), ApiError> {
        validate_level_id("level", &self.level_id)?;
        validate_text("name", &self.name, 1, 50)?;
        discount_percent(i64::from(self.discount_percent))?;
        Ok(())
    }

    /// The discount on one line's goods, rounded down to the fen; never the whole line (a level
    /// stored before the limit with 100 % still leaves 0.01 of it to pay).
    pub fn line_discount(&self, line_total: Money) -> Money {
        let percent = i64::from(self.discount_percent.min(MAX_DISCOUNT_PERCENT));
        Money((line_total.0 * percent / 100).min(line_total.0 - 1).max(0))
    }
}

/// A member discount in percent: 0 to `MAX_DISCOUNT_PERCENT`.
pub fn discount_percent(percent: i64) -> Result<u8, ApiError> {
    u8::try_from(percent).ok().filter(|percent| *percent <= MAX_DISCOUNT_PERCENT).ok_or_else(|| {
        ApiError::invalid(
            "discount_percent",
            format!("must be 0..={MAX_DISCOUNT_PERCENT}: every order keeps at least 0.01 to pay"),
        )
    })
}

/// What lowers an order's price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Benefit {
    #[default]
    None,
    /// The buyer's member discount (nothing when the buyer has no level).
    Discount,
    /// Points offsetting part of the price (1 point = 0.01).
    Points(i64),
}

/// Which benefit an order took (`discount_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DiscountType {
    Member,
    Points,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_discount_rounds_down_to_the_fen() {
        let level = MemberLevel { level_id: "gold".into(), name: "Gold".into(), discount_percent: 15 };
        assert_eq!(level.line_discount(Money(999)), Money(149), "149.85 fen rounds down");
        assert_eq!(level.line_discount(Money(12_800)), Money(1_920));
        assert!(validate_level_id("level", "a-b_C9").is_ok());
        assert!(validate_level_id("level", "").is_err());
        assert!(validate_level_id("level", &"x".repeat(33)).is_err());
        assert!(validate_level_id("level", "gold!").is_err());
    }
}
