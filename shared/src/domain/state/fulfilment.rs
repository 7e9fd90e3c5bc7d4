//! From payment to review: pay, ship, tracking events, receipt (by the buyer or by the clock),
//! review, and the buyer's soft delete.

use super::step::{held_units, Entry, SideEffects, Step};
use crate::domain::catalog::StockMove;
use crate::domain::order::{Order, OrderStatus, Payment, Shipment, TrackingEvent};
use crate::domain::payment::PaymentChannel;
use crate::domain::time::Timestamp;
use crate::error::ApiError;

/// Tracking events kept per order, so an order item stays far below DynamoDB's 400 KB limit.
pub const MAX_TRACKING_EVENTS: usize = 100;

/// An unpaid order's payment started with `channel`; recorded once per provider so that the
/// payment-timeout schedule knows whom to ask before it closes the order.
pub(super) fn start_payment(order: &mut Order, channel: PaymentChannel) -> Step {
    if order.status != OrderStatus::PendingPayment || order.payment_starts.contains(&channel) {
        return Ok(None);
    }
    order.payment_starts.push(channel);
    Ok(Some(Entry::with_comment("payment_started", channel.as_str())))
}

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

/// A paid order ships unless an after-sales case is open; the units it holds leave the shelf.
pub(super) fn ship(
    order: &mut Order,
    shipment: &Shipment,
    auto_confirm_at: Timestamp,
    effects: &mut SideEffects,
) -> Step {
    if order.status != OrderStatus::Paid || order.has_open_refund() {
        return Ok(None);
    }
    effects.stock = held_units(order, StockMove::Consume);
    order.status = OrderStatus::Shipped;
    order.shipment = Some(shipment.clone());
    order.auto_confirm_at = Some(auto_confirm_at);
    Ok(Some(Entry::with_comment("shipped", format!("{} {}", shipment.carrier_name, shipment.tracking_no))))
}

/// The timeline label of a tracking event (the store appends events without a full transition).
pub const TRACKING_LABEL: &str = "tracking";

/// Shipped or completed orders take tracking events, up to `MAX_TRACKING_EVENTS`. (The store's
/// append expresses the same rule as its condition.)
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
    Ok(Some(Entry::with_comment(TRACKING_LABEL, event.description.clone())))
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
