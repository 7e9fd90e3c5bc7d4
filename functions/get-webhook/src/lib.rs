//! `GET /api/v1/seller/webhooks/{endpoint_id}`: one of the shop's endpoints (another shop's is 404).

use orders_shared::app::webhooks::get_webhook;
use orders_shared::http::params::id_param;
use orders_shared::http::views::WebhookView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoint_id = id_param(&request, "endpoint_id")?;
    let endpoint = get_webhook(&app, seller_id, &endpoint_id).await?;
    Reply::ok(WebhookView::new(&endpoint))
}
