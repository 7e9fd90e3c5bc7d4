//! `DELETE /api/v1/orders/{id}`: soft delete of a closed or completed order with no open
//! after-sales case; it leaves the buyer's lists and counts.

use orders_shared::app::orders::transition;
use orders_shared::domain::party::Actor;
use orders_shared::domain::state::Action;
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::DeletedOrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| delete(app, ctx, request)).await
}

async fn delete(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = transition(&app, Actor::Buyer(buyer_id), &order_no, Action::Delete).await?;
    Reply::ok(DeletedOrderView { order_no: &order.order_no, deleted: order.deleted })
}
