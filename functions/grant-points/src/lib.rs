//! `POST /api/v1/admin/points`: an admin grants a buyer points (or takes some back with a negative
//! amount; the balance never goes below zero).

use orders_shared::http::{json_body, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::requests::GrantPointsRequest;
use orders_shared::runtime::App;
use orders_shared::ApiError;
use serde_json::json;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| grant(app, ctx, request)).await
}

async fn grant(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let admin = ctx.admin()?.to_string();
    let grant = json_body::<GrantPointsRequest>(&request)?;
    grant.validate()?;
    match app.store.grant_points(&grant.buyer_id, grant.points).await? {
        Some(balance) => {
            orders_shared::tracing::info!(%admin, buyer_id = %grant.buyer_id, points = grant.points, reason = %grant.reason, "points granted");
            Reply::ok(json!({"buyer_id": grant.buyer_id, "balance": balance}))
        }
        None => Err(ApiError::invalid("points", "would take the balance below zero")),
    }
}
