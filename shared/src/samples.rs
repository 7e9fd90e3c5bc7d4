//! Sample values the demo shop, the tests and the benchmark share, so a fixture is written once.

use crate::domain::address::Address;
use crate::domain::catalog::Sku;
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

/// A SKU of `seller_id` named after its id, at `price_fen`, with `stock` units.
pub fn sku(sku_id: &str, seller_id: &str, price_fen: i64, stock: i64, now: Timestamp) -> Sku {
    Sku {
        sku_id: sku_id.into(),
        seller_id: seller_id.into(),
        name: format!("Product {sku_id}"),
        properties: String::new(),
        pic: String::new(),
        price: Money(price_fen),
        points_price: None,
        stock,
        freight_template_id: None,
        updated_at: now,
    }
}
