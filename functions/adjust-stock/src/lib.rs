//! `POST /api/v1/seller/skus/{sku_id}/stock-adjustments`: goods received (`delta` > 0) or lost
//! (`delta` < 0), applied to on hand at once; refused if on hand would fall below what open orders
//! hold.

use orders_shared::app::catalog;
use orders_shared::http::bodies::{json_body, StockAdjustmentBody};
use orders_shared::http::params::id_param;
use orders_shared::http::views::SellerSkuView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| adjust(app, ctx, request)).await
}

async fn adjust(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let sku_id = id_param(&request, "sku_id")?;
    let body = json_body::<StockAdjustmentBody>(&request)?.validated()?;
    let sku = catalog::adjust_stock(&app, seller_id, &sku_id, body.delta, &body.reason).await?;
    Reply::ok(SellerSkuView::new(&sku))
}
