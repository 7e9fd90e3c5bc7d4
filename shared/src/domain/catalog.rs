//! SKUs: what a shop sells, at which price, and how many units it has. Stock is three figures:
//! `on_hand` (units on the shelf, the ones held for unshipped orders included), `reserved` (held
//! by orders that are unpaid, or paid and not shipped) and `available = on_hand − reserved`, what
//! can be bought. A seller sets or adjusts `on_hand`; orders move `available` and `reserved`.

use crate::domain::money::{as_fen, Money};
use crate::domain::text::{validate_id, validate_text};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// Stock figures are bounded so sums never overflow and typos are caught.
pub const MAX_STOCK: i64 = 100_000_000;

/// What a seller says about a SKU: everything but its stock figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
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
    #[serde(default)]
    pub freight_template_id: Option<String>,
}

impl Listing {
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
        match &self.freight_template_id {
            Some(template) => validate_id("freight_template_id", template),
            None => Ok(()),
        }
    }
}

/// A SKU as stored: its listing and its stock figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sku {
    #[serde(flatten)]
    pub listing: Listing,
    pub updated_at: Timestamp,
    /// Units that can be bought now.
    pub available: i64,
    /// Units held by orders that are unpaid, or paid and not shipped.
    pub reserved: i64,
    /// Units on the shelf, the held ones included: always `available + reserved`.
    pub on_hand: i64,
    /// How many shards orders reserve this SKU's units from (1: its own item only).
    #[serde(default = "one_shard")]
    pub stock_shards: u32,
    /// How many shard items hold its units: more than `stock_shards` while orders still hold
    /// units in shards the seller has since given up.
    #[serde(default = "one_shard")]
    pub stock_items: u32,
}

fn one_shard() -> u32 {
    1
}

impl Sku {
    /// Whether its units live in more than its own item (then its figures are the shards' sums).
    pub fn is_sharded(&self) -> bool {
        self.stock_shards > 1 || self.stock_items > 1
    }
}

/// A stock figure a seller gives (`stock`, `expected_on_hand`): 0 to `MAX_STOCK`.
pub fn validate_stock(field: &str, units: i64) -> Result<(), ApiError> {
    if (0..=MAX_STOCK).contains(&units) {
        Ok(())
    } else {
        Err(ApiError::invalid(field, format!("must be 0..={MAX_STOCK}")))
    }
}

/// How an order moves one SKU's stock. Each move is one DynamoDB update expression with a
/// one-comparison condition, and keeps `on_hand = available + reserved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockMove {
    /// An order is placed: available −q, reserved +q, only while available ≥ q.
    Reserve(u32),
    /// An unshipped order closes or refunds units: reserved −q, available +q.
    Release(u32),
    /// The order ships: reserved −q, on_hand −q.
    Consume(u32),
    /// Returned goods go back on the shelf: on_hand +q, available +q.
    Restock(u32),
}

/// Why a seller's change to a SKU's stock was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockRefusal {
    /// The SKU is another shop's.
    NotYours,
    /// No such SKU (an adjustment needs one).
    Missing,
    /// On hand would fall below the units held for open orders.
    BelowReserved { reserved: i64 },
    /// On hand would leave 0..=MAX_STOCK.
    OutOfRange { on_hand: i64 },
    /// `expected_on_hand` did not match: someone changed it meanwhile.
    OnHandChanged { on_hand: i64 },
    /// The SKU still has the old single `stock` figure: `migrate-stock` has not run for it.
    NotMigrated,
    /// The freight template the SKU names is not one of its shop's.
    NoSuchTemplate,
    /// The SKU's stock was split into shards meanwhile: read it again.
    ShardsChanged,
}

impl StockRefusal {
    /// The answer a seller gets.
    pub fn into_error(self, sku_id: &str) -> ApiError {
        match self {
            StockRefusal::NotYours => ApiError::Forbidden { needed: "seller of the shop that owns this SKU" },
            StockRefusal::Missing => ApiError::not_found("SKU", sku_id),
            StockRefusal::BelowReserved { reserved } => ApiError::conflict(
                format!(
                    "cannot set the stock of SKU {sku_id}: {reserved} units reserved by open orders, so on hand may not go below {reserved}"
                ),
                format!("商品 {sku_id} 有 {reserved} 件被未完成的订单占用，库存不能低于 {reserved}"),
            ),
            StockRefusal::OutOfRange { on_hand } => {
                ApiError::invalid("delta", format!("on hand is {on_hand}; it must stay within 0..={MAX_STOCK}"))
            }
            StockRefusal::OnHandChanged { on_hand } => ApiError::conflict(
                format!("cannot set the stock of SKU {sku_id}: its on hand changed meanwhile (it is {on_hand} now)"),
                format!("商品 {sku_id} 的库存已被修改（现为 {on_hand}），请刷新后重试"),
            ),
            StockRefusal::NotMigrated => ApiError::conflict(
                format!("cannot set the stock of SKU {sku_id}: it awaits the stock migration (run migrate-stock)"),
                format!("商品 {sku_id} 尚未完成库存迁移（请运行 migrate-stock），不能修改库存"),
            ),
            StockRefusal::NoSuchTemplate => {
                ApiError::invalid("freight_template_id", "is not a freight template of this shop")
            }
            StockRefusal::ShardsChanged => {
                ApiError::Unavailable(format!("the stock shards of SKU {sku_id} changed meanwhile"))
            }
        }
    }
}
