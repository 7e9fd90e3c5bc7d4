//! The order state machine as pure code: every transition, the after-sales sub-states included.
//! Routes call `apply` and store the result with one conditional write; anything not allowed here
//! is a 409 StateConflict.
//!
//! ```text
//! pending_payment --pay--> paid --ship--> shipped --receipt / auto-confirm--> completed
//! pending_payment --cancel / payment timeout / seller close--> closed (stock and points back)
//! paid | shipped | completed (within the after-sales window): an after-sales case may open
//!   requested --withdraw--> withdrawn; --reject--> rejected (the buyer may apply again)
//!   requested --approve, money only--> refunding --provider paid--> refunded
//!   requested --approve, goods back--> awaiting_return --shipped back--> returning
//!     --confirmed--> refunding --provider paid--> refunded; awaiting_return --timer--> closed
//!   a refund that leaves nothing paid closes the order (close_reason refunded)
//! completed --review--> reviewed; closed | completed without an open case --delete--> deleted
//! ```
//!
//! The steps are grouped by stage: `fulfilment` (pay to review), `closing` (the ways an unpaid
//! order closes) and `after_sales` (refunds and returns).

mod after_sales;
mod closing;
mod fulfilment;
mod payouts;

use crate::domain::address::Address;
use crate::domain::catalog::StockMove;
use crate::domain::order::{
    CloseReason, LatePayment, Order, OrderStatus, Payment, RefundStep, ReturnShipment, Shipment, TimelineEntry,
    TrackingEvent,
};
use crate::domain::party::Role;
use crate::domain::payment::PaymentChannel;
use crate::domain::time::Timestamp;
use crate::error::ApiError;

pub use after_sales::{AfterSalesPolicy, LineRef, RefundApplication, MAX_VOUCHERS};
pub use fulfilment::{MAX_TRACKING_EVENTS, TRACKING_LABEL};
pub use payouts::{payout_by_request_no, payouts_in_flight, DuePayout, PayoutOf, PayoutOutcome};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A payment was started with this provider (recorded once per provider).
    StartPayment(PaymentChannel),
    Pay(Payment),
    /// A payment the order cannot take (closed, past its deadline, paid by another trade): kept
    /// with the payout that pays it back.
    RecordLatePayment(LatePayment),
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
    ApplyRefund(RefundApplication),
    WithdrawRefund,
    RejectRefund {
        reason: String,
    },
    ApproveRefund {
        return_address: Option<Address>,
        policy: AfterSalesPolicy,
    },
    ShipReturn {
        shipment: ReturnShipment,
        policy: AfterSalesPolicy,
    },
    ConfirmReturn {
        restock: bool,
        policy: AfterSalesPolicy,
    },
    /// The timer of a case whose goods were not sent back.
    CloseUnreturned,
    /// The shop tries a refused payout again.
    RetryPayout {
        policy: AfterSalesPolicy,
    },
    /// What the provider said to one payout attempt (the case's or a late payment's).
    RecordPayout {
        of: PayoutOf,
        outcome: PayoutOutcome,
    },
    Review {
        comment: String,
    },
    Delete,
}

impl Action {
    /// The verb used in StateConflict messages.
    pub fn name(&self) -> &'static str {
        match self {
            Action::StartPayment(_) => "start paying",
            Action::Pay(_) => "pay",
            Action::RecordLatePayment(_) => "record a late payment on",
            Action::Ship { .. } => "ship",
            Action::AddTrackingEvent(_) => "add a tracking event to",
            Action::ConfirmReceipt => "confirm receipt of",
            Action::AutoConfirm => "auto-confirm",
            Action::Cancel { .. } => "cancel",
            Action::Timeout => "time out",
            Action::SellerClose { .. } => "close",
            Action::ApplyRefund(_) => "apply for a refund on",
            Action::WithdrawRefund => "withdraw the refund of",
            Action::RejectRefund { .. } => "reject the refund of",
            Action::ApproveRefund { .. } => "approve the refund of",
            Action::ShipReturn { .. } => "ship back the goods of",
            Action::ConfirmReturn { .. } => "confirm the returned goods of",
            Action::CloseUnreturned => "close the return of",
            Action::RetryPayout { .. } => "retry the payout of",
            Action::RecordPayout { .. } => "record the payout of",
            Action::Review { .. } => "review",
            Action::Delete => "delete",
        }
    }
}

