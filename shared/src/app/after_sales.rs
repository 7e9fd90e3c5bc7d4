//! After-sales use cases: a buyer applies, withdraws and ships goods back; a shop approves,
//! rejects, confirms returned goods and retries a refused payout; timers act for whoever does
//! not. Money goes back exactly once: the payout and its request number are written first
//! (`refunding`), then the provider is called, and its answer is recorded; an unknown outcome is
//! retried by `retry-refund-payouts` with the same request number.

use crate::adapters::metrics;
use crate::app::orders::{buyer_order, transition, transition_from, transition_with, MadeAction};
use crate::app::App;
use crate::domain::address::Address;
use crate::domain::order::{Deadline, Order};
use crate::domain::order_no;
use crate::domain::party::Actor;
use crate::domain::payment::{PayoutRequest, RefundStatus};
use crate::domain::refund::{PayoutStatus, RefundKind, RefundState, ReturnShipment};
use crate::domain::state::{
    payout_by_request_no, payouts_in_flight, Action, DuePayout, PayoutOutcome, RefundApplication,
};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};
use serde::Serialize;

/// `POST /orders/{id}/refund`.
pub async fn apply(
    app: &App,
    buyer_id: &str,
    order_no: &str,
    application: RefundApplication,
) -> Result<Order, ApiError> {
    transition(app, Actor::Buyer(buyer_id), order_no, Action::ApplyRefund(application)).await
}

/// `DELETE /orders/{id}/refund`: only while the shop has not answered.
pub async fn withdraw(app: &App, buyer_id: &str, order_no: &str) -> Result<Order, ApiError> {
    transition(app, Actor::Buyer(buyer_id), order_no, Action::WithdrawRefund).await
}

/// `POST /orders/{id}/refund/return-shipment`.
pub async fn ship_back(app: &App, buyer_id: &str, order_no: &str, shipment: ReturnShipment) -> Result<Order, ApiError> {
    let policy = app.config.after_sales;
    transition(app, Actor::Buyer(buyer_id), order_no, Action::ShipReturn { shipment, policy }).await
}

/// `POST /seller/orders/{id}/refund/reject`.
pub async fn reject(app: &App, seller_id: &str, order_no: &str, reason: String) -> Result<Order, ApiError> {
    transition(app, Actor::Seller(seller_id), order_no, Action::RejectRefund { reason }).await
}

/// `POST /seller/orders/{id}/refund/approve`. A return goes to `return_address`, or the shop's
/// saved one; money only goes back at once.
pub async fn approve(
    app: &App,
    seller_id: &str,
    order_no: &str,
    return_address: Option<Address>,
) -> Result<Order, ApiError> {
    approve_as(app, Actor::Seller(seller_id), seller_id, order_no, return_address).await
}

async fn approve_as(
    app: &App,
    actor: Actor<'_>,
    seller_id: &str,
    order_no: &str,
    return_address: Option<Address>,
) -> Result<Order, ApiError> {
    let policy = app.config.after_sales;
    // The shop's saved return address is read only for a return that needs one (once).
    let saved = tokio::sync::OnceCell::new();
    let (given, saved) = (&return_address, &saved);
    let make = |order: &Order| -> MadeAction<'_> {
        let a_return = order.refund.as_ref().is_some_and(|case| case.kind == RefundKind::ReturnAndRefund);
        Box::pin(async move {
            let return_address = match given {
                Some(address) => Some(address.clone()),
                None if a_return => saved.get_or_try_init(|| app.store.return_address(seller_id)).await?.clone(),
                None => None,
            };
            Ok(Action::ApproveRefund { return_address, policy })
        })
    };
    let order = transition_with(app, actor, order_no, make).await?;
    pay_out(app, order).await
}

/// `POST /seller/orders/{id}/refund/confirm-return`: the goods arrived; the money goes back.
pub async fn confirm_return(app: &App, seller_id: &str, order_no: &str, restock: bool) -> Result<Order, ApiError> {
    let policy = app.config.after_sales;
    let order = transition(app, Actor::Seller(seller_id), order_no, Action::ConfirmReturn { restock, policy }).await?;
    pay_out(app, order).await
}

/// `POST /seller/orders/{id}/refund/retry-payout`: a payout the provider refused, tried again
/// under the same request number.
pub async fn retry_payout(app: &App, seller_id: &str, order_no: &str) -> Result<Order, ApiError> {
    let policy = app.config.after_sales;
    let order = transition(app, Actor::Seller(seller_id), order_no, Action::RetryPayout { policy }).await?;
    pay_out(app, order).await
}

