//! Every function's handler, by the binary name template.yaml deploys it under. The dev server
//! routes template.yaml's HttpApi events to these.

use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::App;
use std::future::Future;
use std::pin::Pin;

pub type HandlerFuture = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;
pub type Handler = fn(App, Request) -> HandlerFuture;

macro_rules! handlers {
    ($($function:literal => $krate:ident),* $(,)?) => {
        /// (binary name, handler) of every HTTP function.
        pub const ALL: &[(&str, Handler)] = &[
            $(($function, |app, request| Box::pin($krate::handle(app, request)))),*
        ];
    };
}

handlers! {
    "add-tracking-event" => add_tracking_event,
    "adjust-stock" => adjust_stock,
    "alipay-notify" => alipay_notify,
    "apply-refund" => apply_refund,
    "approve-refund" => approve_refund,
    "cancel-order" => cancel_order,
    "confirm-receipt" => confirm_receipt,
    "confirm-return" => confirm_return,
    "create-address" => create_address,
    "create-order" => create_order,
    "create-webhook" => create_webhook,
    "delete-address" => delete_address,
    "delete-cart-item" => delete_cart_item,
    "delete-freight-template" => delete_freight_template,
    "delete-order" => delete_order,
    "delete-webhook" => delete_webhook,
    "empty-cart" => empty_cart,
    "get-address" => get_address,
    "get-cart" => get_cart,
    "get-logistics" => get_logistics,
    "get-me" => get_me,
    "get-order" => get_order,
    "get-order-counts" => get_order_counts,
    "get-payment" => get_payment,
    "get-points" => get_points,
    "get-return-address" => get_return_address,
    "get-seller-order" => get_seller_order,
    "get-seller-order-counts" => get_seller_order_counts,
    "get-seller-sku" => get_seller_sku,
    "get-shipping-fee" => get_shipping_fee,
    "get-sku" => get_sku,
    "get-webhook" => get_webhook,
    "grant-points" => grant_points,
    "lianlian-notify" => lianlian_notify,
    "lianlian-refund-notify" => lianlian_refund_notify,
    "list-addresses" => list_addresses,
    "list-freight-templates" => list_freight_templates,
    "list-orders" => list_orders,
    "list-seller-orders" => list_seller_orders,
    "list-webhook-deliveries" => list_webhook_deliveries,
    "list-webhooks" => list_webhooks,
    "put-cart-item" => put_cart_item,
    "put-freight-template" => put_freight_template,
    "put-member" => put_member,
    "put-member-level" => put_member_level,
    "put-shop-counter-shards" => put_shop_counter_shards,
    "put-return-address" => put_return_address,
    "put-sku" => put_sku,
    "quote-order" => quote_order,
    "reject-refund" => reject_refund,
    "retry-payout" => retry_payout,
    "retry-webhook-delivery" => retry_webhook_delivery,
    "review-order" => review_order,
    "rotate-webhook-secret" => rotate_webhook_secret,
    "seller-close-order" => seller_close_order,
    "set-points-password" => set_points_password,
    "ship-order" => ship_order,
    "ship-return" => ship_return,
    "start-payment" => start_payment,
    "test-webhook" => test_webhook,
    "update-address" => update_address,
    "update-webhook" => update_webhook,
    "withdraw-refund" => withdraw_refund,
    "wxpay-notify" => wxpay_notify,
    "wxpay-refund-notify" => wxpay_refund_notify,
}

/// The handler of a function, by its binary name.
pub fn handler(function: &str) -> Option<Handler> {
    ALL.iter().find(|(name, _)| *name == function).map(|(_, handler)| *handler)
}
