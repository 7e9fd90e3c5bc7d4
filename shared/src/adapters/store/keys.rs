//! The single-table layout: every key, key prefix and index attribute is built or read here, so
//! the rest of the store never spells one.

use crate::domain::order::Deadline;

pub const PK: &str = "PK";
pub const SK: &str = "SK";

/// A shop's orders: `SELLER#<seller>` / order_no.
pub const SELLER_INDEX: &str = "seller-orders";
pub const SELLER_PK: &str = "GSI2PK";
pub const SELLER_SK: &str = "GSI2SK";
/// A shop's orders by status: `SELLER#<seller>#<status>` / order_no.
pub const SELLER_STATUS_INDEX: &str = "seller-status";
pub const SELLER_STATUS_PK: &str = "GSI3PK";
pub const SELLER_STATUS_SK: &str = "GSI3SK";
/// Sparse: only unpaid orders (payment deadline) and shipped ones (auto-confirm time).
pub const DUE_INDEX: &str = "due";
pub const DUE_PK: &str = "DUEPK";
pub const DUE_SK: &str = "DUESK";

/// Set (true) on an order with an open after-sales case: `status=after_sales` filters on it.
pub const OPEN_CASE: &str = "open_case";

/// The counter shards of orders placed before their shard was recorded in the order.
pub const LEGACY_COUNTER_SHARDS: u32 = 8;
/// Due-index partitions per kind of deadline, so no single index key is hot.
pub const DUE_SHARDS: u32 = 4;

const BUYER_PREFIX: &str = "BUYER#";
pub const ORDER_SK_PREFIX: &str = "ORDER#";
const ORDER_NO_PREFIX: &str = "ORDERNO#";

pub fn buyer_pk(buyer_id: &str) -> String {
    format!("{BUYER_PREFIX}{buyer_id}")
}

/// The buyer of a `BUYER#<buyer>` key.
pub fn buyer_of_pk(pk: &str) -> Option<&str> {
    pk.strip_prefix(BUYER_PREFIX)
}

pub fn order_sk(order_no: &str) -> String {
    format!("{ORDER_SK_PREFIX}{order_no}")
}

/// The order number of an `ORDER#<order_no>` key.
pub fn order_no_of_sk(sk: &str) -> Option<&str> {
    sk.strip_prefix(ORDER_SK_PREFIX)
}

/// A buyer's counters: `BUYER#<buyer>` / `COUNTS`.
pub const COUNTS_SK: &str = "COUNTS";

const SELLER_PREFIX: &str = "SELLER#";

pub fn seller_pk(seller_id: &str) -> String {
    format!("{SELLER_PREFIX}{seller_id}")
}

/// The shop of a `SELLER#<seller>` key.
pub fn seller_of_pk(pk: &str) -> Option<&str> {
    pk.strip_prefix(SELLER_PREFIX)
}

pub fn seller_status_pk(seller_id: &str, status: &str) -> String {
    format!("{SELLER_PREFIX}{seller_id}#{status}")
}

/// A buyer's cart: one item per SKU, `BUYER#<buyer>` / `CART#<sku_id>`, and its header
/// `BUYER#<buyer>` / `CART` holding `item_count` (the bound on distinct SKUs).
pub const CART_SK: &str = "CART";
pub const CART_ITEM_PREFIX: &str = "CART#";

pub fn cart_item_sk(sku_id: &str) -> String {
    format!("{CART_ITEM_PREFIX}{sku_id}")
}

/// A shop's freight templates, all in one item: `SELLER#<seller>` / `FREIGHT`, with `templates`
/// (id → template) and `uses` (id → how many SKUs name it).
pub const FREIGHT_SK: &str = "FREIGHT";

/// A buyer's points password: `BUYER#<buyer>` / `PAY_PASSWORD` (hash, failures, locked_until).
pub const PAY_PASSWORD_SK: &str = "PAY_PASSWORD";

/// A buyer's membership: `BUYER#<buyer>` / `MEMBER` (`level`).
pub const MEMBER_SK: &str = "MEMBER";
/// Every member level, in one item: `CONFIG` / `MEMBER_LEVELS` (`levels`: id → level).
pub const CONFIG_PK: &str = "CONFIG";
pub const MEMBER_LEVELS_SK: &str = "MEMBER_LEVELS";

/// A shop's return address: `SELLER#<seller>` / `RETURN_ADDRESS`.
pub const RETURN_ADDRESS_SK: &str = "RETURN_ADDRESS";

/// A shop's settings an admin gives it: `SELLER#<seller>` / `SETTINGS` (`counter_shards`).
pub const SHOP_SETTINGS_SK: &str = "SETTINGS";

/// A shop's counter shards: `SELLER#<seller>` / `COUNTS#<shard>`.
pub const SELLER_COUNTS_PREFIX: &str = "COUNTS#";

pub fn seller_counts_sk(shard: u32) -> String {
    format!("{SELLER_COUNTS_PREFIX}{shard}")
}

/// The shard of its shop's counters an order moves: the one chosen when it was placed (one of
/// the shop's `shards` then), or for older orders the rule they were placed under.
pub fn seller_counter_shard(order: &crate::domain::order::Order) -> u32 {
    order.counter_shard.unwrap_or_else(|| crate::domain::order_no::spread(&order.order_no) % LEGACY_COUNTER_SHARDS)
}

fn deadline_name(deadline: Deadline) -> &'static str {
    match deadline {
        Deadline::Payment => "pay",
        Deadline::AutoConfirm => "confirm",
        Deadline::AfterSales => "aftersales",
        Deadline::Payout => "payout",
    }
}

