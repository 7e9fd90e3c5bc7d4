//! `POST /api/v1/orders/{id}/payments`: start paying. `alipay` answers the RSA2-signed
//! `order_string` for the Alipay app SDK, `wxpay` the WeChat app SDK's parameters
//! (`wxpay_result`); `points` answers the settlement of a points order.

use orders_shared::app::payment::{start, Started};
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
    let channel = json_body::<PaymentBody>(&request)?.channel()?;
    let started = start(&app, buyer_id, &order_no, channel).await?;
    match (&started, PaymentStartView::new(&started)) {
        (_, Some(view)) => Reply::ok(view),
        (Started::AlreadySettled(order), None) => Reply::ok(PaymentView::new(order, Timestamp::now())),
        (_, None) => Err(ApiError::Internal("a started payment without parameters".into())),
    }
}