/// `PUT /seller/return-address`.
pub async fn set_return_address(app: &App, seller_id: &str, address: &Address) -> Result<(), ApiError> {
    app.store.put_return_address(seller_id, address).await
}

/// `GET /merchants/{seller_id}/return-address`: 404 when the shop has none.
pub async fn return_address(app: &App, seller_id: &str) -> Result<Address, ApiError> {
    app.store.return_address(seller_id).await?.ok_or_else(|| ApiError::not_found("return address", seller_id))
}

/// A buyer's view of the order with its cases (the same as the order).
pub async fn buyer_case(app: &App, buyer_id: &str, order_no: &str) -> Result<Order, ApiError> {
    buyer_order(app, buyer_id, order_no).await
}

/// Calls the provider for every payout of the order in flight (the case's, and late payments'),
/// and records each answer: a pending payout is (re)sent under its request number, one the
/// provider is still paying (`processing`) is asked about. Returns the order as it is
/// afterwards. Safe to run twice at once: the provider pays one request number once, and only the
/// first answer recorded moves the order.
pub async fn pay_out(app: &App, mut order: Order) -> Result<Order, ApiError> {
    for due in payouts_in_flight(&order) {
        let now = Timestamp::now();
        let request = PayoutRequest {
            out_trade_no: &order.order_no,
            trade_no: due.trade_no.as_deref(),
            out_request_no: &due.payout.out_request_no,
            amount: due.amount,
            trade_total: due.trade_total,
            reason: &due.reason,
            trade_started_at: order.created_at,
            // Written with the payout; a payout from before that names a time that never moves.
            started_at: due.payout.started_at.unwrap_or(order.created_at),
            attempts: due.payout.attempts,
        };
        let answer = match app.provider(due.payout.channel) {
            Ok(provider) if due.payout.status == PayoutStatus::Processing => provider.query_refund(&request, now).await,
            Ok(provider) => provider.refund(&request, now).await,
            Err(error) => Err(error),
        };
        let retry_at = app.config.after_sales.payout_retry_at(now, due.payout.attempts + 1);
        let outcome = match answer {
            Ok(RefundStatus::Refunded) => PayoutOutcome::Paid,
            Ok(RefundStatus::Processing) => PayoutOutcome::Processing { retry_at },
            Ok(RefundStatus::Refused(why)) => PayoutOutcome::Refused(why),
            Ok(RefundStatus::Unknown(why)) => PayoutOutcome::Unknown { error: why, retry_at },
            // Our own fault (keys, configuration): nothing was sent; try again later.
            Err(error) => PayoutOutcome::Unknown { error: error.to_string(), retry_at },
        };
        if let PayoutOutcome::Refused(why) | PayoutOutcome::Unknown { error: why, .. } = &outcome {
            let out_request_no = &due.payout.out_request_no;
            tracing::warn!(order_no = %order.order_no, %out_request_no, "payout not done: {why}");
        }
        order = record_payout(app, order, &due, outcome).await?;
    }
    Ok(order)
}

/// Records a payout's outcome; the refunded metric counts it once.
async fn record_payout(app: &App, order: Order, due: &DuePayout, outcome: PayoutOutcome) -> Result<Order, ApiError> {
    let paid = outcome == PayoutOutcome::Paid;
    let order_no = order.order_no.clone();
    let action = Action::RecordPayout { of: due.of.clone(), outcome };
    match transition_from(app, Actor::PaymentProvider, &order_no, Some(order), action).await {
        Ok(order) => {
            if paid {
                metrics::order_refunded(due.payout.channel, due.amount);
            }
            Ok(order)
        }
        // Another attempt recorded its answer first (the provider paid this number once).
        Err(ApiError::StateConflict { .. }) => {
            app.store.order_by_no(&order_no).await?.ok_or_else(|| ApiError::not_found("order", &order_no))
        }
        Err(error) => Err(error),
    }
}

