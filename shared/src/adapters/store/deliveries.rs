//! Webhook deliveries: one item per event and endpoint, `DELIVERIES#<endpoint>` /
//! `DELIVERY#<delivery_id>`, written under a condition so an event recorded twice (a stream batch
//! retried) is delivered once. A pending delivery sits in the due index at its next attempt; an
//! attempt is claimed (attempts + 1, under a condition on the count read) before it is sent, so
//! two workers never send the same attempt. Deliveries expire 30 days after their event; the body is kept compressed (`BODY`).

use super::document::{compress_json, decompress_json};
use super::keys::*;
use super::table::{decode, encode, key, n, s, store_error, Item, Store};
use crate::domain::time::Timestamp;
use crate::domain::webhooks::{Delivery, DeliveryStatus};
use crate::error::ApiError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

/// How long a delivery's record is kept.
const KEEP_SECONDS: i64 = 30 * 86_400;
/// A log page reads at most this many pages of the store (the status filter skips items).
const MAX_LOG_PAGES: usize = 5;

fn due_keys(delivery: &Delivery, at: Timestamp) -> (AttributeValue, AttributeValue) {
    let target = format!("{}#{}", delivery.endpoint_id, delivery.delivery_id);
    (s(delivery_due_pk(&delivery.endpoint_id)), s(due_sk(at.millis(), &target)))
}

/// The attribute holding a delivery's body, compressed as order documents are (an envelope holds
/// an order): the item stays under 1 KB, so each of its writes is one write unit.
const BODY: &str = "body_z";

fn delivery_item(delivery: &Delivery) -> Result<Item, ApiError> {
    let mut item = encode(delivery)?;
    item.remove("body");
    item.insert(BODY.into(), AttributeValue::B(Blob::new(compress_json(delivery.body.as_bytes())?)));
    Ok(item)
}

fn delivery_of(mut item: Item) -> Result<Delivery, ApiError> {
    if let Some(AttributeValue::B(body)) = item.remove(BODY) {
        let json = decompress_json(body.as_ref())?;
        let text = String::from_utf8(json).map_err(|_| ApiError::Internal("corrupt delivery body".into()))?;
        item.insert("body".into(), s(text));
    }
    decode(item)
}

/// A delivery as the log shows it: its body (which the log never shows) left compressed and out.
fn delivery_in_log(mut item: Item) -> Result<Delivery, ApiError> {
    item.remove(BODY);
    item.insert("body".into(), s(String::new()));
    decode(item)
}

fn delivery_key(endpoint_id: &str, delivery_id: &str) -> Item {
    key(deliveries_pk(endpoint_id), delivery_sk(delivery_id))
}

fn is_failed_condition<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(error: &E) -> bool {
    error.code() == Some("ConditionalCheckFailedException")
}

