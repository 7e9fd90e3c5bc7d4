//! `PUT /api/v1/seller/freight-templates/{template_id}`: creates or replaces one of the shop's
//! freight templates.

use orders_shared::app::freight;
use orders_shared::http::bodies::{json_body, FreightTemplateBody};
use orders_shared::http::params::id_param;
use orders_shared::http::views::FreightTemplateView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let template_id = id_param(&request, "template_id")?;
    let template = json_body::<FreightTemplateBody>(&request)?.into_template(&template_id)?;
    freight::put_template(&app, seller_id, &template).await?;
    let shop = freight::templates(&app, seller_id).await?;
    Reply::ok(FreightTemplateView::new(&template, shop.uses.get(&template_id).copied().unwrap_or(0)))
}