/// A provider's verified refund notification (WeChat Pay's `REFUND.*`): settles the payout in
/// flight with that request number (a case's or a late payment's); a repeat of one already
/// settled is acknowledged.
pub async fn settle_refund_notice(
    app: &App,
    out_trade_no: &str,
    out_request_no: &str,
    status: RefundStatus,
) -> Result<(), ApiError> {
    let unknown =
        || ApiError::rejected(Rejection::UnknownOrder, format!("no refund {out_request_no} of {out_trade_no}"));
    if !order_no::is_valid(out_trade_no) {
        return Err(unknown());
    }
    let order = app.store.order_by_no(out_trade_no).await?.ok_or_else(unknown)?;
    let (of, payout) = payout_by_request_no(&order, out_request_no).ok_or_else(unknown)?;
    if !payout.in_flight() {
        return Ok(());
    }
    let retry_at = app.config.after_sales.payout_retry_at(Timestamp::now(), payout.attempts + 1);
    let outcome = match status {
        RefundStatus::Refunded => PayoutOutcome::Paid,
        RefundStatus::Refused(why) => PayoutOutcome::Refused(why),
        // Still paying, or nothing said: the retry schedule asks later.
        RefundStatus::Processing | RefundStatus::Unknown(_) if payout.status == PayoutStatus::Processing => {
            return Ok(())
        }
        RefundStatus::Processing | RefundStatus::Unknown(_) => PayoutOutcome::Processing { retry_at },
    };
    let due = payouts_in_flight(&order).into_iter().find(|due| due.of == of);
    match due {
        Some(due) => record_payout(app, order, &due, outcome).await.map(|_| ()),
        None => Ok(()),
    }
}

/// What a timer run did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct TimerReport {
    pub due: usize,
    pub done: usize,
    pub skipped: usize,
}

/// Orders handled per run (a backlog is finished by the next runs).
const TIMER_BATCH: usize = 200;

/// `retry-refund-payouts`: payouts whose outcome is unknown (or whose first call never
/// happened), tried again with their request number.
pub async fn retry_refund_payouts(app: &App, now: Timestamp) -> Result<TimerReport, ApiError> {
    let mut report = TimerReport::default();
    for (buyer_id, order_no) in app.store.due_orders(Deadline::Payout, now, TIMER_BATCH).await? {
        report.due += 1;
        let Some(order) = app.store.get_order(&buyer_id, &order_no).await? else {
            report.skipped += 1;
            continue;
        };
        let before = order.version;
        match pay_out(app, order).await {
            Ok(after) if after.version != before => report.done += 1,
            Ok(_) => report.skipped += 1,
            Err(ApiError::Unavailable(why)) => {
                tracing::warn!(%order_no, "payout retry deferred: {why}");
                report.skipped += 1;
            }
            Err(error) => return Err(error),
        }
    }
    if report.due > 0 {
        tracing::info!(due = report.due, done = report.done, skipped = report.skipped, "payout retries finished");
    }
    Ok(report)
}

/// `after-sales-timers`: approve requests the shop left unanswered, close cases whose goods were
/// not sent back, confirm returned goods the shop did not confirm.
pub async fn run_timers(app: &App, now: Timestamp) -> Result<TimerReport, ApiError> {
    let mut report = TimerReport::default();
    for (buyer_id, order_no) in app.store.due_orders(Deadline::AfterSales, now, TIMER_BATCH).await? {
        report.due += 1;
        let Some(order) = app.store.get_order(&buyer_id, &order_no).await? else {
            report.skipped += 1;
            continue;
        };
        let actor = Actor::Schedule { buyer_id: &buyer_id };
        let state = order.refund.as_ref().map(|case| case.state);
        let policy = app.config.after_sales;
        let result = match state {
            Some(RefundState::Requested) => {
                let seller_id = order.seller_id.clone();
                approve_as(app, actor, &seller_id, &order_no, None).await
            }
            Some(RefundState::AwaitingReturn) => transition(app, actor, &order_no, Action::CloseUnreturned).await,
            Some(RefundState::Returning) => {
                match transition(app, actor, &order_no, Action::ConfirmReturn { restock: true, policy }).await {
                    Ok(order) => pay_out(app, order).await,
                    Err(error) => Err(error),
                }
            }
            _ => {
                report.skipped += 1;
                continue;
            }
        };
        match result {
            Ok(_) => report.done += 1,
            // Changed meanwhile, or (a return without any return address) waiting for the shop.
            Err(ApiError::StateConflict { .. } | ApiError::NotFound { .. } | ApiError::Invalid { .. }) => {
                report.skipped += 1
            }
            Err(error) => return Err(error),
        }
    }
    if report.due > 0 {
        tracing::info!(due = report.due, done = report.done, skipped = report.skipped, "after-sales timers finished");
    }
    Ok(report)
}
