//! `GET /api/v1/seller/orders/{id}`: one of the shop's orders (another shop's is 404).

use orders_shared::app::orders::seller_order;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let order = seller_order(&app, seller_id, &order_no).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
