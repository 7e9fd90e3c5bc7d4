//! What every route's description shares: the envelope, the error envelope and the error answers by
//! status, the order-number path parameter and the list query.

use std::collections::BTreeMap;
use utoipa::openapi::response::Response;
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, IntoResponses, ToResponse, ToSchema};

/// Every answer but the notify route's: `code` 0, `msg` "ok", `data`, `request_id`.
#[derive(ToSchema)]
pub struct Envelope<T> {
    /// 0 on success.
    pub code: u32,
    pub msg: String,
    pub data: T,
    /// The id of this request in the logs.
    pub request_id: String,
}

/// A refused or failed request: a non-zero `code`, a message (English, or Chinese with
/// `Accept-Language: zh-CN`) that names the field or the state, `data` null.
#[derive(ToSchema, ToResponse)]
#[schema(examples(json!({"code": 10005, "msg": "invalid parameter items[0].quantity: must be 1..=9999", "data": null,
    "request_id": "3f1c9a52-8d7e-4b8e-9a0c-2b1d5e6f7a80"})))]
#[response(description = "The error envelope: `code` says what went wrong (see the description's table)")]
pub struct ErrorEnvelope {
    /// 10001 not found, 10002 no or bad token, 10003 wrong role, 10004 system fault (503:
    /// retry after `Retry-After`), 10005 invalid parameter, 10007 state conflict, 10008 out of
    /// stock, 10009 Idempotency-Key reused, 10010 bad payment notification.
    #[schema(minimum = 10001, maximum = 10010)]
    pub code: u32,
    pub msg: String,
    #[schema(value_type = Option<Object>)]
    pub data: Option<()>,
    pub request_id: String,
}

/// The order number a route's path names (`{id}`).
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrderNoPath {
    /// The order number
    #[param(pattern = "^[0-9]{18}$")]
    pub id: String,
}

/// The error answers routes share, each the error envelope, by status.
macro_rules! error_answers {
    ($($(#[$doc:meta])* $name:ident: $($status:literal),+;)+) => {$(
        $(#[$doc])*
        pub(super) struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                [$($status),+]
                    .into_iter()
                    .map(|status: u16| (status.to_string(), RefOr::Ref(Ref::from_response_name("ErrorEnvelope"))))
                    .collect()
            }
        }
    )+};
}

error_answers! {
    /// Every route: a fault (500), or the store unavailable (503 with `Retry-After`).
    Faults: 500, 503;
    /// Routes behind the authorizer: no or a bad token (401), the wrong role (403).
    TokenErrors: 401, 403;
    /// No or a bad token (401), where 403 has a description of its own.
    NoToken: 401;
    /// Routes with a body: a field refused (400), not `application/json` (415).
    BodyErrors: 400, 415;
    /// Routes whose path or query is checked (400).
    ParamErrors: 400;
    /// A body not sent as `application/json` (415), where 400 has a description of its own.
    NotJson: 415;
    /// Routes naming a thing in the path that may not exist (or be another buyer's).
    NotFound: 404;
    /// Routes whose order or stock may not allow the change.
    StateConflict: 409;
}

/// The filters of both order lists (`GET /orders`, `GET /seller/orders`). An empty parameter
/// is the same as none.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One or a comma list of pending_payment, paid, shipped, completed, closed; or after_sales
    /// alone (orders with an open after-sales case)
    #[param(
        pattern = "^(after_sales|(pending_payment|paid|shipped|completed|closed)(,(pending_payment|paid|shipped|completed|closed))*)?$"
    )]
    pub status: Option<String>,
    /// One order number (18 digits)
    #[param(pattern = "^([0-9]{18})?$")]
    pub order_no: Option<String>,
    /// A comma list of order numbers (at most 100)
    #[param(pattern = "^([0-9]{18}(,[0-9]{18}){0,99})?$")]
    pub ids: Option<String>,
    /// Contained in a line's product name (at most 50 characters, any case)
    #[param(max_length = 50)]
    pub product_name: Option<String>,
    /// Created at or after this RFC 3339 time, like 2026-01-31T08:00:00Z
    #[param(
        pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
    )]
    pub created_from: Option<String>,
    /// Created at or before this RFC 3339 time
    #[param(
        pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
    )]
    pub created_to: Option<String>,
    /// Only this buyer's orders
    #[param(pattern = "^[A-Za-z0-9_.:@|+=-]{0,128}$")]
    pub buyer_id: Option<String>,
    /// 1 to 100 (default 20)
    #[param(pattern = "^(0*(100|[1-9][0-9]?))?$", example = "20")]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page, unchanged (the other filters must stay the same)
    pub cursor: Option<String>,
}
