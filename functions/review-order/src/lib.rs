//! `POST /api/v1/orders/{id}/review`: the buyer marks a completed order reviewed (an optional
//! `comment` goes into the timeline).

use orders_shared::app::orders::transition;
use orders_shared::domain::party::Actor;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{optional_body, ReviewBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| review(app, ctx, request)).await
}

async fn review(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let action = optional_body::<ReviewBody>(&request)?.into_action()?;
    let order = transition(&app, Actor::Buyer(buyer_id), &order_no, action).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
