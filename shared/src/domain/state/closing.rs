//! The ways an unpaid order closes: the buyer cancels (also past the deadline, before the schedule
//! does), the payment window runs out, the shop closes it. Reserved units and points come back.

use super::step::{held_units, Entry, SideEffects, Step};
use crate::domain::catalog::StockMove;
use crate::domain::order::{CloseReason, Order, OrderStatus};

pub(super) fn close(order: &mut Order, reason: CloseReason, comment: &str, effects: &mut SideEffects) -> Step {
    if order.status != OrderStatus::PendingPayment {
        return Ok(None);
    }
    order.status = OrderStatus::Closed;
    order.close_reason = Some(reason);
    order.expires_at = None;
    effects.stock = held_units(order, StockMove::Release);
    effects.restore_points = order.amounts.points_used;
    Ok(Some(Entry::with_comment("closed", comment)))
}
