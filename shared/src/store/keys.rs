//! The single-table layout of SPEC.md: every key and index attribute is built here.

pub const PK: &str = "PK";
pub const SK: &str = "SK";

/// A buyer's orders by status: `BUYER#<buyer>#<status>` / order_no. Deleted orders leave it.
pub const BUYER_STATUS_INDEX: &str = "buyer-status";
pub const BUYER_STATUS_PK: &str = "GSI1PK";
pub const BUYER_STATUS_SK: &str = "GSI1SK";
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

/// Seller counters are spread over this many items so a busy shop has no hot key.
pub const SELLER_COUNTER_SHARDS: u32 = 8;

pub fn buyer_pk(buyer_id: &str) -> String {
    format!("BUYER#{buyer_id}")
}

pub fn order_sk(order_no: &str) -> String {
    format!("ORDER#{order_no}")
}

pub const ORDER_SK_PREFIX: &str = "ORDER#";
pub const COUNTS_SK: &str = "COUNTS";

pub fn buyer_status_pk(buyer_id: &str, status: &str) -> String {
    format!("BUYER#{buyer_id}#{status}")
}

pub fn seller_pk(seller_id: &str) -> String {
    format!("SELLER#{seller_id}")
}

pub fn seller_status_pk(seller_id: &str, status: &str) -> String {
    format!("SELLER#{seller_id}#{status}")
}

pub fn seller_counts_sk(shard: u32) -> String {
    format!("COUNTS#{shard}")
}

pub const SELLER_COUNTS_PREFIX: &str = "COUNTS#";

/// The shard of a seller counter an order moves: stable per order, spread across orders.
pub fn seller_counter_shard(order_no: &str) -> u32 {
    let tail: u32 =
        order_no.bytes().rev().take(4).fold(0, |acc, byte| acc * 10 + u32::from(byte.wrapping_sub(b'0') % 10));
    tail % SELLER_COUNTER_SHARDS
}

/// Due-index partitions per kind of deadline, so no single index key is hot.
pub const DUE_SHARDS: u32 = 4;

/// Due index partition for a kind of deadline (`pay` or `confirm`) and a shard.
pub fn due_pk(kind: &str, shard: u32) -> String {
    format!("DUE#{kind}#{shard}")
}

/// The due-index shard of an order.
pub fn due_shard(order_no: &str) -> u32 {
    seller_counter_shard(order_no) % DUE_SHARDS
}

pub fn due_sk(at_millis: i64, order_no: &str) -> String {
    format!("{at_millis:015}#{order_no}")
}

/// Global uniqueness of an order number, and the way from an order number to its buyer.
pub fn order_no_pk(order_no: &str) -> String {
    format!("ORDERNO#{order_no}")
}

pub const ORDER_NO_SK: &str = "ORDERNO";

pub fn sku_pk(sku_id: &str) -> String {
    format!("SKU#{sku_id}")
}

pub const SKU_SK: &str = "SKU";

/// A buyer's points balance: `BUYER#<buyer>` / `POINTS`.
pub const POINTS_SK: &str = "POINTS";

pub fn idempotency_sk(key: &str) -> String {
    format!("IDEM#{key}")
}

pub fn address_sk(address_id: &str) -> String {
    format!("ADDR#{address_id}")
}

/// The address book header (count and default); shares the `ADDR` prefix so one Query reads all.
pub const ADDRESS_BOOK_SK: &str = "ADDRBOOK";
pub const ADDRESS_PREFIX: &str = "ADDR";
