//! `POST /api/v1/addresses`: add an address (at most 20; the first becomes the default).

use orders_shared::address::{new_address_id, AddressRequest, MAX_ADDRESSES};
use orders_shared::http::{json_body, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| create(app, ctx, request)).await
}

async fn create(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let (address, make_default) = json_body::<AddressRequest>(&request)?.validate()?;
    let address_id = new_address_id();
    match app.store.create_address(buyer_id, &address_id, &address, make_default, Timestamp::now()).await? {
        Some(entry) => Reply::created(entry),
        None => Err(ApiError::invalid("addresses", format!("the address book is full (at most {MAX_ADDRESSES})"))),
    }
}
