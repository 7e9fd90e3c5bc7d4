//! The OpenAPI 3.1 description of the API, built from the request and response types themselves
//! (their `ToSchema` derives) and one `#[utoipa::path]` per route below. The dev server serves
//! it; `docs/openapi.json` is its committed copy (a test fails when it is stale); tests check
//! that its operations are exactly template.yaml's routes, the operation id being the function.
//!
//! Only the `openapi` feature builds it: the functions leave it out.

// The route functions below are never called: each only carries its `#[utoipa::path]`.
#![allow(dead_code)]

use crate::adapters::http::bodies::{
    AddressBody, ApplyRefundBody, ApproveRefundBody, CartItemBody, ConfirmReturnBody, CreateOrderBody,
    FreightTemplateBody, GrantPointsBody, ItemBody, MemberLevelBody, MembershipBody, PaymentBody, PointsPasswordBody,
    PutSkuBody, ReasonBody, RejectRefundBody, ReturnShipmentBody, ReviewBody, ShipBody, StockAdjustmentBody,
    TrackingEventBody,
};
use crate::adapters::http::views::{
    AddressListView, CountsView, CreatedOrdersView, DeletedAddressView, DeletedOrderView, LogisticsView, OrderListView,
    OrderView, PaymentStartView, PaymentView, PointsView, SellerSkuView, SkuView,
};
use crate::adapters::http::views::{
    CartView, FreightTemplateView, FreightTemplatesView, MeView, MemberLevelView, QuoteView, ShippingFeeView,
};
use crate::domain::address::Address;
use crate::domain::address::AddressEntry;
use crate::error::ApiError;
use std::collections::BTreeMap;
use utoipa::openapi::response::Response;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToResponse, ToSchema};

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

/// The error answers routes share, each the error envelope, by status.
macro_rules! error_answers {
    ($($(#[$doc:meta])* $name:ident: $($status:literal),+;)+) => {$(
        $(#[$doc])*
        struct $name;

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

/// The fields of Alipay's asynchronous notification this API reads (it verifies the RSA2 `sign`
/// over all of them).
#[derive(ToSchema)]
pub struct AlipayNotificationForm {
    pub app_id: String,
    /// The order number.
    pub out_trade_no: String,
    /// Alipay's trade number.
    pub trade_no: String,
    /// The amount paid, `"128.00"`.
    pub total_amount: String,
    /// `TRADE_SUCCESS` and `TRADE_FINISHED` pay the order; others are acknowledged.
    pub trade_status: String,
    pub sign: String,
    /// `RSA2`.
    pub sign_type: Option<String>,
}

/// The field rules of the request bodies, as JSON Schema: what `domain::text`, `Address`,
/// `Listing` and the bodies check, so generated clients (and the contract tests) send what is
/// accepted. Fields name them with `#[schema(schema_with = rules::...)]`.
pub mod rules {
    use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, OneOfBuilder, Schema, Type};
    use utoipa::openapi::{Ref, RefOr};

    /// What `validate_text` refuses: control characters, and invisible or text-direction ones.
    const ONE_LINE: &str =
        "^[^\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]*$";
    /// As `ONE_LINE`, but a line feed is allowed (`validate_multiline_text`).
    const LINES: &str =
        "^[^\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]*$";

    fn text(min: usize, max: usize, pattern: &str) -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(min))
            .max_length(Some(max))
            .pattern(Some(pattern))
            .build()
    }

    /// One line of `MIN..=MAX` characters.
    pub fn line<const MIN: usize, const MAX: usize>() -> Object {
        text(MIN, MAX, ONE_LINE)
    }

    /// Free text of `MIN..=MAX` characters that may span lines.
    pub fn lines<const MIN: usize, const MAX: usize>() -> Object {
        text(MIN, MAX, LINES)
    }

    /// An id (SKUs, addresses, carriers, tracking numbers): `validate_id`.
    pub fn id() -> Object {
        ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[A-Za-z0-9_-]{1,64}$")).build()
    }

    /// A buyer's or a shop's id: `is_user_id`.
    pub fn user_id() -> Object {
        ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[A-Za-z0-9_.:@|+=-]{1,128}$")).build()
    }

    /// A phone number: `Address::validate`.
    pub fn phone() -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9+ -]{5,20}$"))
            .examples([serde_json::json!("13800000000")])
            .build()
    }

    /// A whole number `MIN..=MAX`.
    pub fn int<const MIN: i64, const MAX: i64>() -> Object {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64)))
            .minimum(Some(MIN))
            .maximum(Some(MAX))
            .build()
    }

    /// A whole number `-MAX..=MAX` but not 0 (a change of stock or of points).
    pub fn change<const MAX: i64>() -> Schema {
        let range = |min: i64, max: i64| {
            let mut schema = int::<0, 0>();
            schema.minimum = Some(min.into());
            schema.maximum = Some(max.into());
            schema
        };
        OneOfBuilder::new().item(range(-MAX, -1)).item(range(1, MAX)).build().into()
    }

    /// Up to `MAX` http(s) image URLs (vouchers).
    pub fn urls<const MAX: usize>() -> Schema {
        let url = ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(500))
            .pattern(Some("^https?://[^\\s]+$"))
            .examples([serde_json::json!("https://example.com/img/lid.jpg")]);
        ArrayBuilder::new().items(url).max_items(Some(MAX)).build().into()
    }

    /// A payment to start with the create.
    pub fn pay_channel() -> Object {
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["alipay", "points", "sccb"])).build()
    }

    /// What lowers an order's price.
    pub fn benefit() -> Object {
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["discount", "points"])).build()
    }

    /// The type of an after-sales application.
    pub fn refund_type() -> Object {
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["refund_only", "return_and_refund"])).build()
    }

    /// `items` of an order: 1 to `MAX` item bodies.
    pub fn items<const MAX: usize>() -> Schema {
        ArrayBuilder::new()
            .items(RefOr::Ref(Ref::from_schema_name("ItemBody")))
            .min_items(Some(1))
            .max_items(Some(MAX))
            .build()
            .into()
    }
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

