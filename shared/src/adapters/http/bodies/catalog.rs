//! Bodies of the seller's SKUs: the listing with its on hand, and stock adjustments.

#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::catalog::{validate_stock, Listing, MAX_STOCK};
use crate::domain::money::Money;
use crate::domain::stock_shards::validate_stock_shards;
use crate::domain::text::validate_multiline_text;
use crate::error::ApiError;
use serde::Deserialize;

/// `PUT /seller/skus/{sku_id}`: the listing, and `stock`, the units on hand.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Longjing tea 250 g", "properties": "250 g tin", "price": "128.00", "points_price": 12800, "stock": 500}))))]
pub struct PutSkuBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 120>))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 500>))]
    pub properties: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 1000>))]
    pub pic: String,
    pub price: Money,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, MAX_STOCK>))]
    pub points_price: Option<i64>,
    /// Units on hand, those held for open orders included.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000))]
    pub stock: i64,
    /// Set on hand only if it is still this (two screens must not overwrite each other).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000))]
    pub expected_on_hand: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub freight_template_id: Option<String>,
    /// The items its available units are split over (1 to 32, default 1): more lets more buyers
    /// reserve it each second, as in a flash sale (docs/scaling.md).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 32))]
    pub stock_shards: Option<u32>,
}

/// A seller's SKU as the body gives it: the listing, on hand, and the on hand it expects.
pub struct SkuPut {
    pub listing: Listing,
    pub on_hand: i64,
    pub expected_on_hand: Option<i64>,
    pub stock_shards: u32,
}

impl PutSkuBody {
    /// The listing and stock figures (the listing is checked by the use case).
    pub fn into_put(self, sku_id: &str, seller_id: &str) -> Result<SkuPut, ApiError> {
        validate_stock("stock", self.stock)?;
        if let Some(expected) = self.expected_on_hand {
            validate_stock("expected_on_hand", expected)?;
        }
        let listing = Listing {
            sku_id: sku_id.to_string(),
            seller_id: seller_id.to_string(),
            name: self.name,
            properties: self.properties,
            pic: self.pic,
            price: self.price,
            points_price: self.points_price,
            freight_template_id: self.freight_template_id,
        };
        let stock_shards = validate_stock_shards(self.stock_shards.unwrap_or(1))?;
        Ok(SkuPut { listing, on_hand: self.stock, expected_on_hand: self.expected_on_hand, stock_shards })
    }
}

/// `POST /seller/skus/{sku_id}/stock-adjustments`: goods received or lost.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"delta": 120, "reason": "Delivery from the farm"}))))]
pub struct StockAdjustmentBody {
    /// Units to add to on hand (negative takes away; never 0).
    #[cfg_attr(feature = "openapi", schema(minimum = -100_000_000, maximum = 100_000_000))]
    pub delta: i64,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<1, 200>))]
    pub reason: String,
}

impl StockAdjustmentBody {
    pub fn validated(self) -> Result<StockAdjustmentBody, ApiError> {
        if self.delta == 0 || !(-MAX_STOCK..=MAX_STOCK).contains(&self.delta) {
            return Err(ApiError::invalid("delta", format!("must be non-zero and at most {MAX_STOCK} either way")));
        }
        validate_multiline_text("reason", &self.reason, 1, 200)?;
        Ok(self)
    }
}
