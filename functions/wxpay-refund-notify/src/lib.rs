//! `POST /api/v1/payments/wxpay/refund-notify` (no token): WeChat Pay's refund notification
//! (`REFUND.SUCCESS` and the like), verified and decrypted like a payment notification; it
//! settles the payout WeChat Pay answered `PROCESSING`. 204, or 4xx `{"code": "FAIL", ...}`.

use orders_shared::domain::payment::PaymentChannel;
use orders_shared::http::callback::serve_callback;
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::App;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve_callback(app, PaymentChannel::Wxpay, request).await
}
