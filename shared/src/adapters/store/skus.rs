//! SKUs: the catalog entry, a seller's listing and stock changes, and the stock moves orders make.
//! Every stock change is one update expression under a one-comparison condition, so
//! `on_hand = available + reserved` holds and nothing is read, then written.

use super::keys::*;
use super::table::{
    build_error, decode, encode, key, n, s, store_error, write_token, written_by, Item, Store, LAST_WRITE,
};
use crate::domain::catalog::{Listing, Sku, StockMove, StockRefusal, MAX_STOCK};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::{UpdateItemError, UpdateItemOutput};
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use std::collections::HashMap;

/// One order's move of one shard of a SKU's stock, as an action of its transaction.
pub(crate) fn stock_update(
    table: &str,
    sku_id: &str,
    shard: u32,
    stock_move: StockMove,
) -> Result<TransactWriteItem, ApiError> {
    let (expression, condition, quantity) = match stock_move {
        StockMove::Reserve(q) => ("SET available = available - :q, reserved = reserved + :q", "available >= :q", q),
        StockMove::Release(q) => ("SET available = available + :q, reserved = reserved - :q", "reserved >= :q", q),
        StockMove::Consume(q) => ("SET reserved = reserved - :q, on_hand = on_hand - :q", "reserved >= :q", q),
        StockMove::Restock(q) => {
            ("SET available = available + :q, on_hand = on_hand + :q", "attribute_exists(on_hand)", q)
        }
    };
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key(sku_pk(sku_id), stock_shard_sk(shard))))
        .update_expression(expression)
        .condition_expression(condition)
        .expression_attribute_values(":q", n(quantity))
        .build()
        .map_err(build_error)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

pub(crate) fn number(item: &Item, name: &str) -> Option<i64> {
    item.get(name).and_then(|value| value.as_n().ok()).and_then(|value| value.parse().ok())
}

/// A SKU item as the domain reads it. An item from before the three stock figures (a single
/// `stock`, what could be bought) reads as that many available and on hand, none reserved,
/// until `migrate-stock` converts it; orders cannot reserve it before then.
pub(crate) fn decode_sku(mut item: Item) -> Result<Sku, ApiError> {
    if !item.contains_key("on_hand") {
        if let Some(stock) = item.get("stock").cloned() {
            item.insert("available".into(), stock.clone());
            item.insert("on_hand".into(), stock);
            item.insert("reserved".into(), n(0));
        }
    }
    decode(item)
}

/// Why a conditional write to a SKU failed, read from the item as it was.
fn refusal(old: Option<&Item>, seller_id: &str, reserved_limit: Option<i64>, expected: Option<i64>) -> StockRefusal {
    let Some(old) = old else {
        return match expected {
            Some(_) => StockRefusal::OnHandChanged { on_hand: 0 },
            None => StockRefusal::Missing,
        };
    };
    let on_hand = number(old, "on_hand").unwrap_or(0);
    if old.get("seller_id").and_then(|value| value.as_s().ok()).is_some_and(|owner| owner != seller_id) {
        StockRefusal::NotYours
    } else if old.contains_key("stock") {
        StockRefusal::NotMigrated
    } else if old.contains_key(STOCK_ITEMS) {
        StockRefusal::ShardsChanged
    } else if expected.is_some_and(|expected| expected != on_hand) {
        StockRefusal::OnHandChanged { on_hand }
    } else if let (Some(limit), Some(reserved)) = (reserved_limit, number(old, "reserved")) {
        if reserved > limit {
            StockRefusal::BelowReserved { reserved }
        } else {
            StockRefusal::OutOfRange { on_hand }
        }
    } else {
        StockRefusal::OutOfRange { on_hand }
    }
}

/// The SKU an UpdateItem left, or the item as it was when the update's condition failed.
fn updated_or_refused(
    result: Result<UpdateItemOutput, SdkError<UpdateItemError, HttpResponse>>,
) -> Result<Result<Sku, Option<Item>>, ApiError> {
    match result {
        Ok(output) => Ok(Ok(decode_sku(output.attributes.unwrap_or_default())?)),
        Err(error) => match error.as_service_error() {
            Some(UpdateItemError::ConditionalCheckFailedException(failed)) => Ok(Err(failed.item.clone())),
            _ => Err(store_error(error)),
        },
    }
}

