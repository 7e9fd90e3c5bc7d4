//! `PUT /api/v1/seller/skus/{sku_id}`: a seller creates or replaces one of its shop's SKUs.

use orders_shared::catalog::{validate_id, PutSkuRequest};
use orders_shared::http::{json_body, path_param, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let sku_id = path_param(&request, "sku_id")?;
    validate_id("sku_id", &sku_id)?;
    let sku = json_body::<PutSkuRequest>(&request)?.into_sku(&sku_id, seller_id, Timestamp::now())?;
    if app.store.put_sku(&sku).await? {
        Reply::ok(sku.view())
    } else {
        Err(ApiError::Forbidden { needed: "seller of the shop that owns this SKU" })
    }
}
