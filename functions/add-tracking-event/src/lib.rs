//! `POST /api/v1/seller/orders/{id}/tracking-events`: the shop appends a logistics event.

use orders_shared::http::{json_body, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{order_no_param, transition, Party};
use orders_shared::requests::TrackingEventRequest;
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::view::logistics_view;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| add(app, ctx, request)).await
}

async fn add(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let action = json_body::<TrackingEventRequest>(&request)?.into_action(Timestamp::now())?;
    let order = transition(&app, Party::Seller(seller_id), &order_no, |_| Ok(action.clone())).await?;
    Reply::created(logistics_view(&order))
}