impl Action {
    /// The verb in Chinese, for StateConflict messages.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Action::StartPayment(_) => "发起支付",
            Action::Pay(_) => "支付",
            Action::RecordLatePayment(_) => "记录逾期付款",
            Action::Ship { .. } => "发货",
            Action::AddTrackingEvent(_) => "添加物流轨迹",
            Action::ConfirmReceipt => "确认收货",
            Action::AutoConfirm => "自动确认收货",
            Action::Cancel { .. } => "取消",
            Action::Timeout => "超时关闭",
            Action::SellerClose { .. } => "关闭",
            Action::ApplyRefund(_) => "申请售后",
            Action::WithdrawRefund => "撤销售后申请",
            Action::RejectRefund { .. } => "拒绝售后申请",
            Action::ApproveRefund { .. } => "同意售后申请",
            Action::ShipReturn { .. } => "寄回商品",
            Action::ConfirmReturn { .. } => "确认收到退货",
            Action::CloseUnreturned => "关闭未寄回的退货",
            Action::RetryPayout { .. } => "重试退款",
            Action::RecordPayout { .. } => "记录退款结果",
            Action::Review { .. } => "评价",
            Action::Delete => "删除",
        }
    }

    /// A 409 for this action on an order that is `from` (English, Chinese).
    pub fn refused(&self, from_en: &str, from_zh: &str) -> ApiError {
        ApiError::conflict(
            format!("cannot {} an order whose status is {from_en}", self.name()),
            format!("订单状态为{from_zh}，不能{}", self.name_zh()),
        )
    }
}

/// What the caller's transition did besides changing the order (the store acts on it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SideEffects {
    /// Stock moves, by SKU: units released when an unshipped order closes or refunds them,
    /// consumed when it ships.
    pub stock: Vec<(String, StockMove)>,
    /// Points to give back to the buyer.
    pub restore_points: i64,
}

/// The units an unshipped order holds, moved by `stock_move` (released on close, consumed on ship).
fn held_units(order: &Order, stock_move: fn(u32) -> StockMove) -> Vec<(String, StockMove)> {
    order
        .lines
        .iter()
        .filter(|line| line.units_kept() > 0)
        .map(|line| (line.sku_id.clone(), stock_move(line.units_kept())))
        .collect()
}

/// What one step wrote into the timeline.
struct Entry {
    label: &'static str,
    comment: String,
}

impl Entry {
    fn new(label: &'static str) -> Entry {
        Entry { label, comment: String::new() }
    }

    fn with_comment(label: &'static str, comment: impl Into<String>) -> Entry {
        Entry { label, comment: comment.into() }
    }
}

/// A step's outcome: the entry, `None` when the order's state does not allow it (409), or a
/// refusal of the action's own content.
type Step = Result<Option<Entry>, ApiError>;

/// An unpaid order past its payment deadline: it can no longer be paid, and the payment-timeout
/// schedule closes it (reads show it as it is stored until then, so details, lists and counts
/// always agree).
pub fn is_expired(order: &Order, now: Timestamp) -> bool {
    order.status == OrderStatus::PendingPayment && order.expires_at.is_some_and(|deadline| now >= deadline)
}

fn conflict(order: &Order, action: &Action) -> ApiError {
    let (status, status_zh) = (order.status.as_str(), order.status.name_zh());
    match order.refund.as_ref().filter(|refund| refund.state.is_open()) {
        Some(refund) => action.refused(
            &format!("{status} with an after-sales case {}", refund.state.as_str()),
            &format!("{status_zh}，售后{}", refund.state.name_zh()),
        ),
        None if order.deleted => action.refused(&format!("{status} (deleted)"), &format!("{status_zh}（已删除）")),
        None => action.refused(status, status_zh),
    }
}

