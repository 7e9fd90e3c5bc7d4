//! From payment to review: pay, ship, tracking events, receipt (by the buyer or by the clock),
//! review, and the buyer's soft delete.

use super::{Entry, Step};
use crate::domain::order::{Order, OrderStatus, Payment, Shipment, TrackingEvent};
use crate::domain::time::Timestamp;
use crate::error::ApiError;

/// Tracking events kept per order, so an order item stays far below DynamoDB's 400 KB limit.
pub const MAX_TRACKING_EVENTS: usize = 100;

pub(super) fn pay(order: &mut Order, payment: &Payment) -> Step {
    if order.status != OrderStatus::PendingPayment {
        return Ok(None);
    }
    order.status = OrderStatus::Paid;
    order.amounts.paid = order.amounts.payable;
    order.payment = Some(payment.clone());
    order.expires_at = None;
    Ok(Some(Entry::new("paid")))
}

/// A paid order ships unless an after-sales case is open.
pub(super) fn ship(order: &mut Order, shipment: &Shipment, auto_confirm_at: Timestamp) -> Step {
    if order.status != OrderStatus::Paid || order.has_open_refund() {
        return Ok(None);
    }
    order.status = OrderStatus::Shipped;
    order.shipment = Some(shipment.clone());
    order.auto_confirm_at = Some(auto_confirm_at);
    Ok(Some(Entry::with_comment("shipped", format!("{} {}", shipment.carrier_name, shipment.tracking_no))))
}

pub(super) fn add_tracking_event(order: &mut Order, event: &TrackingEvent) -> Step {
    if !matches!(order.status, OrderStatus::Shipped | OrderStatus::Completed) {
        return Ok(None);
    }
    if order.tracking_events.len() >= MAX_TRACKING_EVENTS {
        return Err(ApiError::invalid(
            "tracking_events",
            format!("an order keeps at most {MAX_TRACKING_EVENTS} tracking events"),
        ));
    }
    order.tracking_events.push(event.clone());
    Ok(Some(Entry::with_comment("tracking", event.description.clone())))
}

/// The buyer confirms receipt of a shipped order; the clock does it later, unless an
/// after-sales case is open.
pub(super) fn confirm_receipt(order: &mut Order, now: Timestamp, automatic: bool) -> Step {
    if order.status != OrderStatus::Shipped || (automatic && order.has_open_refund()) {
        return Ok(None);
    }
    order.status = OrderStatus::Completed;
    order.completed_at = Some(now);
    order.auto_confirm_at = None;
    let comment = if automatic { "confirmed automatically" } else { "" };
    Ok(Some(Entry::with_comment("completed", comment)))
}

pub(super) fn review(order: &mut Order, comment: &str) -> Step {
    if order.status != OrderStatus::Completed || order.reviewed {
        return Ok(None);
    }
    order.reviewed = true;
    Ok(Some(Entry::with_comment("reviewed", comment)))
}

/// Closed and completed orders without an open after-sales case may be hidden by the buyer.
pub(super) fn delete(order: &mut Order) -> Step {
    if !matches!(order.status, OrderStatus::Closed | OrderStatus::Completed) || order.has_open_refund() {
        return Ok(None);
    }
    order.deleted = true;
    Ok(Some(Entry::new("deleted")))
}
