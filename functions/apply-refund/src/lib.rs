//! `POST /api/v1/orders/{id}/refund`: the buyer opens an after-sales case (money only, or goods
//! back too) for some or all units of a paid, shipped or recently completed order.

use orders_shared::app::after_sales;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, ApplyRefundBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| apply(app, ctx, request)).await
}

async fn apply(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let now = Timestamp::now();
    let application = json_body::<ApplyRefundBody>(&request)?.into_application(app.config.after_sales, now)?;
    let order = after_sales::apply(&app, buyer_id, &order_no, application).await?;
    Reply::created(OrderView::new(&order, Timestamp::now()))
}
