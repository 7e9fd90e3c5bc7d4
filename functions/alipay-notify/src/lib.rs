//! `POST /api/v1/payments/alipay/notify` (no token): Alipay's asynchronous notification, verified
//! by its RSA2 signature and recorded exactly once; the answer is `success`.

use orders_shared::app::payment::record_notification;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| notify(app, ctx, request)).await
}

async fn notify(app: App, _ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let order_no = record_notification(&app, request.body().as_ref()).await?;
    Ok(Reply::text("success").about(order_no))
}
