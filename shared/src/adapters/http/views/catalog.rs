//! SKUs: the public entry and the seller's, with the three stock figures.

use crate::domain::catalog::{Listing, Sku};
use crate::domain::money::Money;
use crate::domain::time::Timestamp;
use serde::Serialize;

/// A SKU as the catalog shows it: `stock` is what can be bought now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkuView<'a> {
    pub sku_id: &'a str,
    pub seller_id: &'a str,
    pub name: &'a str,
    pub properties: &'a str,
    pub pic: &'a str,
    pub price: Money,
    pub points_price: Option<i64>,
    pub stock: i64,
    pub freight_template_id: Option<&'a str>,
    pub updated_at: Timestamp,
}

impl<'a> SkuView<'a> {
    pub fn new(sku: &'a Sku) -> SkuView<'a> {
        let Sku { listing, updated_at, available, .. } = sku;
        let Listing { sku_id, seller_id, name, properties, pic, price, points_price, freight_template_id } = listing;
        SkuView {
            sku_id,
            seller_id,
            name,
            properties,
            pic,
            price: *price,
            points_price: *points_price,
            stock: *available,
            freight_template_id: freight_template_id.as_deref(),
            updated_at: *updated_at,
        }
    }
}

/// A SKU as its seller sees it: the catalog entry and every stock figure.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SellerSkuView<'a> {
    #[serde(flatten)]
    pub entry: SkuView<'a>,
    /// Units on the shelf, those held for unshipped orders included.
    pub on_hand: i64,
    /// Units held by orders that are unpaid, or paid and not shipped.
    pub reserved: i64,
    /// `on_hand − reserved`: what can be bought (the catalog's `stock`).
    pub available: i64,
    /// The items its available units are split over.
    pub stock_shards: u32,
}

impl<'a> SellerSkuView<'a> {
    pub fn new(sku: &'a Sku) -> SellerSkuView<'a> {
        SellerSkuView {
            entry: SkuView::new(sku),
            on_hand: sku.on_hand,
            reserved: sku.reserved,
            available: sku.available,
            stock_shards: sku.stock_shards,
        }
    }
}