impl Store {
    /// A SKU with its stock figures summed over its shards (one Query).
    pub async fn get_sku(&self, sku_id: &str) -> Result<Option<Sku>, ApiError> {
        Ok(self.sku_stock(sku_id, false).await?.map(|(sku, _)| sku))
    }

    /// Several SKUs in one BatchGetItem, by id; missing ones are left out. A SKU whose stock is
    /// in shards is read again whole (one Query each), so every figure is its sum.
    pub async fn get_skus(&self, sku_ids: &[&str]) -> Result<std::collections::BTreeMap<String, Sku>, ApiError> {
        if sku_ids.is_empty() {
            return Ok(Default::default());
        }
        let keys = sku_ids.iter().map(|sku_id| key(sku_pk(sku_id), SKU_SK)).collect();
        let mut skus = std::collections::BTreeMap::new();
        for item in self.batch_get(keys).await? {
            let mut sku = decode_sku(item)?;
            if sku.is_sharded() {
                if let Some((whole, _)) = self.sku_stock(&sku.listing.sku_id, true).await? {
                    sku = whole;
                }
            }
            skus.insert(sku.listing.sku_id.clone(), sku);
        }
        Ok(skus)
    }

    /// Creates or updates a seller's SKU and sets its on hand to `on_hand`: available becomes
    /// `on_hand − reserved`, and the reservations of open orders stay as they are. Refused when
    /// `on_hand` is below what is reserved, when the SKU is another shop's, or when
    /// `expected_on_hand` is given and is not the current on hand.
    pub async fn put_sku(
        &self,
        listing: &Listing,
        on_hand: i64,
        expected_on_hand: Option<i64>,
        now: Timestamp,
    ) -> Result<Result<Sku, StockRefusal>, ApiError> {
        self.put_sku_changing_template(listing, on_hand, expected_on_hand, now, None).await
    }

