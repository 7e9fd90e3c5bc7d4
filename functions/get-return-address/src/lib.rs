//! `GET /api/v1/merchants/{seller_id}/return-address`: a shop's return address, for anyone signed
//! in (404 when the shop has none).

use orders_shared::app::after_sales;
use orders_shared::http::params::user_id_param;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    ctx.claims()?;
    let seller_id = user_id_param(&request, "seller_id")?;
    let address = after_sales::return_address(&app, &seller_id).await?;
    Reply::ok(address)
}
