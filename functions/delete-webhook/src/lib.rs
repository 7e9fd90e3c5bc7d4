//! `DELETE /api/v1/seller/webhooks/{endpoint_id}`: stop sending events to an endpoint.

use orders_shared::app::webhooks::delete_webhook;
use orders_shared::http::params::id_param;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| delete(app, ctx, request)).await
}

async fn delete(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoint_id = id_param(&request, "endpoint_id")?;
    delete_webhook(&app, seller_id, &endpoint_id).await?;
    Reply::ok(serde_json::json!({"endpoint_id": endpoint_id, "deleted": true}))
}
