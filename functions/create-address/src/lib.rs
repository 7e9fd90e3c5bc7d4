//! `POST /api/v1/addresses`: add an address (at most 20; the first becomes the default).

use orders_shared::app::address_book;
use orders_shared::http::bodies::{json_body, AddressBody};
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| create(app, ctx, request)).await
}

async fn create(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let (address, make_default) = json_body::<AddressBody>(&request)?.into_address("")?;
    Reply::created(address_book::add(&app, buyer_id, &address, make_default).await?)
}
