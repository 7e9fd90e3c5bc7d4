//! The table's stream as order changes. Lambda hands the function DynamoDB Streams records
//! (`NewImage`/`OldImage` in DynamoDB's JSON); the dev server reads the same records with the
//! DynamoDB Streams API. Either way a record of an order item becomes the events of that change,
//! each with its envelope; records of other items (counters, stock, deliveries) make none.

use crate::adapters::store::keys::ORDER_SK_PREFIX;
use crate::adapters::store::{order_from_item, Item};
use crate::app::events::{ChangeRecord, PublishOutcome};
use crate::domain::events::{events_of_change, OrderEvent, PublishedEvent};
use crate::domain::order::Order;
use crate::http::views::OrderView;
use serde::{Deserialize, Serialize};

/// A DynamoDB Streams event as Lambda delivers it.
#[derive(Debug, Deserialize)]
pub struct StreamEvent {
    #[serde(rename = "Records", default)]
    pub records: Vec<StreamRecord>,
}

#[derive(Debug, Deserialize)]
pub struct StreamRecord {
    pub dynamodb: StreamChange,
}

#[derive(Debug, Deserialize)]
pub struct StreamChange {
    #[serde(rename = "NewImage", default)]
    pub new_image: Option<serde_dynamo::Item>,
    #[serde(rename = "OldImage", default)]
    pub old_image: Option<serde_dynamo::Item>,
    /// What a partial batch failure names.
    #[serde(rename = "SequenceNumber", default)]
    pub sequence_number: String,
}

/// One change of one item: the stream's sequence number and its images.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: String,
    pub old: Option<Item>,
    pub new: Option<Item>,
}

impl From<StreamRecord> for Change {
    fn from(record: StreamRecord) -> Change {
        let change = record.dynamodb;
        Change {
            id: change.sequence_number,
            old: change.old_image.map(Item::from),
            new: change.new_image.map(Item::from),
        }
    }
}

/// The answer Lambda reads for `ReportBatchItemFailures`: the first record not published (the
/// stream gives it and every later one again).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<BatchItemFailure>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct BatchItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

impl From<PublishOutcome> for BatchResponse {
    fn from(outcome: PublishOutcome) -> BatchResponse {
        let failures = outcome.failed_from.into_iter().map(|item_identifier| BatchItemFailure { item_identifier });
        BatchResponse { batch_item_failures: failures.collect() }
    }
}

fn is_order(item: &Item) -> bool {
    item.get("SK").and_then(|sk| sk.as_s().ok()).is_some_and(|sk| sk.starts_with(ORDER_SK_PREFIX))
}

/// The change's events with their envelopes.
pub fn events_of(change: &Change) -> Result<Vec<PublishedEvent>, String> {
    let Some(new) = change.new.as_ref().filter(|item| is_order(item)) else { return Ok(Vec::new()) };
    let after = order_from_item(new.clone()).map_err(|error| error.to_string())?;
    let before = change.old.clone().map(order_from_item).transpose().map_err(|error| error.to_string())?;
    events_of_change(before.as_ref(), &after)
        .into_iter()
        .map(|event| Ok(PublishedEvent { body: envelope(&event, &after)?, event }))
        .collect()
}

/// The records of a batch, in stream order.
pub fn change_records(changes: Vec<Change>) -> Vec<ChangeRecord> {
    changes.into_iter().map(|change| ChangeRecord { events: events_of(&change), id: change.id }).collect()
}

/// What every receiver gets: the event and the order as the shop sees it after the change.
pub fn envelope(event: &OrderEvent, order: &Order) -> Result<String, String> {
    let body = serde_json::json!({
        "id": event.id,
        "type": event.event_type.as_str(),
        "timestamp": event.at.to_string(),
        "order_no": event.order_no,
        "seller_id": event.seller_id,
        "buyer_id": event.buyer_id,
        "sequence": event.sequence,
        "data": {"order": OrderView::new(order, event.at)},
    });
    serde_json::to_string(&body).map_err(|error| format!("cannot render the event: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lambda_stream_event_reads_and_answers_its_first_failure() {
        let event: StreamEvent = serde_json::from_value(serde_json::json!({"Records": [{
            "eventID": "1", "eventName": "MODIFY", "eventSource": "aws:dynamodb",
            "dynamodb": {
                "Keys": {"PK": {"S": "SELLER#s"}, "SK": {"S": "COUNTS#1"}},
                "NewImage": {"PK": {"S": "SELLER#s"}, "SK": {"S": "COUNTS#1"}, "doc": {"B": "AQID"}},
                "SequenceNumber": "111", "SizeBytes": 26, "StreamViewType": "NEW_AND_OLD_IMAGES"
            }
        }]}))
        .expect("a stream event");
        let changes: Vec<Change> = event.records.into_iter().map(Change::from).collect();
        assert_eq!(changes[0].id, "111");
        let records = change_records(changes);
        assert!(matches!(&records[0].events, Ok(events) if events.is_empty()), "a counter makes no event");
        let outcome = PublishOutcome { failed_from: Some("111".into()), ..PublishOutcome::default() };
        assert_eq!(
            serde_json::to_value(BatchResponse::from(outcome)).unwrap(),
            serde_json::json!({"batchItemFailures": [{"itemIdentifier": "111"}]})
        );
    }
}
