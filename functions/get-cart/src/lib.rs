//! `GET /api/v1/cart`: the buyer's cart by shop, priced from the catalog now, with flags for a
//! changed price, too little stock or a SKU that is gone.

use orders_shared::app::cart;
use orders_shared::http::views::CartView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, _request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let cart = cart::cart(&app, buyer_id).await?;
    Reply::ok(CartView::new(&cart))
}
