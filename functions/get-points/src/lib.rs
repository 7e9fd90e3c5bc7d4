//! `GET /api/v1/points`: the buyer's points balance.

use orders_shared::app::points;
use orders_shared::http::views::PointsView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, _request| get(app, ctx)).await
}

async fn get(app: App, ctx: Ctx) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    Reply::ok(PointsView { buyer_id, balance: points::balance(&app, buyer_id).await? })
}
