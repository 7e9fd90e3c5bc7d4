//! The buyer's address book and address validation.

use crate::catalog::validate_text;
use crate::error::ApiError;
use crate::order::Address;
use serde::{Deserialize, Serialize};

/// A buyer keeps at most this many addresses.
pub const MAX_ADDRESSES: u32 = 20;

/// An address as a caller sends it (inline in an order, or into the address book).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub detail: String,
}

impl AddressInput {
    /// Checks every field; `prefix` names where the address sits in the body (`address.`).
    pub fn validate(self, prefix: &str) -> Result<Address, ApiError> {
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
        validate_text(&field("detail"), &self.detail, 1, 200)?;
        Ok(Address {
            name: self.name,
            phone: self.phone,
            province: self.province,
            city: self.city,
            district: self.district,
            detail: self.detail,
        })
    }
}

/// Body of `POST /addresses` and `PUT /addresses/{address_id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressRequest {
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    #[serde(default)]
    pub district: String,
    pub detail: String,
    #[serde(default)]
    pub is_default: bool,
}

impl AddressRequest {
    pub fn validate(self) -> Result<(Address, bool), ApiError> {
        let is_default = self.is_default;
        let input = AddressInput {
            name: self.name,
            phone: self.phone,
            province: self.province,
            city: self.city,
            district: self.district,
            detail: self.detail,
        };
        Ok((input.validate("")?, is_default))
    }
}

/// One address-book entry as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
