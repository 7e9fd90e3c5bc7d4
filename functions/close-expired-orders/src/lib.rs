//! Schedule: closes unpaid orders past their payment deadline, giving back stock and points.
//! Reads only the sparse due index.

use orders_shared::runtime::App;
use orders_shared::sweep::{close_expired_orders, SweepReport};
use orders_shared::time::Timestamp;
use orders_shared::ApiError;

pub async fn run(app: App) -> Result<SweepReport, ApiError> {
    close_expired_orders(&app, Timestamp::now()).await
}
