//! A buyer's points balance: spent under `balance >= :p` in the create transaction, given back
//! when an order closes, granted by an admin.

use super::keys::*;
use super::table::{build_error, key, n, s, store_error, write_token, written_by, Item, Store, LAST_WRITE};
use crate::domain::pay_password::{PayPassword, MAX_FAILURES};
use crate::domain::time::Timestamp;
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

pub(crate) fn pay_password_key(buyer_id: &str) -> Item {
    key(buyer_pk(buyer_id), PAY_PASSWORD_SK)
}

pub(crate) fn pay_password_of(item: Item) -> Result<PayPassword, ApiError> {
    super::table::decode(item)
}

impl Store {
    pub async fn pay_password(&self, buyer_id: &str) -> Result<Option<PayPassword>, ApiError> {
        self.get(pay_password_key(buyer_id), true).await?.map(pay_password_of).transpose()
    }

    /// Sets the password's hash, only if the stored one is still `old_hash` (None: none set), so
    /// two changes cannot both pass the old-password check. False when it changed meanwhile.
    pub async fn set_pay_password(&self, buyer_id: &str, hash: &str, old_hash: Option<&str>) -> Result<bool, ApiError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(pay_password_key(buyer_id)))
            .update_expression("SET #hash = :hash, failures = :zero REMOVE locked_until")
            .expression_attribute_names("#hash", "hash")
            .expression_attribute_values(":hash", s(hash))
            .expression_attribute_values(":zero", n(0));
        request = match old_hash {
            Some(old) => request.condition_expression("#hash = :old").expression_attribute_values(":old", s(old)),
            None => request.condition_expression("attribute_not_exists(#hash)"),
        };
        match self.write_item(|| request.clone().send()).await {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(error) => Err(store_error(error)),
        }
    }

    /// Counts a try of the password before it is checked, so that tries in flight at once are
    /// counted too: at most `MAX_FAILURES` are counted until a right one, and a full count stays
    /// while it locks. `Ok(Ok(count))` is the state with this try counted; `Ok(Err(until))` a
    /// lock that refused it. A lock that has ended starts the count again (a compare and
    /// swap on the state seen, so one racing try wins it).
    pub async fn count_pay_password_try(
        &self,
        buyer_id: &str,
        now: Timestamp,
    ) -> Result<Result<PayPassword, Timestamp>, ApiError> {
        for _ in 0..4 {
            let token = write_token();
            let count = || {
                self.client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(pay_password_key(buyer_id)))
                    .update_expression(
                        "SET failures = if_not_exists(failures, :zero) + :one, last_try_at = :now, #last = :token",
                    )
                    .condition_expression(
                        "attribute_exists(#hash) AND (attribute_not_exists(failures) OR failures < :max) \
                         AND (attribute_not_exists(locked_until) OR locked_until <= :now) \
                         AND (attribute_not_exists(#last) OR #last <> :token)",
                    )
                    .expression_attribute_names("#hash", "hash")
                    .expression_attribute_names("#last", LAST_WRITE)
                    .expression_attribute_values(":zero", n(0))
                    .expression_attribute_values(":one", n(1))
                    .expression_attribute_values(":max", n(MAX_FAILURES))
                    .expression_attribute_values(":now", s(now.to_string()))
                    .expression_attribute_values(":token", s(token.clone()))
                    .return_values(ReturnValue::AllNew)
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .send()
            };
            let seen = match self.write_item(count).await {
                Ok(output) => return Ok(Ok(pay_password_of(output.attributes.unwrap_or_default())?)),
                Err(error) => match error.as_service_error() {
                    Some(UpdateItemError::ConditionalCheckFailedException(failed)) => {
                        let Some(item) = failed.item() else {
                            return Err(ApiError::Internal("the points password vanished".into()));
                        };
                        let seen = pay_password_of(item.clone())?;
                        // Counted by an earlier send of this very request (its answer was lost).
                        if written_by(Some(item), &token) {
                            return Ok(Ok(seen));
                        }
                        seen
                    }
                    _ => return Err(store_error(error)),
                },
            };
            if let Some(until) = seen.lock_ends().filter(|until| now < *until) {
                return Ok(Err(until));
            }
            if self.restart_pay_password_count(buyer_id, &seen, now).await? {
                return self
                    .pay_password(buyer_id)
                    .await?
                    .map(Ok)
                    .ok_or_else(|| ApiError::Internal("the points password vanished".into()));
            }
        }
        Err(ApiError::Unavailable("the points password kept changing; try again".into()))
    }

    /// A lock that has ended: the count starts again with this try, if the state is still the one
    /// seen. False when another try changed it first.
    async fn restart_pay_password_count(
        &self,
        buyer_id: &str,
        seen: &PayPassword,
        now: Timestamp,
    ) -> Result<bool, ApiError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(pay_password_key(buyer_id)))
            .update_expression("SET failures = :one, last_try_at = :now REMOVE locked_until")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":seen", n(seen.failures));
        request = match seen.last_try_at {
            Some(at) => request
                .condition_expression("failures = :seen AND last_try_at = :at")
                .expression_attribute_values(":at", s(at.to_string())),
            None => request.condition_expression("failures = :seen AND attribute_not_exists(last_try_at)"),
        };
        match self.write_item(|| request.clone().send()).await {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(error) => Err(store_error(error)),
        }
    }

    /// A right password clears the count, unless other tries were counted after it (they are
    /// being checked now, and count toward the lock).
    pub async fn clear_pay_password_tries(&self, buyer_id: &str, counted: u32) -> Result<(), ApiError> {
        let clear = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(pay_password_key(buyer_id)))
                .update_expression("SET failures = :zero")
                .condition_expression("failures = :counted")
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":counted", n(counted))
                .send()
        };
        match self.write_item(clear).await {
            Ok(_) => Ok(()),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(()),
            Err(error) => Err(store_error(error)),
        }
    }
}
