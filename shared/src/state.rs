//! The order state machine of SPEC.md as pure code: every transition, the after-sales sub-states
//! included. Routes call `apply` and store the result with one conditional write; anything not
//! allowed here is a 409 StateConflict.

use crate::error::ApiError;
use crate::money::Money;
use crate::order::{
    Actor, Address, CloseReason, Order, OrderStatus, Payment, Refund, RefundKind, RefundLine, RefundState,
    ReturnShipment, Shipment, TimelineEntry, TrackingEvent,
};
use crate::time::Timestamp;

/// How long after completion a buyer may still open an after-sales case.
pub const AFTER_SALES_WINDOW_SECONDS: i64 = 15 * 24 * 3600;

/// Tracking events kept per order, so an order item stays far below DynamoDB's 400 KB limit.
pub const MAX_TRACKING_EVENTS: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Pay(Payment),
    Ship {
        shipment: Shipment,
        auto_confirm_at: Timestamp,
    },
    AddTrackingEvent(TrackingEvent),
    ConfirmReceipt,
    AutoConfirm,
    Cancel {
        reason: String,
    },
    Timeout,
    SellerClose {
        reason: String,
    },
    ApplyRefund {
        kind: RefundKind,
        amount: Money,
        reason: String,
        remark: String,
        lines: Vec<RefundLine>,
        vouchers: Vec<String>,
    },
    WithdrawRefund,
    RejectRefund {
        reason: String,
    },
    ApproveRefund {
        return_address: Option<Address>,
    },
    ShipReturn(ReturnShipment),
    ConfirmReturn,
    Review {
        comment: String,
    },
    Delete,
}

impl Action {
    /// The verb used in StateConflict messages.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Pay(_) => "pay",
            Action::Ship { .. } => "ship",
            Action::AddTrackingEvent(_) => "add a tracking event to",
            Action::ConfirmReceipt => "confirm receipt of",
            Action::AutoConfirm => "auto-confirm",
            Action::Cancel { .. } => "cancel",
            Action::Timeout => "time out",
            Action::SellerClose { .. } => "close",
            Action::ApplyRefund { .. } => "apply for a refund on",
            Action::WithdrawRefund => "withdraw the refund of",
            Action::RejectRefund { .. } => "reject the refund of",
            Action::ApproveRefund { .. } => "approve the refund of",
            Action::ShipReturn(_) => "ship back the goods of",
            Action::ConfirmReturn => "confirm the returned goods of",
            Action::Review { .. } => "review",
            Action::Delete => "delete",
        }
    }
}

/// What the caller's transition did besides changing the order (the store acts on it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SideEffects {
    /// Stock to give back to SKUs: (sku_id, quantity).
    pub restore_stock: Vec<(String, u32)>,
    /// Points to give back to the buyer.
    pub restore_points: i64,
}

/// An unpaid order past its payment deadline is closed, whether or not the sweeper has
/// written that yet.
pub fn is_expired(order: &Order, now: Timestamp) -> bool {
    order.status == OrderStatus::PendingPayment && order.expires_at.is_some_and(|deadline| now >= deadline)
}

/// The order as every read shows it at `now`: an expired unpaid order appears closed.
pub fn effective(order: &Order, now: Timestamp) -> std::borrow::Cow<'_, Order> {
    if !is_expired(order, now) {
        return std::borrow::Cow::Borrowed(order);
    }
    let mut closed = order.clone();
    closed.status = OrderStatus::Closed;
    closed.close_reason = Some(CloseReason::PaymentTimeout);
    std::borrow::Cow::Owned(closed)
}

fn conflict(order: &Order, action: &Action) -> ApiError {
    let from = match order.refund.as_ref().filter(|refund| refund.state.is_open()) {
        Some(refund) => {
            format!("{} with an after-sales case {}", order.status.as_str(), refund_state_name(refund.state))
        }
        None if order.deleted => format!("{} (deleted)", order.status.as_str()),
        None => order.status.as_str().to_string(),
    };
    ApiError::StateConflict { action: action.name().to_string(), from }
}

