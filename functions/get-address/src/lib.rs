//! `GET /api/v1/addresses/{address_id}`: one address of the buyer's book.

use orders_shared::catalog::validate_id;
use orders_shared::http::{path_param, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::runtime::App;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let address_id = path_param(&request, "address_id")?;
    validate_id("address_id", &address_id)?;
    match app.store.get_address(buyer_id, &address_id).await? {
        Some(entry) => Reply::ok(entry),
        None => Err(ApiError::not_found("address", address_id)),
    }
}
