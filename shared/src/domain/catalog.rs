//! SKUs: what a shop sells, at which price, with how much stock.

use crate::domain::money::{as_fen, Money};
use crate::domain::text::{validate_id, validate_text};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
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

impl Sku {
    /// The rules a seller's SKU must follow.
    pub fn validate(&self) -> Result<(), ApiError> {
        validate_id("sku_id", &self.sku_id)?;
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
        match &self.freight_template_id {
            Some(template) => validate_id("freight_template_id", template),
            None => Ok(()),
        }
    }
}
