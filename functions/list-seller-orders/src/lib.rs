//! `GET /api/v1/seller/orders`: the shop's orders, newest first, the buyer's filters plus
//! `buyer_id`, one cursor page.

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
    let seller_id = ctx.seller()?;
    let filter = list_filter(&request)?;
    let now = Timestamp::now();
    let page = list_orders(&app, Side::Seller, seller_id, &filter, now).await?;
    Reply::ok(OrderListView::new(&page, now))
}
