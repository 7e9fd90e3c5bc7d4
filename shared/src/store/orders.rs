//! Orders, counters and idempotency records.

use super::keys::*;
use super::{build_error, decode, encode, key, n, s, store_error, Item, Store};
use crate::error::ApiError;
use crate::order::{Order, OrderStatus};
use crate::state::{bucket_delta, Bucket, SideEffects, Viewer};
use crate::time::Timestamp;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem, Update};
use std::collections::{BTreeMap, HashMap};

/// Idempotency records are kept this long (DynamoDB TTL removes them after).
const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 3600;
/// A filtered list reads at most this many pages of the store per request.
const MAX_QUERY_PAGES: usize = 5;

pub struct IdempotencyClaim<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
}

#[derive(Debug)]
pub enum CreateOutcome {
    Created,
    /// The key was used before with the same body: these orders.
    Replayed(Vec<String>),
    IdempotencyMismatch,
    OutOfStock(String),
    /// The buyer's points balance is below what the orders spend.
    NotEnoughPoints,
    /// A generated order number already exists; generate new ones and try again.
    OrderNoTaken,
}

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

/// Which index partition a list reads.
#[derive(Debug, Clone)]
pub enum Partition {
    Buyer(String),
    BuyerStatus(String, OrderStatus),
    Seller(String),
    SellerStatus(String, OrderStatus),
}

#[derive(Debug, Clone)]
pub struct OrderQuery {
    pub partition: Partition,
    /// Order numbers (hence creation times) between these, inclusive.
    pub order_no_range: Option<(String, String)>,
    /// Keep only these statuses (used when more than one is asked for).
    pub statuses: Vec<OrderStatus>,
    /// Lower-case text a product name must contain.
    pub product_name: Option<String>,
    /// Only this buyer's orders (for a shop's list).
    pub buyer_id: Option<String>,
    /// Leave out unpaid orders whose payment deadline is at or before this (they read as closed).
    pub hide_expired_at: Option<Timestamp>,
    pub limit: usize,
    pub start: Option<BTreeMap<String, String>>,
}

impl OrderQuery {
    /// Every order of a partition, newest first, `limit` a page.
    pub fn new(partition: Partition, limit: usize) -> OrderQuery {
        OrderQuery {
            partition,
            order_no_range: None,
            statuses: Vec::new(),
            product_name: None,
            buyer_id: None,
            hide_expired_at: None,
            limit,
            start: None,
        }
    }
}

#[derive(Debug)]
pub struct OrderPage {
    pub orders: Vec<Order>,
    /// Where the next page starts, if there may be one.
    pub next: Option<BTreeMap<String, String>>,
}

fn order_item(order: &Order) -> Result<Item, ApiError> {
    let mut item = encode(order)?;
    item.insert(PK.into(), s(buyer_pk(&order.buyer_id)));
    item.insert(SK.into(), s(order_sk(&order.order_no)));
    if !order.deleted {
        item.insert(BUYER_STATUS_PK.into(), s(buyer_status_pk(&order.buyer_id, order.status.as_str())));
        item.insert(BUYER_STATUS_SK.into(), s(order.order_no.clone()));
    }
    item.insert(SELLER_PK.into(), s(seller_pk(&order.seller_id)));
    item.insert(SELLER_SK.into(), s(order.order_no.clone()));
    item.insert(SELLER_STATUS_PK.into(), s(seller_status_pk(&order.seller_id, order.status.as_str())));
    item.insert(SELLER_STATUS_SK.into(), s(order.order_no.clone()));
    let due = match (order.status, order.expires_at, order.auto_confirm_at) {
        (OrderStatus::PendingPayment, Some(at), _) => Some(("pay", at)),
        (OrderStatus::Shipped, _, Some(at)) => Some(("confirm", at)),
        _ => None,
    };
    if let Some((kind, at)) = due {
        item.insert(DUE_PK.into(), s(due_pk(kind, due_shard(&order.order_no))));
        item.insert(DUE_SK.into(), s(due_sk(at.millis(), &order.order_no)));
    }
    let search: Vec<String> = order.lines.iter().map(|line| line.product_name.to_lowercase()).collect();
    item.insert("search".into(), s(search.join("\n")));
    Ok(item)
}

