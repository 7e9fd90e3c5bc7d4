//! The catalog: the public entry, and a seller's listing and stock.

use crate::adapters::store::{SpreadOutcome, StockSpread};
use crate::app::App;
use crate::domain::catalog::{Listing, Sku, StockRefusal, MAX_STOCK};
use crate::domain::stock_shards::{spread_on_hand, validate_stock_shards, SpreadRefusal};
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

/// How often a seller's edit of a sharded SKU is worked out again when orders moved a shard
/// between its read and its write.
const EDIT_ATTEMPTS: usize = 8;

/// Creates or updates a SKU of the seller's shop and sets its on hand; open orders keep what
/// they reserved. `expected_on_hand` makes it a compare-and-set. `stock_shards` (1–32) splits
/// its available units over that many items, so that a flash sale is not held to what one item
/// takes a second.
pub async fn put_sku(
    app: &App,
    listing: &Listing,
    on_hand: i64,
    expected_on_hand: Option<i64>,
    stock_shards: u32,
) -> Result<Sku, ApiError> {
    listing.validate()?;
    validate_stock_shards(stock_shards)?;
    let refused = |refusal: StockRefusal| refusal.into_error(&listing.sku_id);
    for attempt in 0..EDIT_ATTEMPTS {
        let before = app.store.sku_stock(&listing.sku_id, attempt > 0).await?;
        // A change of freight template moves the shop's template use counts in the same write.
        let old = before.as_ref().and_then(|(sku, _)| sku.listing.freight_template_id.clone());
        let change = (old != listing.freight_template_id).then_some(old);
        let sharded = stock_shards > 1 || before.as_ref().is_some_and(|(sku, _)| sku.is_sharded());
        if !sharded {
            match app
                .store
                .put_sku_changing_template(listing, on_hand, expected_on_hand, Timestamp::now(), change)
                .await?
            {
                Err(StockRefusal::ShardsChanged) => continue,
                written => return written.map_err(refused),
            }
        }
        let read = match &before {
            Some((sku, shards)) => {
                check_owner(sku, &listing.seller_id).map_err(refused)?;
                if expected_on_hand.is_some_and(|expected| expected != sku.on_hand) {
                    return Err(refused(StockRefusal::OnHandChanged { on_hand: sku.on_hand }));
                }
                shards.clone()
            }
            None if expected_on_hand.is_some_and(|expected| expected != 0) => {
                return Err(refused(StockRefusal::OnHandChanged { on_hand: 0 }));
            }
            None => Vec::new(),
        };
        let changes = spread_on_hand(&read, stock_shards, on_hand)
            .map_err(|SpreadRefusal::BelowReserved { reserved }| refused(StockRefusal::BelowReserved { reserved }))?;
        let spread = StockSpread {
            listing: Some(listing),
            seller_id: &listing.seller_id,
            sku_id: &listing.sku_id,
            read: &read,
            changes: &changes,
            active: stock_shards,
            template_change: change,
        };
        if let Some(sku) = write_spread(app, &spread).await? {
            return Ok(sku);
        }
    }
    Err(ApiError::Unavailable(format!("the stock of SKU {} kept moving; try again", listing.sku_id)))
}

/// Goods received (`delta` > 0) or lost (`delta` < 0): on hand moves by `delta` at once.
/// Another shop's SKU is 404, like a missing one.
pub async fn adjust_stock(app: &App, seller_id: &str, sku_id: &str, delta: i64, reason: &str) -> Result<Sku, ApiError> {
    let refused = |refusal: StockRefusal| match refusal {
        StockRefusal::NotYours => StockRefusal::Missing.into_error(sku_id),
        refusal => refusal.into_error(sku_id),
    };
    // A SKU in its own item is adjusted by one conditional write, which refuses a sharded one.
    match app.store.adjust_stock(sku_id, seller_id, delta, Timestamp::now()).await? {
        Err(StockRefusal::ShardsChanged) => {}
        adjusted => {
            let sku = adjusted.map_err(refused)?;
            tracing::info!(%seller_id, %sku_id, delta, %reason, on_hand = sku.on_hand, "stock adjusted");
            return Ok(sku);
        }
    }
    for _ in 0..EDIT_ATTEMPTS {
        let Some((sku, read)) = app.store.sku_stock(sku_id, true).await? else {
            return Err(refused(StockRefusal::Missing));
        };
        check_owner(&sku, seller_id).map_err(refused)?;
        let target = sku.on_hand + delta;
        if !(0..=MAX_STOCK).contains(&target) {
            return Err(refused(StockRefusal::OutOfRange { on_hand: sku.on_hand }));
        }
        let changes = spread_on_hand(&read, sku.stock_shards, target)
            .map_err(|SpreadRefusal::BelowReserved { reserved }| refused(StockRefusal::BelowReserved { reserved }))?;
        let spread = StockSpread {
            listing: None,
            seller_id,
            sku_id,
            read: &read,
            changes: &changes,
            active: sku.stock_shards,
            template_change: None,
        };
        if let Some(sku) = write_spread(app, &spread).await? {
            tracing::info!(%seller_id, %sku_id, delta, %reason, on_hand = sku.on_hand, "stock adjusted");
            return Ok(sku);
        }
    }
    Err(ApiError::Unavailable(format!("the stock of SKU {sku_id} kept moving; try again")))
}

fn check_owner(sku: &Sku, seller_id: &str) -> Result<(), StockRefusal> {
    if sku.listing.seller_id != seller_id {
        Err(StockRefusal::NotYours)
    } else {
        Ok(())
    }
}

/// Writes a spread; the SKU as it is after it, or None when a shard moved meanwhile.
async fn write_spread(app: &App, spread: &StockSpread<'_>) -> Result<Option<Sku>, ApiError> {
    match app.store.write_stock_spread(spread, Timestamp::now()).await? {
        SpreadOutcome::Written => {
            let written = app.store.sku_stock(spread.sku_id, true).await?;
            let missing = || ApiError::Internal(format!("SKU {} missing after its write", spread.sku_id));
            Ok(Some(written.ok_or_else(missing)?.0))
        }
        SpreadOutcome::Moved => Ok(None),
        SpreadOutcome::Refused(refusal) => Err(refusal.into_error(spread.sku_id)),
    }
}
