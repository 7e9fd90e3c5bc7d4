//! The OpenAPI 3.1 description of the API, built from the request and response types themselves
//! (their `ToSchema` derives) and one `#[utoipa::path]` per route below. The dev server serves
//! it; `docs/openapi.json` is its committed copy (a test fails when it is stale); tests check
//! that its operations are exactly template.yaml's routes, the operation id being the function.
//!
//! Only the `openapi` feature builds it: the functions leave it out.

// Parameter structs and error sets only describe: their fields are never read.
#[allow(dead_code)]
mod answers;

// The route functions are never called: each only carries its `#[utoipa::path]`. Its operation id is
// the function binary template.yaml deploys for the route.
#[allow(dead_code)]
mod addresses;
#[allow(dead_code)]
mod after_sales;
#[allow(dead_code)]
mod callbacks;
#[allow(dead_code)]
mod cart;
#[allow(dead_code)]
mod catalog;
#[allow(dead_code)]
mod members;
#[allow(dead_code)]
mod orders;
#[allow(dead_code)]
mod payments;
#[allow(dead_code)]
mod points;
#[allow(dead_code)]
mod shipping;
#[allow(dead_code)]
mod shop;
#[allow(dead_code)]
mod webhooks;

pub use answers::{Envelope, ErrorEnvelope};

use crate::adapters::http::bodies::ItemBody;
use crate::domain::address::AddressEntry;
use crate::error::ApiError;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
        orders::create_order, orders::list_orders, orders::get_order, orders::get_order_counts, orders::cancel_order, orders::delete_order, orders::confirm_receipt, orders::get_logistics, orders::review_order,
        addresses::list_addresses, addresses::create_address, addresses::get_address, addresses::update_address, addresses::delete_address,
        catalog::put_sku, catalog::get_seller_sku, catalog::adjust_stock, catalog::get_sku,
        payments::start_payment, callbacks::alipay_notify, callbacks::wxpay_notify, callbacks::wxpay_refund_notify, callbacks::lianlian_notify, callbacks::lianlian_refund_notify, payments::get_payment,
        shop::list_seller_orders, shop::get_seller_order, shop::get_seller_order_counts, shop::ship_order, shop::add_tracking_event, shop::seller_close_order,
        points::get_points, points::grant_points, points::set_points_password,
        after_sales::apply_refund, after_sales::withdraw_refund, after_sales::ship_return, after_sales::approve_refund, after_sales::reject_refund, after_sales::confirm_return, after_sales::retry_payout, after_sales::put_return_address, after_sales::get_return_address,
        cart::get_cart, cart::put_cart_item, cart::delete_cart_item, cart::empty_cart, cart::quote_order,
        shipping::put_freight_template, shipping::list_freight_templates, shipping::delete_freight_template, shipping::get_shipping_fee,
        members::put_member_level, members::put_member, members::get_me, members::put_shop_counter_shards,
        webhooks::list_webhooks, webhooks::create_webhook, webhooks::get_webhook, webhooks::update_webhook, webhooks::delete_webhook, webhooks::rotate_webhook_secret, webhooks::test_webhook, webhooks::list_webhook_deliveries, webhooks::retry_webhook_delivery,
    ),
    components(schemas(ErrorEnvelope, AddressEntry, ItemBody, webhooks::EventEnvelope), responses(ErrorEnvelope)),
    tags(
        (name = "orders", description = "A buyer's orders"),
        (name = "payments", description = "Paying an order"),
        (name = "addresses", description = "A buyer's address book"),
        (name = "catalog", description = "SKUs and stock"),
        (name = "shop", description = "A seller's side of its orders"),
        (name = "points", description = "Points"),
        (name = "cart", description = "A buyer's cart, and quotes"),
        (name = "shipping", description = "Freight templates and shipping fees"),
        (name = "members", description = "Member levels and their discount, and shops' settings"),
        (name = "after-sales", description = "Refunds and returns: the buyer's case, the shop's answers, the money going back"),
        (name = "webhooks", description = "A shop's endpoints for its order events (signed as Standard Webhooks 1.0), and their delivery logs"),
    )
)]
pub struct ApiDoc;

/// The description as JSON, keys in a stable order (what `docs/openapi.json` holds).
pub fn openapi_json() -> Result<String, ApiError> {
    let mut value = serde_json::to_value(ApiDoc::openapi()).map_err(|error| ApiError::Internal(error.to_string()))?;
    value["webhooks"] = webhooks::webhooks_section();
    serde_json::to_string_pretty(&value).map_err(|error| ApiError::Internal(error.to_string()))
}

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
