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
}

impl ListParams {
    pub fn from_request(request: &Request) -> Result<ListParams, ApiError> {
        let mut params = ListParams {
            limit: DEFAULT_LIMIT,
            ..ListParams::default()
        };
        if let Some(limit) = query_param(request, "limit") {
            params.limit = limit
                .parse::<usize>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    ApiError::invalid("limit", format!("must be a whole number 1..={MAX_LIMIT}"))
                })?;
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
                    return Err(ApiError::invalid(
                        "ids",
                        format!("{id:?} is not an 18-digit order number"),
                    ));
                }
                if !params.ids.iter().any(|known| known == id) {
                    params.ids.push(id.to_string());
                }
            }
            if params.ids.len() > MAX_LIMIT {
                return Err(ApiError::invalid(
                    "ids",
                    format!("at most {MAX_LIMIT} order numbers"),
                ));
            }
        }
        if let Some(name) = query_param(request, "product_name") {
            if name.chars().count() > 50 {
                return Err(ApiError::invalid(
                    "product_name",
                    "must be at most 50 characters",
                ));
            }
            params.product_name = Some(name.to_lowercase());
        }
        for (field, slot) in [
            ("created_from", &mut params.created_from),
            ("created_to", &mut params.created_to),
        ] {
            if let Some(text) = query_param(request, field) {
                *slot =
                    Some(Timestamp::parse(&text).map_err(|rule| ApiError::invalid(field, rule))?);
            }
        }
        if let (Some(from), Some(to)) = (params.created_from, params.created_to) {
            if from > to {
                return Err(ApiError::invalid(
                    "created_from",
                    "must not be after created_to",
                ));
            }
        }
        params.cursor = query_param(request, "cursor");
        Ok(params)
    }

    /// Everything that shapes the list except the cursor, in a fixed form (the cursor's scope).
    fn canonical(&self) -> String {
        format!(
            "s={:?};no={:?};ids={:?};p={:?};f={:?};t={:?}",
            self.statuses,
            self.order_no,
            self.ids,
            self.product_name,
            self.created_from,
            self.created_to
        )
    }

    fn keeps(&self, order: &Order) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&order.status))
            && self.product_name.as_ref().is_none_or(|needle| {
                order
                    .lines
                    .iter()
                    .any(|line| line.product_name.to_lowercase().contains(needle.as_str()))
            })
            && self
                .created_from
                .is_none_or(|from| order.created_at >= from)
            && self.created_to.is_none_or(|to| order.created_at <= to)
    }

    /// `total` is answered from counters when only statuses filter the list; otherwise it
    /// would need a scan, and is null.
    fn total_from(&self, counts: &Counts) -> Option<i64> {
        let only_statuses = self.order_no.is_none()
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
        Some(
            self.statuses
                .iter()
                .map(|status| counts.get(Bucket::of_status(*status)))
                .sum(),
        )
    }
}

/// A page of a buyer's orders as the API answers it: `{items, next_cursor, total}`.
pub async fn list_buyer_orders(
    store: &Store,
    buyer_id: &str,
    params: &ListParams,
) -> Result<Value, ApiError> {
    let scope = cursor::scope(&format!("buyer:{buyer_id}"), &params.canonical());
    let start = params
        .cursor
        .as_deref()
        .map(|text| cursor::decode(text, &scope))
        .transpose()?;

    // Order numbers asked for by name: read them directly.
    if params.order_no.is_some() || !params.ids.is_empty() {
        let wanted: Vec<String> = params
            .order_no
            .iter()
            .chain(params.ids.iter())
            .cloned()
            .collect();
        let mut orders: Vec<Order> = store
            .get_orders(buyer_id, &wanted)
            .await?
            .into_iter()
            .filter(|order| !order.deleted && params.keeps(order))
            .collect();
        orders.sort_by(|a, b| b.order_no.cmp(&a.order_no));
        orders.truncate(params.limit);
        let total = orders.len();
        let items: Vec<Value> = orders.iter().map(order_view).collect();
        return Ok(json!({"items": items, "next_cursor": null, "total": total}));
    }

    let partition = match params.statuses.as_slice() {
        [single] => Partition::BuyerStatus(buyer_id.to_string(), *single),
        _ => Partition::Buyer(buyer_id.to_string()),
    };
    let query = OrderQuery {
        partition,
        order_no_range: created_range(params),
        statuses: if params.statuses.len() > 1 {
            params.statuses.clone()
        } else {
            Vec::new()
        },
        product_name: params.product_name.clone(),
        limit: params.limit,
        start,
    };
    let needs_total = params.total_from(&Counts::default()).is_some();
    let (page, counts) = if needs_total {
        let (page, counts) = tokio::join!(store.query_orders(&query), store.buyer_counts(buyer_id));
        (page?, Some(counts?))
    } else {
        (store.query_orders(&query).await?, None)
    };
    let total = counts.as_ref().and_then(|counts| params.total_from(counts));
    let next_cursor = page.next.map(|position| cursor::encode(&scope, position));
    let items: Vec<Value> = page.orders.iter().map(order_view).collect();
    Ok(json!({"items": items, "next_cursor": next_cursor, "total": total}))
}

fn created_range(params: &ListParams) -> Option<(String, String)> {
    if params.created_from.is_none() && params.created_to.is_none() {
        return None;
    }
    let from = params.created_from.unwrap_or(Timestamp::from_millis(0));
    let to = params
        .created_to
        .unwrap_or(Timestamp::from_millis(9_999_999_999_999));
    Some(order_no::range(from, to))
}
