//! `GET /api/v1/skus/{sku_id}`: the public catalog entry (no token needed).

use orders_shared::catalog::validate_id;
use orders_shared::http::{path_param, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::runtime::App;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, _ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let sku_id = path_param(&request, "sku_id")?;
    validate_id("sku_id", &sku_id)?;
    match app.store.get_sku(&sku_id).await? {
        Some(sku) => Reply::ok(sku.view()),
        None => Err(ApiError::not_found("SKU", sku_id)),
    }
}
