//! A demo shop for local work: two sellers, a few SKUs with stock, a buyer.

use orders_shared::adapters::store::Store;
use orders_shared::domain::time::Timestamp;
use orders_shared::samples;
use orders_shared::ApiError;

pub const DEMO_BUYER: &str = "buyer-demo";
pub const DEMO_SELLER_USER: &str = "seller-demo-user";
pub const DEMO_ADMIN: &str = "admin-demo";
pub const DEMO_SELLER: &str = "shop-demo";
pub const OTHER_SELLER: &str = "shop-clay";

/// (sku_id, seller, name, properties, price in fen, stock)
const DEMO_SKUS: [(&str, &str, &str, &str, i64, i64); 4] = [
    ("tea-longjing-250g", DEMO_SELLER, "West Lake Longjing tea 250g", "grade:AA", 12800, 100),
    ("cup-celadon", DEMO_SELLER, "Celadon tea cup", "colour:green", 3990, 50),
    ("tray-bamboo", DEMO_SELLER, "Bamboo tea tray", "size:M", 8900, 20),
    ("pot-yixing", OTHER_SELLER, "Yixing clay teapot", "volume:200ml", 26800, 10),
];

/// Adds the demo SKUs that are missing; existing ones (and their stock) are left alone.
pub async fn seed_demo_shop(store: &Store) -> Result<usize, ApiError> {
    let mut added = 0;
    for (sku_id, seller_id, name, properties, price, stock) in DEMO_SKUS {
        if store.get_sku(sku_id).await?.is_some() {
            continue;
        }
        let mut listing = samples::listing(sku_id, seller_id, price);
        listing.name = name.into();
        listing.properties = properties.into();
        listing.pic = format!("https://example.com/img/{sku_id}.jpg");
        store
            .put_sku(&listing, stock, Some(0), Timestamp::now())
            .await?
            .map_err(|refusal| refusal.into_error(sku_id))?;
        added += 1;
    }
    Ok(added)
}
