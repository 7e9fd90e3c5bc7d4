//! Order lists: query parameters, cursors and totals, shared by the buyer's and the seller's list.

use crate::cursor;
use crate::error::ApiError;
use crate::http::query_param;
use crate::order::{Order, OrderStatus};
use crate::order_no;
use crate::state::Bucket;
use crate::store::{Counts, OrderQuery, Partition, Store};
use crate::time::Timestamp;
use crate::view::order_view;
use lambda_http::Request;
use serde_json::{json, Value};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// The filters of `GET /orders` (and of the seller's list).
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub statuses: Vec<OrderStatus>,
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

impl ListParams {
    pub fn from_request(request: &Request) -> Result<ListParams, ApiError> {
        let mut params = ListParams { limit: DEFAULT_LIMIT, ..ListParams::default() };
        if let Some(limit) = query_param(request, "limit") {
            params.limit = limit
                .parse::<usize>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| ApiError::invalid("limit", format!("must be a whole number 1..={MAX_LIMIT}")))?;
        }
        if let Some(statuses) = query_param(request, "status") {
            for name in statuses.split(',').map(str::trim) {
                let status = OrderStatus::parse(name).ok_or_else(|| {
                    ApiError::invalid(
                        "status",
                        format!(
                            "unknown status {name:?}; use {}",
                            OrderStatus::ALL.map(OrderStatus::as_str).join(", ")
                        ),
                    )
                })?;
                if !params.statuses.contains(&status) {
                    params.statuses.push(status);
                }
            }
            params.statuses.sort();
        }
        if let Some(no) = query_param(request, "order_no") {
            if !order_no::is_valid(&no) {
                return Err(ApiError::invalid("order_no", "must be 18 digits"));
            }
            params.order_no = Some(no);
        }
        if let Some(ids) = query_param(request, "ids") {
            for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
                if !order_no::is_valid(id) {
                    return Err(ApiError::invalid("ids", format!("{id:?} is not an 18-digit order number")));
                }
                if !params.ids.iter().any(|known| known == id) {
                    params.ids.push(id.to_string());
                }
            }
            if params.ids.len() > MAX_LIMIT {
                return Err(ApiError::invalid("ids", format!("at most {MAX_LIMIT} order numbers")));
            }
        }
        if let Some(name) = query_param(request, "product_name") {
            if name.chars().count() > 50 {
                return Err(ApiError::invalid("product_name", "must be at most 50 characters"));
            }
            params.product_name = Some(name.to_lowercase());
        }
        for (field, slot) in [("created_from", &mut params.created_from), ("created_to", &mut params.created_to)] {
            if let Some(text) = query_param(request, field) {
                *slot = Some(Timestamp::parse(&text).map_err(|rule| ApiError::invalid(field, rule))?);
            }
        }
        if let (Some(from), Some(to)) = (params.created_from, params.created_to) {
            if from > to {
                return Err(ApiError::invalid("created_from", "must not be after created_to"));
            }
        }
        params.cursor = query_param(request, "cursor");
        if let Some(buyer_id) = query_param(request, "buyer_id") {
            crate::catalog::validate_id("buyer_id", &buyer_id)?;
            params.buyer_id = Some(buyer_id);
        }
        Ok(params)
    }

    /// Everything that shapes the list except the cursor, in a fixed form (the cursor's scope).
    fn canonical(&self) -> String {
        format!(
            "s={:?};no={:?};ids={:?};p={:?};f={:?};t={:?}",
            self.statuses, self.order_no, self.ids, self.product_name, self.created_from, self.created_to
        )
    }

    fn keeps(&self, order: &Order, now: Timestamp) -> bool {
        let status = crate::state::effective(order, now).status;
        (self.statuses.is_empty() || self.statuses.contains(&status))
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
        if self.statuses.is_empty() {
            return Some(counts.get(Bucket::All));
        }
        Some(self.statuses.iter().map(|status| counts.get(Bucket::of_status(*status))).sum())
    }
}

