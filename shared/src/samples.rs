//! Sample values the demo shop, the tests and the benchmark share, so a fixture is written once.

use crate::domain::address::Address;
use crate::domain::catalog::{Listing, Sku};
use crate::domain::money::Money;
use crate::domain::time::Timestamp;

/// The address every example uses.
pub fn address() -> Address {
    Address {
        name: "Li Lei".into(),
        phone: "13800000000".into(),
        province: "Sichuan".into(),
        city: "Chengdu".into(),
        district: "Wuhou".into(),
        detail: "1 Renmin Rd".into(),
    }
}

/// The listing of a SKU of `seller_id` named after its id, at `price_fen`.
pub fn listing(sku_id: &str, seller_id: &str, price_fen: i64) -> Listing {
    Listing {
        sku_id: sku_id.into(),
        seller_id: seller_id.into(),
        name: format!("Product {sku_id}"),
        properties: String::new(),
        pic: String::new(),
        price: Money(price_fen),
        points_price: None,
        freight_template_id: None,
    }
}

/// That SKU with `on_hand` units, none reserved.
pub fn sku(sku_id: &str, seller_id: &str, price_fen: i64, on_hand: i64, now: Timestamp) -> Sku {
    Sku {
        listing: listing(sku_id, seller_id, price_fen),
        updated_at: now,
        available: on_hand,
        reserved: 0,
        on_hand,
        stock_shards: 1,
        stock_items: 1,
    }
}
