//! The catalog: the public entry, and a seller's listing and stock.

use crate::app::App;
use crate::domain::catalog::{Listing, Sku, StockRefusal};
use crate::domain::time::Timestamp;
use crate::error::ApiError;

pub async fn get_sku(app: &App, sku_id: &str) -> Result<Sku, ApiError> {
    app.store.get_sku(sku_id).await?.ok_or_else(|| ApiError::not_found("SKU", sku_id))
}

/// A SKU of the seller's shop; another shop's is 404 like a missing one.
pub async fn seller_sku(app: &App, seller_id: &str, sku_id: &str) -> Result<Sku, ApiError> {
    match app.store.get_sku(sku_id).await? {
        Some(sku) if sku.listing.seller_id == seller_id => Ok(sku),
        _ => Err(ApiError::not_found("SKU", sku_id)),
    }
}

/// Creates or updates a SKU of the seller's shop and sets its on hand; open orders keep what
/// they reserved. `expected_on_hand` makes it a compare-and-set.
pub async fn put_sku(
    app: &App,
    listing: &Listing,
    on_hand: i64,
    expected_on_hand: Option<i64>,
) -> Result<Sku, ApiError> {
    listing.validate()?;
    // A change of freight template moves the shop's template use counts in the same write.
    let before = app.store.get_sku(&listing.sku_id).await?;
    let old = before.as_ref().and_then(|sku| sku.listing.freight_template_id.clone());
    let change = (old != listing.freight_template_id).then_some(old);
    app.store
        .put_sku_changing_template(listing, on_hand, expected_on_hand, Timestamp::now(), change)
        .await?
        .map_err(|refusal: StockRefusal| refusal.into_error(&listing.sku_id))
}

/// Goods received (`delta` > 0) or lost (`delta` < 0): on hand moves by `delta` at once.
/// Another shop's SKU is 404, like a missing one.
pub async fn adjust_stock(app: &App, seller_id: &str, sku_id: &str, delta: i64, reason: &str) -> Result<Sku, ApiError> {
    let sku =
        app.store.adjust_stock(sku_id, seller_id, delta, Timestamp::now()).await?.map_err(|refusal| match refusal {
            StockRefusal::NotYours => StockRefusal::Missing.into_error(sku_id),
            refusal => refusal.into_error(sku_id),
        })?;
    tracing::info!(%seller_id, %sku_id, delta, %reason, on_hand = sku.on_hand, "stock adjusted");
    Ok(sku)
}
