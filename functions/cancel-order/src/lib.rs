//! `POST /api/v1/orders/{id}/cancel`: the buyer cancels an unpaid order; stock comes back.

use orders_shared::app::orders::transition;
use orders_shared::domain::party::Actor;
use orders_shared::domain::state::Action;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{optional_body, ReasonBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| cancel(app, ctx, request)).await
}

async fn cancel(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let reason = optional_body::<ReasonBody>(&request)?.reason()?;
    let order = transition(&app, Actor::Buyer(buyer_id), &order_no, Action::Cancel { reason }).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
