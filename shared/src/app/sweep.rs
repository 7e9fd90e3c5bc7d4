//! The two schedules: close unpaid orders past their deadline (stock and points come back) and
//! complete shipped orders past their auto-confirm time. Both read only the sparse due index.

use crate::adapters::metrics;
use crate::app::orders::transition;
use crate::app::App;
use crate::domain::order::Deadline;
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

/// Moves every order past `deadline`; `moved` is told of each one (for its metric).
async fn sweep(
    app: &App,
    deadline: Deadline,
    action: Action,
    now: Timestamp,
    moved: fn(usize),
) -> Result<SweepReport, ApiError> {
    let mut report = SweepReport::default();
    for _ in 0..MAX_BATCHES {
        let due = app.store.due_orders(deadline, now, BATCH).await?;
        let before = report.done;
        for (buyer_id, order_no) in &due {
            report.due += 1;
            match transition(app, Actor::Schedule { buyer_id }, order_no, action.clone()).await {
                Ok(_) => {
                    report.done += 1;
                    moved(1);
                }
                Err(ApiError::StateConflict { .. } | ApiError::NotFound { .. }) => report.skipped += 1,
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

/// `close-expired-orders`.
pub async fn close_expired_orders(app: &App, now: Timestamp) -> Result<SweepReport, ApiError> {
    sweep(app, Deadline::Payment, Action::Timeout, now, metrics::orders_closed_by_timeout).await
}

/// `auto-confirm-receipt`.
pub async fn auto_confirm_receipts(app: &App, now: Timestamp) -> Result<SweepReport, ApiError> {
    sweep(app, Deadline::AutoConfirm, Action::AutoConfirm, now, metrics::orders_auto_confirmed).await
}
