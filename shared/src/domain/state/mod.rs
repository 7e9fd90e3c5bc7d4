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

mod action;
mod after_sales;
mod closing;
mod fulfilment;
mod payouts;
mod step;

use crate::domain::order::{CloseReason, Order, TimelineEntry};
use crate::domain::party::Role;
use crate::domain::refund::RefundStep;
use crate::domain::time::Timestamp;
use crate::error::ApiError;

pub use action::Action;
pub use after_sales::{AfterSalesPolicy, LineRef, RefundApplication, MAX_VOUCHERS};
pub use fulfilment::{MAX_TRACKING_EVENTS, TRACKING_LABEL};
pub use payouts::{payout_by_request_no, payouts_in_flight, DuePayout, PayoutOf, PayoutOutcome};
pub use step::{is_expired, SideEffects, Verb};

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
        Action::ApplyRefund(application) => after_sales::apply_for_refund(&mut next, application, now, action.verb()),
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
            after_sales::record_case_payout(&mut next, outcome, now, &mut effects)
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
