//! A SKU's stock in shards: the SKU's item is shard 0 (with the listing), `STOCK#<k>` items beside
//! it hold the others, and one Query reads them all. Orders move one shard each (`stock_update`);
//! a seller's edit moves every shard in one transaction, each under a condition on what was read,
//! so the sums stay exact however many orders reserve meanwhile.

use super::keys::*;
use super::skus::{decode_sku, number};
use super::table::TransactFailure;
use super::table::{build_error, encode, key, n, s, store_error, write_token, written_by, Item, Store, LAST_WRITE};
use crate::domain::catalog::{Listing, Sku, StockRefusal};
use crate::domain::stock_shards::ShardStock;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem, Update};
use std::collections::HashMap;

fn shard_figures(shard: u32, item: &Item) -> ShardStock {
    ShardStock {
        shard,
        available: number(item, "available").unwrap_or(0),
        reserved: number(item, "reserved").unwrap_or(0),
        on_hand: number(item, "on_hand").unwrap_or(0),
    }
}

/// A seller's edit of a sharded SKU's stock, worked out from what was read.
pub struct StockSpread<'a> {
    /// The listing to store with it (None: the listing stays as it is).
    pub listing: Option<&'a Listing>,
    pub seller_id: &'a str,
    pub sku_id: &'a str,
    /// Every shard item as read (empty: the SKU is new).
    pub read: &'a [ShardStock],
    /// Each shard's change of on hand and available.
    pub changes: &'a [(u32, i64)],
    /// Shards orders may reserve from from now on.
    pub active: u32,
    /// A change of freight template: the old one (None: it had none).
    pub template_change: Option<Option<String>>,
}

/// What writing a spread did.
pub enum SpreadOutcome {
    Written,
    /// A shard moved since it was read: read again and work it out anew.
    Moved,
    Refused(StockRefusal),
}

