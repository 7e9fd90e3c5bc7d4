//! The order's item: its key, the attributes of the indexes it belongs to, those conditions and
//! list filters read, and the order itself as one compressed document (`document.rs`). Tracking
//! events (and their timeline entries) stay plain lists beside the document, so that a shop's
//! racing appends all land without reading the order (`tracking.rs`).

use super::document::{compress, decompress};
use super::keys::*;
use super::table::{decode, key, n, s, to_attribute, Item};
use crate::domain::order::{Order, TimelineEntry, TrackingEvent};
use crate::domain::state::TRACKING_LABEL;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

/// The attribute that holds the order as one compressed document.
pub(crate) const DOCUMENT: &str = "doc";
pub(crate) const TRACKING_EVENTS: &str = "tracking_events";
pub(crate) const TRACKING_TIMELINE: &str = "tracking_timeline";

/// The order's item. `status`, `deleted`, `buyer_id`, `search`, `open_case` are what list
/// filters read; `version` and `updated_at` what conditions read and appends move.
pub(crate) fn order_item(order: &Order) -> Result<Item, ApiError> {
    let mut document = order.clone();
    let events = std::mem::take(&mut document.tracking_events);
    let (tracking, timeline): (Vec<TimelineEntry>, Vec<TimelineEntry>) =
        document.timeline.drain(..).partition(|entry| entry.status == TRACKING_LABEL);
    document.timeline = timeline;
    let mut item = key(buyer_pk(&order.buyer_id), order_sk(&order.order_no));
    item.insert(DOCUMENT.into(), AttributeValue::B(Blob::new(compress(&document)?)));
    item.insert(TRACKING_EVENTS.into(), list(&events)?);
    item.insert(TRACKING_TIMELINE.into(), list(&tracking)?);
    item.insert("status".into(), s(order.status.as_str()));
    item.insert("deleted".into(), AttributeValue::Bool(order.deleted));
    item.insert("buyer_id".into(), s(order.buyer_id.clone()));
    item.insert("version".into(), n(order.version));
    item.insert("updated_at".into(), s(order.updated_at.to_string()));
    item.insert(SELLER_PK.into(), s(seller_pk(&order.seller_id)));
    item.insert(SELLER_SK.into(), s(order.order_no.clone()));
    item.insert(SELLER_STATUS_PK.into(), s(seller_status_pk(&order.seller_id, order.status.as_str())));
    item.insert(SELLER_STATUS_SK.into(), s(order.order_no.clone()));
    if let Some((deadline, at)) = order.deadline() {
        item.insert(DUE_PK.into(), s(due_pk(deadline, due_shard(&order.order_no))));
        item.insert(DUE_SK.into(), s(due_sk(at.millis(), &order.order_no)));
    }
    if order.has_open_refund() {
        item.insert(OPEN_CASE.into(), AttributeValue::Bool(true));
    }
    let search: Vec<String> = order.lines.iter().map(|line| line.product_name.to_lowercase()).collect();
    item.insert("search".into(), s(search.join("\n")));
    Ok(item)
}

fn list<T: serde::Serialize>(values: &[T]) -> Result<AttributeValue, ApiError> {
    Ok(AttributeValue::L(values.iter().map(to_attribute).collect::<Result<_, _>>()?))
}

fn values<T: serde::de::DeserializeOwned>(item: &Item, name: &str) -> Result<Vec<T>, ApiError> {
    match item.get(name) {
        Some(value) => serde_dynamo::from_attribute_value(value.clone())
            .map_err(|error| ApiError::Internal(format!("corrupt order item: {name}: {error}"))),
        None => Ok(Vec::new()),
    }
}

/// The order an item holds: its document with the tracking lists and the version beside it, or
/// (an item written before orders were documents) its attributes.
pub(crate) fn order_from_item(item: Item) -> Result<Order, ApiError> {
    let mut order = match item.get(DOCUMENT) {
        Some(AttributeValue::B(document)) => decompress(document.as_ref())?,
        Some(_) => return Err(ApiError::Internal("corrupt order item: doc is not binary".into())),
        None => return decode(item),
    };
    order.tracking_events = values::<TrackingEvent>(&item, TRACKING_EVENTS)?;
    let tracking = values::<TimelineEntry>(&item, TRACKING_TIMELINE)?;
    if !tracking.is_empty() {
        order.timeline.extend(tracking);
        // Stable: entries of one instant keep the order they were written in.
        order.timeline.sort_by_key(|entry| entry.at);
    }
    let number = |name: &str| item.get(name).and_then(|value| value.as_n().ok()).and_then(|text| text.parse().ok());
    if let Some(version) = number("version") {
        order.version = version;
    }
    if let Some(updated_at) = item.get("updated_at").and_then(|value| value.as_s().ok()) {
        order.updated_at = Timestamp::parse(updated_at).map_err(ApiError::Internal)?;
    }
    Ok(order)
}
