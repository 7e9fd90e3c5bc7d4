//! The postal address a body carries: inline in an order, in the address book, or as a shop's return
//! address; one wire shape, one rule (`Address::validate`).

#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::address::Address;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// An address as a caller sends it: inline in an order (`address`), or into the address book,
/// where `is_default` makes it the default. (Not `Address` flattened: serde's flatten would lose
/// the field names in error messages.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Li Lei", "phone": "13800000000", "province": "Sichuan", "city": "Chengdu", "district": "Wuhou", "detail": "1 Renmin Rd", "is_default": true}))))]
pub struct AddressBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::phone))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub province: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub city: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 50>))]
    pub district: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 200>))]
    pub detail: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_default: bool,
}

impl AddressBody {
    /// The checked address and its default flag; `prefix` names where it sits (`address.`).
    pub fn into_address(self, prefix: &str) -> Result<(Address, bool), ApiError> {
        let AddressBody { name, phone, province, city, district, detail, is_default } = self;
        let address = Address { name, phone, province, city, district, detail };
        address.validate(prefix)?;
        Ok((address, is_default))
    }
}

impl AddressBody {
    /// An address that is not an address-book entry (a shop's return address): `is_default`
    /// means nothing there and is refused.
    pub fn into_plain_address(self, prefix: &str) -> Result<Address, ApiError> {
        match self.into_address(prefix)? {
            (_, true) => Err(ApiError::invalid(format!("{prefix}is_default"), "only the address book has a default")),
            (address, false) => Ok(address),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::http::bodies::CreateOrderBody;

    #[test]
    fn an_address_follows_one_rule_inline_and_in_the_book() {
        let body = |district: Option<&str>| {
            let mut value = serde_json::json!({"name": "Li", "phone": "13800000000", "province": "Guangdong",
                "city": "Dongguan", "detail": "1 Rd"});
            if let Some(district) = district {
                value["district"] = district.into();
            }
            serde_json::from_value::<AddressBody>(value).expect("an address body")
        };
        // A city without districts: the district may be left out, in an order and in the book.
        let (address, is_default) = body(None).into_address("address.").expect("no district is fine");
        assert_eq!((address.district.as_str(), is_default), ("", false));
        assert!(body(Some("Nancheng")).into_address("").is_ok());
        let inline = serde_json::json!({"items": [{"sku_id": "tea", "quantity": 1}],
            "address": {"name": "Li", "phone": "13800000000", "province": "G", "city": "D", "detail": "1 Rd", "is_default": true}});
        let checkout = serde_json::from_value::<CreateOrderBody>(inline).expect("a body").into_checkout();
        assert!(matches!(checkout, Err(ApiError::Invalid { field, .. }) if field == "address.is_default"));
    }
}
