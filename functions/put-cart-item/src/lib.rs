//! `PUT /api/v1/cart/items/{sku_id}`: sets a SKU's quantity (1–999) and selection in the cart;
//! a cart holds at most 100 SKUs.

use orders_shared::app::cart;
use orders_shared::http::bodies::{json_body, CartItemBody};
use orders_shared::http::params::id_param;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let sku_id = id_param(&request, "sku_id")?;
    let body = json_body::<CartItemBody>(&request)?;
    let item = cart::put_item(&app, buyer_id, &sku_id, body.quantity()?, body.selected).await?;
    Reply::ok(serde_json::json!({"sku_id": item.sku_id, "quantity": item.quantity, "selected": item.selected}))
}
