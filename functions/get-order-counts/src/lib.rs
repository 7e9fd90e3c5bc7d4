//! `GET /api/v1/order-counts`: the buyer's orders per status bucket, from counters (no scan).

use orders_shared::http::views::CountsView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, _request| counts(app, ctx)).await
}

async fn counts(app: App, ctx: Ctx) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    Reply::ok(CountsView::new(&app.store.buyer_counts(buyer_id).await?))
}
