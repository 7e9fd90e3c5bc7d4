//! Schedule: approves requests a shop left unanswered (`REFUND_AUTO_APPROVE_HOURS`), closes cases
//! whose goods were not sent back (`RETURN_SHIP_DAYS`) and confirms returned goods the shop did
//! not confirm (`RETURN_CONFIRM_DAYS`). Reads only the sparse due index.

use orders_shared::app::after_sales::{run_timers, TimerReport};
use orders_shared::domain::time::Timestamp;
use orders_shared::{ApiError, App};

pub async fn run(app: App) -> Result<TimerReport, ApiError> {
    run_timers(&app, Timestamp::now()).await
}
