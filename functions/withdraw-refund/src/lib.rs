//! `DELETE /api/v1/orders/{id}/refund`: the buyer withdraws a case the shop has not answered.

use orders_shared::app::after_sales;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| withdraw(app, ctx, request)).await
}

async fn withdraw(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = after_sales::withdraw(&app, buyer_id, &order_no).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
