//! `GET /api/v1/orders`: the buyer's own orders, newest first, filtered, one cursor page.

use orders_shared::app::listing::list_orders;
use orders_shared::domain::party::Side;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::params::list_filter;
use orders_shared::http::views::OrderListView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| list(app, ctx, request)).await
}

async fn list(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let filter = list_filter(&request)?;
    let now = Timestamp::now();
    let page = list_orders(&app, Side::Buyer, buyer_id, &filter, now).await?;
    Reply::ok(OrderListView::new(&page, now))
}
