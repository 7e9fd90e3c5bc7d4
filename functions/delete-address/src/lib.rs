//! `DELETE /api/v1/addresses/{address_id}`: remove an address from the book.

use orders_shared::app::address_book;
use orders_shared::http::params::id_param;
use orders_shared::http::views::DeletedAddressView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| delete(app, ctx, request)).await
}

async fn delete(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let address_id = id_param(&request, "address_id")?;
    address_book::remove(&app, buyer_id, &address_id).await?;
    Reply::ok(DeletedAddressView { address_id: &address_id, deleted: true })
}
