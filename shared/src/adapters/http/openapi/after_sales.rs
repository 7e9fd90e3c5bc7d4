//! Refunds and returns: the buyer's case, the shop's answers, the money going back.

use super::answers::*;
use crate::adapters::http::bodies::{
    AddressBody, ApplyRefundBody, ApproveRefundBody, ConfirmReturnBody, RejectRefundBody, ReturnShipmentBody,
};
use crate::adapters::http::views::OrderView;
use crate::domain::address::Address;

/// Open an after-sales case: `refund_only` (paid, shipped, or completed within `AFTER_SALES_DAYS`)
/// or `return_and_refund` (once shipped), for some lines or the whole order. One open case per
/// order (a second is 409); `amount` at most what the chosen lines can still refund.
#[utoipa::path(post, path = "/api/v1/orders/{id}/refund", operation_id = "apply-refund", tag = "after-sales",
    params(OrderNoPath),
    request_body = ApplyRefundBody,
    responses(
        (status = 201, description = "The order with its case `requested`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn apply_refund() {}

/// Withdraw a case the shop has not answered yet
#[utoipa::path(delete, path = "/api/v1/orders/{id}/refund", operation_id = "withdraw-refund", tag = "after-sales",
    params(OrderNoPath),
    responses(
        (status = 200, description = "The order with its case `withdrawn`", body = Envelope<OrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn withdraw_refund() {}

/// The buyer sent the goods of an approved return back
#[utoipa::path(post, path = "/api/v1/orders/{id}/refund/return-shipment", operation_id = "ship-return", tag = "after-sales",
    params(OrderNoPath),
    request_body = ReturnShipmentBody,
    responses(
        (status = 200, description = "The order with its case `returning`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn ship_return() {}

/// Approve a case: money only goes back at once (the case is `refunding`, then `refunded` when
/// the provider paid; a points payment goes back in the same write); a return waits for the
/// goods at the body's address or the shop's saved one
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/approve", operation_id = "approve-refund", tag = "after-sales",
    params(OrderNoPath),
    request_body(content = Option<ApproveRefundBody>, description = "Optional: where a return goes"),
    responses(
        (status = 200, description = "The order with its case `refunding`, `refunded`, `awaiting_return` or `returning`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn approve_refund() {}

/// Reject a case, saying why; the buyer may apply again
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/reject", operation_id = "reject-refund", tag = "after-sales",
    params(OrderNoPath),
    request_body = RejectRefundBody,
    responses(
        (status = 200, description = "The order with its case `rejected`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn reject_refund() {}

/// The returned goods arrived (back on the shelf unless `restock` is false); the money goes back
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/confirm-return", operation_id = "confirm-return", tag = "after-sales",
    params(OrderNoPath),
    request_body(content = Option<ConfirmReturnBody>, description = "Optional"),
    responses(
        (status = 200, description = "The order with its case `refunding` or `refunded`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn confirm_return() {}

/// Retry a payout the provider refused (`payout.status` `failed`), under the same request number
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/retry-payout", operation_id = "retry-payout", tag = "after-sales",
    params(OrderNoPath),
    responses(
        (status = 200, description = "The order after the new attempt", body = Envelope<OrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn retry_payout() {}

/// Set the shop's return address (where approved returns go when the approval names none)
#[utoipa::path(put, path = "/api/v1/seller/return-address", operation_id = "put-return-address", tag = "after-sales",
    request_body = AddressBody,
    responses(
        (status = 200, description = "The saved address", body = Envelope<Address>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_return_address() {}

/// A shop's return address, for anyone signed in
#[utoipa::path(get, path = "/api/v1/merchants/{seller_id}/return-address", operation_id = "get-return-address", tag = "after-sales",
    params(("seller_id" = String, Path, pattern = "^[A-Za-z0-9_.:@|+=-]{1,128}$")),
    responses(
        (status = 200, description = "The address", body = Envelope<Address>),
        NoToken, ParamErrors, NotFound, Faults,
    ))]
fn get_return_address() {}