/// Due-index partition of a kind of deadline and a shard: `DUE#pay#<0..3>`, `DUE#confirm#<0..3>`.
pub fn due_pk(deadline: Deadline, shard: u32) -> String {
    format!("DUE#{}#{shard}", deadline_name(deadline))
}

/// The due-index shard of an order.
pub fn due_shard(order_no: &str) -> u32 {
    crate::domain::order_no::spread(order_no) % LEGACY_COUNTER_SHARDS % DUE_SHARDS
}

/// `<deadline in ms, 15 digits>#<order_no>`: sorts by deadline.
pub fn due_sk(at_millis: i64, order_no: &str) -> String {
    format!("{at_millis:015}#{order_no}")
}

/// The largest due sort key at `at_millis`: every order due by then sorts at or below it.
pub fn due_sk_bound(at_millis: i64) -> String {
    format!("{at_millis:015}#~")
}

/// Global uniqueness of an order number, and the way from an order number to its buyer.
pub fn order_no_pk(order_no: &str) -> String {
    format!("{ORDER_NO_PREFIX}{order_no}")
}

/// The order number of an `ORDERNO#<order_no>` key.
pub fn order_no_of_claim_pk(pk: &str) -> Option<&str> {
    pk.strip_prefix(ORDER_NO_PREFIX)
}

pub const ORDER_NO_SK: &str = "ORDERNO";

pub fn sku_pk(sku_id: &str) -> String {
    format!("SKU#{sku_id}")
}

pub const SKU_SK: &str = "SKU";

/// A SKU's stock shards: shard 0 is the SKU's own item, shard k its `SKU#<sku>` / `STOCK#<k>`,
/// so one Query of the SKU's partition reads them all.
const STOCK_SHARD_PREFIX: &str = "STOCK#";
/// On a SKU's item: how many shard items hold its units, and how many orders reserve from
/// (both absent: its own item only).
pub const STOCK_ITEMS: &str = "stock_items";
pub const STOCK_SHARDS: &str = "stock_shards";

pub fn stock_shard_sk(shard: u32) -> String {
    if shard == 0 {
        SKU_SK.to_string()
    } else {
        format!("{STOCK_SHARD_PREFIX}{shard}")
    }
}

/// The shard of a stock shard item's sort key (0 for the SKU's own item).
pub fn shard_of_stock_sk(sk: &str) -> Option<u32> {
    if sk == SKU_SK {
        Some(0)
    } else {
        sk.strip_prefix(STOCK_SHARD_PREFIX)?.parse().ok()
    }
}

/// A buyer's points balance: `BUYER#<buyer>` / `POINTS`.
pub const POINTS_SK: &str = "POINTS";

const IDEMPOTENCY_PREFIX: &str = "IDEM#";

pub fn idempotency_sk(key: &str) -> String {
    format!("{IDEMPOTENCY_PREFIX}{key}")
}

pub fn is_idempotency_sk(sk: &str) -> bool {
    sk.starts_with(IDEMPOTENCY_PREFIX)
}

/// The address book: `ADDR#<id>` entries and the `ADDRBOOK` header (count and default), which
/// share the `ADDR` prefix so one Query reads the whole book.
pub const ADDRESS_BOOK_SK: &str = "ADDRBOOK";
pub const ADDRESS_PREFIX: &str = "ADDR";
const ADDRESS_ENTRY_PREFIX: &str = "ADDR#";

pub fn address_sk(address_id: &str) -> String {
    format!("{ADDRESS_ENTRY_PREFIX}{address_id}")
}

pub fn is_address_sk(sk: &str) -> bool {
    sk.starts_with(ADDRESS_ENTRY_PREFIX)
}

/// `<pk> = :pk AND begins_with(<sk>, :prefix)`: the items of one partition under a prefix.
pub fn begins_with_condition(pk_name: &str, sk_name: &str) -> String {
    format!("{pk_name} = :pk AND begins_with({sk_name}, :prefix)")
}

/// A shop's webhook endpoints: `SELLER#<seller>` / `WEBHOOK#<endpoint_id>`, and their count in
/// `SELLER#<seller>` / `WEBHOOKS` (which the prefix also finds; readers skip it).
pub const WEBHOOKS_SK: &str = "WEBHOOKS";
pub const WEBHOOK_PREFIX: &str = "WEBHOOK";
pub fn webhook_sk(endpoint_id: &str) -> String {
    format!("{WEBHOOK_PREFIX}#{endpoint_id}")
}

/// An endpoint's deliveries: `DELIVERIES#<endpoint_id>` / `DELIVERY#<delivery_id>`, newest last.
pub fn deliveries_pk(endpoint_id: &str) -> String {
    format!("DELIVERIES#{endpoint_id}")
}
const DELIVERY_PREFIX: &str = "DELIVERY#";
pub fn delivery_sk(delivery_id: &str) -> String {
    format!("{DELIVERY_PREFIX}{delivery_id}")
}
pub fn delivery_of_sk(sk: &str) -> Option<&str> {
    sk.strip_prefix(DELIVERY_PREFIX)
}
pub fn endpoint_of_deliveries_pk(pk: &str) -> Option<&str> {
    pk.strip_prefix("DELIVERIES#")
}

/// Due-index partition of pending deliveries: `DUE#webhook#<0..3>`.
pub fn delivery_due_pk(endpoint_id: &str) -> String {
    let shard = endpoint_id.bytes().fold(0u32, |acc, byte| acc.wrapping_mul(31).wrapping_add(u32::from(byte)));
    format!("DUE#webhook#{}", shard % DUE_SHARDS)
}
pub fn delivery_due_pks() -> Vec<String> {
    (0..DUE_SHARDS).map(|shard| format!("DUE#webhook#{shard}")).collect()
}
