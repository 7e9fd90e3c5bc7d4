//! The address book: `ADDR#<id>` items and one `ADDRBOOK` header holding the count and the
//! default, so "at most 20" and "one default" are each kept by a single condition.

use super::keys::*;
use super::{build_error, decode, encode, key, n, put, s, sort_key, store_error, Item, Store};
use crate::domain::address::{Address, AddressEntry, MAX_ADDRESSES};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredAddress {
    pub address_id: String,
    pub address: Address,
    pub updated_at: Timestamp,
}

impl StoredAddress {
    pub fn into_entry(self, default_id: Option<&str>) -> AddressEntry {
        let is_default = default_id == Some(self.address_id.as_str());
        AddressEntry { address_id: self.address_id, address: self.address, is_default }
    }
}

/// The header of a buyer's address book.
#[derive(Debug, Clone, Default)]
pub struct AddressBook {
    pub count: i64,
    pub default_address_id: Option<String>,
}

impl AddressBook {
    pub(crate) fn from_item(item: &Item) -> AddressBook {
        AddressBook {
            count: item.get("count").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).unwrap_or(0),
            default_address_id: item.get("default_address_id").and_then(|v| v.as_s().ok()).cloned(),
        }
    }
}

/// The entry's item, written under `condition`.
fn entry_put(
    table: &str,
    buyer_id: &str,
    entry: &AddressEntry,
    now: Timestamp,
    condition: &str,
) -> Result<TransactWriteItem, ApiError> {
    let stored =
        StoredAddress { address_id: entry.address_id.clone(), address: entry.address.clone(), updated_at: now };
    let mut item = encode(&stored)?;
    item.extend(key(buyer_pk(buyer_id), address_sk(&entry.address_id)));
    put(table, item, condition)
}

fn is_cancelled_by_condition<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(error: &E) -> bool {
    error.code() == Some("TransactionCanceledException") || error.code() == Some("ConditionalCheckFailedException")
}

impl Store {
    /// One TransactWriteItems; false when one of its conditions failed (nothing was written).
    async fn transact_if(&self, items: Vec<TransactWriteItem>) -> Result<bool, ApiError> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(is_cancelled_by_condition) => Ok(false),
            Err(error) => Err(store_error(error)),
        }
    }

    /// Every address of a buyer and the book header, in one Query.
    pub async fn list_addresses(&self, buyer_id: &str) -> Result<Vec<AddressEntry>, ApiError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression(begins_with_condition(PK, SK))
            .expression_attribute_values(":pk", s(buyer_pk(buyer_id)))
            .expression_attribute_values(":prefix", s(ADDRESS_PREFIX))
            .consistent_read(true)
            .send()
            .await
            .map_err(store_error)?;
        let mut book = AddressBook::default();
        let mut stored = Vec::new();
        for item in output.items.unwrap_or_default() {
            if sort_key(&item) == ADDRESS_BOOK_SK {
                book = AddressBook::from_item(&item);
            } else {
                stored.push(decode::<StoredAddress>(item)?);
            }
        }
        let mut entries: Vec<AddressEntry> =
            stored.into_iter().map(|address| address.into_entry(book.default_address_id.as_deref())).collect();
        // Default first, then the rest as stored.
        entries.sort_by_key(|entry| !entry.is_default);
        Ok(entries)
    }

    async fn address_book(&self, buyer_id: &str) -> Result<AddressBook, ApiError> {
        let item = self.get(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK), true).await?;
        Ok(item.as_ref().map(AddressBook::from_item).unwrap_or_default())
    }

    pub async fn get_address(&self, buyer_id: &str, address_id: &str) -> Result<Option<AddressEntry>, ApiError> {
        let items = self
            .batch_get(vec![key(buyer_pk(buyer_id), address_sk(address_id)), key(buyer_pk(buyer_id), ADDRESS_BOOK_SK)])
            .await?;
        let mut book = AddressBook::default();
        let mut found = None;
        for item in items {
            if sort_key(&item) == ADDRESS_BOOK_SK {
                book = AddressBook::from_item(&item);
            } else {
                found = Some(decode::<StoredAddress>(item)?);
            }
        }
        Ok(found.map(|address| address.into_entry(book.default_address_id.as_deref())))
    }

    /// Adds an address; the first one, or one marked default, becomes the default.
    /// Returns None when the book already holds `MAX_ADDRESSES`.
    pub async fn create_address(
        &self,
        buyer_id: &str,
        entry: &AddressEntry,
        now: Timestamp,
    ) -> Result<Option<AddressEntry>, ApiError> {
        let (address_id, make_default) = (entry.address_id.as_str(), entry.is_default);
        let entry = entry_put(&self.table, buyer_id, entry, now, "attribute_not_exists(PK)")?;
        let default_expression = if make_default {
            "default_address_id = :id"
        } else {
            "default_address_id = if_not_exists(default_address_id, :id)"
        };
        let book = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK)))
            .update_expression(format!("SET #count = if_not_exists(#count, :zero) + :one, {default_expression}"))
            .condition_expression("attribute_not_exists(#count) OR #count < :max")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(MAX_ADDRESSES))
            .expression_attribute_values(":id", s(address_id))
            .build()
            .map_err(build_error)?;
        let items = vec![entry, TransactWriteItem::builder().update(book).build()];
        if self.transact_if(items).await? {
            self.get_address(buyer_id, address_id).await
        } else {
            Ok(None)
        }
    }

    /// Replaces an address; `make_default` moves the default to it, and clearing the flag on
    /// the current default leaves the book without one. None when there is no such address.
    pub async fn update_address(
        &self,
        buyer_id: &str,
        entry: &AddressEntry,
        now: Timestamp,
    ) -> Result<Option<AddressEntry>, ApiError> {
        let (address_id, make_default) = (entry.address_id.as_str(), entry.is_default);
        let book = self.address_book(buyer_id).await?;
        let entry = entry_put(&self.table, buyer_id, entry, now, "attribute_exists(PK)")?;
        let was_default = book.default_address_id.as_deref() == Some(address_id);
        let book_update = match (make_default, was_default) {
            (true, false) => Some("SET default_address_id = :id"),
            (false, true) => Some("REMOVE default_address_id"),
            _ => None,
        };
        let mut items = vec![entry];
        if let Some(expression) = book_update {
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK)))
                .update_expression(expression);
            if make_default {
                update = update.expression_attribute_values(":id", s(address_id));
            }
            items.push(TransactWriteItem::builder().update(update.build().map_err(build_error)?).build());
        }
        if self.transact_if(items).await? {
            self.get_address(buyer_id, address_id).await
        } else {
            Ok(None)
        }
    }

    /// Removes an address. Returns false when there is no such address.
    pub async fn delete_address(&self, buyer_id: &str, address_id: &str) -> Result<bool, ApiError> {
        let book = self.address_book(buyer_id).await?;
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), address_sk(address_id))))
            .condition_expression("attribute_exists(PK)")
            .build()
            .map_err(build_error)?;
        let was_default = book.default_address_id.as_deref() == Some(address_id);
        let expression = if was_default { "ADD #count :minus REMOVE default_address_id" } else { "ADD #count :minus" };
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK)))
            .update_expression(expression)
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":minus", n(-1))
            .build()
            .map_err(build_error)?;
        self.transact_if(vec![
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder().update(update).build(),
        ])
        .await
    }
}
