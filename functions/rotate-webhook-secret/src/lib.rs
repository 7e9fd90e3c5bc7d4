//! `POST /api/v1/seller/webhooks/{endpoint_id}/rotate-secret`: a new signing secret (in the
//! answer); for 24 hours deliveries carry signatures with the old and the new one.

use orders_shared::app::webhooks::rotate_secret;
use orders_shared::http::params::id_param;
use orders_shared::http::views::WebhookView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| rotate(app, ctx, request)).await
}

async fn rotate(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoint_id = id_param(&request, "endpoint_id")?;
    let endpoint = rotate_secret(&app, seller_id, &endpoint_id).await?;
    Reply::ok(WebhookView::with_secret(&endpoint))
}
