//! Schedule: webhook deliveries whose next attempt is due are attempted again (the due index).

use orders_shared::app::deliveries::{deliver_due, RetryReport};
use orders_shared::domain::time::Timestamp;
use orders_shared::{ApiError, App};

pub async fn run(app: App) -> Result<RetryReport, ApiError> {
    deliver_due(&app, Timestamp::now()).await
}
