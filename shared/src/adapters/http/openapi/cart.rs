//! The cart and quotes.

use super::answers::*;
use crate::adapters::http::bodies::{CartItemBody, CreateOrderBody};
use crate::adapters::http::views::{CartView, QuoteView};

/// The buyer's cart by shop, priced from the catalog now; `flags` say when a price changed since
/// the item was added, when stock is short, or when the SKU is gone
#[utoipa::path(get, path = "/api/v1/cart", operation_id = "get-cart", tag = "cart",
    responses((status = 200, description = "The cart", body = Envelope<CartView>), TokenErrors, Faults))]
fn get_cart() {}

/// Set a SKU's quantity (1–999) and selection; a cart holds at most 100 SKUs (a 101st is 400
/// naming `items`)
#[utoipa::path(put, path = "/api/v1/cart/items/{sku_id}", operation_id = "put-cart-item", tag = "cart",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = CartItemBody,
    responses(
        (status = 200, description = "The item as set", body = Envelope<Object>),
        TokenErrors, BodyErrors, NotFound, Faults,
    ))]
fn put_cart_item() {}

/// Take a SKU out of the cart
#[utoipa::path(delete, path = "/api/v1/cart/items/{sku_id}", operation_id = "delete-cart-item", tag = "cart",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "Gone", body = Envelope<Object>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn delete_cart_item() {}

/// Empty the cart
#[utoipa::path(delete, path = "/api/v1/cart", operation_id = "empty-cart", tag = "cart",
    responses((status = 200, description = "How many items went", body = Envelope<Object>), TokenErrors, Faults))]
fn empty_cart() {}

/// What `POST /orders` with the same body would charge now (one order per shop, with shipping,
/// discount and points), writing nothing
#[utoipa::path(post, path = "/api/v1/orders/quote", operation_id = "quote-order", tag = "cart",
    request_body = CreateOrderBody,
    responses(
        (status = 200, description = "The quote", body = Envelope<QuoteView>),
        (status = 404, description = "A SKU or the address does not exist", body = ErrorEnvelope),
        (status = 409, description = "Out of stock (10008)", body = ErrorEnvelope),
        TokenErrors, BodyErrors, Faults,
    ))]
fn quote_order() {}
