//! The count buckets as items: one per buyer, sharded per shop, moved with `ADD` in the same
//! transaction as the change that moves them.

use super::keys::*;
use super::table::{build_error, key, n, s, store_error, Item, Store};
use crate::domain::counters::Bucket;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts(pub BTreeMap<&'static str, i64>);

impl Counts {
    pub fn get(&self, bucket: Bucket) -> i64 {
        self.0.get(bucket.name()).copied().unwrap_or(0)
    }

    fn from_items<'a>(items: impl IntoIterator<Item = &'a Item>) -> Counts {
        let mut counts: BTreeMap<&'static str, i64> = Bucket::ALL.iter().map(|bucket| (bucket.name(), 0)).collect();
        for item in items {
            for bucket in Bucket::ALL {
                if let Some(AttributeValue::N(value)) = item.get(bucket.name()) {
                    *counts.entry(bucket.name()).or_default() += value.parse::<i64>().unwrap_or(0);
                }
            }
        }
        Counts(counts)
    }
}

/// `ADD` of counter deltas to one counter item; None when nothing moves.
pub(crate) fn counter_update(
    table: &str,
    counter_key: Item,
    deltas: &[(Bucket, i64)],
) -> Result<Option<TransactWriteItem>, ApiError> {
    if deltas.is_empty() {
        return Ok(None);
    }
    let mut names = HashMap::new();
    let mut values = HashMap::new();
    let mut parts = Vec::new();
    for (index, (bucket, delta)) in deltas.iter().enumerate() {
        names.insert(format!("#c{index}"), bucket.name().to_string());
        values.insert(format!(":c{index}"), n(delta));
        parts.push(format!("#c{index} :c{index}"));
    }
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(counter_key))
        .update_expression(format!("ADD {}", parts.join(", ")))
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(Some(values))
        .build()
        .map_err(build_error)?;
    Ok(Some(TransactWriteItem::builder().update(update).build()))
}

/// Deltas of several orders on one counter item, summed; buckets that do not move are left out.
pub(crate) fn sum_deltas(deltas: impl IntoIterator<Item = (Bucket, i64)>) -> Vec<(Bucket, i64)> {
    let mut sums: BTreeMap<Bucket, i64> = BTreeMap::new();
    for (bucket, delta) in deltas {
        *sums.entry(bucket).or_default() += delta;
    }
    sums.into_iter().filter(|(_, delta)| *delta != 0).collect()
}

impl Store {
    pub async fn buyer_counts(&self, buyer_id: &str) -> Result<Counts, ApiError> {
        let item = self.get(key(buyer_pk(buyer_id), COUNTS_SK), false).await?;
        Ok(Counts::from_items(item.as_ref()))
    }

    /// A shop's counters: the sum of its shards, read with one Query.
    pub async fn seller_counts(&self, seller_id: &str) -> Result<Counts, ApiError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression(begins_with_condition(PK, SK))
            .expression_attribute_values(":pk", s(seller_pk(seller_id)))
            .expression_attribute_values(":prefix", s(SELLER_COUNTS_PREFIX))
            .send()
            .await
            .map_err(store_error)?;
        Ok(Counts::from_items(output.items()))
    }
}

impl Store {
    /// The counter shards an admin set for a shop (None: the default applies).
    pub async fn shop_counter_shards(&self, seller_id: &str) -> Result<Option<u32>, ApiError> {
        let item = self.get(key(seller_pk(seller_id), SHOP_SETTINGS_SK), false).await?;
        Ok(item
            .as_ref()
            .and_then(|item| item.get("counter_shards"))
            .and_then(|value| value.as_n().ok())
            .and_then(|value| value.parse().ok()))
    }

    /// Sets a shop's counter shards. Orders placed before keep moving the shard they chose.
    pub async fn put_shop_counter_shards(
        &self,
        seller_id: &str,
        shards: u32,
        now: crate::domain::time::Timestamp,
    ) -> Result<(), ApiError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(seller_pk(seller_id), SHOP_SETTINGS_SK)))
            .update_expression("SET counter_shards = :shards, updated_at = :now")
            .expression_attribute_values(":shards", n(shards))
            .expression_attribute_values(":now", s(now.to_string()))
            .send()
            .await
            .map_err(store_error)?;
        Ok(())
    }
}
