//! Order lists, shared by the buyer's and the shop's list: which index partition answers a
//! filter, cursors bound to the caller and the filter, and totals from counters.

use crate::adapters::cursor;
use crate::adapters::store::{Counts, OrderQuery, Partition};
use crate::app::App;
use crate::domain::counters::Bucket;
use crate::domain::order::{Order, OrderStatus};
use crate::domain::order_no;
use crate::domain::party::Side;
use crate::domain::time::Timestamp;
use crate::error::ApiError;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// The filters of `GET /orders` (and of the shop's list).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub statuses: Vec<OrderStatus>,
    /// `status=after_sales`: orders with an open after-sales case (whatever their status).
    pub after_sales: bool,
    pub order_no: Option<String>,
    pub ids: Vec<String>,
    pub product_name: Option<String>,
    pub created_from: Option<Timestamp>,
    pub created_to: Option<Timestamp>,
    pub limit: usize,
    pub cursor: Option<String>,
    /// A shop's list may narrow to one buyer.
    pub buyer_id: Option<String>,
}

impl ListFilter {
    /// Everything that shapes the list except the cursor, in a fixed form (the cursor's scope).
    fn canonical(&self) -> String {
        format!(
            "s={:?};as={};no={:?};ids={:?};p={:?};f={:?};t={:?}",
            self.statuses,
            self.after_sales,
            self.order_no,
            self.ids,
            self.product_name,
            self.created_from,
            self.created_to
        )
    }

    fn keeps(&self, order: &Order) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&order.status))
            && (!self.after_sales || order.has_open_refund())
            && self.buyer_id.as_ref().is_none_or(|buyer| *buyer == order.buyer_id)
            && self.product_name.as_ref().is_none_or(|needle| {
                order.lines.iter().any(|line| line.product_name.to_lowercase().contains(needle.as_str()))
            })
            && self.created_from.is_none_or(|from| order.created_at >= from)
            && self.created_to.is_none_or(|to| order.created_at <= to)
    }

    /// `total` is answered from counters when only statuses filter the list; otherwise it
    /// would need a scan, and is null.
    fn total_from(&self, counts: &Counts) -> Option<i64> {
        let only_statuses = self.order_no.is_none()
            && self.buyer_id.is_none()
            && self.ids.is_empty()
            && self.product_name.is_none()
            && self.created_from.is_none()
            && self.created_to.is_none();
        if !only_statuses {
            return None;
        }
        if self.after_sales {
            return Some(counts.get(Bucket::AfterSales));
        }
        if self.statuses.is_empty() {
            return Some(counts.get(Bucket::All));
        }
        Some(self.statuses.iter().map(|status| counts.get(Bucket::of_status(*status))).sum())
    }
}

/// One page of a list.
#[derive(Debug)]
pub struct OrderList {
    pub orders: Vec<Order>,
    pub next_cursor: Option<String>,
    /// From counters where they answer the filter; otherwise unknown.
    pub total: Option<i64>,
}

