//! The table's stream: each batch of changes becomes order events, put on the event bus and
//! delivered to the shops' webhooks; the first record not published is reported back
//! (`ReportBatchItemFailures`), so the stream gives it and the rest again.

use orders_shared::adapters::events::stream::{change_records, BatchResponse, Change, StreamEvent};
use orders_shared::app::events::publish;
use orders_shared::{ApiError, App};

pub async fn run(app: App, event: StreamEvent) -> Result<BatchResponse, ApiError> {
    let records = change_records(event.records.into_iter().map(Change::from).collect());
    Ok(BatchResponse::from(publish(&app, records).await))
}
