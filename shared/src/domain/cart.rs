//! A buyer's cart: SKUs and quantities, each selected or not, with the price seen when added (to
//! flag a change). Its current prices, names and stock always come from the catalog.

use crate::domain::money::{as_fen, Money};
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Distinct SKUs a cart holds.
pub const MAX_CART_ITEMS: usize = 100;
/// Units of one SKU in a cart.
pub const MAX_CART_QUANTITY: u32 = 999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    pub sku_id: String,
    /// The SKU's shop (a SKU never changes shop): a checkout from the cart knows which shops'
    /// freight templates to read before it reads the SKUs.
    pub seller_id: String,
    pub quantity: u32,
    pub selected: bool,
    #[serde(with = "as_fen")]
    pub price_when_added: Money,
    pub added_at: Timestamp,
}
