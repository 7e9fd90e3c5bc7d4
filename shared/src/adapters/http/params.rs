//! What a request says outside its body: path parameters, the query string and headers.

use crate::app::listing::{ListFilter, DEFAULT_LIMIT, MAX_LIMIT};
use crate::domain::idempotency::IdempotencyKey;
use crate::domain::order::OrderStatus;
use crate::domain::order_no;
use crate::domain::text::{validate_id, validate_user_id};
use crate::domain::time::Timestamp;
use crate::domain::webhooks::{Delivery, DeliveryStatus};
use crate::error::ApiError;
use lambda_http::{Request, RequestExt};

/// The `status` value that lists orders with an open after-sales case.
pub const AFTER_SALES: &str = "after_sales";

/// A path parameter that the route template guarantees.
pub fn path_param(request: &Request, name: &str) -> Result<String, ApiError> {
    request
        .path_parameters_ref()
        .and_then(|params| params.first(name))
        .map(str::to_string)
        .ok_or_else(|| ApiError::invalid(name, "is required in the path"))
}

/// A path parameter that is an id (`sku_id`, `address_id`, ...).
pub fn id_param(request: &Request, name: &str) -> Result<String, ApiError> {
    let id = path_param(request, name)?;
    validate_id(name, &id)?;
    Ok(id)
}

/// A path parameter that is a buyer's or a shop's id (`seller_id`).
pub fn user_id_param(request: &Request, name: &str) -> Result<String, ApiError> {
    let id = path_param(request, name)?;
    validate_user_id(name, &id)?;
    Ok(id)
}

/// The `{id}` of an order path. Anything that is not an order number cannot exist: 404.
pub fn order_no_param(request: &Request) -> Result<String, ApiError> {
    let id = path_param(request, "id")?;
    if order_no::is_valid(&id) {
        Ok(id)
    } else {
        Err(ApiError::not_found("order", id))
    }
}

/// A query parameter, if present and not empty.
pub fn query_param(request: &Request, name: &str) -> Option<String> {
    request
        .query_string_parameters_ref()
        .and_then(|params| params.first(name))
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// A boolean query parameter: `true` or `false` (absent is false).
pub fn flag_param(request: &Request, name: &str) -> Result<bool, ApiError> {
    match query_param(request, name).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::invalid(name, "must be true or false")),
    }
}

/// A header as text, if present.
pub fn header_value(request: &Request, name: &str) -> Option<String> {
    request.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_string)
}

/// The `Idempotency-Key` header, if sent. A key sent with bytes outside printable ASCII is
/// refused, never ignored (ignoring it would create the order again on a retry).
pub fn idempotency_key(request: &Request) -> Result<Option<IdempotencyKey>, ApiError> {
    request.headers().get("idempotency-key").map(|value| IdempotencyKey::parse(value.as_bytes())).transpose()
}

