//! `DELETE /api/v1/cart`: empties the buyer's cart.

use orders_shared::app::cart;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| empty(app, ctx, request)).await
}

async fn empty(app: App, ctx: Ctx, _request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let removed = cart::empty(&app, buyer_id).await?;
    Reply::ok(serde_json::json!({"removed": removed}))
}
