//! `PUT /api/v1/admin/members/{buyer_id}`: puts a buyer in a member level.

use orders_shared::app::members;
use orders_shared::http::bodies::{json_body, MembershipBody};
use orders_shared::http::params::user_id_param;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    ctx.admin()?;
    let buyer_id = user_id_param(&request, "buyer_id")?;
    let level = json_body::<MembershipBody>(&request)?.level()?;
    members::set_membership(&app, &buyer_id, &level).await?;
    Reply::ok(serde_json::json!({"buyer_id": buyer_id, "level": level}))
}
