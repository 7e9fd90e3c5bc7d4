//! `PUT /api/v1/addresses/{address_id}`: replace an address; `is_default` moves the default.

use orders_shared::app::address_book;
use orders_shared::http::bodies::{json_body, AddressBody};
use orders_shared::http::params::id_param;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| update(app, ctx, request)).await
}

async fn update(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let address_id = id_param(&request, "address_id")?;
    let (address, make_default) = json_body::<AddressBody>(&request)?.into_address("")?;
    Reply::ok(address_book::update(&app, buyer_id, &address_id, &address, make_default).await?)
}
