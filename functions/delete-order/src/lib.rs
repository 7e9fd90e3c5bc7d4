//! `DELETE /api/v1/orders/{id}`: soft delete of a closed or completed order with no open
//! after-sales case; it leaves the buyer's lists and counts.

use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{order_no_param, transition, Party};
use orders_shared::runtime::App;
use orders_shared::state::Action;
use orders_shared::ApiError;
use serde_json::json;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| delete(app, ctx, request)).await
}

async fn delete(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = transition(&app, Party::Buyer(buyer_id), &order_no, |_| Ok(Action::Delete)).await?;
    Reply::ok(json!({"order_no": order.order_no, "deleted": order.deleted}))
}
