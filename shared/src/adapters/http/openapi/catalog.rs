//! SKUs and stock.

use super::answers::*;
use crate::adapters::http::bodies::{PutSkuBody, StockAdjustmentBody};
use crate::adapters::http::views::{SellerSkuView, SkuView};

/// Create or update a SKU of the seller's shop and set its stock on hand
///
/// Units reserved by open orders stay reserved; `stock` below them is 409. `expected_on_hand`
/// makes it a compare-and-set.
#[utoipa::path(put, path = "/api/v1/seller/skus/{sku_id}", operation_id = "put-sku", tag = "catalog",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = PutSkuBody,
    responses(
        (status = 200, description = "The SKU with its stock figures", body = Envelope<SellerSkuView>),
        (status = 403, description = "Another shop's SKU, or not a seller", body = ErrorEnvelope),
        NoToken, BodyErrors, StateConflict, Faults,
    ))]
fn put_sku() {}

/// A SKU of the seller's shop with on hand, reserved and available
#[utoipa::path(get, path = "/api/v1/seller/skus/{sku_id}", operation_id = "get-seller-sku", tag = "catalog",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "The SKU", body = Envelope<SellerSkuView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_seller_sku() {}

/// Goods received or lost: on hand moves by `delta`
#[utoipa::path(post, path = "/api/v1/seller/skus/{sku_id}/stock-adjustments", operation_id = "adjust-stock", tag = "catalog",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = StockAdjustmentBody,
    responses(
        (status = 200, description = "The SKU", body = Envelope<SellerSkuView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn adjust_stock() {}

/// The public catalog entry (no token)
#[utoipa::path(get, path = "/api/v1/skus/{sku_id}", operation_id = "get-sku", tag = "catalog", security(()),
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "The SKU; `stock` is what can be bought", body = Envelope<SkuView>),
        ParamErrors, NotFound, Faults,
    ))]
fn get_sku() {}
