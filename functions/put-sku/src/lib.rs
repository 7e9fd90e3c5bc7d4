//! `PUT /api/v1/seller/skus/{sku_id}`: a seller creates or updates one of its shop's SKUs and sets
//! its stock on hand; units reserved by open orders stay reserved.

use orders_shared::app::catalog;
use orders_shared::http::bodies::{json_body, PutSkuBody};
use orders_shared::http::params::id_param;
use orders_shared::http::views::SellerSkuView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let sku_id = id_param(&request, "sku_id")?;
    let put = json_body::<PutSkuBody>(&request)?.into_put(&sku_id, seller_id)?;
    let sku = catalog::put_sku(&app, &put.listing, put.on_hand, put.expected_on_hand, put.stock_shards).await?;
    Reply::ok(SellerSkuView::new(&sku))
}
