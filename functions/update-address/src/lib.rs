//! `PUT /api/v1/addresses/{address_id}`: replace an address; `is_default` moves the default.

use orders_shared::address::AddressRequest;
use orders_shared::catalog::validate_id;
use orders_shared::http::{json_body, path_param, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| update(app, ctx, request)).await
}

async fn update(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let address_id = path_param(&request, "address_id")?;
    validate_id("address_id", &address_id)?;
    let (address, make_default) = json_body::<AddressRequest>(&request)?.validate()?;
    match app.store.update_address(buyer_id, &address_id, &address, make_default, Timestamp::now()).await? {
        Some(entry) => Reply::ok(entry),
        None => Err(ApiError::not_found("address", address_id)),
    }
}
