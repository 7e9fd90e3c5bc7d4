//! The order and everything it holds. This is the storage form (money in fen); the HTTP views
//! give the wire form (money as `"12.34"`).

use crate::domain::address::Address;
use crate::domain::catalog::StockMove;
use crate::domain::member::DiscountType;
use crate::domain::money::{as_fen, Money};
use crate::domain::party::Role;
use crate::domain::payment::PaymentChannel;
use crate::domain::refund::{Payout, Refund, RefundState};
use crate::domain::stock_shards::{units_by_shard, ShardMove, ShardUnits};
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Shipped,
    Completed,
    Closed,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Completed,
        OrderStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Completed => "completed",
            OrderStatus::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// The status in Chinese, for messages.
    pub fn name_zh(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "待付款",
            OrderStatus::Paid => "已付款",
            OrderStatus::Shipped => "已发货",
            OrderStatus::Completed => "已完成",
            OrderStatus::Closed => "已关闭",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderType {
    #[default]
    Standard,
    Points,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CloseReason {
    BuyerCancelled,
    PaymentTimeout,
    SellerClosed,
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku_id: String,
    pub product_name: String,
    #[serde(default)]
    pub properties: String,
    #[serde(default)]
    pub pic: String,
    #[serde(with = "as_fen")]
    pub unit_price: Money,
    /// Points per unit for points orders.
    #[serde(default)]
    pub unit_points: i64,
    pub quantity: u32,
    #[serde(with = "as_fen")]
    pub line_total: Money,
    /// The member discount on this line (rounded down to the fen); the order's is their sum.
    #[serde(with = "as_fen", default)]
    pub discount: Money,
    #[serde(default)]
    pub refunded_quantity: u32,
    #[serde(with = "as_fen", default)]
    pub refunded_amount: Money,
    /// The stock shards its units were reserved from, in order (empty: all from shard 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stock_shards: Vec<ShardUnits>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Amounts {
    #[serde(with = "as_fen")]
    pub goods: Money,
    #[serde(with = "as_fen")]
    pub shipping: Money,
    #[serde(with = "as_fen")]
    pub discount: Money,
    /// Points spent on this order (a count, not money).
    pub points_used: i64,
    /// What the points took off a standard order.
    #[serde(with = "as_fen", default)]
    pub points_deduction: Money,
    /// `member` or `points` when one of them lowered the price.
    #[serde(default)]
    pub discount_type: Option<DiscountType>,
    #[serde(with = "as_fen")]
    pub payable: Money,
    #[serde(with = "as_fen")]
    pub paid: Money,
    #[serde(with = "as_fen")]
    pub refunded: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub channel: PaymentChannel,
    pub trade_no: String,
    pub paid_at: Timestamp,
}

/// Money that arrived for an order that could no longer take it (closed, past its payment
/// deadline, or already paid by another trade). It is paid back through its own payout, apart
/// from the order's after-sales cases, so neither ever waits for the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatePayment {
    pub channel: PaymentChannel,
    pub trade_no: String,
    #[serde(with = "as_fen")]
    pub amount: Money,
    pub received_at: Timestamp,
    /// Paying it back, under `refund_id` (written when the payment is recorded).
    #[serde(default)]
    pub payout: Option<Payout>,
    /// When the payout schedule calls the provider for it (again).
    #[serde(default)]
    pub due_at: Option<Timestamp>,
}

impl LatePayment {
    /// The request number of its payout: `<order_no>-late-<trade_no>`, never an after-sales
    /// case's (`<order_no>-<n>`).
    pub fn refund_id(&self, order_no: &str) -> String {
        format!("{order_no}-late-{}", self.trade_no)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shipment {
    pub carrier_code: String,
    pub carrier_name: String,
    pub tracking_no: String,
    pub shipped_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingEvent {
    pub at: Timestamp,
    pub description: String,
    #[serde(default)]
    pub location: String,
}

/// One entry per transition (what shop APIs call an order's status list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub at: Timestamp,
    /// The order status after the transition, or the after-sales step (`refund_requested`, ...).
    pub status: String,
    pub actor: Role,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub order_no: String,
    pub buyer_id: String,
    pub seller_id: String,
    pub order_type: OrderType,
    pub status: OrderStatus,
    #[serde(default)]
    pub close_reason: Option<CloseReason>,
    /// The open or last after-sales case.
    #[serde(default)]
    pub refund: Option<Refund>,
    /// Earlier cases, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
    pub lines: Vec<OrderLine>,
    pub address: Address,
    #[serde(default)]
    pub remark: String,
    pub amounts: Amounts,
    #[serde(default)]
    pub payment: Option<Payment>,
    /// Payments that arrived when the order could not take them, to be paid back.
    #[serde(default)]
    pub late_payments: Vec<LatePayment>,
    /// The providers a payment was started with (each once): whom the payment-timeout schedule
    /// and `?refresh=true` ask, and where an unpaid trade is closed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_starts: Vec<PaymentChannel>,
    #[serde(default)]
    pub shipment: Option<Shipment>,
    #[serde(default)]
    pub tracking_events: Vec<TrackingEvent>,
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub reviewed: bool,
    #[serde(default)]
    pub deleted: bool,
    pub version: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Payment deadline, while unpaid.
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    /// When a shipped order completes by itself.
    #[serde(default)]
    pub auto_confirm_at: Option<Timestamp>,
    /// When the order completed; the after-sales window runs from here.
    #[serde(default)]
    pub completed_at: Option<Timestamp>,
    /// The shard of its shop's counters this order moves, chosen when it is placed (absent on
    /// orders from before the shards were a setting: the store's rule for those applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_shard: Option<u32>,
}

/// The deadlines the schedules act on; an order has at most one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// An unpaid order closes at `expires_at`.
    Payment,
    /// A shipped order completes at `auto_confirm_at`.
    AutoConfirm,
    /// An after-sales timer: approve an unanswered request, close a case whose goods were not
    /// sent back, confirm goods not confirmed.
    AfterSales,
    /// A payout to try again.
    Payout,
}

impl OrderLine {
    /// Units not refunded: what the order still holds of the SKU while it is unshipped.
    pub fn units_kept(&self) -> u32 {
        self.quantity.saturating_sub(self.refunded_quantity)
    }

    /// The stock moves of this line's units `from..to`, one per shard holding them. Units kept
    /// are `0..units_kept()`; refunds take the last ones first.
    pub fn stock_moves(&self, from: u32, to: u32, stock_move: fn(u32) -> StockMove) -> Vec<ShardMove> {
        units_by_shard(&self.stock_shards, from, to)
            .into_iter()
            .map(|(shard, units)| ShardMove { sku_id: self.sku_id.clone(), shard, stock_move: stock_move(units) })
            .collect()
    }
}

impl Order {
    /// The deadline a schedule will act on next, if any: the order's own, or the earliest payout
    /// of a late payment that is due.
    pub fn deadline(&self) -> Option<(Deadline, Timestamp)> {
        let late = self
            .late_payments
            .iter()
            .filter(|late| late.payout.as_ref().is_some_and(Payout::in_flight))
            .filter_map(|late| late.due_at)
            .min()
            .map(|at| (Deadline::Payout, at));
        let own = self.own_deadline();
        match (own, late) {
            (Some(own), Some(late)) => Some(if late.1 < own.1 { late } else { own }),
            (own, late) => own.or(late),
        }
    }

    fn own_deadline(&self) -> Option<(Deadline, Timestamp)> {
        // An open case pauses the order's own deadline (auto-confirm waits for after-sales).
        if let Some(refund) = self.refund.as_ref().filter(|refund| refund.state.is_open()) {
            let kind = if refund.state == RefundState::Refunding { Deadline::Payout } else { Deadline::AfterSales };
            return refund.due_at.map(|at| (kind, at));
        }
        match (self.status, self.expires_at, self.auto_confirm_at) {
            (OrderStatus::PendingPayment, Some(at), _) => Some((Deadline::Payment, at)),
            (OrderStatus::Shipped, _, Some(at)) => Some((Deadline::AutoConfirm, at)),
            _ => None,
        }
    }

    pub fn has_open_refund(&self) -> bool {
        self.refund.as_ref().is_some_and(|refund| refund.state.is_open())
    }

    /// Money that can still be refunded.
    pub fn refundable(&self) -> Money {
        Money(self.amounts.paid.0 - self.amounts.refunded.0)
    }

    /// The number the next after-sales case gets.
    pub fn next_refund_id(&self) -> String {
        let cases = self.refunds.len() + usize::from(self.refund.is_some());
        format!("{}-{}", self.order_no, cases + 1)
    }

    /// The line a `line_id` (its 1-based position, as the views show it) names.
    pub fn line_by_id(&self, line_id: &str) -> Option<&OrderLine> {
        let position: usize = line_id.parse().ok()?;
        self.lines.get(position.checked_sub(1)?)
    }
}