const API_DESCRIPTION: &str = "Take, pay, ship and refund orders. Every answer is an envelope \
`{code, msg, data, request_id}`; money is a string with two decimals (CNY), times are RFC 3339 UTC; \
an empty query parameter is the same as none. \
Error codes: 10001 not found (also another buyer's order), 10002 missing or invalid token (401), 10003 \
the token's role may not use the route (403), 10004 system fault (500; 503 with Retry-After when the \
store is unavailable or throttled), 10005 invalid parameter naming the field (400; 415 for a body that \
is not application/json), 10007 the order's state does not allow it (409), 10008 out of stock (409), \
10009 Idempotency-Key reused with another body (422), 10010 payment notification invalid (400).";

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT".into());
        http.description = Some(
            "A JWT the HTTP API's authorizer verifies: `sub` is the user, `role` is buyer (default), seller \
             or admin, a seller's `seller_id` names its shop."
                .into(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Order service", version = "1", description = API_DESCRIPTION),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    paths(
        create_order, list_orders, get_order, get_order_counts, cancel_order, delete_order,
        list_addresses, create_address, get_address, update_address, delete_address,
        put_sku, get_seller_sku, adjust_stock, get_sku,
        start_payment, alipay_notify, wxpay_notify, wxpay_refund_notify, get_payment,
        confirm_receipt, get_logistics, review_order, get_points,
        list_seller_orders, get_seller_order, get_seller_order_counts, ship_order, add_tracking_event,
        seller_close_order, grant_points,
        apply_refund, withdraw_refund, ship_return, approve_refund, reject_refund, confirm_return, retry_payout,
        put_return_address, get_return_address,
        get_cart, put_cart_item, delete_cart_item, empty_cart, quote_order,
        put_freight_template, list_freight_templates, delete_freight_template, get_shipping_fee,
        put_member_level, put_member, get_me, set_points_password,
    ),
    components(schemas(ErrorEnvelope, AddressEntry, ItemBody), responses(ErrorEnvelope)),
    tags(
        (name = "orders", description = "A buyer's orders"),
        (name = "payments", description = "Paying an order"),
        (name = "addresses", description = "A buyer's address book"),
        (name = "catalog", description = "SKUs and stock"),
        (name = "shop", description = "A seller's side of its orders"),
        (name = "points", description = "Points"),
        (name = "cart", description = "A buyer's cart, and quotes"),
        (name = "shipping", description = "Freight templates and shipping fees"),
        (name = "members", description = "Member levels and their discount"),
        (name = "after-sales", description = "Refunds and returns: the buyer's case, the shop's answers, the money going back"),
    )
)]
pub struct ApiDoc;