impl Store {
    /// Records a delivery unless one of the same event to the same endpoint exists; true if
    /// this call recorded it.
    pub async fn record_delivery(&self, delivery: &Delivery) -> Result<bool, ApiError> {
        let mut item = delivery_item(delivery)?;
        item.extend(delivery_key(&delivery.endpoint_id, &delivery.delivery_id));
        item.insert("ttl".into(), n(delivery.event_at.millis() / 1000 + KEEP_SECONDS));
        if let Some(at) = delivery.next_attempt_at {
            let (pk, sk) = due_keys(delivery, at);
            item.insert(DUE_PK.into(), pk);
            item.insert(DUE_SK.into(), sk);
        }
        let request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)");
        match self.write_item(|| request.clone().send()).await {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(is_failed_condition) => Ok(false),
            Err(error) => Err(store_error(error)),
        }
    }

    pub async fn get_delivery(&self, endpoint_id: &str, delivery_id: &str) -> Result<Option<Delivery>, ApiError> {
        self.get(delivery_key(endpoint_id, delivery_id), true).await?.map(delivery_of).transpose()
    }

    /// Claims the next attempt of a delivery read with `read.attempts`: counts it, marks it
    /// pending and moves its next attempt to `lease_until` (so an attempt cut short is tried
    /// again then). None when another worker claimed it first.
    pub async fn claim_delivery_attempt(
        &self,
        read: &Delivery,
        lease_until: Timestamp,
    ) -> Result<Option<Delivery>, ApiError> {
        let (due_pk, due_sk) = due_keys(read, lease_until);
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(delivery_key(&read.endpoint_id, &read.delivery_id)))
            .update_expression(
                "SET attempts = attempts + :one, #status = :pending, next_attempt_at = :lease, \
                 #due_pk = :due_pk, #due_sk = :due_sk",
            )
            .condition_expression("attempts = :read")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#due_pk", DUE_PK)
            .expression_attribute_names("#due_sk", DUE_SK)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":read", n(read.attempts))
            .expression_attribute_values(":pending", s(DeliveryStatus::Pending.as_str()))
            .expression_attribute_values(":lease", s(lease_until.to_string()))
            .expression_attribute_values(":due_pk", due_pk)
            .expression_attribute_values(":due_sk", due_sk)
            .return_values(ReturnValue::AllNew);
        match self.write_item(|| request.clone().send()).await {
            Ok(output) => Ok(Some(delivery_of(output.attributes.unwrap_or_default())?)),
            Err(error) if error.as_service_error().is_some_and(is_failed_condition) => Ok(None),
            Err(error) => Err(store_error(error)),
        }
    }

    /// Writes what the claimed attempt came to, unless a later attempt was claimed meanwhile.
    pub async fn finish_delivery_attempt(&self, after: &Delivery) -> Result<(), ApiError> {
        let mut set = vec!["#status = :status"];
        let mut remove = Vec::new();
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(delivery_key(&after.endpoint_id, &after.delivery_id)))
            .condition_expression("attempts = :attempts")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#due_pk", DUE_PK)
            .expression_attribute_names("#due_sk", DUE_SK)
            .expression_attribute_values(":attempts", n(after.attempts))
            .expression_attribute_values(":status", s(after.status.as_str()));
        match after.last_status {
            Some(status) => {
                set.push("last_status = :last_status");
                request = request.expression_attribute_values(":last_status", n(status));
            }
            None => remove.push("last_status"),
        }
        match &after.last_error {
            Some(error) => {
                set.push("last_error = :last_error");
                request = request.expression_attribute_values(":last_error", s(error.clone()));
            }
            None => remove.push("last_error"),
        }
        match after.next_attempt_at {
            Some(at) => {
                set.extend(["next_attempt_at = :next", "#due_pk = :due_pk", "#due_sk = :due_sk"]);
                let (due_pk, due_sk) = due_keys(after, at);
                request = request
                    .expression_attribute_values(":next", s(at.to_string()))
                    .expression_attribute_values(":due_pk", due_pk)
                    .expression_attribute_values(":due_sk", due_sk);
            }
            None => remove.extend(["next_attempt_at", "#due_pk", "#due_sk"]),
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        let request = request.update_expression(expression);
        match self.write_item(|| request.clone().send()).await {
            Ok(_) => Ok(()),
            // A later attempt owns the record now; what it finds is what counts.
            Err(error) if error.as_service_error().is_some_and(is_failed_condition) => Ok(()),
            Err(error) => Err(store_error(error)),
        }
    }

    /// An endpoint's deliveries without their bodies, newest first, after the delivery `after` (the last of the page
    /// before), with `status` only if given; and the id to continue after when there are more.
    pub async fn list_deliveries(
        &self,
        endpoint_id: &str,
        status: Option<DeliveryStatus>,
        limit: usize,
        after: Option<&str>,
    ) -> Result<(Vec<Delivery>, Option<String>), ApiError> {
        let mut found = Vec::new();
        let mut start = after.map(|delivery_id| delivery_key(endpoint_id, delivery_id));
        for _ in 0..MAX_LOG_PAGES {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression(format!("{PK} = :pk"))
                .expression_attribute_values(":pk", s(deliveries_pk(endpoint_id)))
                .scan_index_forward(false)
                .set_exclusive_start_key(start.take())
                .limit((limit - found.len()) as i32);
            if let Some(status) = status {
                query = query
                    .filter_expression("#status = :status")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":status", s(status.as_str()));
            }
            let output = query.send().await.map_err(store_error)?;
            for item in output.items.unwrap_or_default() {
                found.push(delivery_in_log(item)?);
            }
            start = output.last_evaluated_key;
            if start.is_none() || found.len() >= limit {
                break;
            }
        }
        let next = start
            .as_ref()
            .and_then(|key| key.get(SK))
            .and_then(|sk| sk.as_s().ok())
            .and_then(|sk| delivery_of_sk(sk))
            .map(str::to_string);
        Ok((found, next))
    }

    /// Deliveries whose next attempt is due at `now`: (endpoint, delivery), from the due index.
    pub async fn due_deliveries(&self, now: Timestamp, limit: usize) -> Result<Vec<(String, String)>, ApiError> {
        self.due_keys(delivery_due_pks(), now, limit, |pk, sk| {
            Some((endpoint_of_deliveries_pk(pk)?, delivery_of_sk(sk)?))
        })
        .await
    }
}
