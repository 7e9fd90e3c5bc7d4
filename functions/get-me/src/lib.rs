//! `GET /api/v1/me`: the buyer's member level (or null) and points balance.

use orders_shared::app::members;
use orders_shared::http::views::{MeView, MemberLevelView};
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| me(app, ctx, request)).await
}

async fn me(app: App, ctx: Ctx, _request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let (level, points) = members::me(&app, buyer_id).await?;
    Reply::ok(MeView { buyer_id, level: level.as_ref().map(MemberLevelView::new), points })
}