/// The description as JSON, keys in a stable order (what `docs/openapi.json` holds).
pub fn openapi_json() -> Result<String, ApiError> {
    let value = serde_json::to_value(ApiDoc::openapi()).map_err(|error| ApiError::Internal(error.to_string()))?;
    serde_json::to_string_pretty(&value).map_err(|error| ApiError::Internal(error.to_string()))
}

// One function per route: each only carries its `#[utoipa::path]`. The operation id is the
// function binary template.yaml deploys for the route.

/// Place an order
///
/// Items from several shops (or `from_cart: true`: the cart's selected items, or its `sku_ids`)
/// become one order per shop, created together; prices come from the catalog, shipping from
/// the shops' freight templates, and `benefit` takes the member discount or points (never both);
/// stock is reserved and bought cart items leave the cart in the same transaction.
/// `Idempotency-Key` (1–255 printable ASCII) makes a retry answer the first result.
#[utoipa::path(post, path = "/api/v1/orders", operation_id = "create-order", tag = "orders",
    request_body = CreateOrderBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key and body: the first answer again", pattern = "^[!-~]([ -~]{0,253}[!-~])?$")),
    responses(
        (status = 201, description = "The orders, one per shop", body = Envelope<CreatedOrdersView>),
        (status = 404, description = "A SKU or the address does not exist", body = ErrorEnvelope),
        (status = 409, description = "Out of stock (10008)", body = ErrorEnvelope),
        (status = 422, description = "Idempotency-Key reused with another body", body = ErrorEnvelope),
        TokenErrors, BodyErrors, Faults,
    ))]
fn create_order() {}

/// The buyer's orders, newest first
#[utoipa::path(get, path = "/api/v1/orders", operation_id = "list-orders", tag = "orders",
    params(ListQuery),
    responses(
        (status = 200, description = "One page", body = Envelope<OrderListView>),
        TokenErrors, ParamErrors, Faults,
    ))]
fn list_orders() {}

/// One of the buyer's orders
#[utoipa::path(get, path = "/api/v1/orders/{id}", operation_id = "get-order", tag = "orders",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    responses(
        (status = 200, description = "The order", body = Envelope<OrderView>),
        TokenErrors, NotFound, Faults,
    ))]
fn get_order() {}

/// The buyer's orders per status
#[utoipa::path(get, path = "/api/v1/order-counts", operation_id = "get-order-counts", tag = "orders",
    responses(
        (status = 200, description = "Counts", body = Envelope<CountsView>),
        TokenErrors, Faults,
    ))]
fn get_order_counts() {}

