//! `GET /api/v1/seller/webhooks`: the shop's endpoints (at most 10), without their secrets.

use orders_shared::app::webhooks::list_webhooks;
use orders_shared::http::views::WebhookListView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, _request| list(app, ctx)).await
}

async fn list(app: App, ctx: Ctx) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoints = list_webhooks(&app, seller_id).await?;
    Reply::ok(WebhookListView::new(&endpoints))
}
