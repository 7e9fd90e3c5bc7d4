//! The ways an unpaid order closes: the buyer cancels, the payment window runs out, the shop
//! closes it. Stock and points come back.

use super::{Entry, SideEffects, Step};
use crate::domain::order::{CloseReason, Order, OrderStatus};

pub(super) fn close(order: &mut Order, reason: CloseReason, comment: &str, effects: &mut SideEffects) -> Step {
    if order.status != OrderStatus::PendingPayment {
        return Ok(None);
    }
    order.status = OrderStatus::Closed;
    order.close_reason = Some(reason);
    order.expires_at = None;
    effects.restore_stock = order.lines.iter().map(|line| (line.sku_id.clone(), line.quantity)).collect();
    effects.restore_points = order.amounts.points_used;
    Ok(Some(Entry::with_comment("closed", comment)))
}
