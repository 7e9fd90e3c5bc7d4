//! `POST /api/v1/orders/{id}/payments`: start paying with a channel (and a method where it has
//! several). A money channel answers what its app SDK takes in the channel's field
//! (`order_string`, `wxpay_result`, `lianlian_params`); `points` answers the settlement of a
//! points order.

use orders_shared::app::payment::start;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, PaymentBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::{PaymentStartView, PaymentView};
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| pay(app, ctx, request)).await
}

async fn pay(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let choice = json_body::<PaymentBody>(&request)?.choice()?;
    let started = start(&app, buyer_id, &order_no, choice).await?;
    match PaymentStartView::new(&started) {
        Some(view) => Reply::ok(view),
        None => Reply::ok(PaymentView::new(&started.order, Timestamp::now())),
    }
}
