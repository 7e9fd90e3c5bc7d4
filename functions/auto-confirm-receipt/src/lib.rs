//! Schedule: completes shipped orders past their auto-confirm time. Reads only the due index.

use orders_shared::runtime::App;
use orders_shared::sweep::{auto_confirm_receipts, SweepReport};
use orders_shared::time::Timestamp;
use orders_shared::ApiError;

pub async fn run(app: App) -> Result<SweepReport, ApiError> {
    auto_confirm_receipts(&app, Timestamp::now()).await
}
