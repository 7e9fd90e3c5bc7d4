//! `GET /api/v1/seller/order-counts`: the shop's orders per bucket, summed over its counter shards.

use orders_shared::http::views::CountsView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, _request| counts(app, ctx)).await
}

async fn counts(app: App, ctx: Ctx) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    Reply::ok(CountsView::new(&app.store.seller_counts(seller_id).await?))
}