/// A deleted order takes no action; an unpaid one times out only past its deadline, and is paid
/// only before it.
fn check_open(order: &Order, action: &Action, now: Timestamp) -> Result<(), ApiError> {
    if order.deleted {
        return Err(conflict(order, action));
    }
    let refuse = |en: &str, zh: &str| Err(action.refused(en, zh));
    let past_deadline = || refuse("pending_payment past its payment deadline", "待付款且已过支付期限");
    match (action, is_expired(order, now)) {
        (Action::Timeout, false) => {
            refuse("pending_payment, still within its payment window", "待付款且仍在支付期限内")
        }
        // The provider's own time of payment counts: a payment made in time whose word arrives
        // late (a lost notification found by a query) still pays the order.
        (Action::Pay(payment), true) if order.expires_at.is_some_and(|deadline| payment.paid_at >= deadline) => {
            past_deadline()
        }
        (Action::StartPayment(_), true) => past_deadline(),
        _ => Ok(()),
    }
}

/// Applies `action` by `actor` at `now`. On success the returned order has `version + 1`, a new
/// timeline entry and `updated_at = now`; on failure nothing changed.
pub fn apply(order: &Order, action: Action, actor: Role, now: Timestamp) -> Result<(Order, SideEffects), ApiError> {
    check_open(order, &action, now)?;
    let mut next = order.clone();
    let mut effects = SideEffects::default();
    let step = match &action {
        Action::StartPayment(channel) => fulfilment::start_payment(&mut next, *channel),
        Action::Pay(payment) => fulfilment::pay(&mut next, payment),
        Action::RecordLatePayment(late) => payouts::record_late_payment(&mut next, late, now),
        Action::Ship { shipment, auto_confirm_at } => {
            fulfilment::ship(&mut next, shipment, *auto_confirm_at, &mut effects)
        }
        Action::AddTrackingEvent(event) => fulfilment::add_tracking_event(&mut next, event),
        Action::ConfirmReceipt => fulfilment::confirm_receipt(&mut next, now, false),
        Action::AutoConfirm => fulfilment::confirm_receipt(&mut next, now, true),
        Action::Review { comment } => fulfilment::review(&mut next, comment),
        Action::Delete => fulfilment::delete(&mut next),
        Action::Cancel { reason } => closing::close(&mut next, CloseReason::BuyerCancelled, reason, &mut effects),
        Action::Timeout => {
            closing::close(&mut next, CloseReason::PaymentTimeout, "payment window expired", &mut effects)
        }
        Action::SellerClose { reason } => closing::close(&mut next, CloseReason::SellerClosed, reason, &mut effects),
        Action::ApplyRefund(application) => after_sales::apply_for_refund(&mut next, application, now, &action),
        Action::WithdrawRefund => after_sales::withdraw(&mut next),
        Action::RejectRefund { reason } => after_sales::reject(&mut next, reason),
        Action::ApproveRefund { return_address, policy } => {
            after_sales::approve(&mut next, return_address, policy, now, &mut effects)
        }
        Action::ShipReturn { shipment, policy } => after_sales::ship_return(&mut next, shipment, policy, now),
        Action::ConfirmReturn { restock, policy } => {
            after_sales::confirm_return(&mut next, *restock, policy, now, &mut effects)
        }
        Action::CloseUnreturned => after_sales::close_unreturned(&mut next),
        Action::RetryPayout { policy } => after_sales::retry_payout(&mut next, now, policy),
        Action::RecordPayout { of: PayoutOf::Case, outcome } => {
            after_sales::record_payout(&mut next, outcome, now, &mut effects)
        }
        Action::RecordPayout { of: PayoutOf::LatePayment(trade_no), outcome } => {
            payouts::record_late_payout(&mut next, trade_no, outcome, now)
        }
    };
    let Some(entry) = step? else {
        return Err(conflict(order, &action));
    };
    next.version = order.version + 1;
    next.updated_at = now;
    // Every step of a case is in its own history too.
    if let Some(case) = next.refund.as_mut() {
        let changed = order.refund.as_ref().is_none_or(|before| before.refund_id != case.refund_id || before != case);
        if changed {
            case.history.push(RefundStep { at: now, status: case.state, actor, comment: entry.comment.clone() });
        }
    }
    next.timeline.push(TimelineEntry { at: now, status: entry.label.to_string(), actor, comment: entry.comment });
    Ok((next, effects))
}
