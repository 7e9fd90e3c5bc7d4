//! Lists of orders (newest first, one index partition per filter) and the sparse due index the
//! schedules read.

use super::keys::*;
use super::order_item::order_from_item;
use super::table::{s, store_error, Item, Store};
use crate::domain::order::{Deadline, Order, OrderStatus};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap};

/// A filtered list reads at most this many pages of the store per request, and evaluates at
/// most this many times `limit + 1` items in all (what bounds a request's read units).
pub const MAX_QUERY_PAGES: usize = 5;

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
    /// Only orders with an open after-sales case (`status=after_sales`).
    pub open_case: bool,
    pub limit: usize,
    /// How many items of the partition a read evaluates (DynamoDB's `Limit`, which counts items
    /// before the filter): `limit + 1` when unset, enough when the filter keeps most of them. A
    /// caller that knows how sparse the matches are (from the counters) sets more, so a sparse
    /// page is still one Query.
    pub items_per_read: Option<usize>,
    pub start: Option<BTreeMap<String, String>>,
}

/// Where a partition's items are and how they are keyed.
struct PartitionKeys {
    index: Option<&'static str>,
    pk_name: &'static str,
    sk_name: &'static str,
    pk_value: String,
    /// The base table's sort key carries the `ORDER#` prefix; the indexes' do not.
    sk_prefixed: bool,
}

impl Partition {
    fn keys(&self) -> PartitionKeys {
        let (index, pk_name, sk_name, pk_value, sk_prefixed) = match self {
            Partition::Buyer(buyer) => (None, PK, SK, buyer_pk(buyer), true),
            // A buyer's orders are few: the table itself, filtered by status.
            Partition::BuyerStatus(buyer, _) => (None, PK, SK, buyer_pk(buyer), true),
            Partition::Seller(seller) => (Some(SELLER_INDEX), SELLER_PK, SELLER_SK, seller_pk(seller), false),
            Partition::SellerStatus(seller, status) => (
                Some(SELLER_STATUS_INDEX),
                SELLER_STATUS_PK,
                SELLER_STATUS_SK,
                seller_status_pk(seller, status.as_str()),
                false,
            ),
        };
        PartitionKeys { index, pk_name, sk_name, pk_value, sk_prefixed }
    }

    /// The attributes of a position in this partition (what a cursor holds).
    pub fn key_names(&self) -> Vec<&'static str> {
        let keys = self.keys();
        match keys.index {
            None => vec![PK, SK],
            Some(_) => vec![PK, SK, keys.pk_name, keys.sk_name],
        }
    }
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
            open_case: false,
            limit,
            items_per_read: None,
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