/// The filters of `GET /orders` and `GET /seller/orders`.
pub fn list_filter(request: &Request) -> Result<ListFilter, ApiError> {
    let mut filter = ListFilter { limit: DEFAULT_LIMIT, ..ListFilter::default() };
    if let Some(limit) = query_param(request, "limit") {
        filter.limit = Some(limit.as_str())
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<usize>().ok())
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| ApiError::invalid("limit", format!("must be a whole number 1..={MAX_LIMIT}")))?;
    }
    if let Some(statuses) = query_param(request, "status") {
        for name in statuses.split(',').map(str::trim) {
            if name == AFTER_SALES {
                filter.after_sales = true;
                continue;
            }
            let status = OrderStatus::parse(name).ok_or_else(|| {
                let known = OrderStatus::ALL.map(OrderStatus::as_str).join(", ");
                ApiError::invalid("status", format!("unknown status {name:?}; use {known} or {AFTER_SALES}"))
            })?;
            if !filter.statuses.contains(&status) {
                filter.statuses.push(status);
            }
        }
        filter.statuses.sort();
        if filter.after_sales && !filter.statuses.is_empty() {
            return Err(ApiError::invalid("status", format!("{AFTER_SALES} is a list of its own: ask for it alone")));
        }
    }
    if let Some(no) = query_param(request, "order_no") {
        if !order_no::is_valid(&no) {
            return Err(ApiError::invalid("order_no", "must be 18 digits"));
        }
        filter.order_no = Some(no);
    }
    if let Some(ids) = query_param(request, "ids") {
        for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
            if !order_no::is_valid(id) {
                return Err(ApiError::invalid("ids", format!("{id:?} is not an 18-digit order number")));
            }
            if !filter.ids.iter().any(|known| known == id) {
                filter.ids.push(id.to_string());
            }
        }
        if filter.ids.len() > MAX_LIMIT {
            return Err(ApiError::invalid("ids", format!("at most {MAX_LIMIT} order numbers")));
        }
    }
    if let Some(name) = query_param(request, "product_name") {
        if name.chars().count() > 50 {
            return Err(ApiError::invalid("product_name", "must be at most 50 characters"));
        }
        filter.product_name = Some(name.to_lowercase());
    }
    for (field, slot) in [("created_from", &mut filter.created_from), ("created_to", &mut filter.created_to)] {
        if let Some(text) = query_param(request, field) {
            *slot = Some(Timestamp::parse(&text).map_err(|rule| ApiError::invalid(field, rule))?);
        }
    }
    if let (Some(from), Some(to)) = (filter.created_from, filter.created_to) {
        if from > to {
            return Err(ApiError::invalid("created_from", "must not be after created_to"));
        }
    }
    filter.cursor = query_param(request, "cursor");
    if let Some(buyer_id) = query_param(request, "buyer_id") {
        validate_user_id("buyer_id", &buyer_id)?;
        filter.buyer_id = Some(buyer_id);
    }
    Ok(filter)
}

/// `GET /shipping-fee`'s query: a shop's template, a province and a number of units.
#[derive(Debug, Clone)]
pub struct ShippingFeeQuery {
    pub seller_id: String,
    pub template_id: String,
    pub province: String,
    pub quantity: u32,
}

pub fn shipping_fee_query(request: &Request) -> Result<ShippingFeeQuery, ApiError> {
    let required = |name: &str| query_param(request, name).ok_or_else(|| ApiError::invalid(name, "is required"));
    let seller_id = required("seller_id")?;
    validate_user_id("seller_id", &seller_id)?;
    let template_id = required("template_id")?;
    validate_id("template_id", &template_id)?;
    let province = required("province")?;
    crate::domain::text::validate_text("province", &province, 1, 50)?;
    let quantity = Some(required("quantity")?)
        .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse::<u32>().ok())
        .filter(|quantity| (1..=9999).contains(quantity))
        .ok_or_else(|| ApiError::invalid("quantity", "must be a whole number 1..=9999"))?;
    Ok(ShippingFeeQuery { seller_id, template_id, province, quantity })
}

/// The `{delivery_id}` of a delivery path; anything else cannot exist: 404.
pub fn delivery_id_param(request: &Request) -> Result<String, ApiError> {
    let id = path_param(request, "delivery_id")?;
    if Delivery::is_id(&id) {
        Ok(id)
    } else {
        Err(ApiError::not_found("delivery", id))
    }
}

/// A page of a webhook's delivery log: `status`, `limit` (1 to 100, default 20), `cursor`.
pub struct WebhookLogQuery {
    pub status: Option<DeliveryStatus>,
    pub limit: usize,
    pub cursor: Option<String>,
}

pub fn webhook_log_query(request: &Request) -> Result<WebhookLogQuery, ApiError> {
    let status = query_param(request, "status").map(|status| DeliveryStatus::parse(&status)).transpose()?;
    let limit = match query_param(request, "limit") {
        None => DEFAULT_LIMIT,
        Some(limit) => Some(limit.as_str())
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<usize>().ok())
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| ApiError::invalid("limit", format!("must be a whole number 1..={MAX_LIMIT}")))?,
    };
    Ok(WebhookLogQuery { status, limit, cursor: query_param(request, "cursor") })
}
