//! `POST /api/v1/orders/{id}/review`: the buyer marks a completed order reviewed (an optional
//! `comment` goes into the timeline).

use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{order_no_param, transition, Party};
use orders_shared::requests::{optional_body, ReviewRequest};
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::view::order_view;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| review(app, ctx, request)).await
}

async fn review(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let action = optional_body::<ReviewRequest>(&request)?.into_action()?;
    let order = transition(&app, Party::Buyer(buyer_id), &order_no, |_| Ok(action.clone())).await?;
    Reply::ok(order_view(&order, Timestamp::now()))
}
