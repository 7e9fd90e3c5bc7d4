//! `DELETE /api/v1/addresses/{address_id}`: remove an address from the book.

use orders_shared::catalog::validate_id;
use orders_shared::http::{path_param, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::runtime::App;
use orders_shared::ApiError;
use serde_json::json;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| delete(app, ctx, request)).await
}

async fn delete(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let address_id = path_param(&request, "address_id")?;
    validate_id("address_id", &address_id)?;
    if app.store.delete_address(buyer_id, &address_id).await? {
        Reply::ok(json!({"address_id": address_id, "deleted": true}))
    } else {
        Err(ApiError::not_found("address", address_id))
    }
}