/// Cancel an unpaid order (its stock is released)
#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", operation_id = "cancel-order", tag = "orders",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body(content = Option<ReasonBody>, description = "Optional"),
    responses(
        (status = 200, description = "The closed order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn cancel_order() {}

/// Hide a closed or completed order from the buyer's lists and counts
#[utoipa::path(delete, path = "/api/v1/orders/{id}", operation_id = "delete-order", tag = "orders",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    responses(
        (status = 200, description = "Deleted", body = Envelope<DeletedOrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn delete_order() {}

/// The buyer's address book
#[utoipa::path(get, path = "/api/v1/addresses", operation_id = "list-addresses", tag = "addresses",
    responses(
        (status = 200, description = "Default first", body = Envelope<AddressListView>),
        TokenErrors, Faults,
    ))]
fn list_addresses() {}

/// Add an address (at most 20; the first becomes the default)
#[utoipa::path(post, path = "/api/v1/addresses", operation_id = "create-address", tag = "addresses",
    request_body = AddressBody,
    responses(
        (status = 201, description = "The new entry", body = Envelope<AddressEntry>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn create_address() {}

/// One address of the book
#[utoipa::path(get, path = "/api/v1/addresses/{address_id}", operation_id = "get-address", tag = "addresses",
    params(("address_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "The entry", body = Envelope<AddressEntry>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_address() {}

/// Replace an address; `is_default` moves the default
#[utoipa::path(put, path = "/api/v1/addresses/{address_id}", operation_id = "update-address", tag = "addresses",
    params(("address_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = AddressBody,
    responses(
        (status = 200, description = "The entry", body = Envelope<AddressEntry>),
        TokenErrors, BodyErrors, NotFound, Faults,
    ))]
fn update_address() {}

/// Remove an address
#[utoipa::path(delete, path = "/api/v1/addresses/{address_id}", operation_id = "delete-address", tag = "addresses",
    params(("address_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "Removed", body = Envelope<DeletedAddressView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn delete_address() {}

/// Create or update a SKU of the seller's shop and set its stock on hand
///
/// Units reserved by open orders stay reserved; `stock` below them is 409. `expected_on_hand`
/// makes it a compare-and-set.
#[utoipa::path(put, path = "/api/v1/seller/skus/{sku_id}", operation_id = "put-sku", tag = "catalog",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = PutSkuBody,
    responses(
        (status = 200, description = "The SKU with its stock figures", body = Envelope<SellerSkuView>),
        (status = 403, description = "Another shop's SKU, or not a seller", body = ErrorEnvelope),
        NoToken, BodyErrors, StateConflict, Faults,
    ))]
fn put_sku() {}

/// A SKU of the seller's shop with on hand, reserved and available
#[utoipa::path(get, path = "/api/v1/seller/skus/{sku_id}", operation_id = "get-seller-sku", tag = "catalog",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "The SKU", body = Envelope<SellerSkuView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_seller_sku() {}

/// Goods received or lost: on hand moves by `delta`
#[utoipa::path(post, path = "/api/v1/seller/skus/{sku_id}/stock-adjustments", operation_id = "adjust-stock", tag = "catalog",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = StockAdjustmentBody,
    responses(
        (status = 200, description = "The SKU", body = Envelope<SellerSkuView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn adjust_stock() {}

/// The public catalog entry (no token)
#[utoipa::path(get, path = "/api/v1/skus/{sku_id}", operation_id = "get-sku", tag = "catalog", security(()),
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "The SKU; `stock` is what can be bought", body = Envelope<SkuView>),
        ParamErrors, NotFound, Faults,
    ))]
fn get_sku() {}

/// Start paying an order
///
/// `alipay` answers the RSA2-signed `order_string` for the Alipay app SDK, `wxpay` the WeChat
/// app SDK's parameters (`wxpay_result`, after a prepay at WeChat Pay); `points` answers the
/// payment state of a points order (paid when placed).
#[utoipa::path(post, path = "/api/v1/orders/{id}/payments", operation_id = "start-payment", tag = "payments",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body = PaymentBody,
    responses(
        (status = 200, description = "What the app needs to pay", content(
            (Envelope<PaymentStartView> = "application/json"),
            (Envelope<PaymentView> = "application/json"),
        )),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn start_payment() {}

/// Alipay's asynchronous notification (no token: its RSA2 signature is verified)
///
/// Answered `success` (text) once recorded, also for a payment the order can no longer take
/// (kept as a late payment to be paid back).
#[utoipa::path(post, path = "/api/v1/payments/alipay/notify", operation_id = "alipay-notify", tag = "payments", security(()),
    request_body(content = AlipayNotificationForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Recorded", body = String, content_type = "text/plain", example = json!("success")),
        (status = 400, description = "Signature, app id, order or amount wrong (10010)", body = ErrorEnvelope),
        Faults,
    ))]
fn alipay_notify() {}

/// WeChat Pay's answer to a notification it sent: `FAIL` makes it send the notification again.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WxpayFailure {
    /// `FAIL`.
    pub code: String,
    pub message: String,
}

/// WeChat Pay API v3 payment notification (no token: its headers' signature is verified)
///
/// Signed by WeChat Pay (`Wechatpay-Timestamp`, `-Nonce`, `-Signature`, `-Serial`: the public key
/// id); a timestamp more than 5 minutes off is refused. The `resource` is decrypted with the
/// APIv3 key (AEAD_AES_256_GCM); `mchid`, `appid`, `out_trade_no` and `amount.total` are checked and
/// `trade_state` `SUCCESS` pays the order once. 204 once recorded, also for a payment the order
/// can no longer take (kept as a late payment and paid back).
#[utoipa::path(post, path = "/api/v1/payments/wxpay/notify", operation_id = "wxpay-notify", tag = "payments", security(()),
    params(WxpaySignatureHeaders),
    request_body(content = WxpayNotification, content_type = "application/json"),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Signature, time, merchant, order or amount wrong; nothing changed", body = WxpayFailure),
        (status = 500, description = "Not configured", body = WxpayFailure),
        (status = 503, description = "Try again", body = WxpayFailure),
    ))]
