//! `PUT /api/v1/seller/skus/{sku_id}`: a seller creates or replaces one of its shop's SKUs.

use orders_shared::app::catalog;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, PutSkuBody};
use orders_shared::http::params::id_param;
use orders_shared::http::views::SkuView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let sku_id = id_param(&request, "sku_id")?;
    let sku = json_body::<PutSkuBody>(&request)?.into_sku(&sku_id, seller_id, Timestamp::now());
    catalog::put_sku(&app, &sku).await?;
    Reply::ok(SkuView::new(&sku))
}
