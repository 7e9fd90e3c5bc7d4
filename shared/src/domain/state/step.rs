//! What every step of the state machine shares: the timeline entry it writes, the side effects
//! the store carries out, and the verb a refusal names.

use crate::domain::catalog::StockMove;
use crate::domain::order::{Order, OrderStatus};
use crate::domain::stock_shards::ShardMove;
use crate::domain::time::Timestamp;
use crate::error::ApiError;

/// An action's verb, in English and Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verb {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Verb {
    /// A 409: this verb refused on an order that is `from` (English, Chinese).
    pub fn refused(self, from_en: &str, from_zh: &str) -> ApiError {
        ApiError::conflict(
            format!("cannot {} an order whose status is {from_en}", self.en),
            format!("订单状态为{from_zh}，不能{}", self.zh),
        )
    }
}

/// What the caller's transition did besides changing the order (the store acts on it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SideEffects {
    /// Stock moves, by SKU: units released when an unshipped order closes or refunds them,
    /// consumed when it ships.
    pub stock: Vec<ShardMove>,
    /// Points to give back to the buyer.
    pub restore_points: i64,
}

/// The units an unshipped order holds, moved by `stock_move` (released on close, consumed on ship).
pub(super) fn held_units(order: &Order, stock_move: fn(u32) -> StockMove) -> Vec<ShardMove> {
    order.lines.iter().flat_map(|line| line.stock_moves(0, line.units_kept(), stock_move)).collect()
}

/// What one step wrote into the timeline.
pub(super) struct Entry {
    pub(super) label: &'static str,
    pub(super) comment: String,
}

impl Entry {
    pub(super) fn new(label: &'static str) -> Entry {
        Entry { label, comment: String::new() }
    }

    pub(super) fn with_comment(label: &'static str, comment: impl Into<String>) -> Entry {
        Entry { label, comment: comment.into() }
    }
}

/// A step's outcome: the entry, `None` when the order's state does not allow it (409), or a
/// refusal of the action's own content.
pub(super) type Step = Result<Option<Entry>, ApiError>;

/// An unpaid order past its payment deadline: it can no longer be paid, and the payment-timeout
/// schedule closes it (reads show it as it is stored until then, so details, lists and counts
/// always agree).
pub fn is_expired(order: &Order, now: Timestamp) -> bool {
    order.status == OrderStatus::PendingPayment && order.expires_at.is_some_and(|deadline| now >= deadline)
}
