//! `POST /api/v1/orders/{id}/payments`: start paying. `alipay` answers the RSA2-signed
//! `order_string` for the Alipay app SDK; `points` answers the settlement of a points order.

use orders_shared::alipay::app_pay_order_string;
use orders_shared::http::{header_value, json_body, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{buyer_order, order_no_param};
use orders_shared::order::{OrderStatus, OrderType};
use orders_shared::requests::{PaymentChannel, PaymentRequest};
use orders_shared::runtime::App;
use orders_shared::state::effective;
use orders_shared::time::Timestamp;
use orders_shared::view::payment_view;
use orders_shared::ApiError;
use serde_json::json;

const NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| start(app, ctx, request)).await
}

/// `ALIPAY_NOTIFY_URL`, or this API's own notify route on the host the buyer called.
fn notify_url(app: &App, request: &Request) -> Result<String, ApiError> {
    if let Some(url) = app.alipay()?.notify_url.clone() {
        return Ok(url);
    }
    let host = header_value(request, "host").ok_or_else(|| ApiError::Internal("no Host header".into()))?;
    let scheme = header_value(request, "x-forwarded-proto").unwrap_or_else(|| "https".to_string());
    Ok(format!("{scheme}://{host}{NOTIFY_PATH}"))
}

async fn start(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let channel = json_body::<PaymentRequest>(&request)?.channel()?;
    let now = Timestamp::now();
    let stored = buyer_order(&app, buyer_id, &order_no).await?;
    let order = effective(&stored, now);
    match channel {
        PaymentChannel::Points if order.order_type == OrderType::Points => Reply::ok(payment_view(&order, now)),
        PaymentChannel::Points => Err(ApiError::invalid(
            "channel",
            "points pays points orders; use points_to_use when placing a standard order",
        )),
        PaymentChannel::Alipay => {
            if order.status != OrderStatus::PendingPayment {
                return Err(ApiError::StateConflict { action: "pay".into(), from: order.status.as_str().into() });
            }
            let config = app.alipay()?;
            let order_string = app_pay_order_string(config, &order, &notify_url(&app, &request)?, now)?;
            Reply::ok(json!({
                "order_no": order.order_no,
                "channel": "alipay",
                "amount": order.amounts.payable,
                "expires_at": order.expires_at,
                "order_string": order_string,
            }))
        }
    }
}
