//! A buyer's cart: one item per SKU and a header whose `item_count` bounds the distinct SKUs.
//! Adding a SKU writes the item and the count together; the count's condition refuses a 101st.

use super::keys::*;
use super::table::{build_error, decode, encode, key, n, sort_key, store_error, Item, Store, TransactFailure};
use crate::domain::cart::{CartItem, MAX_CART_ITEMS};
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};

/// How a cart write went.
#[derive(Debug, PartialEq, Eq)]
pub enum CartWrite {
    Done,
    /// The cart already holds `MAX_CART_ITEMS` other SKUs.
    Full,
    /// No such item (a delete).
    Missing,
}

/// The count moved by `delta` (a new item is refused when the cart is full).
pub(crate) fn count_update(table: &str, buyer_id: &str, delta: i64) -> Result<TransactWriteItem, ApiError> {
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key(buyer_pk(buyer_id), CART_SK)))
        .update_expression("ADD item_count :delta")
        .expression_attribute_values(":delta", n(delta));
    if delta > 0 {
        update = update
            .condition_expression("attribute_not_exists(item_count) OR item_count <= :room")
            .expression_attribute_values(":room", n(MAX_CART_ITEMS as i64 - delta));
    }
    Ok(TransactWriteItem::builder().update(update.build().map_err(build_error)?).build())
}

/// A cart item deleted (it must be there), as one action of a transaction.
pub(crate) fn item_delete(table: &str, buyer_id: &str, sku_id: &str) -> Result<TransactWriteItem, ApiError> {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(key(buyer_pk(buyer_id), cart_item_sk(sku_id))))
        .condition_expression("attribute_exists(PK)")
        .build()
        .map_err(build_error)?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

impl Store {
    /// The buyer's cart items, in SKU order (one Query).
    pub async fn cart(&self, buyer_id: &str) -> Result<Vec<CartItem>, ApiError> {
        let items = self.query_prefix(buyer_pk(buyer_id), CART_ITEM_PREFIX).await?;
        // The header (`CART`) shares the prefix's first letters but not the `#`.
        items.into_iter().filter(|item| sort_key(item).starts_with(CART_ITEM_PREFIX)).map(decode).collect()
    }

    /// Sets a SKU's quantity and selection; a new SKU also counts against the cart's bound and
    /// keeps the price it was added at.
    pub async fn put_cart_item(&self, buyer_id: &str, item: &CartItem) -> Result<CartWrite, ApiError> {
        let mut stored: Item = encode(item)?;
        stored.extend(key(buyer_pk(buyer_id), cart_item_sk(&item.sku_id)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(stored))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .map_err(build_error)?;
        let actions = vec![TransactWriteItem::builder().put(put).build(), count_update(&self.table, buyer_id, 1)?];
        match self.transact(actions).await {
            Ok(()) => Ok(CartWrite::Done),
            // Already in the cart: change it in place.
            Err(TransactFailure::Conditions(failed)) if failed.contains(&0) => {
                let update = || {
                    self.client
                        .update_item()
                        .table_name(&self.table)
                        .set_key(Some(key(buyer_pk(buyer_id), cart_item_sk(&item.sku_id))))
                        .update_expression("SET quantity = :q, selected = :sel")
                        .condition_expression("attribute_exists(PK)")
                        .expression_attribute_values(":q", n(item.quantity))
                        .expression_attribute_values(":sel", AttributeValue::Bool(item.selected))
                        .send()
                };
                match self.write_item(update).await {
                    Ok(_) => Ok(CartWrite::Done),
                    // Removed meanwhile: the caller may try again.
                    Err(error)
                        if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                    {
                        Err(ApiError::Unavailable("the cart item changed during the update".into()))
                    }
                    Err(error) => Err(store_error(error)),
                }
            }
            Err(TransactFailure::Conditions(_)) => Ok(CartWrite::Full),
            Err(TransactFailure::Api(error)) => Err(error),
        }
    }

    pub async fn delete_cart_item(&self, buyer_id: &str, sku_id: &str) -> Result<CartWrite, ApiError> {
        let actions = vec![item_delete(&self.table, buyer_id, sku_id)?, count_update(&self.table, buyer_id, -1)?];
        match self.transact(actions).await {
            Ok(()) => Ok(CartWrite::Done),
            Err(TransactFailure::Conditions(_)) => Ok(CartWrite::Missing),
            Err(TransactFailure::Api(error)) => Err(error),
        }
    }

    /// Removes every item, in transactions of up to 99 deletions with their count.
    pub async fn empty_cart(&self, buyer_id: &str) -> Result<usize, ApiError> {
        let items = self.cart(buyer_id).await?;
        let mut removed = 0;
        for chunk in items.chunks(99) {
            let mut actions = Vec::with_capacity(chunk.len() + 1);
            for item in chunk {
                actions.push(item_delete(&self.table, buyer_id, &item.sku_id)?);
            }
            actions.push(count_update(&self.table, buyer_id, -(chunk.len() as i64))?);
            match self.transact(actions).await {
                Ok(()) => removed += chunk.len(),
                // An item went meanwhile (another delete, or a checkout): try once more.
                Err(TransactFailure::Conditions(_)) => {
                    return Err(ApiError::Unavailable("the cart changed while it was emptied".into()))
                }
                Err(TransactFailure::Api(error)) => return Err(error),
            }
        }
        Ok(removed)
    }
}
