//! `GET /api/v1/orders/{id}/logistics`: carrier, tracking number and events, newest first; only
//! once the order has shipped.

use orders_shared::app::orders::shipped_order;
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::LogisticsView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = shipped_order(&app, buyer_id, &order_no).await?;
    Reply::ok(
        LogisticsView::new(&order).ok_or_else(|| ApiError::Internal("a shipped order without its shipment".into()))?,
    )
}
