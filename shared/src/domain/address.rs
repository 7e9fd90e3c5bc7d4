//! Delivery addresses: the snapshot an order keeps and the entries of a buyer's address book,
//! with the one rule both follow.

use crate::domain::text::validate_text;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// A buyer keeps at most this many addresses.
pub const MAX_ADDRESSES: u32 = 20;

/// A delivery address as snapshotted into an order or kept in the address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    /// Empty where a city has no districts.
    #[serde(default)]
    pub district: String,
    pub detail: String,
}

impl Address {
    /// Checks every field; `prefix` names where the address sits in a body (`address.`).
    pub fn validate(&self, prefix: &str) -> Result<(), ApiError> {
        let field = |name: &str| format!("{prefix}{name}");
        validate_text(&field("name"), &self.name, 1, 50)?;
        let phone_ok = (5..=20).contains(&self.phone.len())
            && self.phone.bytes().all(|b| b.is_ascii_digit() || b == b'+' || b == b'-' || b == b' ');
        if !phone_ok {
            return Err(ApiError::invalid(field("phone"), "must be 5 to 20 digits, '+', '-' or spaces"));
        }
        validate_text(&field("province"), &self.province, 1, 50)?;
        validate_text(&field("city"), &self.city, 1, 50)?;
        validate_text(&field("district"), &self.district, 0, 50)?;
        validate_text(&field("detail"), &self.detail, 1, 200)
    }
}

/// One address-book entry as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddressEntry {
    pub address_id: String,
    #[serde(flatten)]
    pub address: Address,
    #[serde(default)]
    pub is_default: bool,
}

/// A new address id: 16 hex digits, random.
pub fn new_address_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}
