//! `POST /api/v1/seller/orders/{id}/refund/approve`: money only goes back at once (through the
//! order's payment provider); a return waits for the goods, sent to the body's address or the
//! shop's saved one.

use orders_shared::app::after_sales;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{optional_body, ApproveRefundBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| approve(app, ctx, request)).await
}

async fn approve(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let return_address = optional_body::<ApproveRefundBody>(&request)?.return_address()?;
    let order = after_sales::approve(&app, seller_id, &order_no, return_address).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
