//! `POST /api/v1/orders/quote`: what `POST /orders` with the same body would charge now (goods,
//! shipping, discount, points), writing nothing.

use orders_shared::app::checkout;
use orders_shared::http::bodies::{json_body, CreateOrderBody};
use orders_shared::http::views::QuoteView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| quote(app, ctx, request)).await
}

async fn quote(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let checkout = json_body::<CreateOrderBody>(&request)?.into_checkout()?;
    let orders = checkout::quote(&app, buyer_id, &checkout).await?;
    Reply::ok(QuoteView::new(&orders))
}
