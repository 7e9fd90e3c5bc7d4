//! A buyer's points balance: spent under `balance >= :p` in the create transaction, given back
//! when an order closes, granted by an admin.

use super::keys::*;
use super::{build_error, key, n, store_error, Item, Store};
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{ReturnValue, TransactWriteItem, Update};

/// `balance` of the buyer's points item moves by `delta`; spending requires enough balance.
pub(crate) fn points_update(table: &str, buyer_id: &str, delta: i64) -> Result<TransactWriteItem, ApiError> {
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key(buyer_pk(buyer_id), POINTS_SK)))
        .expression_attribute_values(":p", n(delta.abs()));
    update = if delta < 0 {
        update.update_expression("SET balance = balance - :p").condition_expression("balance >= :p")
    } else {
        update.update_expression("ADD balance :p")
    };
    Ok(TransactWriteItem::builder().update(update.build().map_err(build_error)?).build())
}

pub(crate) fn balance_of(item: Option<&Item>) -> i64 {
    item.and_then(|item| item.get("balance"))
        .and_then(|value| value.as_n().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

impl Store {
    /// The buyer's points balance.
    pub async fn points_balance(&self, buyer_id: &str) -> Result<i64, ApiError> {
        Ok(balance_of(self.get(key(buyer_pk(buyer_id), POINTS_SK), true).await?.as_ref()))
    }

    /// Adds (or with a negative amount, takes) points; never below zero. The new balance, or
    /// None when taking more than the balance.
    pub async fn grant_points(&self, buyer_id: &str, points: i64) -> Result<Option<i64>, ApiError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), POINTS_SK)))
            .update_expression("SET balance = if_not_exists(balance, :zero) + :p")
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":p", n(points))
            .return_values(ReturnValue::UpdatedNew);
        if points < 0 {
            request = request.condition_expression("balance >= :need").expression_attribute_values(":need", n(-points));
        }
        match request.send().await {
            Ok(output) => Ok(Some(balance_of(output.attributes.as_ref()))),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(None)
            }
            Err(error) => Err(store_error(error)),
        }
    }
}
