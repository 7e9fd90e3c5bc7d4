//! `PUT /api/v1/admin/shops/{seller_id}/counter-shards`: spreads a shop's order counters over
//! more items, for a shop placing more orders a second than one item takes writes.

use orders_shared::app::shops;
use orders_shared::http::bodies::{json_body, CounterShardsBody};
use orders_shared::http::params::path_param;
use orders_shared::http::views::CounterShardsView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| put(app, ctx, request)).await
}

async fn put(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    ctx.admin()?;
    let seller_id = path_param(&request, "seller_id")?;
    let body = json_body::<CounterShardsBody>(&request)?;
    let counter_shards = shops::set_counter_shards(&app, &seller_id, body.counter_shards).await?;
    Reply::ok(CounterShardsView { seller_id: &seller_id, counter_shards })
}
