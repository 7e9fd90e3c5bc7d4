//! Money going back through a provider: the after-sales case's payout and each late payment's.
//! A payout is written (pending, with its request number) before the provider is called; each
//! answer is recorded here. A late payment is paid back by a payout of its own, apart from the
//! order's cases, so a late payment's payout, whatever becomes of it, never blocks the order's
//! own after-sales (nor the reverse).

use super::step::{is_expired, Entry, Step};
use crate::domain::money::Money;
use crate::domain::order::{LatePayment, Order, OrderStatus};
use crate::domain::payment::PaymentChannel;
use crate::domain::refund::{Payout, PayoutStatus, RefundState};
use crate::domain::time::Timestamp;

/// What one call to the provider said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayoutOutcome {
    /// The provider paid it (now or on an earlier attempt with the same request number).
    Paid,
    /// The provider refused it (its reason); the shop decides what next.
    Refused(String),
    /// Unknown (timeout, 5xx, an answer that does not verify): try again at `retry_at` with the
    /// same request number.
    Unknown { error: String, retry_at: Timestamp },
    /// Accepted and still being paid (WeChat Pay's `PROCESSING`): ask again at `retry_at`,
    /// unless the provider's refund notification settles it first.
    Processing { retry_at: Timestamp },
}

/// Which payout an outcome is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayoutOf {
    /// The open after-sales case's.
    Case,
    /// A late payment's, by the provider's trade number.
    LatePayment(String),
}

/// Records an attempt's outcome on a payout in flight; returns when it is due next.
pub(super) fn record_attempt(payout: &mut Payout, outcome: &PayoutOutcome, now: Timestamp) -> Option<Timestamp> {
    payout.attempts += 1;
    match outcome {
        PayoutOutcome::Paid => {
            payout.status = PayoutStatus::Succeeded;
            payout.last_error = None;
            payout.refunded_at = Some(now);
            None
        }
        PayoutOutcome::Refused(error) => {
            payout.status = PayoutStatus::Failed;
            payout.last_error = Some(error.clone());
            None
        }
        PayoutOutcome::Unknown { error, retry_at } => {
            payout.last_error = Some(error.clone());
            Some(*retry_at)
        }
        PayoutOutcome::Processing { retry_at } => {
            payout.status = PayoutStatus::Processing;
            payout.last_error = None;
            Some(*retry_at)
        }
    }
}

/// Money for an order that cannot take it: kept on the order with its payout, due at once (the
/// payout schedule calls the provider). Never the trade that paid the order, never the same
/// trade twice. A late payment kept before payouts were written with it gets its payout now.
pub(super) fn record_late_payment(order: &mut Order, late: &LatePayment, now: Timestamp) -> Step {
    let could_pay = order.status == OrderStatus::PendingPayment && !is_expired(order, now);
    let paying_trade = order.payment.as_ref().is_some_and(|payment| payment.trade_no == late.trade_no);
    if could_pay || paying_trade {
        return Ok(None);
    }
    let refund_id = late.refund_id(&order.order_no);
    // A case that paid it back before late payments had payouts of their own.
    let old_case = order.refund.iter().chain(order.refunds.iter()).any(|case| case.refund_id == refund_id);
    let comment = format!("{} {} {}", late.channel.as_str(), late.trade_no, late.amount);
    let payout = Payout {
        channel: late.channel,
        out_request_no: refund_id,
        status: PayoutStatus::Pending,
        attempts: 0,
        last_error: None,
        refunded_at: None,
        started_at: Some(now),
    };
    match order.late_payments.iter_mut().find(|known| known.trade_no == late.trade_no) {
        Some(known) if known.payout.is_none() && !old_case => {
            known.payout = Some(payout);
            known.due_at = Some(now);
            Ok(Some(Entry::with_comment("late_payment_refunding", comment)))
        }
        Some(_) => Ok(None),
        None => {
            order.late_payments.push(LatePayment { payout: Some(payout), due_at: Some(now), ..late.clone() });
            Ok(Some(Entry::with_comment("payment_late", comment)))
        }
    }
}

