//! `POST /api/v1/seller/orders/{id}/refund/reject`: the shop refuses a case, saying why; the
//! buyer may apply again.

use orders_shared::app::after_sales;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, RejectRefundBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| reject(app, ctx, request)).await
}

async fn reject(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let order_no = order_no_param(&request)?;
    let reason = json_body::<RejectRefundBody>(&request)?.into_reason()?;
    let order = after_sales::reject(&app, seller_id, &order_no, reason).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
