//! `GET /api/v1/orders/{id}/payment`: the payment state of one of the buyer's orders.

use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{buyer_order, order_no_param};
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::view::payment_view;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = buyer_order(&app, buyer_id, &order_no).await?;
    Reply::ok(payment_view(&order, Timestamp::now()))
}
