//! `POST /api/v1/seller/orders/{id}/tracking-events`: the shop appends a logistics event.

use orders_shared::app::orders::add_tracking_event;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, TrackingEventBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::LogisticsView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| add(app, ctx, request)).await
}

async fn add(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let event = json_body::<TrackingEventBody>(&request)?.into_event(Timestamp::now())?;
    let order = add_tracking_event(&app, seller_id, &order_no, event).await?;
    Reply::created(LogisticsView::new(&order))
}
