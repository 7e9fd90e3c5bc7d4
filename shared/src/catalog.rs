//! SKUs: the public catalog entry and the seller's upsert.

use crate::error::ApiError;
use crate::money::{as_fen, Money};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Stock and quantities are bounded so sums never overflow and typos are caught.
pub const MAX_STOCK: i64 = 100_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sku {
    pub sku_id: String,
    pub seller_id: String,
    pub name: String,
    #[serde(default)]
    pub properties: String,
    #[serde(default)]
    pub pic: String,
    #[serde(with = "as_fen")]
    pub price: Money,
    #[serde(default)]
    pub points_price: Option<i64>,
    pub stock: i64,
    #[serde(default)]
    pub freight_template_id: Option<String>,
    pub updated_at: Timestamp,
}

/// Body of `PUT /api/v1/seller/skus/{sku_id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutSkuRequest {
    pub name: String,
    #[serde(default)]
    pub properties: String,
    #[serde(default)]
    pub pic: String,
    pub price: Money,
    #[serde(default)]
    pub points_price: Option<i64>,
    pub stock: i64,
    #[serde(default)]
    pub freight_template_id: Option<String>,
}

/// Ids in paths and keys: letters, digits, `-` and `_`, 1 to 64 of them.
pub fn validate_id(field: &str, id: &str) -> Result<(), ApiError> {
    let ok =
        !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "must be 1 to 64 letters, digits, '-' or '_'"))
    }
}

pub fn validate_text(field: &str, text: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let chars = text.chars().count();
    if chars < min || chars > max {
        return Err(ApiError::invalid(field, format!("must be {min} to {max} characters")));
    }
    if text.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

impl PutSkuRequest {
    pub fn into_sku(self, sku_id: &str, seller_id: &str, now: Timestamp) -> Result<Sku, ApiError> {
        validate_id("sku_id", sku_id)?;
        validate_text("name", &self.name, 1, 120)?;
        validate_text("properties", &self.properties, 0, 500)?;
        validate_text("pic", &self.pic, 0, 1000)?;
        if self.price.0 <= 0 {
            return Err(ApiError::invalid("price", "must be more than 0.00"));
        }
        if let Some(points) = self.points_price {
            if !(1..=MAX_STOCK).contains(&points) {
                return Err(ApiError::invalid("points_price", format!("must be 1..={MAX_STOCK} when given")));
            }
        }
        if !(0..=MAX_STOCK).contains(&self.stock) {
            return Err(ApiError::invalid("stock", format!("must be 0..={MAX_STOCK}")));
        }
        if let Some(template) = &self.freight_template_id {
            validate_id("freight_template_id", template)?;
        }
        Ok(Sku {
            sku_id: sku_id.to_string(),
            seller_id: seller_id.to_string(),
            name: self.name,
            properties: self.properties,
            pic: self.pic,
            price: self.price,
            points_price: self.points_price,
            stock: self.stock,
            freight_template_id: self.freight_template_id,
            updated_at: now,
        })
    }
}

/// Wire form of a SKU (money as a string).
#[derive(Debug, Serialize)]
pub struct SkuView<'a> {
    pub sku_id: &'a str,
    pub seller_id: &'a str,
    pub name: &'a str,
    pub properties: &'a str,
    pub pic: &'a str,
    pub price: Money,
    pub points_price: Option<i64>,
    pub stock: i64,
    pub freight_template_id: Option<&'a str>,
    pub updated_at: Timestamp,
}

impl Sku {
    pub fn view(&self) -> SkuView<'_> {
        SkuView {
            sku_id: &self.sku_id,
            seller_id: &self.seller_id,
            name: &self.name,
            properties: &self.properties,
            pic: &self.pic,
            price: self.price,
            points_price: self.points_price,
            stock: self.stock,
            freight_template_id: self.freight_template_id.as_deref(),
            updated_at: self.updated_at,
        }
    }
}