/// A page of a buyer's (`Side::Buyer`, `owner` the buyer) or a shop's orders.
pub async fn list_orders(
    app: &App,
    side: Side,
    owner: &str,
    filter: &ListFilter,
    now: Timestamp,
) -> Result<OrderList, ApiError> {
    let store = &app.store;
    let key = app
        .config
        .cursor_key
        .as_ref()
        .ok_or_else(|| ApiError::Internal("ORDERS_CURSOR_KEY is not set".into()))?
        .get()
        .await?;
    let owner_name = match side {
        Side::Buyer => format!("buyer:{owner}"),
        Side::Seller => format!("seller:{owner}"),
    };
    let scope = cursor::scope(&owner_name, &filter.canonical());
    let partition = match (side, filter.statuses.as_slice()) {
        (Side::Buyer, [single]) => Partition::BuyerStatus(owner.to_string(), *single),
        (Side::Buyer, _) => Partition::Buyer(owner.to_string()),
        (Side::Seller, [single]) => Partition::SellerStatus(owner.to_string(), *single),
        (Side::Seller, _) => Partition::Seller(owner.to_string()),
    };
    let now_seconds = now.millis() / 1000;
    let start = match filter.cursor.as_deref() {
        Some(text) => Some(cursor::decode(key, text, &scope, &partition.key_names(), now_seconds)?),
        None => None,
    };

    // Order numbers asked for by name: read them directly.
    if filter.order_no.is_some() || !filter.ids.is_empty() {
        let mut wanted: Vec<String> = filter.order_no.iter().chain(filter.ids.iter()).cloned().collect();
        wanted.sort();
        wanted.dedup();
        let found = match side {
            Side::Buyer => store.get_orders(owner, &wanted).await?,
            Side::Seller => store.orders_by_nos(&wanted).await?,
        };
        let mut orders: Vec<Order> = found
            .into_iter()
            .filter(|order| match side {
                Side::Buyer => !order.deleted,
                Side::Seller => order.seller_id == owner,
            })
            .filter(|order| filter.keeps(order))
            .collect();
        orders.sort_by(|a, b| b.order_no.cmp(&a.order_no));
        orders.truncate(filter.limit);
        let total = Some(orders.len() as i64);
        return Ok(OrderList { orders, next_cursor: None, total });
    }

    // A status the partition is not keyed by is a filter over all of the partition's orders.
    let status_is_a_filter =
        !matches!(partition, Partition::SellerStatus(..)) && (!filter.statuses.is_empty() || filter.after_sales);
    let mut query = OrderQuery {
        partition,
        order_no_range: created_range(filter),
        statuses: if filter.statuses.len() > 1 { filter.statuses.clone() } else { Vec::new() },
        product_name: filter.product_name.clone(),
        buyer_id: filter.buyer_id.clone(),
        open_case: filter.after_sales,
        limit: filter.limit,
        items_per_read: None,
        start,
    };
    let needs_total = filter.total_from(&Counts::default()).is_some();
    let counts = async {
        match side {
            Side::Buyer => store.buyer_counts(owner).await,
            Side::Seller => store.seller_counts(owner).await,
        }
    };
    let (page, total) = if needs_total && status_is_a_filter {
        // The counters first: they say how sparse the status is, so one Query reads as far as a
        // page's worth of matches should be, and an empty status needs no Query at all.
        let counts = counts.await?;
        let matching = filter.total_from(&counts).unwrap_or(0);
        if matching == 0 {
            return Ok(OrderList { orders: Vec::new(), next_cursor: None, total: Some(0) });
        }
        query.items_per_read = Some(items_per_read(filter.limit, matching, counts.get(Bucket::All)));
        (store.query_orders(&query).await?, Some(matching))
    } else if needs_total {
        let (page, counts) = tokio::join!(store.query_orders(&query), counts);
        (page?, filter.total_from(&counts?))
    } else {
        (store.query_orders(&query).await?, None)
    };
    let next_cursor = page.next.map(|position| cursor::encode(key, &scope, position, now_seconds));
    Ok(OrderList { orders: page.orders, next_cursor, total })
}

/// How many orders of a partition to read for a page of `limit` when `matching` of its `all`
/// orders pass the filter: the page's share of the partition, and a quarter more for orders that
/// are not spread evenly (the store bounds it).
fn items_per_read(limit: usize, matching: i64, all: i64) -> usize {
    let matching = usize::try_from(matching).unwrap_or(1).max(1);
    let all = usize::try_from(all).unwrap_or(0).max(matching);
    let share = (limit + 1).saturating_mul(all).div_ceil(matching);
    share.saturating_add(share / 4)
}

fn created_range(params: &ListFilter) -> Option<(String, String)> {
    if params.created_from.is_none() && params.created_to.is_none() {
        return None;
    }
    let from = params.created_from.unwrap_or(Timestamp::from_millis(0));
    let to = params.created_to.unwrap_or(Timestamp::from_millis(9_999_999_999_999));
    Some(order_no::range(from, to))
}

#[cfg(test)]
mod tests {
    use super::items_per_read;

    #[test]
    fn a_sparse_status_reads_as_far_as_a_page_of_it_should_be() {
        // Every order matches: a page and one more, a quarter over.
        assert_eq!(items_per_read(20, 50, 50), 26);
        // One in ten matches: ten times as far.
        assert_eq!(items_per_read(20, 10, 100), 262);
        // Counters that cannot be (more matching than all, below zero) read as if all matched.
        assert_eq!(items_per_read(20, 80, 10), 26);
        assert_eq!(items_per_read(20, -3, 0), 26);
    }
}
