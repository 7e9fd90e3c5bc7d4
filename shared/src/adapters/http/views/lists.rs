//! Lists and counts of orders, and what a deleted order leaves.

use super::order::OrderView;
use crate::adapters::store::Counts;
use crate::app::listing::OrderList;
use crate::domain::counters::Bucket;
use crate::domain::time::Timestamp;
use serde::Serialize;

/// A page of orders: `{items, next_cursor, total}`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderListView<'a> {
    pub items: Vec<OrderView<'a>>,
    pub next_cursor: Option<&'a str>,
    pub total: Option<i64>,
}

impl<'a> OrderListView<'a> {
    pub fn new(list: &'a OrderList, now: Timestamp) -> OrderListView<'a> {
        OrderListView {
            items: list.orders.iter().map(|order| OrderView::new(order, now)).collect(),
            next_cursor: list.next_cursor.as_deref(),
            total: list.total,
        }
    }
}

/// `GET /order-counts` and the shop's: orders per bucket, from counters.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct CountsView {
    /// Unpaid.
    pub wait_pay: i64,
    /// Paid, not shipped.
    pub wait_send: i64,
    /// Shipped, not received.
    pub wait_receipt: i64,
    /// Completed and not reviewed (and, for a shop, not deleted by the buyer).
    pub wait_review: i64,
    /// With an open after-sales case.
    pub after_sales: i64,
    pub completed: i64,
    pub closed: i64,
    pub all: i64,
}

impl CountsView {
    pub fn new(counts: &Counts) -> CountsView {
        CountsView {
            wait_pay: counts.get(Bucket::WaitPay),
            wait_send: counts.get(Bucket::WaitSend),
            wait_receipt: counts.get(Bucket::WaitReceipt),
            wait_review: counts.get(Bucket::WaitReview),
            after_sales: counts.get(Bucket::AfterSales),
            completed: counts.get(Bucket::Completed),
            closed: counts.get(Bucket::Closed),
            all: counts.get(Bucket::All),
        }
    }
}

/// An order hidden from the buyer's lists and counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct DeletedOrderView<'a> {
    pub order_no: &'a str,
    pub deleted: bool,
}
