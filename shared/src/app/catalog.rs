//! The catalog: a shop's SKUs and the public entry.

use crate::app::App;
use crate::domain::catalog::Sku;
use crate::error::ApiError;

pub async fn get_sku(app: &App, sku_id: &str) -> Result<Sku, ApiError> {
    app.store.get_sku(sku_id).await?.ok_or_else(|| ApiError::not_found("SKU", sku_id))
}

/// Creates or replaces a SKU of the seller's shop; another shop's SKU is not the seller's to change.
pub async fn put_sku(app: &App, sku: &Sku) -> Result<(), ApiError> {
    sku.validate()?;
    if app.store.put_sku(sku).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden { needed: "seller of the shop that owns this SKU" })
    }
}
