//! `GET /api/v1/seller/skus/{sku_id}`: one of the shop's SKUs with every stock figure (on hand,
//! reserved, available); another shop's is 404.

use orders_shared::app::catalog;
use orders_shared::http::params::id_param;
use orders_shared::http::views::SellerSkuView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let sku_id = id_param(&request, "sku_id")?;
    let sku = catalog::seller_sku(&app, seller_id, &sku_id).await?;
    Reply::ok(SellerSkuView::new(&sku))
}
