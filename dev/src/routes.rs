//! The dev server's route table: method + path template → the function's handler, exactly the
//! HttpApi events of template.yaml (a test keeps the two the same).

use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::runtime::App;
use std::future::Future;
use std::pin::Pin;

pub type HandlerFuture = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;
pub type Handler = fn(App, Request) -> HandlerFuture;

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// The function binary (and crate) that serves it.
    pub function: &'static str,
    pub needs_token: bool,
    pub handler: Handler,
}

macro_rules! route {
    ($method:literal, $path:literal, $krate:ident, $function:literal, $needs_token:literal) => {
        Route {
            method: $method,
            path: $path,
            function: $function,
            needs_token: $needs_token,
            handler: |app, request| Box::pin($krate::handle(app, request)),
        }
    };
}

pub fn table() -> Vec<Route> {
    vec![
        route!("POST", "/api/v1/orders", create_order, "create-order", true),
        route!("GET", "/api/v1/orders", list_orders, "list-orders", true),
        route!("GET", "/api/v1/orders/{id}", get_order, "get-order", true),
        route!("GET", "/api/v1/order-counts", get_order_counts, "get-order-counts", true),
        route!("POST", "/api/v1/orders/{id}/cancel", cancel_order, "cancel-order", true),
        route!("DELETE", "/api/v1/orders/{id}", delete_order, "delete-order", true),
        route!("GET", "/api/v1/addresses", list_addresses, "list-addresses", true),
        route!("POST", "/api/v1/addresses", create_address, "create-address", true),
        route!("GET", "/api/v1/addresses/{address_id}", get_address, "get-address", true),
        route!("PUT", "/api/v1/addresses/{address_id}", update_address, "update-address", true),
        route!("DELETE", "/api/v1/addresses/{address_id}", delete_address, "delete-address", true),
        route!("PUT", "/api/v1/seller/skus/{sku_id}", put_sku, "put-sku", true),
        route!("GET", "/api/v1/skus/{sku_id}", get_sku, "get-sku", false),
        route!("POST", "/api/v1/orders/{id}/payments", start_payment, "start-payment", true),
        route!("POST", "/api/v1/payments/alipay/notify", alipay_notify, "alipay-notify", false),
        route!("GET", "/api/v1/orders/{id}/payment", get_payment, "get-payment", true),
        route!("POST", "/api/v1/orders/{id}/receipt", confirm_receipt, "confirm-receipt", true),
        route!("GET", "/api/v1/orders/{id}/logistics", get_logistics, "get-logistics", true),
        route!("POST", "/api/v1/orders/{id}/review", review_order, "review-order", true),
        route!("GET", "/api/v1/points", get_points, "get-points", true),
        route!("GET", "/api/v1/seller/orders", list_seller_orders, "list-seller-orders", true),
        route!("GET", "/api/v1/seller/orders/{id}", get_seller_order, "get-seller-order", true),
        route!("GET", "/api/v1/seller/order-counts", get_seller_order_counts, "get-seller-order-counts", true),
        route!("POST", "/api/v1/seller/orders/{id}/ship", ship_order, "ship-order", true),
        route!("POST", "/api/v1/seller/orders/{id}/tracking-events", add_tracking_event, "add-tracking-event", true),
        route!("POST", "/api/v1/seller/orders/{id}/close", seller_close_order, "seller-close-order", true),
        route!("POST", "/api/v1/admin/points", grant_points, "grant-points", true),
    ]
}

/// Matches a concrete path against a template like `/api/v1/orders/{id}`; returns the
/// path parameters on a match.
pub fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let template_parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let path_parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if template_parts.len() != path_parts.len() {
        return None;
    }
    let mut params = Vec::new();
    for (expected, actual) in template_parts.iter().zip(&path_parts) {
        match expected.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
            Some(name) if !actual.is_empty() => params.push((name.to_string(), actual.to_string())),
            Some(_) => return None,
            None if expected == actual => {}
            None => return None,
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_match_like_api_gateway() {
        assert_eq!(match_path("/api/v1/orders/{id}", "/api/v1/orders/123"), Some(vec![("id".into(), "123".into())]));
        assert_eq!(match_path("/api/v1/orders", "/api/v1/orders"), Some(vec![]));
        assert_eq!(match_path("/api/v1/orders/{id}", "/api/v1/orders"), None);
        assert_eq!(match_path("/api/v1/orders/{id}/cancel", "/api/v1/orders/1/pay"), None);
    }
}
