//! A shop's webhook endpoints: `SELLER#<seller>` / `WEBHOOK#<endpoint_id>`, beside one
//! `WEBHOOKS` header holding their count, so "at most 10" is one condition.

use super::keys::*;
use super::table::{build_error, decode, encode, key, n, put, s, sort_key, store_error, Store, TransactFailure};
use crate::domain::time::Timestamp;
use crate::domain::webhooks::{WebhookEndpoint, MAX_ENDPOINTS};
use crate::error::ApiError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};

fn endpoint_item(endpoint: &WebhookEndpoint) -> Result<super::Item, ApiError> {
    let mut item = encode(endpoint)?;
    item.extend(key(seller_pk(&endpoint.seller_id), webhook_sk(&endpoint.endpoint_id)));
    Ok(item)
}

fn count_change(table: &str, seller_id: &str, change: i64) -> Result<TransactWriteItem, ApiError> {
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key(seller_pk(seller_id), WEBHOOKS_SK)))
        .update_expression("SET #count = if_not_exists(#count, :zero) + :change")
        .expression_attribute_names("#count", "count")
        .expression_attribute_values(":zero", n(0))
        .expression_attribute_values(":change", n(change));
    if change > 0 {
        update = update
            .condition_expression("attribute_not_exists(#count) OR #count < :max")
            .expression_attribute_values(":max", n(MAX_ENDPOINTS));
    }
    Ok(TransactWriteItem::builder().update(update.build().map_err(build_error)?).build())
}

impl Store {
    /// Adds an endpoint; false when the shop has `MAX_ENDPOINTS` already.
    pub async fn create_webhook(&self, endpoint: &WebhookEndpoint) -> Result<bool, ApiError> {
        let entry = put(&self.table, endpoint_item(endpoint)?, "attribute_not_exists(PK)")?;
        match self.transact(vec![entry, count_change(&self.table, &endpoint.seller_id, 1)?]).await {
            Ok(()) => Ok(true),
            Err(TransactFailure::Conditions(_)) => Ok(false),
            Err(TransactFailure::Api(error)) => Err(error),
        }
    }

    /// Every endpoint of a shop, in one Query.
    pub async fn list_webhooks(&self, seller_id: &str) -> Result<Vec<WebhookEndpoint>, ApiError> {
        let items = self.query_prefix(seller_pk(seller_id), WEBHOOK_PREFIX).await?;
        items.into_iter().filter(|item| sort_key(item) != WEBHOOKS_SK).map(decode).collect()
    }

    pub async fn get_webhook(&self, seller_id: &str, endpoint_id: &str) -> Result<Option<WebhookEndpoint>, ApiError> {
        self.get(key(seller_pk(seller_id), webhook_sk(endpoint_id)), true).await?.map(decode).transpose()
    }

    /// Replaces an endpoint that exists and is still at `read_at` (its `updated_at` when read);
    /// false when it is gone or changed meanwhile.
    pub async fn replace_webhook(&self, endpoint: &WebhookEndpoint, read_at: Timestamp) -> Result<bool, ApiError> {
        let request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(endpoint_item(endpoint)?))
            .condition_expression("attribute_exists(PK) AND updated_at = :read")
            .expression_attribute_values(":read", s(read_at.to_string()));
        match self.write_item(|| request.clone().send()).await {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(error) => Err(store_error(error)),
        }
    }

    /// Removes an endpoint (its deliveries stay until they expire); false when there is none.
    pub async fn delete_webhook(&self, seller_id: &str, endpoint_id: &str) -> Result<bool, ApiError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(seller_pk(seller_id), webhook_sk(endpoint_id))))
            .condition_expression("attribute_exists(PK)")
            .build()
            .map_err(build_error)?;
        let actions =
            vec![TransactWriteItem::builder().delete(delete).build(), count_change(&self.table, seller_id, -1)?];
        match self.transact(actions).await {
            Ok(()) => Ok(true),
            Err(TransactFailure::Conditions(_)) => Ok(false),
            Err(TransactFailure::Api(error)) => Err(error),
        }
    }

    /// Notes a failed attempt: `failing_since` is set if unset, and the endpoint is disabled
    /// with `disable` when given. A gone endpoint is left gone.
    pub async fn note_webhook_failure(
        &self,
        endpoint: &WebhookEndpoint,
        now: Timestamp,
        disable: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut expression = "SET failing_since = if_not_exists(failing_since, :now)".to_string();
        if disable.is_some() {
            expression.push_str(", disabled_reason = :why, updated_at = :now");
        }
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(seller_pk(&endpoint.seller_id), webhook_sk(&endpoint.endpoint_id))))
            .update_expression(expression)
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":now", s(now.to_string()));
        if let Some(why) = disable {
            request = request.expression_attribute_values(":why", s(why));
        }
        ignore_gone(self.write_item(|| request.clone().send()).await)
    }

    /// Notes a delivered attempt: the endpoint is no longer failing.
    pub async fn note_webhook_success(&self, endpoint: &WebhookEndpoint) -> Result<(), ApiError> {
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(seller_pk(&endpoint.seller_id), webhook_sk(&endpoint.endpoint_id))))
            .update_expression("REMOVE failing_since")
            .condition_expression("attribute_exists(PK) AND attribute_exists(failing_since)");
        ignore_gone(self.write_item(|| request.clone().send()).await)
    }
}

fn ignore_gone<T, R>(result: Result<T, aws_sdk_dynamodb::error::SdkError<UpdateItemError, R>>) -> Result<(), ApiError>
where
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Ok(()),
        Err(error) if error.as_service_error().is_some_and(UpdateItemError::is_conditional_check_failed_exception) => {
            Ok(())
        }
        Err(error) => Err(store_error(error)),
    }
}