    /// `put_sku`, for a SKU whose freight template changes from `template_change`'s old one
    /// (None: it had none): the shop's template use counts move in the same transaction, which
    /// also requires the new template to exist and the SKU to still name the old one.
    pub async fn put_sku_changing_template(
        &self,
        listing: &Listing,
        on_hand: i64,
        expected_on_hand: Option<i64>,
        now: Timestamp,
        template_change: Option<Option<String>>,
    ) -> Result<Result<Sku, StockRefusal>, ApiError> {
        let mut fields = encode(listing)?;
        fields.insert("updated_at".into(), s(now.to_string()));
        let mut names = HashMap::new();
        let mut values = HashMap::from([
            (":n".to_string(), n(on_hand)),
            (":zero".to_string(), n(0)),
            (":seller".to_string(), s(listing.seller_id.clone())),
        ]);
        let mut sets = vec![
            "on_hand = :n".to_string(),
            "available = :n - if_not_exists(reserved, :zero)".to_string(),
            "reserved = if_not_exists(reserved, :zero)".to_string(),
        ];
        for (index, (name, value)) in fields.into_iter().enumerate() {
            names.insert(format!("#f{index}"), name);
            values.insert(format!(":f{index}"), value);
            sets.push(format!("#f{index} = :f{index}"));
        }
        // A SKU whose stock is in shards is written by `write_stock_spread`.
        let mut condition = "(attribute_not_exists(PK) OR seller_id = :seller) AND attribute_not_exists(stock) \
                             AND attribute_not_exists(stock_items) AND (attribute_not_exists(reserved) OR reserved <= :n)"
            .to_string();
        if let Some(expected) = expected_on_hand {
            values.insert(":expected".into(), n(expected));
            condition.push_str(if expected == 0 {
                " AND (attribute_not_exists(on_hand) OR on_hand = :expected)"
            } else {
                " AND on_hand = :expected"
            });
        }
        if let Some(old) = template_change {
            match &old {
                Some(old) => {
                    values.insert(":old_template".into(), s(old.clone()));
                    condition.push_str(" AND freight_template_id = :old_template");
                }
                None => condition.push_str(
                    " AND (attribute_not_exists(freight_template_id) OR attribute_type(freight_template_id, :null))",
                ),
            }
            if old.is_none() {
                values.insert(":null".into(), s("NULL"));
            }
            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(sku_pk(&listing.sku_id), SKU_SK)))
                .update_expression(format!("SET {}", sets.join(", ")))
                .condition_expression(condition)
                .set_expression_attribute_names(Some(names))
                .set_expression_attribute_values(Some(values))
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .build()
                .map_err(build_error)?;
            let uses = super::freight::uses_update(
                &self.table,
                &listing.seller_id,
                old.as_deref(),
                listing.freight_template_id.as_deref(),
            )?;
            let actions = vec![TransactWriteItem::builder().update(update).build(), uses];
            return match self.transact(actions).await {
                Ok(()) => {
                    let stored = self.get(key(sku_pk(&listing.sku_id), SKU_SK), true).await?;
                    let missing = || ApiError::Internal(format!("SKU {} missing after its put", listing.sku_id));
                    Ok(Ok(decode_sku(stored.ok_or_else(missing)?)?))
                }
                Err(super::table::TransactFailure::Conditions(failed)) if failed.contains(&0) => {
                    let stored = self.get(key(sku_pk(&listing.sku_id), SKU_SK), true).await?;
                    let named = stored
                        .as_ref()
                        .and_then(|item| item.get("freight_template_id"))
                        .and_then(|value| value.as_s().ok())
                        .cloned();
                    if stored.is_some() && named != old {
                        return Err(ApiError::Unavailable("the SKU's freight template changed meanwhile".into()));
                    }
                    Ok(Err(refusal(stored.as_ref(), &listing.seller_id, Some(on_hand), expected_on_hand)))
                }
                Err(super::table::TransactFailure::Conditions(_)) => Ok(Err(StockRefusal::NoSuchTemplate)),
                Err(super::table::TransactFailure::Api(error)) => Err(error),
            };
        }
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(sku_pk(&listing.sku_id), SKU_SK)))
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression(condition)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        match updated_or_refused(self.write_item(|| request.clone().send()).await)? {
            Ok(sku) => Ok(Ok(sku)),
            Err(old) => Ok(Err(refusal(old.as_ref(), &listing.seller_id, Some(on_hand), expected_on_hand))),
        }
    }

    /// Moves a seller's SKU's on hand (and so its available units) by `delta`, refused when that
    /// would take on hand below what is reserved (available below 0) or above `MAX_STOCK`.
    pub async fn adjust_stock(
        &self,
        sku_id: &str,
        seller_id: &str,
        delta: i64,
        now: Timestamp,
    ) -> Result<Result<Sku, StockRefusal>, ApiError> {
        // A relative change: applied once, however often the SDK sends it.
        let token = write_token();
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(sku_pk(sku_id), SKU_SK)))
            .update_expression(
                "SET available = available + :d, on_hand = on_hand + :d, updated_at = :now, #last = :token",
            )
            .condition_expression(
                "seller_id = :seller AND available >= :lowest AND on_hand <= :highest \
                 AND attribute_not_exists(stock_items) AND (attribute_not_exists(#last) OR #last <> :token)",
            )
            .expression_attribute_names("#last", LAST_WRITE)
            .expression_attribute_values(":token", s(token.clone()))
            .expression_attribute_values(":d", n(delta))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":seller", s(seller_id))
            .expression_attribute_values(":lowest", n((-delta).max(0)))
            .expression_attribute_values(":highest", n(MAX_STOCK - delta.max(0)))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let old = match updated_or_refused(self.write_item(|| request.clone().send()).await)? {
            Ok(sku) => return Ok(Ok(sku)),
            Err(old) => old,
        };
        let old = old.as_ref();
        if written_by(old, &token) {
            // An earlier attempt of this adjustment landed; its answer was lost.
            return Ok(Ok(decode_sku(old.cloned().unwrap_or_default())?));
        }
        let below = old.and_then(|old| number(old, "available")).is_some_and(|available| available + delta < 0);
        match refusal(old, seller_id, None, None) {
            StockRefusal::OutOfRange { .. } if below => {
                let reserved = old.and_then(|old| number(old, "reserved")).unwrap_or(0);
                Ok(Err(StockRefusal::BelowReserved { reserved }))
            }
            other => Ok(Err(other)),
        }
    }
}
