//! `GET /api/v1/seller/orders`: the shop's orders, newest first, the buyer's filters plus
//! `buyer_id`, one cursor page.

use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::listing::{list_orders, ListParams, Owner};
use orders_shared::runtime::App;
use orders_shared::time::Timestamp;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| list(app, ctx, request)).await
}

async fn list(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let seller_id = ctx.seller()?;
    let params = ListParams::from_request(&request)?;
    Reply::ok(list_orders(&app.store, Owner::Seller(seller_id), &params, Timestamp::now()).await?)
}