fn refund_state_name(state: RefundState) -> &'static str {
    match state {
        RefundState::Requested => "requested",
        RefundState::Rejected => "rejected",
        RefundState::AwaitingReturn => "awaiting_return",
        RefundState::Returning => "returning",
        RefundState::Refunded => "refunded",
    }
}

/// Applies `action` by `actor` at `now`. On success the returned order has `version + 1`, a new
/// timeline entry and `updated_at = now`; on failure nothing changed.
pub fn apply(order: &Order, action: Action, actor: Actor, now: Timestamp) -> Result<(Order, SideEffects), ApiError> {
    let mut next = order.clone();
    let mut effects = SideEffects::default();
    let open_refund = order.has_open_refund();
    let refund_state = order.refund.as_ref().map(|refund| refund.state);
    let mut comment = String::new();
    let label: String;

    if order.deleted {
        return Err(conflict(order, &action));
    }
    let expired = is_expired(order, now);
    match (&action, expired) {
        (Action::Timeout, false) => {
            return Err(ApiError::StateConflict {
                action: action.name().into(),
                from: "pending_payment, still within its payment window".into(),
            })
        }
        (Action::Timeout, true) => {}
        (_, true) => {
            return Err(ApiError::StateConflict {
                action: action.name().into(),
                from: "closed (payment window expired)".into(),
            })
        }
        (_, false) => {}
    }

    match (&action, order.status) {
        (Action::Pay(payment), OrderStatus::PendingPayment) => {
            next.status = OrderStatus::Paid;
            next.amounts.paid = order.amounts.payable;
            next.payment = Some(payment.clone());
            next.expires_at = None;
            label = "paid".into();
        }
        (Action::Ship { shipment, auto_confirm_at }, OrderStatus::Paid) if !open_refund => {
            next.status = OrderStatus::Shipped;
            next.shipment = Some(shipment.clone());
            next.auto_confirm_at = Some(*auto_confirm_at);
            comment = format!("{} {}", shipment.carrier_name, shipment.tracking_no);
            label = "shipped".into();
        }
        (Action::AddTrackingEvent(event), OrderStatus::Shipped | OrderStatus::Completed) => {
            if order.tracking_events.len() >= MAX_TRACKING_EVENTS {
                return Err(ApiError::invalid(
                    "tracking_events",
                    format!("an order keeps at most {MAX_TRACKING_EVENTS} tracking events"),
                ));
            }
            next.tracking_events.push(event.clone());
            comment = event.description.clone();
            label = "tracking".into();
        }
        (Action::ConfirmReceipt, OrderStatus::Shipped) => {
            complete(&mut next, now);
            label = "completed".into();
        }
        (Action::AutoConfirm, OrderStatus::Shipped) if !open_refund => {
            complete(&mut next, now);
            comment = "confirmed automatically".into();
            label = "completed".into();
        }
        (Action::Cancel { reason }, OrderStatus::PendingPayment) => {
            close(&mut next, CloseReason::BuyerCancelled, &mut effects);
            comment = reason.clone();
            label = "closed".into();
        }
        (Action::Timeout, OrderStatus::PendingPayment) => {
            close(&mut next, CloseReason::PaymentTimeout, &mut effects);
            comment = "payment window expired".into();
            label = "closed".into();
        }
        (Action::SellerClose { reason }, OrderStatus::PendingPayment) => {
            close(&mut next, CloseReason::SellerClosed, &mut effects);
            comment = reason.clone();
            label = "closed".into();
        }
        (
            Action::ApplyRefund { kind, amount, reason, remark, lines, vouchers },
            OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed,
        ) if !open_refund => {
            if order.status == OrderStatus::Completed {
                let window_open = order
                    .completed_at
                    .is_some_and(|completed| now <= completed.plus_seconds(AFTER_SALES_WINDOW_SECONDS));
                if !window_open {
                    return Err(ApiError::StateConflict {
                        action: action.name().into(),
                        from: "completed, past the after-sales window".into(),
                    });
                }
            }
            if amount.0 <= 0 || *amount > order.refundable() {
                return Err(ApiError::invalid(
                    "amount",
                    format!("must be more than 0.00 and at most the refundable {}", order.refundable()),
                ));
            }
            for line in lines {
                let Some(ordered) = order.lines.iter().find(|ordered| ordered.sku_id == line.sku_id) else {
                    return Err(ApiError::invalid("lines", format!("SKU {} is not in this order", line.sku_id)));
                };
                if line.quantity == 0 || line.quantity > ordered.quantity - ordered.refunded_quantity {
                    return Err(ApiError::invalid(
                        "lines",
                        format!(
                            "quantity for SKU {} must be 1..={}",
                            line.sku_id,
                            ordered.quantity - ordered.refunded_quantity
                        ),
                    ));
                }
            }
            next.refund = Some(Refund {
                kind: *kind,
                state: RefundState::Requested,
                amount: *amount,
                reason: reason.clone(),
                remark: remark.clone(),
                lines: lines.clone(),
                vouchers: vouchers.clone(),
                reject_reason: None,
                return_address: None,
                return_shipment: None,
                requested_at: now,
            });
            comment = reason.clone();
            label = "refund_requested".into();
        }
        (Action::WithdrawRefund, _) if refund_state == Some(RefundState::Requested) => {
            next.refund = None;
            label = "refund_withdrawn".into();
        }
        (Action::RejectRefund { reason }, _) if refund_state == Some(RefundState::Requested) => {
            if let Some(refund) = next.refund.as_mut() {
                refund.state = RefundState::Rejected;
                refund.reject_reason = Some(reason.clone());
            }
            comment = reason.clone();
            label = "refund_rejected".into();
        }
        (Action::ApproveRefund { return_address }, _) if refund_state == Some(RefundState::Requested) => {
            let kind = order.refund.as_ref().map(|refund| refund.kind);
            if kind == Some(RefundKind::ReturnAndRefund) {
                let Some(address) = return_address else {
                    return Err(ApiError::invalid("return_address", "is required to approve a return"));
                };
                if let Some(refund) = next.refund.as_mut() {
                    refund.state = RefundState::AwaitingReturn;
                    refund.return_address = Some(address.clone());
                }
                label = "refund_awaiting_return".into();
            } else {
                settle_refund(&mut next, &mut effects);
                label = "refunded".into();
            }
        }
        (Action::ShipReturn(shipment), _) if refund_state == Some(RefundState::AwaitingReturn) => {
            if let Some(refund) = next.refund.as_mut() {
                refund.state = RefundState::Returning;
                refund.return_shipment = Some(shipment.clone());
            }
            comment = format!("{} {}", shipment.carrier_name, shipment.tracking_no);
            label = "refund_returning".into();
        }
        (Action::ConfirmReturn, _) if refund_state == Some(RefundState::Returning) => {
            settle_refund(&mut next, &mut effects);
            label = "refunded".into();
        }
        (Action::Review { comment: review }, OrderStatus::Completed) if !order.reviewed => {
            next.reviewed = true;
            comment = review.clone();
            label = "reviewed".into();
        }
        (Action::Delete, OrderStatus::Closed | OrderStatus::Completed) if !open_refund => {
            next.deleted = true;
            label = "deleted".into();
        }
        _ => return Err(conflict(order, &action)),
    }

    next.version = order.version + 1;
    next.updated_at = now;
    next.timeline.push(TimelineEntry { at: now, status: label, actor, comment });
    Ok((next, effects))
}

