//! The count buckets of the order counts (`wait_pay`, ..., `all`) and how a transition moves them.
//! Counters move in the same write as the transition, so they always equal a recount.

use crate::domain::order::{Order, OrderStatus};
use crate::domain::party::Side;
use crate::error::ApiError;

/// The most items a shop's counters can be spread over (their sum is still read in one Query
/// of less than 4 KB: one read unit).
pub const MAX_COUNTER_SHARDS: u32 = 32;

/// A shop's counter shards as a setting gives them: 1 to `MAX_COUNTER_SHARDS`.
pub fn validate_counter_shards(field: &str, shards: u32) -> Result<u32, ApiError> {
    if (1..=MAX_COUNTER_SHARDS).contains(&shards) {
        Ok(shards)
    } else {
        Err(ApiError::invalid(field, format!("must be 1..={MAX_COUNTER_SHARDS}")))
    }
}

/// The counter shard an order of a shop with `shards` shards moves, from its number.
pub fn counter_shard_of(order_no: &str, shards: u32) -> u32 {
    crate::domain::order_no::spread(order_no) % shards.max(1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    WaitPay,
    WaitSend,
    WaitReceipt,
    WaitReview,
    AfterSales,
    Completed,
    Closed,
    All,
}

impl Bucket {
    pub const ALL: [Bucket; 8] = [
        Bucket::WaitPay,
        Bucket::WaitSend,
        Bucket::WaitReceipt,
        Bucket::WaitReview,
        Bucket::AfterSales,
        Bucket::Completed,
        Bucket::Closed,
        Bucket::All,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Bucket::WaitPay => "wait_pay",
            Bucket::WaitSend => "wait_send",
            Bucket::WaitReceipt => "wait_receipt",
            Bucket::WaitReview => "wait_review",
            Bucket::AfterSales => "after_sales",
            Bucket::Completed => "completed",
            Bucket::Closed => "closed",
            Bucket::All => "all",
        }
    }

    /// The bucket that counts exactly the orders of one status.
    pub fn of_status(status: OrderStatus) -> Bucket {
        match status {
            OrderStatus::PendingPayment => Bucket::WaitPay,
            OrderStatus::Paid => Bucket::WaitSend,
            OrderStatus::Shipped => Bucket::WaitReceipt,
            OrderStatus::Completed => Bucket::Completed,
            OrderStatus::Closed => Bucket::Closed,
        }
    }
}

/// The buckets an order counts in on one side.
pub fn buckets(order: &Order, side: Side) -> Vec<Bucket> {
    if side == Side::Buyer && order.deleted {
        return Vec::new();
    }
    let mut out = vec![Bucket::All, Bucket::of_status(order.status)];
    // A buyer who deleted a completed order will not review it: the shop does not wait for it.
    if order.status == OrderStatus::Completed && !order.reviewed && !order.deleted {
        out.push(Bucket::WaitReview);
    }
    if order.has_open_refund() {
        out.push(Bucket::AfterSales);
    }
    out
}

/// Counter changes between two versions of an order (or from nothing, for a new order).
pub fn bucket_delta(before: Option<&Order>, after: &Order, side: Side) -> Vec<(Bucket, i64)> {
    let old = before.map(|order| buckets(order, side)).unwrap_or_default();
    let new = buckets(after, side);
    Bucket::ALL
        .into_iter()
        .filter_map(|bucket| {
            let delta = i64::from(new.contains(&bucket)) - i64::from(old.contains(&bucket));
            (delta != 0).then_some((bucket, delta))
        })
        .collect()
}
