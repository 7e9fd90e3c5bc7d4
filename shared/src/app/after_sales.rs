//! After-sales use cases: a buyer applies, withdraws and ships goods back; a shop approves,
//! rejects, confirms returned goods and retries a refused payout; timers act for whoever does
//! not. Money goes back exactly once: the payout and its request number are written first
//! (`refunding`), then the provider is called, and its answer is recorded; an unknown outcome is
//! retried by `retry-refund-payouts` with the same request number.

use crate::adapters::alipay::{self, RefundAnswer, RefundCall};
use crate::adapters::metrics;
use crate::app::orders::{buyer_order, transition, transition_from};
use crate::app::App;
use crate::domain::address::Address;
use crate::domain::order::{Deadline, LatePayment, Order, PayoutStatus, RefundKind, RefundState, ReturnShipment};
use crate::domain::party::Actor;
use crate::domain::payment::PaymentChannel;
use crate::domain::state::{Action, PayoutOutcome, RefundApplication};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
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
    let return_address = match return_address {
        Some(address) => Some(address),
        None => app.store.return_address(seller_id).await?,
    };
    let policy = app.config.after_sales;
    let order = transition(app, actor, order_no, Action::ApproveRefund { return_address, policy }).await?;
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

/// Calls the provider for the order's pending payout, if it has one, and records the answer.
/// Returns the order as it is afterwards. Safe to run twice at once: the provider pays one
/// request number once, and only the first answer recorded moves the order.
pub async fn pay_out(app: &App, order: Order) -> Result<Order, ApiError> {
    let Some(case) = order.refund.as_ref().filter(|case| case.state == RefundState::Refunding) else {
        return Ok(order);
    };
    let Some(payout) = case.payout.as_ref().filter(|payout| payout.status == PayoutStatus::Pending) else {
        return Ok(order);
    };
    let now = Timestamp::now();
    let policy = app.config.after_sales;
    let outcome = match payout.channel {
        PaymentChannel::Alipay => {
            let trade_no = match case.kind {
                RefundKind::LatePayment => order
                    .late_payments
                    .iter()
                    .find(|late| case.refund_id.ends_with(&format!("-late-{}", late.trade_no)))
                    .map(|late| late.trade_no.as_str()),
                _ => order.payment.as_ref().map(|payment| payment.trade_no.as_str()),
            };
            let call = RefundCall {
                out_trade_no: &order.order_no,
                trade_no,
                refund_amount: case.amount,
                out_request_no: &payout.out_request_no,
                refund_reason: &case.reason,
            };
            let answer = match app.alipay() {
                Ok(config) => alipay::refund(config, &call, now).await,
                Err(error) => Err(error),
            };
            match answer {
                Ok(RefundAnswer::Refunded { .. }) => PayoutOutcome::Paid,
                Ok(RefundAnswer::Refused(why)) => PayoutOutcome::Refused(why),
                Ok(RefundAnswer::Unknown(why)) => {
                    PayoutOutcome::Unknown { error: why, retry_at: policy.payout_retry_at(now, payout.attempts + 1) }
                }
                // Our own fault (keys, configuration): nothing was sent; try again later.
                Err(error) => PayoutOutcome::Unknown {
                    error: error.to_string(),
                    retry_at: policy.payout_retry_at(now, payout.attempts + 1),
                },
            }
        }
        // Points go back in the approving transaction; nothing is pending for them.
        PaymentChannel::Points => return Ok(order),
    };
    if let PayoutOutcome::Refused(why) | PayoutOutcome::Unknown { error: why, .. } = &outcome {
        tracing::warn!(order_no = %order.order_no, out_request_no = %payout.out_request_no, "payout not done: {why}");
    }
    let paid = (outcome == PayoutOutcome::Paid).then_some((payout.channel, case.amount));
    let order_no = order.order_no.clone();
    match transition_from(app, Actor::PaymentProvider, &order_no, Some(order), Action::RecordPayout(outcome)).await {
        Ok(order) => {
            if let Some((channel, amount)) = paid {
                metrics::order_refunded(channel, amount);
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

/// A late payment is paid back through its own case; called when it is recorded.
pub async fn refund_late_payment(app: &App, order_no: &str, late: LatePayment) -> Result<Order, ApiError> {
    let policy = app.config.after_sales;
    let order = transition(app, Actor::PaymentProvider, order_no, Action::RefundLatePayment { late, policy }).await?;
    pay_out(app, order).await
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