fn complete(order: &mut Order, now: Timestamp) {
    order.status = OrderStatus::Completed;
    order.completed_at = Some(now);
    order.auto_confirm_at = None;
}

fn close(order: &mut Order, reason: CloseReason, effects: &mut SideEffects) {
    order.status = OrderStatus::Closed;
    order.close_reason = Some(reason);
    order.expires_at = None;
    effects.restore_stock = order.lines.iter().map(|line| (line.sku_id.clone(), line.quantity)).collect();
    effects.restore_points = order.amounts.points_used;
}

/// Money goes back; a refund of everything paid closes the order.
fn settle_refund(order: &mut Order, effects: &mut SideEffects) {
    let Some(refund) = order.refund.as_mut() else {
        return;
    };
    refund.state = RefundState::Refunded;
    let amount = refund.amount;
    let lines = refund.lines.clone();
    order.amounts.refunded = Money(order.amounts.refunded.0 + amount.0);
    for refunded in &lines {
        if let Some(line) = order.lines.iter_mut().find(|line| line.sku_id == refunded.sku_id) {
            line.refunded_quantity += refunded.quantity;
        }
    }
    // Spread the money over the named lines in order, capped by each line's total.
    let mut left = amount.0;
    for refunded in &lines {
        if let Some(line) = order.lines.iter_mut().find(|line| line.sku_id == refunded.sku_id) {
            let room = line.line_total.0 - line.refunded_amount.0;
            let take = left.min(room).max(0);
            line.refunded_amount = Money(line.refunded_amount.0 + take);
            left -= take;
        }
    }
    if order.amounts.refunded >= order.amounts.paid {
        order.status = OrderStatus::Closed;
        order.close_reason = Some(CloseReason::Refunded);
        order.auto_confirm_at = None;
        // A full refund gives back the points that paid part of the order too.
        effects.restore_points = order.amounts.points_used;
    }
}

