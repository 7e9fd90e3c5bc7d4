//! `POST /api/v1/payments/wxpay/refund-notify` (no token): WeChat Pay's refund notification
//! (`REFUND.SUCCESS` and the like), verified and decrypted like a payment notification; it
//! settles the payout WeChat Pay answered `PROCESSING`. 204, or 4xx `{"code": "FAIL", ...}`.

use orders_shared::app::payment::receive_notification;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| notify(app, ctx, request)).await
}

async fn notify(app: App, _ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let body = request.body().as_ref();
    Ok(Reply::for_wxpay(receive_notification(&app, PaymentChannel::Wxpay, request.headers(), body).await))
}
