//! `PUT /api/v1/seller/return-address`: where the shop's approved returns are sent.

use orders_shared::app::after_sales;
use orders_shared::http::bodies::{json_body, AddressBody};
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let address = json_body::<AddressBody>(&request)?.into_plain_address("")?;
    after_sales::set_return_address(&app, seller_id, &address).await?;
    Reply::ok(address)
}
