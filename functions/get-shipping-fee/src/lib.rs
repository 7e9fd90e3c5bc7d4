//! `GET /api/v1/shipping-fee?seller_id=&template_id=&province=&quantity=`: what a shop's freight
//! template charges.

use orders_shared::app::freight;
use orders_shared::http::params::shipping_fee_query;
use orders_shared::http::views::ShippingFeeView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| fee(app, ctx, request)).await
}

async fn fee(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    ctx.claims()?;
    let query = shipping_fee_query(&request)?;
    let (fee, from) = freight::fee(&app, &query.seller_id, &query.template_id, &query.province, query.quantity).await?;
    Reply::ok(ShippingFeeView { fee, from: &from, to: &query.province })
}
