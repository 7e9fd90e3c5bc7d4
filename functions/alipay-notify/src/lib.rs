//! `POST /api/v1/payments/alipay/notify` (no token): Alipay's asynchronous notification, verified
//! by its RSA2 signature and recorded exactly once; the answer is `success`.

use orders_shared::domain::payment::PaymentChannel;
use orders_shared::http::callback::serve_callback;
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::App;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve_callback(app, PaymentChannel::Alipay, request).await
}
