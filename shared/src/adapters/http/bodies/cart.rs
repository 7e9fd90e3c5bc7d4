//! Bodies of the cart.

use super::defaults::yes;
#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::cart::MAX_CART_QUANTITY;
use crate::error::ApiError;
use serde::Deserialize;

/// `PUT /cart/items/{sku_id}`: sets the quantity (1–999) and whether it is selected (default yes).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"quantity": 2, "selected": true}))))]
pub struct CartItemBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, 999>))]
    pub quantity: i64,
    #[serde(default = "yes")]
    pub selected: bool,
}

impl CartItemBody {
    pub fn quantity(&self) -> Result<u32, ApiError> {
        u32::try_from(self.quantity)
            .ok()
            .filter(|quantity| (1..=MAX_CART_QUANTITY).contains(quantity))
            .ok_or_else(|| ApiError::invalid("quantity", format!("must be 1..={MAX_CART_QUANTITY}")))
    }
}
