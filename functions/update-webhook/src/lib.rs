//! `PUT /api/v1/seller/webhooks/{endpoint_id}`: replace an endpoint's URL, event types and
//! description; a disabled endpoint is enabled again.

use orders_shared::app::webhooks::update_webhook;
use orders_shared::http::bodies::{json_body, WebhookBody};
use orders_shared::http::params::id_param;
use orders_shared::http::views::WebhookView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| update(app, ctx, request)).await
}

async fn update(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoint_id = id_param(&request, "endpoint_id")?;
    let draft = json_body::<WebhookBody>(&request)?.into_draft()?;
    let endpoint = update_webhook(&app, seller_id, &endpoint_id, draft).await?;
    Reply::ok(WebhookView::new(&endpoint))
}
