//! The two schedules: close unpaid orders past their deadline (stock and points come back) and
//! complete shipped orders past their auto-confirm time. Both read only the sparse due index.
//! Before an order whose payment was started is closed, its providers are asked: a paid trade
//! (its notification lost) is settled instead, an unpaid one is closed at the provider first so
//! that it can no longer be paid.

use crate::adapters::metrics;
use crate::app::orders::{transition, transition_from};
use crate::app::payment::{ask_providers, close_at_providers};
use crate::app::App;
use crate::domain::order::{Deadline, OrderStatus};
use crate::domain::party::Actor;
use crate::domain::state::Action;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::Serialize;

/// Orders handled per due-index read.
const BATCH: usize = 100;
/// Reads per run; a backlog larger than this is finished by the next run.
const MAX_BATCHES: usize = 20;

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SweepReport {
    /// Orders the due index listed.
    pub due: usize,
    /// Orders moved.
    pub done: usize,
    /// Orders left as they were (changed meanwhile, or blocked by an open after-sales case).
    pub skipped: usize,
}

/// What the schedule does with one due order.
type Step = for<'a> fn(&'a App, &'a str, &'a str, &'a Action) -> StepFuture<'a>;
type StepFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Moved, ApiError>> + Send + 'a>>;

/// What happened to a due order.
enum Moved {
    /// The action was applied.
    Done,
    /// Settled another way (a payment found at the provider).
    Settled,
}

/// Moves every order past `deadline`; `moved` is told of each one (for its metric).
async fn sweep(
    app: &App,
    deadline: Deadline,
    action: Action,
    now: Timestamp,
    moved: fn(usize),
    step: Step,
) -> Result<SweepReport, ApiError> {
    let mut report = SweepReport::default();
    for _ in 0..MAX_BATCHES {
        let due = app.store.due_orders(deadline, now, BATCH).await?;
        let before = report.done;
        for (buyer_id, order_no) in &due {
            report.due += 1;
            match step(app, buyer_id, order_no, &action).await {
                Ok(Moved::Done) => {
                    report.done += 1;
                    moved(1);
                }
                Ok(Moved::Settled) => report.done += 1,
                Err(ApiError::StateConflict { .. } | ApiError::NotFound { .. }) => report.skipped += 1,
                // A provider that cannot answer now: the order waits for the next run.
                Err(ApiError::Unavailable(why)) => {
                    tracing::warn!(%order_no, "left for the next run: {why}");
                    report.skipped += 1;
                }
                Err(error) => return Err(error),
            }
        }
        // Stop when the index is drained or nothing moved (what is left is blocked).
        if due.len() < BATCH || report.done == before {
            break;
        }
    }
    if report.due > 0 {
        tracing::info!(?deadline, due = report.due, done = report.done, skipped = report.skipped, "sweep finished");
    }
    Ok(report)
}

fn transition_due<'a>(app: &'a App, buyer_id: &'a str, order_no: &'a str, action: &'a Action) -> StepFuture<'a> {
    Box::pin(async move {
        transition(app, Actor::Schedule { buyer_id }, order_no, action.clone()).await?;
        Ok(Moved::Done)
    })
}

fn close_unpaid<'a>(app: &'a App, buyer_id: &'a str, order_no: &'a str, action: &'a Action) -> StepFuture<'a> {
    Box::pin(async move {
        let order =
            app.store.get_order(buyer_id, order_no).await?.ok_or_else(|| ApiError::not_found("order", order_no))?;
        // Asked first: a paid trade whose notification was lost is settled, not closed; an
        // unpaid one is closed at its provider before the order closes.
        if order.status == OrderStatus::PendingPayment && !order.payment_starts.is_empty() {
            if ask_providers(app, &order).await? || close_at_providers(app, &order).await? {
                tracing::info!(%order_no, "paid at the provider without a notification; settled instead of closed");
                return Ok(Moved::Settled);
            }
            // Read again: a payment that came too late may have been kept on it meanwhile.
            transition(app, Actor::Schedule { buyer_id }, order_no, action.clone()).await?;
            return Ok(Moved::Done);
        }
        transition_from(app, Actor::Schedule { buyer_id }, order_no, Some(order), action.clone()).await?;
        Ok(Moved::Done)
    })
}

/// `close-expired-orders`.
pub async fn close_expired_orders(app: &App, now: Timestamp) -> Result<SweepReport, ApiError> {
    sweep(app, Deadline::Payment, Action::Timeout, now, metrics::orders_closed_by_timeout, close_unpaid).await
}

/// `auto-confirm-receipt`.
pub async fn auto_confirm_receipts(app: &App, now: Timestamp) -> Result<SweepReport, ApiError> {
    sweep(app, Deadline::AutoConfirm, Action::AutoConfirm, now, metrics::orders_auto_confirmed, transition_due).await
}