impl Store {
    /// One page of orders, newest first.
    pub async fn query_orders(&self, query: &OrderQuery) -> Result<OrderPage, ApiError> {
        let PartitionKeys { index, pk_name, sk_name, pk_value, sk_prefixed } = query.partition.keys();
        let sort_value = |order_no: &str| {
            if sk_prefixed {
                order_sk(order_no)
            } else {
                order_no.to_string()
            }
        };
        let pk_value_text = pk_value.clone();
        let mut values: HashMap<String, AttributeValue> = HashMap::from([(":pk".to_string(), s(pk_value))]);
        let key_condition = match &query.order_no_range {
            Some((low, high)) => {
                values.insert(":low".into(), s(sort_value(low)));
                values.insert(":high".into(), s(sort_value(high)));
                format!("{pk_name} = :pk AND {sk_name} BETWEEN :low AND :high")
            }
            None if sk_prefixed => {
                values.insert(":prefix".into(), s(ORDER_SK_PREFIX));
                begins_with_condition(pk_name, sk_name)
            }
            None => format!("{pk_name} = :pk"),
        };
        let mut names: HashMap<String, String> = HashMap::new();
        let mut filters = Vec::new();
        if matches!(query.partition, Partition::Buyer(_) | Partition::BuyerStatus(..)) {
            values.insert(":false".into(), AttributeValue::Bool(false));
            filters.push("deleted = :false".to_string());
        }
        let statuses = match &query.partition {
            Partition::BuyerStatus(_, status) if query.statuses.is_empty() => vec![*status],
            _ => query.statuses.clone(),
        };
        if !statuses.is_empty() {
            names.insert("#status".into(), "status".into());
            let placeholders: Vec<String> = statuses
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
        if query.open_case {
            filters.push(format!("attribute_exists({OPEN_CASE})"));
        }
        let filter = (!filters.is_empty()).then(|| filters.join(" AND "));

        let key_names = query.partition.key_names();
        // A start position of another partition would be refused by DynamoDB: refuse it first.
        if let Some(position) = &query.start {
            let same_keys =
                position.len() == key_names.len() && key_names.iter().all(|name| position.contains_key(*name));
            if !same_keys || position.get(pk_name) != Some(&pk_value_text) {
                return Err(ApiError::invalid("cursor", "does not belong to this list"));
            }
        }
        let mut start: Option<Item> = query
            .start
            .as_ref()
            .map(|position| position.iter().map(|(name, value)| (name.clone(), s(value.clone()))).collect());
        let mut items: Vec<Item> = Vec::new();
        let mut pages = 0;
        let mut evaluable = MAX_QUERY_PAGES * (query.limit + 1);
        loop {
            pages += 1;
            let want = (query.limit + 1 - items.len()).max(query.items_per_read.unwrap_or(0)).min(evaluable);
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
            evaluable = evaluable.saturating_sub(usize::try_from(output.scanned_count).unwrap_or(want));
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if items.len() > query.limit || start.is_none() || pages >= MAX_QUERY_PAGES || evaluable == 0 {
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
        let orders = items.into_iter().map(order_from_item).collect::<Result<Vec<Order>, _>>()?;
        Ok(OrderPage { orders, next })
    }

    /// Orders whose `deadline` is at or before `now`: (buyer, order_no), read from the sparse due
    /// index only. Not an `async fn` of its own: the schedules' futures are deep already, and one
    /// more state machine here takes their type past the compiler's depth limit.
    pub fn due_orders(
        &self,
        deadline: Deadline,
        now: Timestamp,
        limit: usize,
    ) -> impl std::future::Future<Output = Result<Vec<(String, String)>, ApiError>> + Send + '_ {
        let partitions = (0..DUE_SHARDS).map(|shard| due_pk(deadline, shard)).collect();
        self.due_keys(partitions, now, limit, |pk, sk| Some((buyer_of_pk(pk)?, order_no_of_sk(sk)?)))
    }

    /// The keys of what `partitions` of the due index hold at or before `now` (at most `limit`),
    /// each read by `key_of(PK, SK)` into the two ids the caller needs.
    pub(crate) async fn due_keys(
        &self,
        partitions: Vec<String>,
        now: Timestamp,
        limit: usize,
        key_of: impl for<'a> Fn(&'a str, &'a str) -> Option<(&'a str, &'a str)> + Send,
    ) -> Result<Vec<(String, String)>, ApiError> {
        let bound = due_sk_bound(now.millis());
        let mut due = Vec::new();
        for partition in partitions {
            let mut start: Option<Item> = None;
            loop {
                let output = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .index_name(DUE_INDEX)
                    .key_condition_expression(format!("{DUE_PK} = :pk AND {DUE_SK} <= :bound"))
                    .expression_attribute_values(":pk", s(partition.clone()))
                    .expression_attribute_values(":bound", s(bound.clone()))
                    .set_exclusive_start_key(start.take())
                    .limit((limit - due.len()).max(1) as i32)
                    .send()
                    .await
                    .map_err(store_error)?;
                for item in output.items.unwrap_or_default() {
                    let pk = item.get(PK).and_then(|v| v.as_s().ok());
                    let sk = item.get(SK).and_then(|v| v.as_s().ok());
                    if let Some((first, second)) = pk.zip(sk).and_then(|(pk, sk)| key_of(pk, sk)) {
                        due.push((first.to_string(), second.to_string()));
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
}
