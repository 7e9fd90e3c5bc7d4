//! `GET /api/v1/seller/webhooks/{endpoint_id}/deliveries?status=&limit=&cursor=`: the endpoint's
//! delivery log, newest first.

use orders_shared::app::webhooks::list_deliveries;
use orders_shared::http::params::{id_param, webhook_log_query};
use orders_shared::http::views::DeliveryListView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| list(app, ctx, request)).await
}

async fn list(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let endpoint_id = id_param(&request, "endpoint_id")?;
    let query = webhook_log_query(&request)?;
    let (deliveries, next) =
        list_deliveries(&app, seller_id, &endpoint_id, query.status, query.limit, query.cursor.as_deref()).await?;
    Reply::ok(DeliveryListView::new(&deliveries, next.as_deref()))
}