/// The count buckets of `GET /order-counts`, plus `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    WaitPay,
    WaitSend,
    WaitReceipt,
    WaitReview,
    AfterSales,
    Completed,
    Closed,
    All,
}

impl Bucket {
    pub const ALL: [Bucket; 8] = [
        Bucket::WaitPay,
        Bucket::WaitSend,
        Bucket::WaitReceipt,
        Bucket::WaitReview,
        Bucket::AfterSales,
        Bucket::Completed,
        Bucket::Closed,
        Bucket::All,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Bucket::WaitPay => "wait_pay",
            Bucket::WaitSend => "wait_send",
            Bucket::WaitReceipt => "wait_receipt",
            Bucket::WaitReview => "wait_review",
            Bucket::AfterSales => "after_sales",
            Bucket::Completed => "completed",
            Bucket::Closed => "closed",
            Bucket::All => "all",
        }
    }

    /// The bucket that counts exactly the orders of one status.
    pub fn of_status(status: OrderStatus) -> Bucket {
        match status {
            OrderStatus::PendingPayment => Bucket::WaitPay,
            OrderStatus::Paid => Bucket::WaitSend,
            OrderStatus::Shipped => Bucket::WaitReceipt,
            OrderStatus::Completed => Bucket::Completed,
            OrderStatus::Closed => Bucket::Closed,
        }
    }
}

/// Whose counters: a buyer's soft delete hides the order from the buyer only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Buyer,
    Seller,
}

/// The buckets an order counts in.
pub fn buckets(order: &Order, viewer: Viewer) -> Vec<Bucket> {
    if viewer == Viewer::Buyer && order.deleted {
        return Vec::new();
    }
    let mut out = vec![Bucket::All, Bucket::of_status(order.status)];
    if order.status == OrderStatus::Completed && !order.reviewed {
        out.push(Bucket::WaitReview);
    }
    if order.has_open_refund() {
        out.push(Bucket::AfterSales);
    }
    out
}

/// Counter changes between two versions of an order (or from nothing, for a new order).
pub fn bucket_delta(before: Option<&Order>, after: &Order, viewer: Viewer) -> Vec<(Bucket, i64)> {
    let old = before.map(|order| buckets(order, viewer)).unwrap_or_default();
    let new = buckets(after, viewer);
    Bucket::ALL
        .into_iter()
        .filter_map(|bucket| {
            let delta = i64::from(new.contains(&bucket)) - i64::from(old.contains(&bucket));
            (delta != 0).then_some((bucket, delta))
        })
        .collect()
}