/// Records an attempt's outcome on a late payment's payout in flight.
pub(super) fn record_late_payout(order: &mut Order, trade_no: &str, outcome: &PayoutOutcome, now: Timestamp) -> Step {
    let Some(late) = order.late_payments.iter_mut().find(|late| late.trade_no == trade_no) else {
        return Ok(None);
    };
    let Some(payout) = late.payout.as_mut().filter(|payout| payout.in_flight()) else {
        return Ok(None);
    };
    late.due_at = record_attempt(payout, outcome, now);
    let entry = match outcome {
        PayoutOutcome::Paid => Entry::with_comment("late_payment_refunded", trade_no),
        PayoutOutcome::Refused(error) => Entry::with_comment("late_payment_payout_failed", error.clone()),
        PayoutOutcome::Unknown { error, .. } => Entry::with_comment("late_payment_payout_unknown", error.clone()),
        PayoutOutcome::Processing { .. } => Entry::with_comment("late_payment_refund_processing", trade_no),
    };
    Ok(Some(entry))
}

/// The shop's retry of late payments' payouts the provider refused. Whether any was retried.
pub(super) fn retry_late_payouts(order: &mut Order, due_at: Timestamp) -> bool {
    let mut retried = false;
    for late in &mut order.late_payments {
        if let Some(payout) = late.payout.as_mut().filter(|payout| payout.status == PayoutStatus::Failed) {
            payout.status = PayoutStatus::Pending;
            late.due_at = Some(due_at);
            retried = true;
        }
    }
    retried
}

/// A payout the provider is to be called for, with what the call needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePayout {
    pub of: PayoutOf,
    pub payout: Payout,
    /// The provider's number of the payment paid back (a late payment names its own trade).
    pub trade_no: Option<String>,
    pub amount: Money,
    /// What that payment took.
    pub trade_total: Money,
    pub reason: String,
}

/// Why a late payment goes back.
const LATE_REASON: &str = "payment arrived after the order closed";

/// Every payout of the order in flight with a money provider: the open case's, then the late
/// payments'. (Points go back in the approving transaction; nothing is in flight for them.)
pub fn payouts_in_flight(order: &Order) -> Vec<DuePayout> {
    let mut due = Vec::new();
    let case = order.refund.as_ref().filter(|case| case.state == RefundState::Refunding);
    if let Some((case, payout)) = case.and_then(|case| Some((case, case.payout.as_ref().filter(|p| p.in_flight())?))) {
        // A late payment's case from before late payments had payouts of their own.
        let late = order.late_payments.iter().find(|late| late.refund_id(&order.order_no) == case.refund_id);
        due.push(DuePayout {
            of: PayoutOf::Case,
            payout: payout.clone(),
            trade_no: match late {
                Some(late) => Some(late.trade_no.clone()),
                None => order.payment.as_ref().map(|payment| payment.trade_no.clone()),
            },
            amount: case.amount,
            trade_total: late.map_or(order.amounts.paid, |late| late.amount),
            reason: case.reason.clone(),
        });
    }
    for late in &order.late_payments {
        if let Some(payout) = late.payout.as_ref().filter(|payout| payout.in_flight()) {
            due.push(DuePayout {
                of: PayoutOf::LatePayment(late.trade_no.clone()),
                payout: payout.clone(),
                trade_no: Some(late.trade_no.clone()),
                amount: late.amount,
                trade_total: late.amount,
                reason: LATE_REASON.to_string(),
            });
        }
    }
    due.retain(|due| due.payout.channel != PaymentChannel::Points);
    due
}

/// The payout a provider's refund notification names by its request number: the open case's,
/// a past case's, or a late payment's.
pub fn payout_by_request_no<'a>(order: &'a Order, out_request_no: &str) -> Option<(PayoutOf, &'a Payout)> {
    let named = |payout: &&Payout| payout.out_request_no == out_request_no;
    if let Some(payout) = order.refund.as_ref().and_then(|case| case.payout.as_ref()).filter(named) {
        return Some((PayoutOf::Case, payout));
    }
    if let Some(payout) = order.refunds.iter().filter_map(|case| case.payout.as_ref()).find(named) {
        return Some((PayoutOf::Case, payout));
    }
    order.late_payments.iter().find_map(|late| {
        let payout = late.payout.as_ref().filter(named)?;
        Some((PayoutOf::LatePayment(late.trade_no.clone()), payout))
    })
}