/// `ADD` of counter deltas to one counter item; None when nothing moves.
fn counter_update(
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

fn sum_deltas(deltas: impl IntoIterator<Item = (Bucket, i64)>) -> Vec<(Bucket, i64)> {
    let mut sums: BTreeMap<Bucket, i64> = BTreeMap::new();
    for (bucket, delta) in deltas {
        *sums.entry(bucket).or_default() += delta;
    }
    sums.into_iter().filter(|(_, delta)| *delta != 0).collect()
}

fn stock_update(table: &str, sku_id: &str, delta: i64, reserve: bool) -> Result<TransactWriteItem, ApiError> {
    let mut builder = Update::builder()
        .table_name(table)
        .set_key(Some(key(sku_pk(sku_id), SKU_SK)))
        .expression_attribute_values(":q", n(delta.abs()));
    builder = if reserve {
        builder.update_expression("SET stock = stock - :q").condition_expression("attribute_exists(PK) AND stock >= :q")
    } else {
        builder.update_expression("SET stock = stock + :q").condition_expression("attribute_exists(PK)")
    };
    Ok(TransactWriteItem::builder().update(builder.build().map_err(build_error)?).build())
}

fn put(table: &str, item: Item, condition: &str) -> Result<TransactWriteItem, ApiError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(condition)
        .build()
        .map_err(build_error)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Which condition failed in a cancelled transaction, by action index.
fn failed_conditions(error: &TransactWriteItemsError) -> Vec<usize> {
    match error {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled
            .cancellation_reasons()
            .iter()
            .enumerate()
            .filter(|(_, reason)| reason.code() == Some("ConditionalCheckFailed"))
            .map(|(index, _)| index)
            .collect(),
        _ => Vec::new(),
    }
}

enum Step {
    Stock(String),
    Order,
    Other,
    Idempotency,
    Points,
}

/// `balance` of the buyer's points item moves by `delta`; spending requires enough balance.
fn points_update(table: &str, buyer_id: &str, delta: i64) -> Result<TransactWriteItem, ApiError> {
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key(buyer_pk(buyer_id), POINTS_SK)))
        .expression_attribute_values(":p", n(delta.abs()));
    update = if delta < 0 {
        update.update_expression("SET balance = balance - :p").condition_expression("balance >= :p")
    } else {
        update.update_expression("ADD balance :p")
    };
    Ok(TransactWriteItem::builder().update(update.build().map_err(build_error)?).build())
}

