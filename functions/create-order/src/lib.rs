//! `POST /api/v1/orders`: place an order. Prices come from the catalog; stock is reserved in the
//! same transaction that writes the orders (one per seller); `Idempotency-Key` is honoured;
//! `pay_channel` starts paying in the same call.

use orders_shared::app::checkout::place_and_start;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, CreateOrderBody};
use orders_shared::http::params::idempotency_key;
use orders_shared::http::views::CreatedOrdersView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| create(app, ctx, request)).await
}

async fn create(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let key = idempotency_key(&request)?;
    let checkout = json_body::<CreateOrderBody>(&request)?.into_checkout()?;
    let (placed, payments) = place_and_start(&app, buyer_id, &checkout, key.as_ref()).await?;
    let orders = placed.orders();
    let view = CreatedOrdersView::new(orders, Timestamp::now()).with_payments(&payments, ctx.lang);
    let reply = Reply::created(view)?.about_orders(orders);
    Ok(if placed.is_replay() { reply.header("idempotent-replayed", "true") } else { reply })
}
