//! Member levels (all in one item, `CONFIG` / `MEMBER_LEVELS`) and each buyer's level
//! (`BUYER#<buyer>` / `MEMBER`): both have fixed keys, so a checkout reads them in its one
//! BatchGetItem.

use super::keys::*;
use super::table::{decode, key, s, store_error, to_attribute, Item, Store};
use crate::domain::member::{MemberLevel, MAX_LEVELS};
use crate::error::ApiError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::BTreeMap;

pub(crate) fn levels_key() -> Item {
    key(CONFIG_PK.to_string(), MEMBER_LEVELS_SK)
}

pub(crate) fn membership_key(buyer_id: &str) -> Item {
    key(buyer_pk(buyer_id), MEMBER_SK)
}

pub(crate) fn levels_of(item: &Item) -> Result<BTreeMap<String, MemberLevel>, ApiError> {
    let mut levels = BTreeMap::new();
    if let Some(AttributeValue::M(map)) = item.get("levels") {
        for (id, value) in map {
            if let AttributeValue::M(fields) = value {
                levels.insert(id.clone(), decode(fields.clone())?);
            }
        }
    }
    Ok(levels)
}

pub(crate) fn level_of_membership(item: &Item) -> Option<String> {
    item.get("level").and_then(|value| value.as_s().ok()).cloned()
}

impl Store {
    /// Creates or replaces a level (a new one only below `MAX_LEVELS`).
    pub async fn put_member_level(&self, level: &MemberLevel) -> Result<bool, ApiError> {
        let value = to_attribute(level)?;
        let levels = self.member_levels().await?;
        if !levels.contains_key(&level.level_id) && levels.len() >= MAX_LEVELS {
            return Ok(false);
        }
        let update = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(levels_key()))
                .update_expression("SET levels = if_not_exists(levels, :empty)")
                .expression_attribute_values(":empty", AttributeValue::M(Default::default()))
                .send()
        };
        self.write_item(update).await.map_err(store_error)?;
        let set = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(levels_key()))
                .update_expression("SET levels.#id = :level")
                .expression_attribute_names("#id", &level.level_id)
                .expression_attribute_values(":level", value.clone())
                .send()
        };
        self.write_item(set).await.map_err(store_error)?;
        Ok(true)
    }

    pub async fn member_levels(&self) -> Result<BTreeMap<String, MemberLevel>, ApiError> {
        match self.get(levels_key(), true).await? {
            Some(item) => levels_of(&item),
            None => Ok(BTreeMap::new()),
        }
    }

    /// Puts a buyer in a level that exists (false when it does not).
    pub async fn set_membership(&self, buyer_id: &str, level_id: &str) -> Result<bool, ApiError> {
        if !self.member_levels().await?.contains_key(level_id) {
            return Ok(false);
        }
        let mut item = membership_key(buyer_id);
        item.insert("level".into(), s(level_id));
        let put = || self.client.put_item().table_name(&self.table).set_item(Some(item.clone())).send();
        self.write_item(put).await.map_err(store_error)?;
        Ok(true)
    }

    /// The buyer's level and points balance (one BatchGetItem).
    pub async fn member_profile(&self, buyer_id: &str) -> Result<(Option<MemberLevel>, i64), ApiError> {
        let items =
            self.batch_get(vec![membership_key(buyer_id), levels_key(), key(buyer_pk(buyer_id), POINTS_SK)]).await?;
        let (mut level_id, mut levels, mut points) = (None, BTreeMap::new(), 0);
        for item in &items {
            match super::table::sort_key(item) {
                MEMBER_SK => level_id = level_of_membership(item),
                MEMBER_LEVELS_SK => levels = levels_of(item)?,
                POINTS_SK => points = super::points::balance_of(Some(item)),
                _ => {}
            }
        }
        Ok((level_id.and_then(|id| levels.remove(&id)), points))
    }
}
