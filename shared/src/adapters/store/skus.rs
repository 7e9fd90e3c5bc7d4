//! SKUs: the catalog entry, and the stock moves orders make.

use super::keys::*;
use super::{build_error, decode, encode, key, n, s, store_error, Store};
use crate::domain::catalog::Sku;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

/// Takes (`reserve`, under `stock >= :q`) or gives back `quantity` units of a SKU's stock.
pub(crate) fn stock_update(
    table: &str,
    sku_id: &str,
    quantity: i64,
    reserve: bool,
) -> Result<TransactWriteItem, ApiError> {
    let mut builder = Update::builder()
        .table_name(table)
        .set_key(Some(key(sku_pk(sku_id), SKU_SK)))
        .expression_attribute_values(":q", n(quantity.abs()));
    builder = if reserve {
        builder.update_expression("SET stock = stock - :q").condition_expression("attribute_exists(PK) AND stock >= :q")
    } else {
        builder.update_expression("SET stock = stock + :q").condition_expression("attribute_exists(PK)")
    };
    Ok(TransactWriteItem::builder().update(builder.build().map_err(build_error)?).build())
}

impl Store {
    pub async fn get_sku(&self, sku_id: &str) -> Result<Option<Sku>, ApiError> {
        self.get(key(sku_pk(sku_id), SKU_SK), false).await?.map(decode).transpose()
    }

    /// Creates or replaces a SKU, unless it belongs to another shop. Returns false then.
    pub async fn put_sku(&self, sku: &Sku) -> Result<bool, ApiError> {
        let mut item = encode(sku)?;
        item.extend(key(sku_pk(&sku.sku_id), SKU_SK));
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK) OR seller_id = :seller")
            .expression_attribute_values(":seller", s(sku.seller_id.clone()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(error) => Err(store_error(error)),
        }
    }
}
