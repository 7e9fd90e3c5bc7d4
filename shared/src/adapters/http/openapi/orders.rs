//! The buyer's orders.

use super::answers::*;
use crate::adapters::http::bodies::{CreateOrderBody, ReasonBody, ReviewBody};
use crate::adapters::http::views::{
    CountsView, CreatedOrdersView, DeletedOrderView, LogisticsView, OrderListView, OrderView,
};

/// Place an order
///
/// Items from several shops (or `from_cart: true`: the cart's selected items, or its `sku_ids`)
/// become one order per shop, created together; prices come from the catalog, shipping from
/// the shops' freight templates, and `benefit` takes the member discount or points (never both);
/// stock is reserved and bought cart items leave the cart in the same transaction.
/// `Idempotency-Key` (1–255 printable ASCII) makes a retry answer the first result.
#[utoipa::path(post, path = "/api/v1/orders", operation_id = "create-order", tag = "orders",
    request_body = CreateOrderBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key and body: the first answer again", pattern = "^[!-~]([ -~]{0,253}[!-~])?$")),
    responses(
        (status = 201, description = "The orders, one per shop", body = Envelope<CreatedOrdersView>),
        (status = 404, description = "A SKU or the address does not exist", body = ErrorEnvelope),
        (status = 409, description = "Out of stock (10008)", body = ErrorEnvelope),
        (status = 422, description = "Idempotency-Key reused with another body", body = ErrorEnvelope),
        TokenErrors, BodyErrors, Faults,
    ))]
fn create_order() {}

/// The buyer's orders, newest first
#[utoipa::path(get, path = "/api/v1/orders", operation_id = "list-orders", tag = "orders",
    params(ListQuery),
    responses(
        (status = 200, description = "One page", body = Envelope<OrderListView>),
        TokenErrors, ParamErrors, Faults,
    ))]
fn list_orders() {}

/// One of the buyer's orders
#[utoipa::path(get, path = "/api/v1/orders/{id}", operation_id = "get-order", tag = "orders",
    params(OrderNoPath),
    responses(
        (status = 200, description = "The order", body = Envelope<OrderView>),
        TokenErrors, NotFound, Faults,
    ))]
fn get_order() {}

/// The buyer's orders per status
#[utoipa::path(get, path = "/api/v1/order-counts", operation_id = "get-order-counts", tag = "orders",
    responses(
        (status = 200, description = "Counts", body = Envelope<CountsView>),
        TokenErrors, Faults,
    ))]
fn get_order_counts() {}

/// Cancel an unpaid order (its stock is released)
#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", operation_id = "cancel-order", tag = "orders",
    params(OrderNoPath),
    request_body(content = Option<ReasonBody>, description = "Optional"),
    responses(
        (status = 200, description = "The closed order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn cancel_order() {}

/// Hide a closed or completed order from the buyer's lists and counts
#[utoipa::path(delete, path = "/api/v1/orders/{id}", operation_id = "delete-order", tag = "orders",
    params(OrderNoPath),
    responses(
        (status = 200, description = "Deleted", body = Envelope<DeletedOrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn delete_order() {}

/// Confirm a shipped order arrived
#[utoipa::path(post, path = "/api/v1/orders/{id}/receipt", operation_id = "confirm-receipt", tag = "orders",
    params(OrderNoPath),
    responses(
        (status = 200, description = "The completed order", body = Envelope<OrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn confirm_receipt() {}

/// Carrier, tracking number and events, newest first (once shipped)
#[utoipa::path(get, path = "/api/v1/orders/{id}/logistics", operation_id = "get-logistics", tag = "orders",
    params(OrderNoPath),
    responses(
        (status = 200, description = "Logistics", body = Envelope<LogisticsView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn get_logistics() {}

/// Mark a completed order reviewed
#[utoipa::path(post, path = "/api/v1/orders/{id}/review", operation_id = "review-order", tag = "orders",
    params(OrderNoPath),
    request_body(content = Option<ReviewBody>, description = "Optional"),
    responses(
        (status = 200, description = "The order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn review_order() {}
