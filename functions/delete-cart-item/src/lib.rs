//! `DELETE /api/v1/cart/items/{sku_id}`: takes a SKU out of the cart.

use orders_shared::app::cart;
use orders_shared::http::params::id_param;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| delete(app, ctx, request)).await
}

async fn delete(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let sku_id = id_param(&request, "sku_id")?;
    cart::delete_item(&app, buyer_id, &sku_id).await?;
    Reply::ok(serde_json::json!({"sku_id": sku_id, "deleted": true}))
}