fn wxpay_notify() {}

/// WeChat Pay API v3 refund notification (no token: verified like a payment notification)
///
/// `REFUND.SUCCESS` settles the refund WeChat Pay answered `PROCESSING`; `REFUND.ABNORMAL` and
/// `REFUND.CLOSED` leave it for the shop's retry. 204 once recorded.
#[utoipa::path(post, path = "/api/v1/payments/wxpay/refund-notify", operation_id = "wxpay-refund-notify", tag = "payments", security(()),
    params(WxpaySignatureHeaders),
    request_body(content = WxpayNotification, content_type = "application/json"),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Signature, time, merchant or refund wrong; nothing changed", body = WxpayFailure),
        (status = 500, description = "Not configured", body = WxpayFailure),
        (status = 503, description = "Try again", body = WxpayFailure),
    ))]
fn wxpay_refund_notify() {}

/// The headers WeChat Pay signs a notification with.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct WxpaySignatureHeaders {
    /// Unix seconds.
    #[param(rename = "Wechatpay-Timestamp")]
    pub timestamp: Option<String>,
    #[param(rename = "Wechatpay-Nonce")]
    pub nonce: Option<String>,
    /// Base64 SHA256-RSA over `timestamp\nnonce\nbody\n`.
    #[param(rename = "Wechatpay-Signature")]
    pub signature: Option<String>,
    /// The WeChat Pay public key id (`PUB_KEY_ID_...`).
    #[param(rename = "Wechatpay-Serial")]
    pub serial: Option<String>,
}

/// A WeChat Pay notification: its envelope with the encrypted resource.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WxpayNotification {
    pub id: String,
    pub create_time: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, ...
    pub event_type: String,
    pub resource_type: String,
    pub resource: WxpayResource,
    pub summary: String,
}

/// AEAD_AES_256_GCM with the APIv3 key.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WxpayResource {
    pub algorithm: String,
    /// Base64 of the ciphertext and its tag.
    pub ciphertext: String,
    pub associated_data: String,
    pub original_type: String,
    /// 12 characters.
    pub nonce: String,
}

/// Whether and how an order was paid
///
/// `refresh=true` first asks the providers an unpaid order's payment was started with
/// (`alipay.trade.query`, WeChat Pay's query by `out_trade_no`) and settles a payment whose
/// notification never came.
#[utoipa::path(get, path = "/api/v1/orders/{id}/payment", operation_id = "get-payment", tag = "payments",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$"),
        ("refresh" = Option<bool>, Query, description = "Ask the providers first")),
    responses(
        (status = 200, description = "The payment state", body = Envelope<PaymentView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_payment() {}

/// Confirm a shipped order arrived
#[utoipa::path(post, path = "/api/v1/orders/{id}/receipt", operation_id = "confirm-receipt", tag = "orders",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    responses(
        (status = 200, description = "The completed order", body = Envelope<OrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn confirm_receipt() {}

/// Carrier, tracking number and events, newest first (once shipped)
#[utoipa::path(get, path = "/api/v1/orders/{id}/logistics", operation_id = "get-logistics", tag = "orders",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    responses(
        (status = 200, description = "Logistics", body = Envelope<LogisticsView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn get_logistics() {}

/// Mark a completed order reviewed
#[utoipa::path(post, path = "/api/v1/orders/{id}/review", operation_id = "review-order", tag = "orders",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body(content = Option<ReviewBody>, description = "Optional"),
    responses(
        (status = 200, description = "The order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn review_order() {}

/// The buyer's points balance
#[utoipa::path(get, path = "/api/v1/points", operation_id = "get-points", tag = "points",
    responses(
        (status = 200, description = "The balance", body = Envelope<PointsView>),
        TokenErrors, Faults,
    ))]
fn get_points() {}

/// The shop's orders, newest first
#[utoipa::path(get, path = "/api/v1/seller/orders", operation_id = "list-seller-orders", tag = "shop",
    params(ListQuery),
    responses(
        (status = 200, description = "One page", body = Envelope<OrderListView>),
        TokenErrors, ParamErrors, Faults,
    ))]
fn list_seller_orders() {}

/// One of the shop's orders
#[utoipa::path(get, path = "/api/v1/seller/orders/{id}", operation_id = "get-seller-order", tag = "shop",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    responses(
        (status = 200, description = "The order", body = Envelope<OrderView>),
        TokenErrors, NotFound, Faults,
    ))]
