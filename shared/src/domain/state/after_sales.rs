//! After-sales: a buyer applies for a refund (money only, or goods back too); the shop rejects or
//! approves; returned goods are shipped back and confirmed; the money goes back. A refund of
//! everything paid closes the order.

use super::{Entry, SideEffects, Step};
use crate::domain::address::Address;
use crate::domain::catalog::StockMove;
use crate::domain::money::Money;
use crate::domain::order::{
    CloseReason, Order, OrderStatus, Refund, RefundKind, RefundLine, RefundState, ReturnShipment,
};
use crate::domain::time::Timestamp;
use crate::error::ApiError;

/// How long after completion a buyer may still open an after-sales case.
pub const AFTER_SALES_WINDOW_SECONDS: i64 = 15 * 24 * 3600;

/// What a buyer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundApplication {
    pub kind: RefundKind,
    pub amount: Money,
    pub reason: String,
    pub remark: String,
    /// Which units go back; empty means none in particular.
    pub lines: Vec<RefundLine>,
    /// Image URLs that show the problem.
    pub vouchers: Vec<String>,
}

fn refund_state(order: &Order) -> Option<RefundState> {
    order.refund.as_ref().map(|refund| refund.state)
}

/// The order's after-sales case, if it is in `state`.
fn case_in(order: &mut Order, state: RefundState) -> Option<&mut Refund> {
    order.refund.as_mut().filter(|refund| refund.state == state)
}

/// Paid, shipped, or completed within the window, with no case open.
pub(super) fn apply_for_refund(order: &mut Order, request: &RefundApplication, now: Timestamp, verb: &str) -> Step {
    let eligible = matches!(order.status, OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed);
    if !eligible || order.has_open_refund() {
        return Ok(None);
    }
    if order.status == OrderStatus::Completed {
        let window_open =
            order.completed_at.is_some_and(|completed| now <= completed.plus_seconds(AFTER_SALES_WINDOW_SECONDS));
        if !window_open {
            return Err(ApiError::StateConflict {
                action: verb.into(),
                from: "completed, past the after-sales window".into(),
            });
        }
    }
    let refundable = order.refundable();
    if request.amount.0 <= 0 || request.amount > refundable {
        return Err(ApiError::invalid(
            "amount",
            format!("must be more than 0.00 and at most the refundable {refundable}"),
        ));
    }
    for line in &request.lines {
        let Some(ordered) = order.lines.iter().find(|ordered| ordered.sku_id == line.sku_id) else {
            return Err(ApiError::invalid("lines", format!("SKU {} is not in this order", line.sku_id)));
        };
        let left = ordered.quantity - ordered.refunded_quantity;
        if line.quantity == 0 || line.quantity > left {
            return Err(ApiError::invalid("lines", format!("quantity for SKU {} must be 1..={left}", line.sku_id)));
        }
    }
    order.refund = Some(Refund {
        kind: request.kind,
        state: RefundState::Requested,
        amount: request.amount,
        reason: request.reason.clone(),
        remark: request.remark.clone(),
        lines: request.lines.clone(),
        vouchers: request.vouchers.clone(),
        reject_reason: None,
        return_address: None,
        return_shipment: None,
        requested_at: now,
    });
    Ok(Some(Entry::with_comment("refund_requested", request.reason.clone())))
}

pub(super) fn withdraw(order: &mut Order) -> Step {
    if refund_state(order) != Some(RefundState::Requested) {
        return Ok(None);
    }
    order.refund = None;
    Ok(Some(Entry::new("refund_withdrawn")))
}

pub(super) fn reject(order: &mut Order, reason: &str) -> Step {
    let Some(refund) = case_in(order, RefundState::Requested) else {
        return Ok(None);
    };
    refund.state = RefundState::Rejected;
    refund.reject_reason = Some(reason.to_string());
    Ok(Some(Entry::with_comment("refund_rejected", reason)))
}

/// Money only: refunded at once. Goods back: the buyer is told where to send them.
pub(super) fn approve(order: &mut Order, return_address: &Option<Address>, effects: &mut SideEffects) -> Step {
    let Some(kind) = order.refund.as_ref().filter(|refund| refund.state == RefundState::Requested).map(|r| r.kind)
    else {
        return Ok(None);
    };
    if kind == RefundKind::RefundOnly {
        settle(order, effects)?;
        return Ok(Some(Entry::new("refunded")));
    }
    let Some(address) = return_address else {
        return Err(ApiError::invalid("return_address", "is required to approve a return"));
    };
    if let Some(refund) = order.refund.as_mut() {
        refund.state = RefundState::AwaitingReturn;
        refund.return_address = Some(address.clone());
    }
    Ok(Some(Entry::new("refund_awaiting_return")))
}

pub(super) fn ship_return(order: &mut Order, shipment: &ReturnShipment) -> Step {
    let Some(refund) = case_in(order, RefundState::AwaitingReturn) else {
        return Ok(None);
    };
    refund.state = RefundState::Returning;
    refund.return_shipment = Some(shipment.clone());
    Ok(Some(Entry::with_comment("refund_returning", format!("{} {}", shipment.carrier_name, shipment.tracking_no))))
}

pub(super) fn confirm_return(order: &mut Order, effects: &mut SideEffects) -> Step {
    if refund_state(order) != Some(RefundState::Returning) {
        return Ok(None);
    }
    settle(order, effects)?;
    Ok(Some(Entry::new("refunded")))
}

/// Money goes back; a refund of everything paid closes the order. Units of an unshipped order
/// that are refunded go back on sale.
fn settle(order: &mut Order, effects: &mut SideEffects) -> Result<(), ApiError> {
    let unshipped = order.status == OrderStatus::Paid;
    let Some(refund) = order.refund.as_mut() else {
        return Ok(());
    };
    refund.state = RefundState::Refunded;
    let amount = refund.amount;
    let lines = refund.lines.clone();
    order.amounts.refunded = order
        .amounts
        .refunded
        .checked_add(amount)
        .ok_or_else(|| ApiError::Internal("refunded amount overflows".into()))?;
    for refunded in &lines {
        if let Some(line) = order.lines.iter_mut().find(|line| line.sku_id == refunded.sku_id) {
            line.refunded_quantity += refunded.quantity;
            if unshipped {
                effects.stock.push((line.sku_id.clone(), StockMove::Release(refunded.quantity)));
            }
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
        if unshipped {
            // Nothing of it will ship: every unit still held goes back on sale.
            for line in order.lines.iter_mut().filter(|line| line.units_kept() > 0) {
                effects.stock.push((line.sku_id.clone(), StockMove::Release(line.units_kept())));
                line.refunded_quantity = line.quantity;
            }
        }
    }
    Ok(())
}
