//! Schedule: payouts whose outcome is unknown (timeout, 5xx, a system error, a crash before the
//! call) are tried again with the same request number. Reads only the sparse due index.

use orders_shared::app::after_sales::{retry_refund_payouts, TimerReport};
use orders_shared::domain::time::Timestamp;
use orders_shared::{ApiError, App};

pub async fn run(app: App) -> Result<TimerReport, ApiError> {
    retry_refund_payouts(&app, Timestamp::now()).await
}
