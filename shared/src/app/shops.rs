//! A shop's settings an admin gives it: how many items its order counters are spread over, for
//! shops that place more orders a second than one item takes writes.

use crate::app::App;
use crate::domain::counters::{counter_shard_of, validate_counter_shards};
use crate::domain::order::Order;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a function keeps a shop's setting before reading it again: a change reaches every
/// running function within this, and a busy shop costs one read a minute per function.
pub const SETTING_REREAD: Duration = Duration::from_secs(60);

/// Shops' counter shards as this process last read them.
#[derive(Debug, Default)]
pub struct ShopSettings {
    counter_shards: Mutex<HashMap<String, (u32, Instant)>>,
}

impl ShopSettings {
    fn cached(&self, seller_id: &str) -> Option<u32> {
        let entries = self.counter_shards.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(seller_id).filter(|(_, read_at)| read_at.elapsed() < SETTING_REREAD).map(|(shards, _)| *shards)
    }

    fn remember(&self, seller_id: &str, shards: u32) {
        let mut entries = self.counter_shards.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.insert(seller_id.to_string(), (shards, Instant::now()));
    }
}

/// The counter shards of a shop: its own setting, else `COUNTER_SHARDS`.
pub async fn counter_shards(app: &App, seller_id: &str) -> Result<u32, ApiError> {
    if let Some(shards) = app.shop_settings.cached(seller_id) {
        return Ok(shards);
    }
    let shards = app.store.shop_counter_shards(seller_id).await?;
    remember_counter_shards(app, seller_id, shards);
    Ok(shards.unwrap_or(app.config.counter_shards))
}

/// A shop's setting read along with something else (None: it has none, the default applies).
pub fn remember_counter_shards(app: &App, seller_id: &str, shards: Option<u32>) {
    app.shop_settings.remember(seller_id, shards.unwrap_or(app.config.counter_shards));
}

/// `PUT /admin/shops/{seller_id}/counter-shards`: spreads a shop's counters over `shards` items
/// from now on; orders placed before keep the shard they chose, and the counts stay exact.
pub async fn set_counter_shards(app: &App, seller_id: &str, shards: u32) -> Result<u32, ApiError> {
    crate::domain::text::validate_user_id("seller_id", seller_id)?;
    let shards = validate_counter_shards("counter_shards", shards)?;
    app.store.put_shop_counter_shards(seller_id, shards, Timestamp::now()).await?;
    app.shop_settings.remember(seller_id, shards);
    tracing::info!(%seller_id, shards, "shop counter shards set");
    Ok(shards)
}

/// Gives each new order the counter shard it will move for its whole life.
pub async fn choose_counter_shards(app: &App, orders: &mut [Order]) -> Result<(), ApiError> {
    for order in orders {
        let shards = counter_shards(app, &order.seller_id).await?;
        order.counter_shard = Some(counter_shard_of(&order.order_no, shards));
    }
    Ok(())
}
