//! `PUT /api/v1/admin/member-levels/{level}`: creates or replaces a member level (percent off goods).

use orders_shared::app::members;
use orders_shared::http::bodies::{json_body, MemberLevelBody};
use orders_shared::http::params::path_param;
use orders_shared::http::views::MemberLevelView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    ctx.admin()?;
    let level_id = path_param(&request, "level")?;
    let level = json_body::<MemberLevelBody>(&request)?.into_level(&level_id)?;
    members::put_level(&app, &level).await?;
    Reply::ok(MemberLevelView::new(&level))
}
