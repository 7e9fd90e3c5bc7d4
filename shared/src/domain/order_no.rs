//! `order_no`: 18 digits, the creation time in milliseconds (13 digits) then 5 random digits, so
//! numbers sort by time. Uniqueness is enforced by a conditional write of an `ORDERNO#` item.

use crate::domain::time::Timestamp;

pub fn generate(now: Timestamp) -> String {
    let random: u32 = rand::random_range(0..100_000);
    format!("{:013}{random:05}", now.millis())
}

pub fn is_valid(text: &str) -> bool {
    text.len() == 18 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The smallest and largest order numbers created within `[from, to]`.
pub fn range(from: Timestamp, to: Timestamp) -> (String, String) {
    (format!("{:013}00000", from.millis().max(0)), format!("{:013}99999", to.millis().max(0)))
}

/// A number spread evenly across order numbers (from their random last digits), stable per order:
/// what picks the shard of a shop's counters an order moves.
pub fn spread(order_no: &str) -> u32 {
    order_no.bytes().rev().take(4).fold(0, |acc, byte| acc * 10 + u32::from(byte.wrapping_sub(b'0') % 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighteen_digits_sorting_by_time() {
        let earlier = generate(Timestamp::from_millis(1_764_000_000_000));
        let later = generate(Timestamp::from_millis(1_764_000_000_001));
        assert!(is_valid(&earlier) && is_valid(&later));
        assert!(earlier < later);
        assert!(earlier.starts_with("1764000000000"));
        assert!(!is_valid("12345"));
        assert!(!is_valid("17640000000000000a"));
    }
}
