//! The create transaction: stock reserved, orders and their number claims written, points spent,
//! counters moved and the idempotency record kept, all or nothing; and the one BatchGetItem a
//! checkout reads first.

use super::addresses::{AddressBook, StoredAddress};
use super::counters::{counter_update, sum_deltas};
use super::keys::*;
use super::orders::{order_item, order_no_claim};
use super::points::{balance_of, points_update};
use super::skus::{decode_sku, stock_update};
use super::{decode, key, n, put, s, sort_key, Item, Store, TransactFailure};
use crate::domain::address::AddressEntry;
use crate::domain::catalog::{Sku, StockMove};
use crate::domain::counters::bucket_delta;
use crate::domain::order::Order;
use crate::domain::party::Side;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::BTreeMap;

/// Idempotency records are kept this long (DynamoDB TTL removes them after).
const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 3600;

/// An `Idempotency-Key` and the fingerprint of the body it came with.
#[derive(Debug, Clone, Copy)]
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

/// What a checkout reads before it writes.
pub struct CheckoutReads {
    pub skus: BTreeMap<String, Sku>,
    pub address: Option<AddressEntry>,
    /// Set when the Idempotency-Key was used before.
    pub replay: Option<CreateOutcome>,
    /// The buyer's points balance, when asked for.
    pub points: i64,
}

/// What each action of the create transaction is, to explain a cancellation.
enum Step {
    Stock(String),
    Order,
    Other,
    Idempotency,
    Points,
}

impl Store {
    /// SKUs, the address-book entry and the idempotency record of a checkout, in one BatchGetItem.
    pub async fn checkout_reads(
        &self,
        buyer_id: &str,
        sku_ids: &[&str],
        address_id: Option<&str>,
        idempotency: Option<IdempotencyClaim<'_>>,
        with_points: bool,
    ) -> Result<CheckoutReads, ApiError> {
        let mut keys: Vec<Item> = sku_ids.iter().map(|sku_id| key(sku_pk(sku_id), SKU_SK)).collect();
        if let Some(address_id) = address_id {
            keys.push(key(buyer_pk(buyer_id), address_sk(address_id)));
            keys.push(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK));
        }
        if let Some(claim) = idempotency {
            keys.push(key(buyer_pk(buyer_id), idempotency_sk(claim.key)));
        }
        if with_points {
            keys.push(key(buyer_pk(buyer_id), POINTS_SK));
        }
        let items = self.batch_get(keys).await?;
        let mut reads = CheckoutReads { skus: BTreeMap::new(), address: None, replay: None, points: 0 };
        let mut book = AddressBook::default();
        let mut stored_address = None;
        for item in items {
            let sk = sort_key(&item).to_string();
            if sk == SKU_SK {
                let sku = decode_sku(item)?;
                reads.skus.insert(sku.listing.sku_id.clone(), sku);
            } else if sk == POINTS_SK {
                reads.points = balance_of(Some(&item));
            } else if sk == ADDRESS_BOOK_SK {
                book = AddressBook::from_item(&item);
            } else if is_address_sk(&sk) {
                stored_address = Some(decode::<StoredAddress>(item)?);
            } else if let (Some(claim), true) = (idempotency, is_idempotency_sk(&sk)) {
                reads.replay = Some(read_idempotency_record(&item, claim.fingerprint));
            }
        }
        reads.address = stored_address.map(|stored| stored.into_entry(book.default_address_id.as_deref()));
        Ok(reads)
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

        let mut reserve: BTreeMap<&str, u32> = BTreeMap::new();
        for line in orders.iter().flat_map(|order| &order.lines) {
            *reserve.entry(&line.sku_id).or_default() += line.quantity;
        }
        for (sku_id, quantity) in reserve {
            actions.push(stock_update(&self.table, sku_id, StockMove::Reserve(quantity))?);
            steps.push(Step::Stock(sku_id.to_string()));
        }
        for order in orders {
            actions.push(put(&self.table, order_item(order)?, "attribute_not_exists(PK)")?);
            steps.push(Step::Order);
            actions.push(put(&self.table, order_no_claim(order), "attribute_not_exists(PK)")?);
            steps.push(Step::Order);
            let shard = seller_counter_shard(&order.order_no);
            let seller_key = key(seller_pk(&order.seller_id), seller_counts_sk(shard));
            if let Some(update) = counter_update(&self.table, seller_key, &bucket_delta(None, order, Side::Seller))? {
                actions.push(update);
                steps.push(Step::Other);
            }
        }
        let points: i64 = orders.iter().map(|order| order.amounts.points_used).sum();
        if points > 0 {
            actions.push(points_update(&self.table, buyer_id, -points)?);
            steps.push(Step::Points);
        }
        let buyer_deltas = sum_deltas(orders.iter().flat_map(|order| bucket_delta(None, order, Side::Buyer)));
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

        let failed = match self.transact(actions).await {
            Ok(()) => return Ok(CreateOutcome::Created),
            Err(TransactFailure::Conditions(failed)) => failed,
            Err(TransactFailure::Api(error)) => return Err(error),
        };
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
        let Some(record) = self.get(key(buyer_pk(buyer_id), idempotency_sk(claim.key)), true).await? else {
            return Err(ApiError::Unavailable("idempotency record not visible yet".into()));
        };
        Ok(read_idempotency_record(&record, claim.fingerprint))
    }
}

fn read_idempotency_record(record: &Item, fingerprint: &str) -> CreateOutcome {
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
