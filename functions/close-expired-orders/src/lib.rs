//! Schedule: closes unpaid orders past their payment deadline, giving back stock and points.
//! Reads only the sparse due index.

use orders_shared::app::sweep::{close_expired_orders, SweepReport};
use orders_shared::domain::time::Timestamp;
use orders_shared::{ApiError, App};

pub async fn run(app: App) -> Result<SweepReport, ApiError> {
    close_expired_orders(&app, Timestamp::now()).await
}
