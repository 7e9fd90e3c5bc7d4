//! `POST /api/v1/payments/wxpay/notify` (no token): WeChat Pay's payment notification, verified
//! by its headers' signature (within five minutes), decrypted with the APIv3 key and recorded
//! exactly once; the answer is 204, or 4xx `{"code": "FAIL", "message": ...}` changing nothing.

use orders_shared::domain::payment::PaymentChannel;
use orders_shared::http::callback::serve_callback;
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::App;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve_callback(app, PaymentChannel::Wxpay, request).await
}
