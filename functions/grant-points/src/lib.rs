//! `POST /api/v1/admin/points`: an admin grants a buyer points (or takes some back with a negative
//! amount; the balance never goes below zero).

use orders_shared::app::points;
use orders_shared::http::bodies::{json_body, GrantPointsBody};
use orders_shared::http::views::PointsView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| grant(app, ctx, request)).await
}

async fn grant(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let admin = ctx.admin()?;
    let body = json_body::<GrantPointsBody>(&request)?.validated()?;
    let balance = points::grant(&app, admin, &body.buyer_id, body.points, &body.reason).await?;
    Reply::ok(PointsView { buyer_id: &body.buyer_id, balance })
}
