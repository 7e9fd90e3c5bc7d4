//! A shop's tracking events: appended to the order's tracking lists in one UpdateItem, without
//! reading the order or a version condition, so that racing appends all land; the version still
//! moves, so a racing transition reads again.

use super::keys::*;
use super::order_item::{order_from_item, TRACKING_EVENTS, TRACKING_TIMELINE};
use super::table::{key, n, s, store_error, to_attribute, write_token, written_by, Store, LAST_WRITE};
use crate::domain::order::{Order, OrderStatus, TimelineEntry, TrackingEvent};
use crate::domain::state::MAX_TRACKING_EVENTS;
use crate::error::ApiError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};

impl Store {
    /// Appends a tracking event and its timeline entry to a shipped or completed, not deleted
    /// order below the cap. On refusal, the order as it was (None if there is none), for the
    /// state machine to explain.
    pub async fn append_tracking_event(
        &self,
        buyer_id: &str,
        order_no: &str,
        event: &TrackingEvent,
        entry: &TimelineEntry,
    ) -> Result<Result<Order, Option<Order>>, ApiError> {
        let token = write_token();
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), order_sk(order_no))))
            .update_expression(
                "SET #events = list_append(if_not_exists(#events, :empty), :event), \
                 #entries = list_append(if_not_exists(#entries, :empty), :entry), \
                 #version = #version + :one, updated_at = :now, #last = :token",
            )
            .condition_expression(
                "attribute_exists(PK) AND #status IN (:shipped, :completed) AND deleted = :false \
                 AND (attribute_not_exists(#events) OR size(#events) < :max) \
                 AND (attribute_not_exists(#last) OR #last <> :token)",
            )
            .expression_attribute_names("#events", TRACKING_EVENTS)
            .expression_attribute_names("#entries", TRACKING_TIMELINE)
            .expression_attribute_names("#last", LAST_WRITE)
            .expression_attribute_values(":token", s(token.clone()))
            .expression_attribute_names("#version", "version")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":event", AttributeValue::L(vec![to_attribute(event)?]))
            .expression_attribute_values(":entry", AttributeValue::L(vec![to_attribute(entry)?]))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(entry.at.to_string()))
            .expression_attribute_values(":shipped", s(OrderStatus::Shipped.as_str()))
            .expression_attribute_values(":completed", s(OrderStatus::Completed.as_str()))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":max", n(MAX_TRACKING_EVENTS))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        match self.write_item(|| request.clone().send()).await {
            Ok(output) => Ok(Ok(order_from_item(output.attributes.unwrap_or_default())?)),
            Err(error) => match error.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(failed)) => {
                    let appended = written_by(failed.item(), &token);
                    let order = failed.item.clone().map(order_from_item).transpose()?;
                    match order {
                        // An earlier attempt of this append landed; its answer was lost.
                        Some(order) if appended => Ok(Ok(order)),
                        order => Ok(Err(order)),
                    }
                }
                _ => Err(store_error(error)),
            },
        }
    }
}
