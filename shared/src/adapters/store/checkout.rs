//! The create transaction: stock reserved, orders and their number claims written, points spent,
//! counters moved and the idempotency record kept, all or nothing; and the one BatchGetItem a
//! checkout reads first.

use super::addresses::{AddressBook, StoredAddress};
use super::cart::{count_update, item_delete};
use super::counters::{counter_update, sum_deltas};
use super::freight::{freight_key, is_freight, ShopFreight};
use super::keys::*;
use super::members::{level_of_membership, levels_key, levels_of, membership_key};
use super::order_item::order_item;
use super::orders::order_no_claim;
use super::points::{balance_of, pay_password_key, pay_password_of, points_update};
use super::skus::{decode_sku, stock_update};
use super::table::{decode, key, n, put, s, sort_key, Item, Store, TransactFailure};
use crate::domain::address::AddressEntry;
use crate::domain::catalog::{Sku, StockMove};
use crate::domain::counters::bucket_delta;
use crate::domain::member::MemberLevel;
use crate::domain::order::Order;
use crate::domain::party::Side;
use crate::domain::pay_password::PayPassword;
use crate::domain::stock_shards::units_by_shard;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::BTreeMap;

/// DynamoDB's bound on the actions of one transaction.
const MAX_TRANSACTION_ACTIONS: usize = 100;

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
    /// A cart item being bought was removed meanwhile.
    CartChanged,
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
    /// The freight templates of the shops asked for, by shop.
    pub freight: BTreeMap<String, ShopFreight>,
    /// The buyer's member level, when asked for.
    pub level: Option<MemberLevel>,
    /// The buyer's points password, when points are spent and one is set.
    pub pay_password: Option<PayPassword>,
    /// The counter shards an admin set for the shops asked for (None: the default).
    pub counter_shards: BTreeMap<String, Option<u32>>,
}

/// What a checkout reads besides SKUs: each asked for only when the checkout needs it.
#[derive(Debug, Default, Clone)]
pub struct CheckoutWants<'a> {
    pub address_id: Option<&'a str>,
    pub idempotency: Option<IdempotencyClaim<'a>>,
    pub points: bool,
    /// Shops whose freight templates are needed (known before the SKUs when buying from the cart).
    pub freight_of: Vec<String>,
    pub member_level: bool,
}

/// What each action of the create transaction is, to explain a cancellation.
enum Step {
    Stock(String),
    Order,
    Other,
    Idempotency,
    Points,
    Cart,
}

