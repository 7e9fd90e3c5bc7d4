//! `GET /api/v1/orders`: the buyer's own orders, newest first, filtered, one cursor page.

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
    let buyer_id = ctx.buyer()?;
    let params = ListParams::from_request(&request)?;
    Reply::ok(list_orders(&app.store, Owner::Buyer(buyer_id), &params, Timestamp::now()).await?)
}
