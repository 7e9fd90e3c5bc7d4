//! A buyer's cart: its items priced from the catalog now, and setting or removing them.

use crate::adapters::store::CartWrite;
use crate::app::App;
use crate::domain::cart::{CartItem, MAX_CART_ITEMS, MAX_CART_QUANTITY};
use crate::domain::catalog::Sku;
use crate::domain::money::Money;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use std::collections::BTreeMap;

/// One cart item with what the catalog says now (None: the SKU is gone).
#[derive(Debug, Clone)]
pub struct CartLine {
    pub item: CartItem,
    pub sku: Option<Sku>,
}

impl CartLine {
    /// `price_changed` since it was added, `out_of_stock`, `unavailable` (the SKU is gone).
    pub fn flags(&self) -> Vec<&'static str> {
        match &self.sku {
            None => vec!["unavailable"],
            Some(sku) => {
                let mut flags = Vec::new();
                if sku.listing.price != self.item.price_when_added {
                    flags.push("price_changed");
                }
                if sku.available < i64::from(self.item.quantity) {
                    flags.push("out_of_stock");
                }
                flags
            }
        }
    }

    /// Price now × quantity (0 when the SKU is gone).
    pub fn line_total(&self) -> Money {
        self.sku.as_ref().map(|sku| Money(sku.listing.price.0 * i64::from(self.item.quantity))).unwrap_or(Money::ZERO)
    }
}

/// The cart: its items by shop, each with the catalog's current figures.
pub async fn cart(app: &App, buyer_id: &str) -> Result<BTreeMap<String, Vec<CartLine>>, ApiError> {
    let items = app.store.cart(buyer_id).await?;
    let ids: Vec<&str> = items.iter().map(|item| item.sku_id.as_str()).collect();
    let mut skus = app.store.get_skus(&ids).await?;
    let mut by_shop: BTreeMap<String, Vec<CartLine>> = BTreeMap::new();
    for item in items {
        let sku = skus.remove(&item.sku_id);
        by_shop.entry(item.seller_id.clone()).or_default().push(CartLine { item, sku });
    }
    Ok(by_shop)
}

/// Sets a SKU's quantity (1–999) and selection; a new SKU is priced as the catalog has it now.
pub async fn put_item(
    app: &App,
    buyer_id: &str,
    sku_id: &str,
    quantity: u32,
    selected: bool,
) -> Result<CartItem, ApiError> {
    if !(1..=MAX_CART_QUANTITY).contains(&quantity) {
        return Err(ApiError::invalid("quantity", format!("must be 1..={MAX_CART_QUANTITY}")));
    }
    let sku = app.store.get_sku(sku_id).await?.ok_or_else(|| ApiError::not_found("SKU", sku_id))?;
    let item = CartItem {
        sku_id: sku_id.to_string(),
        seller_id: sku.listing.seller_id.clone(),
        quantity,
        selected,
        price_when_added: sku.listing.price,
        added_at: Timestamp::now(),
    };
    match app.store.put_cart_item(buyer_id, &item).await? {
        CartWrite::Done => Ok(item),
        CartWrite::Full => Err(ApiError::invalid("items", format!("a cart holds at most {MAX_CART_ITEMS} SKUs"))),
        CartWrite::Missing => Err(ApiError::Internal("a put found nothing".into())),
    }
}

pub async fn delete_item(app: &App, buyer_id: &str, sku_id: &str) -> Result<(), ApiError> {
    match app.store.delete_cart_item(buyer_id, sku_id).await? {
        CartWrite::Done => Ok(()),
        _ => Err(ApiError::not_found("cart item", sku_id)),
    }
}

/// Empties the cart; answers how many items went.
pub async fn empty(app: &App, buyer_id: &str) -> Result<usize, ApiError> {
    app.store.empty_cart(buyer_id).await
}
