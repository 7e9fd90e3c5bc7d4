//! `POST /api/v1/seller/webhooks/{endpoint_id}/test`: send a `webhook.test` event now; the
//! answer is its delivery after the attempt.

use orders_shared::app::webhooks::send_test_event;
use orders_shared::http::params::id_param;
use orders_shared::http::views::DeliveryView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| test(app, ctx, request)).await
}

async fn test(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoint_id = id_param(&request, "endpoint_id")?;
    let delivery = send_test_event(&app, seller_id, &endpoint_id).await?;
    Reply::ok(DeliveryView::new(&delivery))
}