impl Store {
    /// A SKU, its figures summed over its shards, and each shard's figures: one Query.
    pub async fn sku_stock(&self, sku_id: &str, consistent: bool) -> Result<Option<(Sku, Vec<ShardStock>)>, ApiError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression(format!("{PK} = :pk"))
            .expression_attribute_values(":pk", s(sku_pk(sku_id)))
            .consistent_read(consistent)
            .send()
            .await
            .map_err(store_error)?;
        let mut sku = None;
        let mut shards = Vec::new();
        for item in output.items.unwrap_or_default() {
            let Some(shard) = item.get(SK).and_then(|sk| sk.as_s().ok()).and_then(|sk| shard_of_stock_sk(sk)) else {
                continue;
            };
            if shard == 0 {
                let main = decode_sku(item)?;
                shards.push(ShardStock {
                    shard: 0,
                    available: main.available,
                    reserved: main.reserved,
                    on_hand: main.on_hand,
                });
                sku = Some(main);
            } else {
                shards.push(shard_figures(shard, &item));
            }
        }
        let Some(mut sku) = sku else { return Ok(None) };
        sku.available = shards.iter().map(|shard| shard.available).sum();
        sku.reserved = shards.iter().map(|shard| shard.reserved).sum();
        sku.on_hand = shards.iter().map(|shard| shard.on_hand).sum();
        shards.sort_by_key(|shard| shard.shard);
        Ok(Some((sku, shards)))
    }

    /// Writes a seller's edit across a SKU's shards in one transaction: each shard moves by its
    /// change under a condition on the on hand that was read (and on enough available where it
    /// shrinks), shards that do not move are checked all the same, and the SKU's item records
    /// the listing, the active shards and a token that tells a lost answer from a conflict.
    pub async fn write_stock_spread(
        &self,
        spread: &StockSpread<'_>,
        now: Timestamp,
    ) -> Result<SpreadOutcome, ApiError> {
        let token = write_token();
        let items = spread.read.iter().map(|shard| shard.shard + 1).chain([spread.active]).max().unwrap_or(1);
        let mut shard_numbers: Vec<u32> = spread.read.iter().map(|shard| shard.shard).collect();
        shard_numbers.extend(spread.changes.iter().map(|(shard, _)| *shard));
        shard_numbers.push(0);
        shard_numbers.sort_unstable();
        shard_numbers.dedup();
        let mut actions = Vec::new();
        for shard in shard_numbers {
            let read = spread.read.iter().find(|read| read.shard == shard);
            let change = spread.changes.iter().find(|(number, _)| *number == shard).map_or(0, |(_, change)| *change);
            let item_key = key(sku_pk(spread.sku_id), stock_shard_sk(shard));
            let mut values = HashMap::from([(":zero".to_string(), n(0))]);
            let mut names = HashMap::new();
            let mut condition = match read {
                Some(read) => {
                    values.insert(":read".into(), n(read.on_hand));
                    "on_hand = :read".to_string()
                }
                None => "attribute_not_exists(PK)".to_string(),
            };
            if change < 0 {
                values.insert(":need".into(), n(-change));
                condition.push_str(" AND available >= :need");
            }
            let mut sets = Vec::new();
            if shard == 0 {
                values.insert(":token".into(), s(token.clone()));
                values.insert(":now".into(), s(now.to_string()));
                values.insert(":active".into(), n(spread.active));
                values.insert(":items".into(), n(items));
                names.insert("#last".to_string(), LAST_WRITE.to_string());
                if read.is_some() {
                    values.insert(":seller".into(), s(spread.seller_id));
                    condition.push_str(
                        " AND seller_id = :seller AND attribute_not_exists(stock) \
                         AND (attribute_not_exists(#last) OR #last <> :token)",
                    );
                }
                sets.extend([
                    format!("{STOCK_SHARDS} = :active"),
                    format!("{STOCK_ITEMS} = :items"),
                    "updated_at = :now".to_string(),
                    "#last = :token".to_string(),
                ]);
                if let Some(listing) = spread.listing {
                    for (index, (name, value)) in encode(listing)?.into_iter().enumerate() {
                        names.insert(format!("#f{index}"), name);
                        values.insert(format!(":f{index}"), value);
                        sets.push(format!("#f{index} = :f{index}"));
                    }
                }
                if let Some(old) = &spread.template_change {
                    match old {
                        Some(old) => {
                            values.insert(":old_template".into(), s(old.clone()));
                            condition.push_str(" AND freight_template_id = :old_template");
                        }
                        None if read.is_some() => {
                            values.insert(":null".into(), s("NULL"));
                            condition.push_str(
                                " AND (attribute_not_exists(freight_template_id) OR attribute_type(freight_template_id, :null))",
                            );
                        }
                        None => {}
                    }
                }
            }
            if change == 0 && shard != 0 {
                // Unchanged: its on hand is still part of the sum the seller set.
                let check = ConditionCheck::builder()
                    .table_name(&self.table)
                    .set_key(Some(item_key))
                    .condition_expression(condition)
                    .set_expression_attribute_values(Some(values.into_iter().filter(|(k, _)| k != ":zero").collect()))
                    .build()
                    .map_err(build_error)?;
                actions.push(TransactWriteItem::builder().condition_check(check).build());
                continue;
            }
            values.insert(":change".into(), n(change));
            sets.extend([
                "available = if_not_exists(available, :zero) + :change".to_string(),
                "on_hand = if_not_exists(on_hand, :zero) + :change".to_string(),
                "reserved = if_not_exists(reserved, :zero)".to_string(),
            ]);
            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(item_key))
                .update_expression(format!("SET {}", sets.join(", ")))
                .condition_expression(condition)
                .set_expression_attribute_names((!names.is_empty()).then_some(names))
                .set_expression_attribute_values(Some(values))
                .build()
                .map_err(build_error)?;
            actions.push(TransactWriteItem::builder().update(update).build());
        }
        let template_action = match (&spread.template_change, spread.listing) {
            (Some(old), Some(listing)) => {
                actions.push(super::freight::uses_update(
                    &self.table,
                    spread.seller_id,
                    old.as_deref(),
                    listing.freight_template_id.as_deref(),
                )?);
                Some(actions.len() - 1)
            }
            _ => None,
        };
        match self.transact(actions).await {
            Ok(()) => Ok(SpreadOutcome::Written),
            Err(TransactFailure::Conditions(failed))
                if template_action.is_some_and(|index| failed.contains(&index)) =>
            {
                Ok(SpreadOutcome::Refused(StockRefusal::NoSuchTemplate))
            }
            Err(TransactFailure::Conditions(_)) => {
                let main = self.get(key(sku_pk(spread.sku_id), SKU_SK), true).await?;
                if written_by(main.as_ref(), &token) {
                    // An earlier attempt of this very write landed; its answer was lost.
                    return Ok(SpreadOutcome::Written);
                }
                Ok(SpreadOutcome::Moved)
            }
            Err(TransactFailure::Api(error)) => Err(error),
        }
    }
}
