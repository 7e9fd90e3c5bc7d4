//! An order: its item (with the index attributes), its order-number claim, reading it, and
//! storing a transition under a condition on the version that was read.

use super::counters::counter_update;
use super::keys::*;
use super::order_item::{order_from_item, order_item};
use super::points::points_update;
use super::skus::stock_update;
use super::table::{
    build_error, key, n, s, store_error, write_token, written_by, Item, Store, TransactFailure, LAST_WRITE,
};
use crate::domain::counters::bucket_delta;
use crate::domain::order::Order;
use crate::domain::party::Side;
use crate::domain::state::SideEffects;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

#[derive(Debug)]
pub enum CommitError {
    /// The order changed since it was read; read again.
    Stale,
    Api(ApiError),
}

impl From<ApiError> for CommitError {
    fn from(error: ApiError) -> Self {
        CommitError::Api(error)
    }
}

/// The order-number claim: makes the number unique and names the order's buyer and shop.
pub(crate) fn order_no_claim(order: &Order) -> Item {
    let mut claim = key(order_no_pk(&order.order_no), ORDER_NO_SK);
    claim.insert("buyer_id".into(), s(order.buyer_id.clone()));
    claim.insert("seller_id".into(), s(order.seller_id.clone()));
    claim
}

/// The buyer and shop a claim names.
fn claim_owner(claim: &Item) -> Option<(String, String)> {
    let buyer = claim.get("buyer_id")?.as_s().ok()?.clone();
    let seller = claim.get("seller_id")?.as_s().ok()?.clone();
    Some((buyer, seller))
}

/// The order's new item, written only if the stored version is still the one that was read;
/// `token` marks the write, so that a retry of it (after a lost answer) is recognised.
fn versioned_put(table: &str, after: &Order, read_version: u64, token: &str) -> Result<Put, ApiError> {
    let mut item = order_item(after)?;
    item.insert(LAST_WRITE.into(), s(token));
    Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("#version = :version")
        .expression_attribute_names("#version", "version")
        .expression_attribute_values(":version", n(read_version))
        .build()
        .map_err(build_error)
}

impl Store {
    /// After a failed version condition: Ok when the order holds this very write (an earlier
    /// attempt of it landed and its answer was lost), else Stale (another write came first).
    async fn stale_unless_written(&self, order: &Order, token: &str) -> Result<(), CommitError> {
        let stored = self.get(key(buyer_pk(&order.buyer_id), order_sk(&order.order_no)), true).await?;
        if written_by(stored.as_ref(), token) {
            Ok(())
        } else {
            Err(CommitError::Stale)
        }
    }

    pub async fn get_order(&self, buyer_id: &str, order_no: &str) -> Result<Option<Order>, ApiError> {
        self.get(key(buyer_pk(buyer_id), order_sk(order_no)), true).await?.map(order_from_item).transpose()
    }

    /// Several orders of one buyer in one BatchGetItem; missing ones are left out.
    pub async fn get_orders(&self, buyer_id: &str, order_nos: &[String]) -> Result<Vec<Order>, ApiError> {
        let keys: Vec<Item> = order_nos.iter().map(|no| key(buyer_pk(buyer_id), order_sk(no))).collect();
        self.batch_get(keys).await?.into_iter().map(order_from_item).collect()
    }

    /// The buyer and seller of an order number (for routes that know only the number).
    pub async fn order_owner(&self, order_no: &str) -> Result<Option<(String, String)>, ApiError> {
        Ok(self.get(key(order_no_pk(order_no), ORDER_NO_SK), false).await?.as_ref().and_then(claim_owner))
    }

    /// Any order by its number: the number claim names the buyer, then one consistent read.
    pub async fn order_by_no(&self, order_no: &str) -> Result<Option<Order>, ApiError> {
        match self.order_owner(order_no).await? {
            Some((buyer_id, _)) => self.get_order(&buyer_id, order_no).await,
            None => Ok(None),
        }
    }

