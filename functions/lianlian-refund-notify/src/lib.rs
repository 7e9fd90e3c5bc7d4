//! `POST /api/v1/payments/lianlian/refund-notify` (no token): LianLian Pay's refund notification
//! (`sta_refund` 2 paid back, 3 failed), verified like a payment notification; it settles the
//! payout LianLian was still paying. `{"ret_code":"0000",...}`, or a non-0000 `ret_code`.

use orders_shared::domain::payment::PaymentChannel;
use orders_shared::http::callback::serve_callback;
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::App;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve_callback(app, PaymentChannel::Lianlian, request).await
}