/// Whose orders a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Buyer(&'a str),
    Seller(&'a str),
}

/// A page of a buyer's or a shop's orders as the API answers it: `{items, next_cursor, total}`.
pub async fn list_orders(
    store: &Store,
    owner: Owner<'_>,
    params: &ListParams,
    now: Timestamp,
) -> Result<Value, ApiError> {
    let owner_name = match owner {
        Owner::Buyer(buyer) => format!("buyer:{buyer}"),
        Owner::Seller(seller) => format!("seller:{seller}"),
    };
    let scope = cursor::scope(&owner_name, &params.canonical());
    let start = params.cursor.as_deref().map(|text| cursor::decode(text, &scope)).transpose()?;

    // Order numbers asked for by name: read them directly.
    if params.order_no.is_some() || !params.ids.is_empty() {
        let mut wanted: Vec<String> = params.order_no.iter().chain(params.ids.iter()).cloned().collect();
        wanted.sort();
        wanted.dedup();
        let found = match owner {
            Owner::Buyer(buyer) => store.get_orders(buyer, &wanted).await?,
            Owner::Seller(_) => store.orders_by_nos(&wanted).await?,
        };
        let mut orders: Vec<Order> = found
            .into_iter()
            .filter(|order| match owner {
                Owner::Buyer(_) => !order.deleted,
                Owner::Seller(seller) => order.seller_id == seller,
            })
            .filter(|order| params.keeps(order, now))
            .collect();
        orders.sort_by(|a, b| b.order_no.cmp(&a.order_no));
        orders.truncate(params.limit);
        let total = orders.len();
        let items: Vec<Value> = orders.iter().map(|order| order_view(order, now)).collect();
        return Ok(json!({"items": items, "next_cursor": null, "total": total}));
    }

    let partition = match (owner, params.statuses.as_slice()) {
        (Owner::Buyer(buyer), [single]) => Partition::BuyerStatus(buyer.to_string(), *single),
        (Owner::Buyer(buyer), _) => Partition::Buyer(buyer.to_string()),
        (Owner::Seller(seller), [single]) => Partition::SellerStatus(seller.to_string(), *single),
        (Owner::Seller(seller), _) => Partition::Seller(seller.to_string()),
    };
    let query = OrderQuery {
        partition,
        order_no_range: created_range(params),
        statuses: if params.statuses.len() > 1 { params.statuses.clone() } else { Vec::new() },
        product_name: params.product_name.clone(),
        buyer_id: params.buyer_id.clone(),
        // Unpaid orders past their deadline read as closed, so a pending list leaves them out.
        hide_expired_at: params.statuses.contains(&OrderStatus::PendingPayment).then_some(now),
        limit: params.limit,
        start,
    };
    let needs_total = params.total_from(&Counts::default()).is_some();
    let (page, counts) = if needs_total {
        let counts = async {
            match owner {
                Owner::Buyer(buyer) => store.buyer_counts(buyer).await,
                Owner::Seller(seller) => store.seller_counts(seller).await,
            }
        };
        let (page, counts) = tokio::join!(store.query_orders(&query), counts);
        (page?, Some(counts?))
    } else {
        (store.query_orders(&query).await?, None)
    };
    let total = counts.as_ref().and_then(|counts| params.total_from(counts));
    let next_cursor = page.next.map(|position| cursor::encode(&scope, position));
    let items: Vec<Value> = page.orders.iter().map(|order| order_view(order, now)).collect();
    Ok(json!({"items": items, "next_cursor": next_cursor, "total": total}))
}

fn created_range(params: &ListParams) -> Option<(String, String)> {
    if params.created_from.is_none() && params.created_to.is_none() {
        return None;
    }
    let from = params.created_from.unwrap_or(Timestamp::from_millis(0));
    let to = params.created_to.unwrap_or(Timestamp::from_millis(9_999_999_999_999));
    Some(order_no::range(from, to))
}
