//! Money in integer fen (1/100 CNY). On the wire it is a string with two decimals: `"12.34"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An amount in fen. Stored as a number, shown as `"12.34"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

/// Largest amount accepted from a caller: 100 million yuan.
pub const MAX_FEN: i64 = 10_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn checked_mul(self, factor: i64) -> Option<Money> {
        self.0.checked_mul(factor).map(Money)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Parses `"12"`, `"12.3"` or `"12.34"`; rejects signs, exponents, more than two decimals.
    pub fn parse(text: &str) -> Result<Money, String> {
        let rule = || format!("must be a non-negative amount with at most two decimals, like \"12.34\" (got {text:?})");
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 12 || !digits_only(whole) || fraction.len() > 2 || !digits_only(fraction) {
            return Err(rule());
        }
        if text.contains('.') && fraction.is_empty() {
            return Err(rule());
        }
        let whole: i64 = whole.parse().map_err(|_| rule())?;
        let mut fen: i64 = fraction.parse::<i64>().unwrap_or(0);
        if fraction.len() == 1 {
            fen *= 10;
        }
        let total = whole.checked_mul(100).and_then(|w| w.checked_add(fen)).ok_or_else(rule)?;
        if total > MAX_FEN {
            return Err(format!("must not exceed {}", Money(MAX_FEN)));
        }
        Ok(Money(total))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Storage form: fen as a plain number, so DynamoDB expressions can add to it.
pub mod as_fen {
    use super::Money;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(money: &Money, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(money.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        i64::deserialize(deserializer).map(Money)
    }
}

/// On the wire money is a string: up to 12 digits, then at most two decimals.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[0-9]{1,12}(\.[0-9]{1,2})?$"))
            .description(Some("An amount in CNY, as a string with at most two decimals"))
            .examples([serde_json::json!("128.00")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints_two_decimals() {
        assert_eq!(Money::parse("12.34"), Ok(Money(1234)));
        assert_eq!(Money::parse("12.3"), Ok(Money(1230)));
        assert_eq!(Money::parse("12"), Ok(Money(1200)));
        assert_eq!(Money::parse("0.05"), Ok(Money(5)));
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(-150).to_string(), "-1.50");
        for bad in ["", ".5", "5.", "1.234", "-1", "+1", "1e3", "1,00", " 1", "99999999999999"] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn wire_form_is_a_string() {
        assert_eq!(serde_json::to_string(&Money(10000)).unwrap(), "\"100.00\"");
        assert!(serde_json::from_str::<Money>("12.5").is_err(), "a JSON float is refused");
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(fen in 0i64..=MAX_FEN) {
            prop_assert_eq!(Money::parse(&Money(fen).to_string()), Ok(Money(fen)));
        }
    }
}