impl Store {
    pub async fn get_order(&self, buyer_id: &str, order_no: &str) -> Result<Option<Order>, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), order_sk(order_no))))
            .consistent_read(true)
            .send()
            .await
            .map_err(store_error)?;
        output.item.map(decode).transpose()
    }

    /// Several orders of one buyer in one BatchGetItem; missing ones are left out.
    pub async fn get_orders(&self, buyer_id: &str, order_nos: &[String]) -> Result<Vec<Order>, ApiError> {
        let keys: Vec<Item> = order_nos.iter().map(|no| key(buyer_pk(buyer_id), order_sk(no))).collect();
        let items = self.batch_get(keys).await?;
        items.into_iter().map(decode).collect()
    }

    /// BatchGetItem with strongly consistent reads; retries unprocessed keys.
    pub(crate) async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, ApiError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(true)
                    .build()
                    .map_err(build_error)?,
            );
            let mut attempts = 0;
            while let Some(request) = pending.take() {
                attempts += 1;
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(store_error)?;
                if let Some(mut responses) = output.responses {
                    found.extend(responses.remove(&self.table).unwrap_or_default());
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                    .filter(|rest| !rest.keys.is_empty());
                if pending.is_some() && attempts >= 5 {
                    return Err(ApiError::Unavailable("batch get kept leaving keys unprocessed".into()));
                }
            }
        }
        Ok(found)
    }

    /// Creates orders in one transaction: stock reserved, orders and their number claims
    /// written, counters moved, the idempotency record kept. All or nothing.
    pub async fn create_orders(
        &self,
        orders: &[Order],
        idempotency: Option<IdempotencyClaim<'_>>,
        now: Timestamp,
    ) -> Result<CreateOutcome, ApiError> {
        let Some(first) = orders.first() else {
            return Err(ApiError::Internal("no orders to create".into()));
        };
        let buyer_id = &first.buyer_id;
        let mut actions = Vec::new();
        let mut steps = Vec::new();

        let mut reserve: BTreeMap<&str, i64> = BTreeMap::new();
        for line in orders.iter().flat_map(|order| &order.lines) {
            *reserve.entry(&line.sku_id).or_default() += i64::from(line.quantity);
        }
        for (sku_id, quantity) in reserve {
            actions.push(stock_update(&self.table, sku_id, quantity, true)?);
            steps.push(Step::Stock(sku_id.to_string()));
        }
        for order in orders {
            actions.push(put(&self.table, order_item(order)?, "attribute_not_exists(PK)")?);
            steps.push(Step::Order);
            let mut claim = key(order_no_pk(&order.order_no), ORDER_NO_SK);
            claim.insert("buyer_id".into(), s(order.buyer_id.clone()));
            claim.insert("seller_id".into(), s(order.seller_id.clone()));
            actions.push(put(&self.table, claim, "attribute_not_exists(PK)")?);
            steps.push(Step::Order);
            let shard = seller_counter_shard(&order.order_no);
            let seller_key = key(seller_pk(&order.seller_id), seller_counts_sk(shard));
            if let Some(update) = counter_update(&self.table, seller_key, &bucket_delta(None, order, Viewer::Seller))? {
                actions.push(update);
                steps.push(Step::Other);
            }
        }
        let points: i64 = orders.iter().map(|order| order.amounts.points_used).sum();
        if points > 0 {
            actions.push(points_update(&self.table, buyer_id, -points)?);
            steps.push(Step::Points);
        }
        let buyer_deltas = sum_deltas(orders.iter().flat_map(|order| bucket_delta(None, order, Viewer::Buyer)));
        if let Some(update) = counter_update(&self.table, key(buyer_pk(buyer_id), COUNTS_SK), &buyer_deltas)? {
            actions.push(update);
            steps.push(Step::Other);
        }
        if let Some(claim) = &idempotency {
            let mut record = key(buyer_pk(buyer_id), idempotency_sk(claim.key));
            record.insert("fingerprint".into(), s(claim.fingerprint));
            record.insert(
                "order_nos".into(),
                AttributeValue::L(orders.iter().map(|order| s(order.order_no.clone())).collect()),
            );
            record.insert("created_at".into(), s(now.to_string()));
            record.insert("ttl".into(), n(now.millis() / 1000 + IDEMPOTENCY_TTL_SECONDS));
            actions.push(put(&self.table, record, "attribute_not_exists(PK)")?);
            steps.push(Step::Idempotency);
        }

        let result = self.client.transact_write_items().set_transact_items(Some(actions)).send().await;
        let error = match result {
            Ok(_) => return Ok(CreateOutcome::Created),
            Err(error) => error,
        };
        let failed = match error.as_service_error() {
            Some(service) => failed_conditions(service),
            None => Vec::new(),
        };
        if failed.is_empty() {
            return Err(store_error(error));
        }
        // Precedence: a replay answers with the first result even if stock has run out since.
        if failed.iter().any(|index| matches!(steps.get(*index), Some(Step::Idempotency))) {
            if let Some(claim) = idempotency {
                return self.idempotency_outcome(buyer_id, claim).await;
            }
        }
        for index in &failed {
            if let Some(Step::Stock(sku_id)) = steps.get(*index) {
                return Ok(CreateOutcome::OutOfStock(sku_id.clone()));
            }
        }
        if failed.iter().any(|index| matches!(steps.get(*index), Some(Step::Points))) {
            return Ok(CreateOutcome::NotEnoughPoints);
        }
        if failed.iter().any(|index| matches!(steps.get(*index), Some(Step::Order))) {
            return Ok(CreateOutcome::OrderNoTaken);
        }
        Err(ApiError::Internal(format!("create transaction cancelled at actions {failed:?}")))
    }

    /// The outcome for an Idempotency-Key that is already recorded.
    pub async fn idempotency_outcome(
        &self,
        buyer_id: &str,
        claim: IdempotencyClaim<'_>,
    ) -> Result<CreateOutcome, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), idempotency_sk(claim.key))))
            .consistent_read(true)
            .send()
            .await
            .map_err(store_error)?;
        let Some(record) = output.item else {
            return Err(ApiError::Unavailable("idempotency record not visible yet".into()));
        };
        Ok(Self::read_idempotency_record(&record, claim.fingerprint))
    }

    pub(crate) fn read_idempotency_record(record: &Item, fingerprint: &str) -> CreateOutcome {
        let same = matches!(record.get("fingerprint"), Some(AttributeValue::S(stored)) if stored == fingerprint);
        if !same {
            return CreateOutcome::IdempotencyMismatch;
        }
        let order_nos = match record.get("order_nos") {
            Some(AttributeValue::L(list)) => list.iter().filter_map(|value| value.as_s().ok().cloned()).collect(),
            _ => Vec::new(),
        };
        CreateOutcome::Replayed(order_nos)
    }

    /// Stores a transition: the new order under a condition on the version that was read, stock
    /// given back, counters moved, all in one write.
    pub async fn commit_transition(
        &self,
        before: &Order,
        after: &Order,
        effects: &SideEffects,
    ) -> Result<(), CommitError> {
        let item = order_item(after)?;
        let order_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item.clone()))
            .condition_expression("#version = :version")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":version", n(before.version))
            .build()
            .map_err(build_error)?;
        let mut others = Vec::new();
        if effects.restore_points > 0 {
            others.push(points_update(&self.table, &before.buyer_id, effects.restore_points)?);
        }
        for (sku_id, quantity) in &effects.restore_stock {
            others.push(stock_update(&self.table, sku_id, i64::from(*quantity), false)?);
        }
        let buyer_key = key(buyer_pk(&before.buyer_id), COUNTS_SK);
        if let Some(update) = counter_update(&self.table, buyer_key, &bucket_delta(Some(before), after, Viewer::Buyer))?
        {
            others.push(update);
        }
        let seller_key = key(seller_pk(&before.seller_id), seller_counts_sk(seller_counter_shard(&before.order_no)));
        if let Some(update) =
            counter_update(&self.table, seller_key, &bucket_delta(Some(before), after, Viewer::Seller))?
        {
            others.push(update);
        }

        if others.is_empty() {
            // Only the order changes: one conditional PutItem is enough.
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("#version = :version")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":version", n(before.version))
                .send()
                .await;
            return match result {
                Ok(_) => Ok(()),
                Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                    Err(CommitError::Stale)
                }
                Err(error) => Err(CommitError::Api(store_error(error))),
            };
        }
        let mut actions = vec![TransactWriteItem::builder().put(order_put).build()];
        actions.extend(others);
        match self.client.transact_write_items().set_transact_items(Some(actions)).send().await {
            Ok(_) => Ok(()),
            Err(error) => {
                let failed = error.as_service_error().map(failed_conditions).unwrap_or_default();
                if failed.contains(&0) {
                    Err(CommitError::Stale)
                } else if failed.is_empty() {
                    Err(CommitError::Api(store_error(error)))
                } else {
                    Err(CommitError::Api(ApiError::Internal(format!("transition cancelled at actions {failed:?}"))))
                }
            }
        }
    }

    pub async fn buyer_counts(&self, buyer_id: &str) -> Result<Counts, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), COUNTS_SK)))
            .send()
            .await
            .map_err(store_error)?;
        Ok(Counts::from_items(output.item.as_ref()))
    }

    /// A shop's counters: the sum of its shards, read with one Query.
    pub async fn seller_counts(&self, seller_id: &str) -> Result<Counts, ApiError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", s(seller_pk(seller_id)))
            .expression_attribute_values(":prefix", s(SELLER_COUNTS_PREFIX))
            .send()
            .await
            .map_err(store_error)?;
        Ok(Counts::from_items(output.items()))
    }

    /// One page of orders, newest first.
    pub async fn query_orders(&self, query: &OrderQuery) -> Result<OrderPage, ApiError> {
        let (index, pk_name, sk_name, pk_value, sk_prefixed) = match &query.partition {
            Partition::Buyer(buyer) => (None, PK, SK, buyer_pk(buyer), true),
            Partition::BuyerStatus(buyer, status) => (
                Some(BUYER_STATUS_INDEX),
                BUYER_STATUS_PK,
                BUYER_STATUS_SK,
                buyer_status_pk(buyer, status.as_str()),
                false,
            ),
            Partition::Seller(seller) => (Some(SELLER_INDEX), SELLER_PK, SELLER_SK, seller_pk(seller), false),
            Partition::SellerStatus(seller, status) => (
                Some(SELLER_STATUS_INDEX),
                SELLER_STATUS_PK,
                SELLER_STATUS_SK,
                seller_status_pk(seller, status.as_str()),
                false,
            ),
        };
        let sort_value = |order_no: &str| {
            if sk_prefixed {
                order_sk(order_no)
            } else {
                order_no.to_string()
            }
        };
        let mut values: HashMap<String, AttributeValue> = HashMap::from([(":pk".to_string(), s(pk_value))]);
        let key_condition = match &query.order_no_range {
            Some((low, high)) => {
                values.insert(":low".into(), s(sort_value(low)));
                values.insert(":high".into(), s(sort_value(high)));
                format!("{pk_name} = :pk AND {sk_name} BETWEEN :low AND :high")
            }
            None if sk_prefixed => {
                values.insert(":prefix".into(), s(ORDER_SK_PREFIX));
                format!("{pk_name} = :pk AND begins_with({sk_name}, :prefix)")
            }
            None => format!("{pk_name} = :pk"),
        };
        let mut names: HashMap<String, String> = HashMap::new();
        let mut filters = Vec::new();
        if matches!(query.partition, Partition::Buyer(_)) {
            values.insert(":false".into(), AttributeValue::Bool(false));
            filters.push("deleted = :false".to_string());
        }
        if !query.statuses.is_empty() {
            names.insert("#status".into(), "status".into());
            let placeholders: Vec<String> = query
                .statuses
                .iter()
                .enumerate()
                .map(|(index, status)| {
                    values.insert(format!(":s{index}"), s(status.as_str()));
                    format!(":s{index}")
                })
                .collect();
            filters.push(format!("#status IN ({})", placeholders.join(", ")));
        }
        if let Some(needle) = &query.product_name {
            names.insert("#search".into(), "search".into());
            values.insert(":needle".into(), s(needle.clone()));
            filters.push("contains(#search, :needle)".to_string());
        }
        if let Some(buyer_id) = &query.buyer_id {
            values.insert(":buyer".into(), s(buyer_id.clone()));
            filters.push("buyer_id = :buyer".to_string());
        }
        if let Some(now) = query.hide_expired_at {
            names.insert("#status".into(), "status".into());
            values.insert(":pending".into(), s(OrderStatus::PendingPayment.as_str()));
            values.insert(":now".into(), s(now.to_string()));
            filters.push("NOT (#status = :pending AND expires_at <= :now)".to_string());
        }
        let filter = (!filters.is_empty()).then(|| filters.join(" AND "));

        let key_names: Vec<&str> = match index {
            None => vec![PK, SK],
            Some(_) => vec![PK, SK, pk_name, sk_name],
        };
        let mut start: Option<Item> = query
            .start
            .as_ref()
            .map(|position| position.iter().map(|(name, value)| (name.clone(), s(value.clone()))).collect());
        if let Some(position) = &start {
            if key_names.iter().any(|name| !position.contains_key(*name)) || position.len() != key_names.len() {
                return Err(ApiError::invalid("cursor", "does not belong to this list"));
            }
        }
        let mut items: Vec<Item> = Vec::new();
        let mut pages = 0;
        loop {
            pages += 1;
            let want = query.limit + 1 - items.len();
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_string))
                .key_condition_expression(&key_condition)
                .set_filter_expression(filter.clone())
                .set_expression_attribute_names((!names.is_empty()).then(|| names.clone()))
                .set_expression_attribute_values(Some(values.clone()))
                .scan_index_forward(false)
                .limit(want as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(store_error)?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if items.len() > query.limit || start.is_none() || pages >= MAX_QUERY_PAGES {
                break;
            }
        }
        let position_of = |item: &Item| -> BTreeMap<String, String> {
            key_names
                .iter()
                .filter_map(|name| {
                    item.get(*name).and_then(|value| value.as_s().ok()).map(|value| (name.to_string(), value.clone()))
                })
                .collect()
        };
        let next = if items.len() > query.limit {
            items.truncate(query.limit);
            items.last().map(position_of)
        } else {
            start.map(|position| {
                position
                    .into_iter()
                    .filter_map(|(name, value)| value.as_s().ok().map(|value| (name, value.clone())))
                    .collect()
            })
        };
        let orders = items.into_iter().map(decode).collect::<Result<Vec<Order>, _>>()?;
        Ok(OrderPage { orders, next })
    }

    /// The buyer and seller of an order number (for routes that know only the number).
    pub async fn order_owner(&self, order_no: &str) -> Result<Option<(String, String)>, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(order_no_pk(order_no), ORDER_NO_SK)))
            .send()
            .await
            .map_err(store_error)?;
        Ok(output.item.and_then(|item| {
            let buyer = item.get("buyer_id")?.as_s().ok()?.clone();
            let seller = item.get("seller_id")?.as_s().ok()?.clone();
            Some((buyer, seller))
        }))
    }
}

