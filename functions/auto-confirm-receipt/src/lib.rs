//! Schedule: completes shipped orders past their auto-confirm time. Reads only the due index.

use orders_shared::app::sweep::{auto_confirm_receipts, SweepReport};
use orders_shared::domain::time::Timestamp;
use orders_shared::{ApiError, App};

pub async fn run(app: App) -> Result<SweepReport, ApiError> {
    auto_confirm_receipts(&app, Timestamp::now()).await
}
