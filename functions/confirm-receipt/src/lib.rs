//! `POST /api/v1/orders/{id}/receipt`: the buyer confirms a shipped order arrived.

use orders_shared::app::orders::transition;
use orders_shared::domain::party::Actor;
use orders_shared::domain::state::Action;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| confirm(app, ctx, request)).await
}

async fn confirm(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = transition(&app, Actor::Buyer(buyer_id), &order_no, Action::ConfirmReceipt).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