impl Store {
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
            .key_condition_expression("GSI2PK = :pk AND GSI2SK = :no")
            .expression_attribute_values(":pk", s(seller_pk(seller_id)))
            .expression_attribute_values(":no", s(order_no))
            .send()
            .await
            .map_err(store_error)?;
        output.items.unwrap_or_default().into_iter().next().map(decode).transpose()
    }

    /// Orders by number, whoever bought them: number claims, then the orders (two BatchGetItems).
    pub async fn orders_by_nos(&self, order_nos: &[String]) -> Result<Vec<Order>, ApiError> {
        let claims = self.batch_get(order_nos.iter().map(|no| key(order_no_pk(no), ORDER_NO_SK)).collect()).await?;
        let keys: Vec<Item> = claims
            .iter()
            .filter_map(|claim| {
                let buyer = claim.get("buyer_id")?.as_s().ok()?;
                let no = claim.get(PK)?.as_s().ok()?.strip_prefix("ORDERNO#")?;
                Some(key(buyer_pk(buyer), order_sk(no)))
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.batch_get(keys).await?.into_iter().map(decode).collect()
    }

    /// Orders whose deadline of `kind` (`pay` or `confirm`) is at or before `now`: (buyer, order_no),
    /// read from the sparse due index only.
    pub async fn due_orders(
        &self,
        kind: &str,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<(String, String)>, ApiError> {
        let bound = format!("{:015}#~", now.millis());
        let mut due = Vec::new();
        for shard in 0..DUE_SHARDS {
            let mut start: Option<Item> = None;
            loop {
                let output = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .index_name(DUE_INDEX)
                    .key_condition_expression("DUEPK = :pk AND DUESK <= :bound")
                    .expression_attribute_values(":pk", s(due_pk(kind, shard)))
                    .expression_attribute_values(":bound", s(bound.clone()))
                    .set_exclusive_start_key(start.take())
                    .limit((limit - due.len()).max(1) as i32)
                    .send()
                    .await
                    .map_err(store_error)?;
                for item in output.items.unwrap_or_default() {
                    let buyer = item.get(PK).and_then(|v| v.as_s().ok()).and_then(|pk| pk.strip_prefix("BUYER#"));
                    let no = item.get(SK).and_then(|v| v.as_s().ok()).and_then(|sk| sk.strip_prefix(ORDER_SK_PREFIX));
                    if let (Some(buyer), Some(no)) = (buyer, no) {
                        due.push((buyer.to_string(), no.to_string()));
                    }
                }
                start = output.last_evaluated_key;
                if start.is_none() || due.len() >= limit {
                    break;
                }
            }
            if due.len() >= limit {
                break;
            }
        }
        Ok(due)
    }

    /// The buyer's points balance.
    pub async fn points_balance(&self, buyer_id: &str) -> Result<i64, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), POINTS_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(store_error)?;
        Ok(balance_of(output.item.as_ref()))
    }

    /// Adds (or with a negative amount, takes) points; never below zero. The new balance, or
    /// None when taking more than the balance.
    pub async fn grant_points(&self, buyer_id: &str, points: i64) -> Result<Option<i64>, ApiError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(buyer_pk(buyer_id), POINTS_SK)))
            .update_expression("SET balance = if_not_exists(balance, :zero) + :p")
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":p", n(points))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew);
        if points < 0 {
            request = request.condition_expression("balance >= :need").expression_attribute_values(":need", n(-points));
        }
        match request.send().await {
            Ok(output) => Ok(Some(balance_of(output.attributes.as_ref()))),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(None)
            }
            Err(error) => Err(store_error(error)),
        }
    }
}

pub(crate) fn balance_of(item: Option<&Item>) -> i64 {
    item.and_then(|item| item.get("balance"))
        .and_then(|value| value.as_n().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

impl Store {
    /// Bulk import of orders as they are (migrations, benchmarks): each order and its number
    /// claim with BatchWriteItem, then the counters moved once per counter item. Reserves no
    /// stock and is not atomic across batches; request paths never use it.
    pub async fn import_orders(&self, orders: &[Order]) -> Result<(), ApiError> {
        use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
        let mut requests = Vec::with_capacity(orders.len() * 2);
        for order in orders {
            requests.push(order_item(order)?);
            let mut claim = key(order_no_pk(&order.order_no), ORDER_NO_SK);
            claim.insert("buyer_id".into(), s(order.buyer_id.clone()));
            claim.insert("seller_id".into(), s(order.seller_id.clone()));
            requests.push(claim);
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
            counters.entry(buyer).or_default().extend(bucket_delta(None, order, Viewer::Buyer));
            let seller = (seller_pk(&order.seller_id), seller_counts_sk(seller_counter_shard(&order.order_no)));
            counters.entry(seller).or_default().extend(bucket_delta(None, order, Viewer::Seller));
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
