//! `POST /api/v1/seller/orders/{id}/ship`: the shop ships a paid order (carrier and tracking
//! number); it completes by itself after `AUTO_CONFIRM_DAYS`.

use orders_shared::http::{json_body, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{order_no_param, transition, Party};
use orders_shared::requests::ShipRequest;
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::view::order_view;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| ship(app, ctx, request)).await
}

async fn ship(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let action = json_body::<ShipRequest>(&request)?.into_action(Timestamp::now(), app.config.auto_confirm_days)?;
    let order = transition(&app, Party::Seller(seller_id), &order_no, |_| Ok(action.clone())).await?;
    Reply::ok(order_view(&order, Timestamp::now()))
}
