//! `POST /api/v1/seller/webhooks`: register an endpoint for the shop's order events; the answer
//! carries its signing secret, shown only here and on rotation.

use orders_shared::app::webhooks::create_webhook;
use orders_shared::http::bodies::{json_body, WebhookBody};
use orders_shared::http::views::WebhookView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| create(app, ctx, request)).await
}

async fn create(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let draft = json_body::<WebhookBody>(&request)?.into_draft()?;
    let endpoint = create_webhook(&app, seller_id, draft).await?;
    Reply::created(WebhookView::with_secret(&endpoint))
}
