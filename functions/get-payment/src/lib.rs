//! `GET /api/v1/orders/{id}/payment`: the payment state of one of the buyer's orders (`paid`
//! says whether it is paid). With `?refresh=true` an unpaid order whose payment was started is first
//! checked with its providers, and a payment whose notification never came is settled.

use orders_shared::app::orders::buyer_order;
use orders_shared::app::payment::refreshed;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::params::{flag_param, order_no_param};
use orders_shared::http::views::PaymentView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| get(app, ctx, request)).await
}

async fn get(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let order = match flag_param(&request, "refresh")? {
        true => refreshed(&app, buyer_id, &order_no).await?,
        false => buyer_order(&app, buyer_id, &order_no).await?,
    };
    Reply::ok(PaymentView::new(&order, Timestamp::now()))
}