fn get_seller_order() {}

/// The shop's orders per status
#[utoipa::path(get, path = "/api/v1/seller/order-counts", operation_id = "get-seller-order-counts", tag = "shop",
    responses(
        (status = 200, description = "Counts", body = Envelope<CountsView>),
        TokenErrors, Faults,
    ))]
fn get_seller_order_counts() {}

/// Ship a paid order
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/ship", operation_id = "ship-order", tag = "shop",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body = ShipBody,
    responses(
        (status = 200, description = "The shipped order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn ship_order() {}

/// Append a logistics event to a shipped order
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/tracking-events", operation_id = "add-tracking-event", tag = "shop",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body = TrackingEventBody,
    responses(
        (status = 201, description = "The order's logistics", body = Envelope<LogisticsView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn add_tracking_event() {}

/// Close an unpaid order of the shop (its stock is released)
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/close", operation_id = "seller-close-order", tag = "shop",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body(content = Option<ReasonBody>, description = "Optional"),
    responses(
        (status = 200, description = "The closed order", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn seller_close_order() {}

/// An admin grants a buyer points (negative takes some back; never below zero)
#[utoipa::path(post, path = "/api/v1/admin/points", operation_id = "grant-points", tag = "points",
    request_body = GrantPointsBody,
    responses(
        (status = 200, description = "The new balance", body = Envelope<PointsView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn grant_points() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_bounds_are_the_checked_ones() {
        use crate::domain::catalog::MAX_STOCK;
        use crate::domain::order::OrderStatus;
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        for (body, field, min) in [
            ("PutSkuBody", "stock", 0),
            ("PutSkuBody", "expected_on_hand", 0),
            ("StockAdjustmentBody", "delta", -MAX_STOCK),
        ] {
            let property = &schemas[body]["properties"][field];
            assert_eq!((property["minimum"].as_i64(), property["maximum"].as_i64()), (Some(min), Some(MAX_STOCK)));
        }
        let status = &doc["paths"]["/api/v1/orders"]["get"]["parameters"][0];
        assert_eq!(status["name"], "status");
        let pattern = status["schema"]["pattern"].as_str().unwrap();
        let names = OrderStatus::ALL.map(OrderStatus::as_str).join("|");
        let alone = crate::adapters::http::params::AFTER_SALES;
        assert_eq!(
            pattern,
            format!("^({alone}|({names})(,({names}))*)?$"),
            "a list of statuses, after_sales, or empty"
        );
    }

    #[test]
    fn every_operation_has_an_id_and_documents_its_errors() {
        let doc = ApiDoc::openapi();
        for (path, item) in &doc.paths.paths {
            let operations = [&item.get, &item.post, &item.put, &item.delete];
            for operation in operations.into_iter().flatten() {
                assert!(operation.operation_id.is_some(), "{path}");
                assert!(operation.responses.responses.contains_key("500"), "{path}");
            }
        }
        assert!(openapi_json().unwrap().contains("\"openapi\": \"3.1.0\""));
    }
}

/// Open an after-sales case: `refund_only` (paid, shipped, or completed within `AFTER_SALES_DAYS`)
/// or `return_and_refund` (once shipped), for some lines or the whole order. One open case per
/// order (a second is 409); `amount` at most what the chosen lines can still refund.
#[utoipa::path(post, path = "/api/v1/orders/{id}/refund", operation_id = "apply-refund", tag = "after-sales",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body = ApplyRefundBody,
    responses(
        (status = 201, description = "The order with its case `requested`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn apply_refund() {}

/// Withdraw a case the shop has not answered yet
#[utoipa::path(delete, path = "/api/v1/orders/{id}/refund", operation_id = "withdraw-refund", tag = "after-sales",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    responses(
        (status = 200, description = "The order with its case `withdrawn`", body = Envelope<OrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn withdraw_refund() {}

/// The buyer sent the goods of an approved return back
#[utoipa::path(post, path = "/api/v1/orders/{id}/refund/return-shipment", operation_id = "ship-return", tag = "after-sales",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body = ReturnShipmentBody,
    responses(
        (status = 200, description = "The order with its case `returning`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn ship_return() {}

/// Approve a case: money only goes back at once (the case is `refunding`, then `refunded` when
/// the provider paid; a points payment goes back in the same write); a return waits for the
/// goods at the body's address or the shop's saved one
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/approve", operation_id = "approve-refund", tag = "after-sales",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body(content = Option<ApproveRefundBody>, description = "Optional: where a return goes"),
    responses(
        (status = 200, description = "The order with its case `refunding`, `refunded`, `awaiting_return` or `returning`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn approve_refund() {}

/// Reject a case, saying why; the buyer may apply again
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/reject", operation_id = "reject-refund", tag = "after-sales",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body = RejectRefundBody,
    responses(
        (status = 200, description = "The order with its case `rejected`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn reject_refund() {}

/// The returned goods arrived (back on the shelf unless `restock` is false); the money goes back
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/confirm-return", operation_id = "confirm-return", tag = "after-sales",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    request_body(content = Option<ConfirmReturnBody>, description = "Optional"),
    responses(
        (status = 200, description = "The order with its case `refunding` or `refunded`", body = Envelope<OrderView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn confirm_return() {}

/// Retry a payout the provider refused (`payout.status` `failed`), under the same request number
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/refund/retry-payout", operation_id = "retry-payout", tag = "after-sales",
    params(("id" = String, Path, description = "The order number", pattern = "^[0-9]{18}$")),
    responses(
        (status = 200, description = "The order after the new attempt", body = Envelope<OrderView>),
        TokenErrors, NotFound, StateConflict, Faults,
    ))]
fn retry_payout() {}

/// Set the shop's return address (where approved returns go when the approval names none)
#[utoipa::path(put, path = "/api/v1/seller/return-address", operation_id = "put-return-address", tag = "after-sales",
    request_body = AddressBody,
    responses(
        (status = 200, description = "The saved address", body = Envelope<Address>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_return_address() {}

/// A shop's return address, for anyone signed in
#[utoipa::path(get, path = "/api/v1/merchants/{seller_id}/return-address", operation_id = "get-return-address", tag = "after-sales",
    params(("seller_id" = String, Path, pattern = "^[A-Za-z0-9_.:@|+=-]{1,128}$")),
    responses(
        (status = 200, description = "The address", body = Envelope<Address>),
        NoToken, ParamErrors, NotFound, Faults,
    ))]
fn get_return_address() {}

/// The buyer's cart by shop, priced from the catalog now; `flags` say when a price changed since
/// the item was added, when stock is short, or when the SKU is gone
#[utoipa::path(get, path = "/api/v1/cart", operation_id = "get-cart", tag = "cart",
    responses((status = 200, description = "The cart", body = Envelope<CartView>), TokenErrors, Faults))]
fn get_cart() {}

/// Set a SKU's quantity (1–999) and selection; a cart holds at most 100 SKUs (a 101st is 400
/// naming `items`)
#[utoipa::path(put, path = "/api/v1/cart/items/{sku_id}", operation_id = "put-cart-item", tag = "cart",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = CartItemBody,
    responses(
        (status = 200, description = "The item as set", body = Envelope<Object>),
        TokenErrors, BodyErrors, NotFound, Faults,
    ))]
fn put_cart_item() {}

/// Take a SKU out of the cart
#[utoipa::path(delete, path = "/api/v1/cart/items/{sku_id}", operation_id = "delete-cart-item", tag = "cart",
    params(("sku_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "Gone", body = Envelope<Object>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn delete_cart_item() {}

/// Empty the cart
#[utoipa::path(delete, path = "/api/v1/cart", operation_id = "empty-cart", tag = "cart",
    responses((status = 200, description = "How many items went", body = Envelope<Object>), TokenErrors, Faults))]
fn empty_cart() {}

/// What `POST /orders` with the same body would charge now (one order per shop, with shipping,
/// discount and points), writing nothing
#[utoipa::path(post, path = "/api/v1/orders/quote", operation_id = "quote-order", tag = "cart",
    request_body = CreateOrderBody,
    responses(
        (status = 200, description = "The quote", body = Envelope<QuoteView>),
        (status = 404, description = "A SKU or the address does not exist", body = ErrorEnvelope),
        (status = 409, description = "Out of stock (10008)", body = ErrorEnvelope),
        TokenErrors, BodyErrors, Faults,
    ))]
fn quote_order() {}

/// Create or replace a freight template of the shop
#[utoipa::path(put, path = "/api/v1/seller/freight-templates/{template_id}", operation_id = "put-freight-template", tag = "shipping",
    params(("template_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = FreightTemplateBody,
    responses(
        (status = 200, description = "The template", body = Envelope<FreightTemplateView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_freight_template() {}

/// The shop's freight templates
#[utoipa::path(get, path = "/api/v1/seller/freight-templates", operation_id = "list-freight-templates", tag = "shipping",
    responses((status = 200, description = "The templates", body = Envelope<FreightTemplatesView>), TokenErrors, Faults))]
fn list_freight_templates() {}

/// Delete a freight template; refused (409) while a SKU names it
#[utoipa::path(delete, path = "/api/v1/seller/freight-templates/{template_id}", operation_id = "delete-freight-template", tag = "shipping",
    params(("template_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "Gone", body = Envelope<Object>),
        TokenErrors, ParamErrors, NotFound, StateConflict, Faults,
    ))]
fn delete_freight_template() {}

/// What a shop's freight template charges for `quantity` units to `province` (seed 002's
/// calculate-shipping). Template ids are a shop's own, so `seller_id` names the shop
#[utoipa::path(get, path = "/api/v1/shipping-fee", operation_id = "get-shipping-fee", tag = "shipping",
    params(
        ("seller_id" = String, Query, pattern = "^[A-Za-z0-9_.:@|+=-]{1,128}$"),
        ("template_id" = String, Query, pattern = "^[A-Za-z0-9_-]{1,64}$"),
        ("province" = String, Query, min_length = 1, max_length = 50),
        ("quantity" = String, Query, pattern = "^[0-9]{1,4}$"),
    ),
    responses(
        (status = 200, description = "The fee", body = Envelope<ShippingFeeView>),
        NoToken, ParamErrors, NotFound, Faults,
    ))]
fn get_shipping_fee() {}

/// Create or replace a member level (percent off goods)
#[utoipa::path(put, path = "/api/v1/admin/member-levels/{level}", operation_id = "put-member-level", tag = "members",
    params(("level" = String, Path, pattern = "^[A-Za-z0-9_-]{1,32}$")),
    request_body = MemberLevelBody,
    responses(
        (status = 200, description = "The level", body = Envelope<MemberLevelView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_member_level() {}

/// Put a buyer in a member level
#[utoipa::path(put, path = "/api/v1/admin/members/{buyer_id}", operation_id = "put-member", tag = "members",
    params(("buyer_id" = String, Path, pattern = "^[A-Za-z0-9_.:@|+=-]{1,128}$")),
    request_body = MembershipBody,
    responses(
        (status = 200, description = "The membership", body = Envelope<Object>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_member() {}

/// The buyer's member level (null when none) and points
#[utoipa::path(get, path = "/api/v1/me", operation_id = "get-me", tag = "members",
    responses((status = 200, description = "The buyer", body = Envelope<MeView>), TokenErrors, Faults))]
fn get_me() {}

/// Set the points password (6 digits), or change it with `old_password`; once set, every points
/// payment carries `pay_password`, and five wrong tries lock points payments for 15 minutes (403)
#[utoipa::path(put, path = "/api/v1/points/password", operation_id = "set-points-password", tag = "points",
    request_body = PointsPasswordBody,
    responses(
        (status = 200, description = "Set", body = Envelope<Object>),
        (status = 403, description = "Wrong old password, or locked (10003, says until when)", body = ErrorEnvelope),
        (status = 401, description = "No or a bad token", body = ErrorEnvelope),
        BodyErrors, Faults,
    ))]
fn set_points_password() {}