    /// A shop's order by number, from the seller index in one Query (eventually consistent:
    /// for display; state changes read with `order_by_no`).
    pub async fn seller_order(&self, seller_id: &str, order_no: &str) -> Result<Option<Order>, ApiError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(SELLER_INDEX)
            .key_condition_expression(format!("{SELLER_PK} = :pk AND {SELLER_SK} = :no"))
            .expression_attribute_values(":pk", s(seller_pk(seller_id)))
            .expression_attribute_values(":no", s(order_no))
            .send()
            .await
            .map_err(store_error)?;
        output.items.unwrap_or_default().into_iter().next().map(order_from_item).transpose()
    }

    /// Orders by number, whoever bought them: number claims, then the orders (two BatchGetItems).
    pub async fn orders_by_nos(&self, order_nos: &[String]) -> Result<Vec<Order>, ApiError> {
        let claims = self.batch_get(order_nos.iter().map(|no| key(order_no_pk(no), ORDER_NO_SK)).collect()).await?;
        let keys: Vec<Item> = claims
            .iter()
            .filter_map(|claim| {
                let (buyer, _) = claim_owner(claim)?;
                let no = order_no_of_claim_pk(claim.get(PK)?.as_s().ok()?)?;
                Some(key(buyer_pk(&buyer), order_sk(no)))
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.batch_get(keys).await?.into_iter().map(order_from_item).collect()
    }

    /// Stores a transition: the new order under a condition on the version that was read, stock
    /// given back, points and counters moved, all in one write.
    pub async fn commit_transition(
        &self,
        before: &Order,
        after: &Order,
        effects: &SideEffects,
    ) -> Result<(), CommitError> {
        let token = write_token();
        let order_put = versioned_put(&self.table, after, before.version, &token)?;
        let mut others = Vec::new();
        if effects.restore_points > 0 {
            others.push(points_update(&self.table, &before.buyer_id, effects.restore_points)?);
        }
        for shard_move in &effects.stock {
            others.push(stock_update(&self.table, &shard_move.sku_id, shard_move.shard, shard_move.stock_move)?);
        }
        let buyer_key = key(buyer_pk(&before.buyer_id), COUNTS_SK);
        if let Some(update) = counter_update(&self.table, buyer_key, &bucket_delta(Some(before), after, Side::Buyer))? {
            others.push(update);
        }
        let seller_key = key(seller_pk(&before.seller_id), seller_counts_sk(seller_counter_shard(before)));
        if let Some(update) = counter_update(&self.table, seller_key, &bucket_delta(Some(before), after, Side::Seller))?
        {
            others.push(update);
        }

        if others.is_empty() {
            // Only the order changes: one conditional PutItem is enough.
            let put = || {
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(order_put.item.clone()))
                    .set_condition_expression(order_put.condition_expression.clone())
                    .set_expression_attribute_names(order_put.expression_attribute_names.clone())
                    .set_expression_attribute_values(order_put.expression_attribute_values.clone())
                    .send()
            };
            let result = self.write_item(put).await;
            return match result {
                Ok(_) => Ok(()),
                Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                    self.stale_unless_written(before, &token).await
                }
                Err(error) => Err(CommitError::Api(store_error(error))),
            };
        }
        let mut actions = vec![TransactWriteItem::builder().put(order_put).build()];
        actions.extend(others);
        match self.transact(actions).await {
            Ok(()) => Ok(()),
            Err(TransactFailure::Conditions(failed)) if failed.contains(&0) => {
                self.stale_unless_written(before, &token).await
            }
            // A stock move's condition (`reserved >= :q`) only fails when a SKU's figures do not
            // match its orders (e.g. a SKU that `migrate-stock` has not converted yet).
            Err(TransactFailure::Conditions(failed)) => Err(CommitError::Api(ApiError::Internal(format!(
                "transition of {} cancelled at actions {failed:?}: stock figures do not match the order",
                before.order_no
            )))),
            Err(TransactFailure::Api(error)) => Err(CommitError::Api(error)),
        }
    }
}
