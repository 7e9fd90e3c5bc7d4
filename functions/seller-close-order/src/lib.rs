//! `POST /api/v1/seller/orders/{id}/close`: the shop closes an unpaid order; stock comes back.

use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{order_no_param, transition, Party};
use orders_shared::requests::{optional_body, ReasonRequest};
use orders_shared::runtime::App;
use orders_shared::state::Action;
use orders_shared::time::Timestamp;
use orders_shared::view::order_view;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| close(app, ctx, request)).await
}

async fn close(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let reason = optional_body::<ReasonRequest>(&request)?.reason()?;
    let order =
        transition(&app, Party::Seller(seller_id), &order_no, |_| Ok(Action::SellerClose { reason: reason.clone() }))
            .await?;
    Reply::ok(order_view(&order, Timestamp::now()))
}
