//! `GET /api/v1/skus/{sku_id}`: the public catalog entry (no token needed).

use orders_shared::app::catalog;
use orders_shared::http::params::id_param;
use orders_shared::http::views::SkuView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, _ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let sku_id = id_param(&request, "sku_id")?;
    let sku = catalog::get_sku(&app, &sku_id).await?;
    Reply::ok(SkuView::new(&sku))
}
