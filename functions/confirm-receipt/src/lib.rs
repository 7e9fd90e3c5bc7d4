//! `POST /api/v1/orders/{id}/receipt`: the buyer confirms a shipped order arrived.

use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{order_no_param, transition, Party};
use orders_shared::runtime::App;
use orders_shared::state::Action;
use orders_shared::time::Timestamp;
use orders_shared::view::order_view;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| confirm(app, ctx, request)).await
}

async fn confirm(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = transition(&app, Party::Buyer(buyer_id), &order_no, |_| Ok(Action::ConfirmReceipt)).await?;
    Reply::ok(order_view(&order, Timestamp::now()))
}
