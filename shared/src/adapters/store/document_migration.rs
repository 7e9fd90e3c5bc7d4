//! Rewrites orders stored before the order document (every field an attribute, and the keys of
//! the `buyer-status` index that is gone) as documents: what `migrate-orders` runs. One page of
//! the table at a time, so it shows its progress and can resume where it stopped; each order is
//! rewritten only if it is still the version that was read and not a document yet, so it is safe
//! to run again and beside live traffic (an order that changed meanwhile was rewritten by that
//! change).

use super::keys::*;
use super::order_item::{order_item, DOCUMENT};
use super::orders::order_no_claim;
use super::table::{build_error, decode, encode, n, s, store_error, Item, Store};
use crate::domain::order::Order;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use std::collections::BTreeMap;

/// What one page of the migration did, and where the next starts.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocumentMigration {
    /// Items read (orders and everything else the page held).
    pub scanned: usize,
    pub converted: usize,
    /// Orders that changed between the read and the rewrite (a change writes a document).
    pub changed_meanwhile: usize,
    /// Where the next page starts (`PK`, `SK`); none when the table is done.
    pub next: Option<BTreeMap<String, String>>,
}

/// An order as it was stored before documents: its fields as attributes, with the keys of the
/// `buyer-status` index. Kept to test the migration on data written that way.
pub fn legacy_order_item(order: &Order) -> Result<Item, ApiError> {
    let mut item = encode(order)?;
    item.insert(PK.into(), s(buyer_pk(&order.buyer_id)));
    item.insert(SK.into(), s(order_sk(&order.order_no)));
    if !order.deleted {
        item.insert("GSI1PK".into(), s(format!("BUYER#{}#{}", order.buyer_id, order.status.as_str())));
        item.insert("GSI1SK".into(), s(order.order_no.clone()));
    }
    let document = order_item(order)?;
    for name in [SELLER_PK, SELLER_SK, SELLER_STATUS_PK, SELLER_STATUS_SK, DUE_PK, DUE_SK, OPEN_CASE, "search"] {
        if let Some(value) = document.get(name) {
            item.insert(name.into(), value.clone());
        }
    }
    Ok(item)
}

impl Store {
    /// Writes orders as they were stored before documents, with their number claims (tests of
    /// the migration).
    pub async fn import_legacy_orders(&self, orders: &[Order]) -> Result<(), ApiError> {
        let mut requests = Vec::new();
        for order in orders {
            requests.push(legacy_order_item(order)?);
            requests.push(order_no_claim(order));
        }
        for chunk in requests.chunks(25) {
            let writes = chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder().set_item(Some(item.clone())).build().map_err(build_error)?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            let output =
                self.client.batch_write_item().request_items(&self.table, writes).send().await.map_err(store_error)?;
            if output.unprocessed_items.is_some_and(|left| !left.is_empty()) {
                return Err(ApiError::Unavailable("the import was throttled; run it again".into()));
            }
        }
        Ok(())
    }

    /// One page (up to `limit` items read) of the migration, from `from` (None: the start).
    pub async fn migrate_order_documents(
        &self,
        from: Option<BTreeMap<String, String>>,
        limit: i32,
    ) -> Result<DocumentMigration, ApiError> {
        let output = self
            .client
            .scan()
            .table_name(&self.table)
            .filter_expression("begins_with(PK, :buyer) AND begins_with(SK, :order) AND attribute_not_exists(#doc)")
            .expression_attribute_names("#doc", DOCUMENT)
            .expression_attribute_values(":buyer", s("BUYER#"))
            .expression_attribute_values(":order", s(ORDER_SK_PREFIX))
            .set_exclusive_start_key(from.map(|key| key.into_iter().map(|(name, value)| (name, s(value))).collect()))
            .limit(limit)
            .send()
            .await
            .map_err(store_error)?;
        let mut report = DocumentMigration { scanned: output.scanned_count as usize, ..DocumentMigration::default() };
        for item in output.items.unwrap_or_default() {
            let order: Order = decode(item)?;
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(order_item(&order)?))
                .condition_expression("#version = :version AND attribute_not_exists(#doc)")
                .expression_attribute_names("#version", "version")
                .expression_attribute_names("#doc", DOCUMENT)
                .expression_attribute_values(":version", n(order.version))
                .send()
                .await;
            match result {
                Ok(_) => report.converted += 1,
                Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                    report.changed_meanwhile += 1
                }
                Err(error) => return Err(store_error(error)),
            }
        }
        report.next = output.last_evaluated_key.map(|key| {
            key.into_iter()
                .filter_map(|(name, value)| match value {
                    AttributeValue::S(text) => Some((name, text)),
                    _ => None,
                })
                .collect()
        });
        Ok(report)
    }
}
