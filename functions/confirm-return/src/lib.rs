//! `POST /api/v1/seller/orders/{id}/refund/confirm-return`: the returned goods arrived (back on
//! the shelf unless `restock` is false); the money goes back.

use orders_shared::app::after_sales;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{optional_body, ConfirmReturnBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| confirm(app, ctx, request)).await
}

async fn confirm(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let restock = optional_body::<ConfirmReturnBody>(&request)?.restock.unwrap_or(true);
    let order = after_sales::confirm_return(&app, seller_id, &order_no, restock).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
