//! Bulk import of orders as they are (migrations, the benchmark): not a request path.

use super::counters::{counter_update, sum_deltas};
use super::keys::*;
use super::order_item::order_item;
use super::orders::order_no_claim;
use super::table::TransactFailure;
use super::table::{build_error, key, store_error, Store};
use crate::domain::catalog::StockMove;
use crate::domain::counters::{bucket_delta, Bucket};
use crate::domain::order::Order;
use crate::domain::order::OrderStatus;
use crate::domain::party::Side;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use std::collections::BTreeMap;

impl Store {
    /// Bulk import of orders as they are (migrations, benchmarks): each order and its number
    /// claim with BatchWriteItem, then the counters moved once per counter item. Reserves no
    /// stock and is not atomic across batches; request paths never use it.
    pub async fn import_orders(&self, orders: &[Order]) -> Result<(), ApiError> {
        let mut requests = Vec::with_capacity(orders.len() * 2);
        for order in orders {
            requests.push(order_item(order)?);
            requests.push(order_no_claim(order));
        }
        for chunk in requests.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder().set_item(Some(item.clone())).build().map_err(build_error)?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<_, ApiError>>()?;
            for _ in 0..10 {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(store_error)?;
                pending = output.unprocessed_items.and_then(|mut rest| rest.remove(&self.table)).unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
            }
            if !pending.is_empty() {
                return Err(ApiError::Unavailable("batch write kept leaving items unprocessed".into()));
            }
        }
        let mut counters: BTreeMap<(String, String), Vec<(Bucket, i64)>> = BTreeMap::new();
        for order in orders {
            let buyer = (buyer_pk(&order.buyer_id), COUNTS_SK.to_string());
            counters.entry(buyer).or_default().extend(bucket_delta(None, order, Side::Buyer));
            let seller = (seller_pk(&order.seller_id), seller_counts_sk(seller_counter_shard(order)));
            counters.entry(seller).or_default().extend(bucket_delta(None, order, Side::Seller));
        }
        for ((pk, sk), deltas) in counters {
            if let Some(update) = counter_update(&self.table, key(pk, sk), &sum_deltas(deltas))? {
                let update = update.update.ok_or_else(|| ApiError::Internal("counter update".into()))?;
                self.client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(update.key))
                    .update_expression(update.update_expression)
                    .set_expression_attribute_names(update.expression_attribute_names)
                    .set_expression_attribute_values(update.expression_attribute_values)
                    .send()
                    .await
                    .map_err(store_error)?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// Reserves, SKU by SKU, the units imported unshipped orders hold (what placing them would
    /// have reserved), so that later transitions of those orders move stock as for any order.
    pub async fn reserve_held_units(&self, orders: &[Order]) -> Result<(), ApiError> {
        let mut held: std::collections::BTreeMap<&str, u32> = std::collections::BTreeMap::new();
        for order in
            orders.iter().filter(|order| matches!(order.status, OrderStatus::PendingPayment | OrderStatus::Paid))
        {
            for line in &order.lines {
                *held.entry(&line.sku_id).or_default() += line.units_kept();
            }
        }
        for (sku_id, units) in held.into_iter().filter(|(_, units)| *units > 0) {
            let update = super::skus::stock_update(&self.table, sku_id, 0, StockMove::Reserve(units))?;
            self.transact(vec![update]).await.map_err(|failure| match failure {
                TransactFailure::Api(error) => error,
                TransactFailure::Conditions(_) => ApiError::OutOfStock { sku_id: sku_id.to_string() },
            })?;
        }
        Ok(())
    }
}
