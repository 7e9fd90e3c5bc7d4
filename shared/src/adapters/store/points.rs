//! A buyer's points balance: spent under `balance >= :p` in the create transaction, given back
//! when an order closes, granted by an admin.

use super::keys::*;
use super::{build_error, key, n, s, store_error, write_token, written_by, Item, Store, LAST_WRITE};
use crate::error::ApiError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};

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
    /// None when taking more than the balance. Applied once, however often the SDK sends it.
    pub async fn grant_points(&self, buyer_id: &str, points: i64) -> Result<Option<i64>, ApiError> {
        let token = write_token();
        let mut condition = "(attribute_not_exists(#last) OR #last <> :token)".to_string();
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), POINTS_SK)))
            .update_expression("SET balance = if_not_exists(balance, :zero) + :p, #last = :token")
            .expression_attribute_names("#last", LAST_WRITE)
            .expression_attribute_values(":token", s(token.clone()))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":p", n(points))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        if points < 0 {
            condition.push_str(" AND balance >= :need");
            request = request.expression_attribute_values(":need", n(-points));
        }
        let request = request.condition_expression(condition);
        match self.write_item(|| request.clone().send()).await {
            Ok(output) => Ok(Some(balance_of(output.attributes.as_ref()))),
            Err(error) => match error.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(failed)) => {
                    // Written by an earlier attempt of this request (its answer lost), or refused.
                    Ok(written_by(failed.item(), &token).then(|| balance_of(failed.item())))
                }
                _ => Err(store_error(error)),
            },
        }
    }
}
