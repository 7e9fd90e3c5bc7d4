//! `POST /api/v1/orders/{id}/cancel`: the buyer cancels an unpaid order; stock comes back.

use orders_shared::catalog::validate_text;
use orders_shared::http::{json_body, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{order_no_param, transition, Party};
use orders_shared::runtime::App;
use orders_shared::state::Action;
use orders_shared::time::Timestamp;
use orders_shared::view::order_view;
use orders_shared::ApiError;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelRequest {
    #[serde(default)]
    reason: String,
}

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| cancel(app, ctx, request)).await
}

async fn cancel(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let body: CancelRequest = if request.body().is_empty() { CancelRequest::default() } else { json_body(&request)? };
    validate_text("reason", &body.reason, 0, 200)?;
    let order =
        transition(&app, Party::Buyer(buyer_id), &order_no, |_| Ok(Action::Cancel { reason: body.reason.clone() }))
            .await?;
    Reply::ok(order_view(&order, Timestamp::now()))
}
