//! `GET /api/v1/addresses`: the buyer's address book, default first.

use orders_shared::app::address_book;
use orders_shared::http::views::AddressListView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, _request| list(app, ctx)).await
}

async fn list(app: App, ctx: Ctx) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let items = address_book::list(&app, buyer_id).await?;
    Reply::ok(AddressListView { items: &items, total: items.len() })
}