impl Store {
    /// SKUs, the address-book entry, the idempotency record, the points balance, shops' freight
    /// templates and the member level of a checkout, in one BatchGetItem.
    pub async fn checkout_reads(
        &self,
        buyer_id: &str,
        sku_ids: &[&str],
        wants: &CheckoutWants<'_>,
    ) -> Result<CheckoutReads, ApiError> {
        let idempotency = wants.idempotency;
        let mut keys: Vec<Item> = sku_ids.iter().map(|sku_id| key(sku_pk(sku_id), SKU_SK)).collect();
        if let Some(address_id) = wants.address_id {
            keys.push(key(buyer_pk(buyer_id), address_sk(address_id)));
            keys.push(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK));
        }
        if let Some(claim) = idempotency {
            keys.push(key(buyer_pk(buyer_id), idempotency_sk(claim.key)));
        }
        if wants.points {
            keys.push(key(buyer_pk(buyer_id), POINTS_SK));
            keys.push(pay_password_key(buyer_id));
        }
        keys.extend(wants.freight_of.iter().map(|seller_id| freight_key(seller_id)));
        keys.extend(wants.freight_of.iter().map(|seller_id| key(seller_pk(seller_id), SHOP_SETTINGS_SK)));
        if wants.member_level {
            keys.push(membership_key(buyer_id));
            keys.push(levels_key());
        }
        let items = self.batch_get(keys).await?;
        let mut reads = CheckoutReads {
            skus: BTreeMap::new(),
            address: None,
            replay: None,
            points: 0,
            freight: wants.freight_of.iter().map(|seller| (seller.clone(), ShopFreight::default())).collect(),
            level: None,
            pay_password: None,
            counter_shards: wants.freight_of.iter().map(|seller| (seller.clone(), None)).collect(),
        };
        let mut book = AddressBook::default();
        let mut stored_address = None;
        let (mut level_id, mut levels) = (None, BTreeMap::new());
        for item in items {
            let sk = sort_key(&item).to_string();
            if let Some(seller_id) = is_freight(&item) {
                reads.freight.insert(seller_id, ShopFreight::from_item(&item)?);
            } else if let Some((seller_id, shards)) = counter_shards_setting(&item) {
                reads.counter_shards.insert(seller_id, shards);
            } else if sk == PAY_PASSWORD_SK {
                reads.pay_password = Some(pay_password_of(item)?);
            } else if sk == MEMBER_SK {
                level_id = level_of_membership(&item);
            } else if sk == MEMBER_LEVELS_SK {
                levels = levels_of(&item)?;
            } else if sk == SKU_SK {
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
        reads.level = level_id.and_then(|id| levels.remove(&id));
        Ok(reads)
    }

    /// Shops' freight templates and counter shards (one BatchGetItem), for SKUs whose shops
    /// were not known before.
    pub async fn shops_freight(&self, seller_ids: &[String]) -> Result<ShopReads, ApiError> {
        let mut found = ShopReads {
            freight: seller_ids.iter().map(|seller| (seller.clone(), ShopFreight::default())).collect(),
            counter_shards: seller_ids.iter().map(|seller| (seller.clone(), None)).collect(),
        };
        let keys = seller_ids
            .iter()
            .flat_map(|seller| [freight_key(seller), key(seller_pk(seller), SHOP_SETTINGS_SK)])
            .collect();
        for item in self.batch_get(keys).await? {
            if let Some(seller_id) = is_freight(&item) {
                found.freight.insert(seller_id, ShopFreight::from_item(&item)?);
            } else if let Some((seller_id, shards)) = counter_shards_setting(&item) {
                found.counter_shards.insert(seller_id, shards);
            }
        }
        Ok(found)
    }

    /// Creates orders in one transaction: stock reserved, orders and their number claims
    /// written, counters moved, the idempotency record kept. All or nothing.
    /// `from_cart`: the cart items bought, removed in the same transaction.
    pub async fn create_orders(
        &self,
        orders: &[Order],
        idempotency: Option<IdempotencyClaim<'_>>,
        from_cart: &[String],
        now: Timestamp,
    ) -> Result<CreateOutcome, ApiError> {
        let Some(first) = orders.first() else {
            return Err(ApiError::Internal("no orders to create".into()));
        };
        let buyer_id = &first.buyer_id;
        let mut actions = Vec::new();
        let mut steps = Vec::new();

        let mut reserve: BTreeMap<(&str, u32), u32> = BTreeMap::new();
        for line in orders.iter().flat_map(|order| &order.lines) {
            for (shard, units) in units_by_shard(&line.stock_shards, 0, line.quantity) {
                *reserve.entry((&line.sku_id, shard)).or_default() += units;
            }
        }
        for ((sku_id, shard), quantity) in reserve {
            actions.push(stock_update(&self.table, sku_id, shard, StockMove::Reserve(quantity))?);
            steps.push(Step::Stock(sku_id.to_string()));
        }
        for order in orders {
            actions.push(put(&self.table, order_item(order)?, "attribute_not_exists(PK)")?);
            steps.push(Step::Order);
            actions.push(put(&self.table, order_no_claim(order), "attribute_not_exists(PK)")?);
            steps.push(Step::Order);
            let shard = seller_counter_shard(order);
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

        for sku_id in from_cart {
            actions.push(item_delete(&self.table, buyer_id, sku_id)?);
            steps.push(Step::Cart);
        }
        if !from_cart.is_empty() {
            actions.push(count_update(&self.table, buyer_id, -(from_cart.len() as i64))?);
            steps.push(Step::Other);
        }
        if actions.len() > MAX_TRANSACTION_ACTIONS {
            return Err(ApiError::invalid(
                "items",
                format!("{} writes do not fit in one transaction of {MAX_TRANSACTION_ACTIONS}: buy fewer SKUs or shops at once", actions.len()),
            ));
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
        if failed.iter().any(|index| matches!(steps.get(*index), Some(Step::Cart))) {
            return Ok(CreateOutcome::CartChanged);
        }
        Err(ApiError::Internal(format!("create transaction cancelled at actions {failed:?}")))
    }

    /// The outcome for an Idempotency-Key, if it is recorded.
    pub async fn recorded_outcome(
        &self,
        buyer_id: &str,
        claim: IdempotencyClaim<'_>,
    ) -> Result<Option<CreateOutcome>, ApiError> {
        let record = self.get(key(buyer_pk(buyer_id), idempotency_sk(claim.key)), true).await?;
        Ok(record.map(|record| read_idempotency_record(&record, claim.fingerprint)))
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

/// What a checkout reads of shops it learnt from their SKUs.
pub struct ShopReads {
    pub freight: BTreeMap<String, ShopFreight>,
    /// The counter shards an admin set (None: the default).
    pub counter_shards: BTreeMap<String, Option<u32>>,
}

/// A shop's settings item: the shop and the counter shards it sets.
fn counter_shards_setting(item: &Item) -> Option<(String, Option<u32>)> {
    if sort_key(item) != SHOP_SETTINGS_SK {
        return None;
    }
    let seller_id = seller_of_pk(item.get(PK)?.as_s().ok()?)?.to_string();
    let shards = item.get("counter_shards").and_then(|value| value.as_n().ok()).and_then(|value| value.parse().ok());
    Some((seller_id, shards))
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
