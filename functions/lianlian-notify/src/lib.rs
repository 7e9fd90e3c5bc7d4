//! `POST /api/v1/payments/lianlian/notify` (no token): LianLian Pay's payment notification (JSON),
//! verified with LianLian's public key (`MD5withRSA`) and the partner id, and recorded exactly
//! once; the answer is `{"ret_code":"0000","ret_msg":"交易成功"}`, or a non-0000 `ret_code`
//! changing nothing.

use orders_shared::domain::payment::PaymentChannel;
use orders_shared::http::callback::serve_callback;
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::App;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve_callback(app, PaymentChannel::Lianlian, request).await
}
