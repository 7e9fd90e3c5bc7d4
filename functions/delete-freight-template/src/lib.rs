//! `DELETE /api/v1/seller/freight-templates/{template_id}`: refused (409) while a SKU uses it.

use orders_shared::app::freight;
use orders_shared::http::params::id_param;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| delete(app, ctx, request)).await
}

async fn delete(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let template_id = id_param(&request, "template_id")?;
    freight::delete_template(&app, seller_id, &template_id).await?;
    Reply::ok(serde_json::json!({"template_id": template_id, "deleted": true}))
}
