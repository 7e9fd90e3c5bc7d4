//! `POST /api/v1/seller/orders/{id}/refund/retry-payout`: the shop retries a payout the provider
//! refused, under the same request number (so it is never paid twice).

use orders_shared::app::after_sales;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| retry(app, ctx, request)).await
}

async fn retry(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let order = after_sales::retry_payout(&app, seller_id, &order_no).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
