//! The shop's side of its orders.

use super::answers::*;
use crate::adapters::http::bodies::{ReasonBody, ShipBody, TrackingEventBody};
use crate::adapters::http::views::{CountsView, LogisticsView, OrderListView, OrderView};

/// The shop's orders, newest first
#[utoipa::path(get, path = "/api/v1/seller/orders", operation_id = "list-seller-orders", tag = "shop",
    params(ListQuery),
    responses(
        (status = 200, description = "One page", body = Envelope<OrderListView>),
        TokenErrors, ParamErrors, Faults,
    ))]
fn list_seller_orders() {}

/// One of the shop's orders
#[utoipa::path(get, path = "/api/v1/seller/orders/{id}", operation_id = "get-seller-order", tag = "shop",
    params(OrderNoPath),
    responses(
        (status = 200, description = "The order", body = Envelope<OrderView>),
        TokenErrors, NotFound, Faults,
    ))]
fn get_seller_order() {}

/// The shop's orders per status
#[utoipa::path(get, path = "/api/v1/seller/order-counts", operation_id = "get-seller-order-counts", tag = "shop",
    responses(
        (status = 200, description = "Counts", body = Envelope<CountsView>),
        TokenErrors, Faults,
    ))]
fn get_seller_order_counts() {}

/// Ship a paid order
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/ship", operation_id = "ship-order", tag = "shop",
    params(OrderNoPath),
    request_body = ShipBody,
    responses(
        (status = 200, description = "The shipped order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn ship_order() {}

/// Append a logistics event to a shipped order
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/tracking-events", operation_id = "add-tracking-event", tag = "shop",
    params(OrderNoPath),
    request_body = TrackingEventBody,
    responses(
        (status = 201, description = "The order's logistics", body = Envelope<LogisticsView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn add_tracking_event() {}

/// Close an unpaid order of the shop (its stock is released)
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/close", operation_id = "seller-close-order", tag = "shop",
    params(OrderNoPath),
    request_body(content = Option<ReasonBody>, description = "Optional"),
    responses(
        (status = 200, description = "The closed order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn seller_close_order() {}
