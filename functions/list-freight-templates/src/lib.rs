//! `GET /api/v1/seller/freight-templates`: the shop's freight templates, each with how many SKUs
//! use it.

use orders_shared::app::freight;
use orders_shared::http::views::FreightTemplatesView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| list(app, ctx, request)).await
}

async fn list(app: App, ctx: Ctx, _request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let shop = freight::templates(&app, seller_id).await?;
    Reply::ok(FreightTemplatesView::new(&shop))
}
