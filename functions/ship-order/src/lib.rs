//! `POST /api/v1/seller/orders/{id}/ship`: the shop ships a paid order (carrier and tracking
//! number); it completes by itself after `AUTO_CONFIRM_DAYS`.

use orders_shared::app::orders::transition;
use orders_shared::domain::party::Actor;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, ShipBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| ship(app, ctx, request)).await
}

async fn ship(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let action = json_body::<ShipBody>(&request)?.into_action(Timestamp::now(), app.config.auto_confirm_days)?;
    let order = transition(&app, Actor::Seller(seller_id), &order_no, action).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
