//! `POST /api/v1/seller/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry`: attempt a
//! delivery again now (same event id and body, a fresh signature); the answer is the delivery.

use orders_shared::app::webhooks::retry_delivery;
use orders_shared::http::params::{delivery_id_param, id_param};
use orders_shared::http::views::DeliveryView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| retry(app, ctx, request)).await
}

async fn retry(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoint_id = id_param(&request, "endpoint_id")?;
    let delivery_id = delivery_id_param(&request)?;
    let delivery = retry_delivery(&app, seller_id, &endpoint_id, &delivery_id).await?;
    Reply::ok(DeliveryView::new(&delivery))
}
