//! The address book: `ADDR#<id>` items and one `ADDRBOOK` header holding the count and the
//! default, so "at most 20" and "one default" are each kept by a single condition.

use super::keys::*;
use super::table::{build_error, decode, encode, key, n, put, s, sort_key, Item, Store, TransactFailure};
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

/// Book writes retried when a racing change moved the default between the read and the write.
const BOOK_ATTEMPTS: usize = 3;

impl Store {
    /// Every address of a buyer and the book header, in one Query.
    pub async fn list_addresses(&self, buyer_id: &str) -> Result<Vec<AddressEntry>, ApiError> {
        let mut book = AddressBook::default();
        let mut stored = Vec::new();
        for item in self.query_prefix(buyer_pk(buyer_id), ADDRESS_PREFIX).await? {
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
        match self.transact(vec![entry, TransactWriteItem::builder().update(book).build()]).await {
            Ok(()) => self.get_address(buyer_id, address_id).await,
            // The entry exists already (an id clash) or the book is full.
            Err(TransactFailure::Conditions(_)) => Ok(None),
            Err(TransactFailure::Api(error)) => Err(error),
        }
    }

    /// Replaces an address; `make_default` moves the default to it, and clearing the flag on
    /// the current default leaves the book without one. None when there is no such address.
    /// The book's default is changed only if it is still what was read, so a racing delete can
    /// never leave it naming an address that is gone.
    pub async fn update_address(
        &self,
        buyer_id: &str,
        entry: &AddressEntry,
        now: Timestamp,
    ) -> Result<Option<AddressEntry>, ApiError> {
        let (address_id, make_default) = (entry.address_id.as_str(), entry.is_default);
        for _ in 0..BOOK_ATTEMPTS {
            let book = self.address_book(buyer_id).await?;
            let mut items = vec![entry_put(&self.table, buyer_id, entry, now, "attribute_exists(PK)")?];
            let was_default = book.default_address_id.as_deref() == Some(address_id);
            // Moving the default here needs no condition (the entry's own condition keeps a deleted
            // address from becoming it); clearing it only clears it if it is still this one.
            let book_update = match (make_default, was_default) {
                (true, false) => Some(("SET default_address_id = :id", None)),
                (false, true) => Some(("REMOVE default_address_id", Some("default_address_id = :id"))),
                _ => None,
            };
            if let Some((expression, condition)) = book_update {
                let update = Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK)))
                    .update_expression(expression)
                    .set_condition_expression(condition.map(str::to_string))
                    .expression_attribute_values(":id", s(address_id))
                    .build()
                    .map_err(build_error)?;
                items.push(TransactWriteItem::builder().update(update).build());
            }
            match self.transact(items).await {
                // What was written is the answer: the default is now exactly `make_default`.
                Ok(()) => return Ok(Some(entry.clone())),
                Err(TransactFailure::Conditions(failed)) if failed.contains(&0) => return Ok(None),
                Err(TransactFailure::Conditions(_)) => continue,
                Err(TransactFailure::Api(error)) => return Err(error),
            }
        }
        Err(ApiError::Unavailable("the address book kept changing during the update".into()))
    }

    /// Removes an address. Returns false when there is no such address. The default is removed
    /// with it, decided on the book as it is when the delete commits (a condition on the default
    /// that was read; a racing change means read again).
    pub async fn delete_address(&self, buyer_id: &str, address_id: &str) -> Result<bool, ApiError> {
        for _ in 0..BOOK_ATTEMPTS {
            let book = self.address_book(buyer_id).await?;
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(buyer_pk(buyer_id), address_sk(address_id))))
                .condition_expression("attribute_exists(PK)")
                .build()
                .map_err(build_error)?;
            let was_default = book.default_address_id.as_deref() == Some(address_id);
            let (expression, condition) = if was_default {
                ("ADD #count :minus REMOVE default_address_id", "default_address_id = :id")
            } else {
                ("ADD #count :minus", "attribute_not_exists(default_address_id) OR default_address_id <> :id")
            };
            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK)))
                .update_expression(expression)
                .condition_expression(condition)
                .expression_attribute_names("#count", "count")
                .expression_attribute_values(":minus", n(-1))
                .expression_attribute_values(":id", s(address_id))
                .build()
                .map_err(build_error)?;
            let items = vec![
                TransactWriteItem::builder().delete(delete).build(),
                TransactWriteItem::builder().update(update).build(),
            ];
            match self.transact(items).await {
                Ok(()) => return Ok(true),
                Err(TransactFailure::Conditions(failed)) if failed.contains(&0) => return Ok(false),
                Err(TransactFailure::Conditions(_)) => continue,
                Err(TransactFailure::Api(error)) => return Err(error),
            }
        }
        Err(ApiError::Unavailable("the address book kept changing during the delete".into()))
    }
}
