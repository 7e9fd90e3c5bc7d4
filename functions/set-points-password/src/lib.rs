//! `PUT /api/v1/points/password`: sets the buyer's points password (6 digits), or changes it given
//! the old one; once set, every points payment carries it.

use orders_shared::app::points;
use orders_shared::http::bodies::{json_body, PointsPasswordBody};
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| set(app, ctx, request)).await
}

async fn set(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let (password, old) = json_body::<PointsPasswordBody>(&request)?.passwords()?;
    points::set_password(&app, buyer_id, &password, old.as_ref()).await?;
    Reply::ok(serde_json::json!({"buyer_id": buyer_id, "password_set": true}))
}
