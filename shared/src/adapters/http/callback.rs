//! A payment provider's callback (a notification), served the same way for every provider: the
//! headers and body as received go to the provider to verify, the use case records what they
//! say, and the answer is the one the provider expects.

use super::{serve, Reply};
use crate::app::payment::receive_notification;
use crate::app::App;
use crate::domain::payment::{Acknowledgement, Callback, PaymentChannel};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use std::collections::BTreeMap;

/// Serves `channel`'s notification.
pub async fn serve_callback(app: App, channel: PaymentChannel, request: Request) -> Response<Body> {
    serve(request, |_ctx, request| async move {
        // Header names arrive lowercase (HTTP/2, API Gateway); values that are not text are left out.
        let headers: BTreeMap<String, String> = request
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string())))
            .collect();
        let callback = Callback { headers: &headers, body: request.body().as_ref() };
        let received = receive_notification(&app, channel, callback).await;
        let reply = match received.acknowledgement {
            Acknowledgement::Reply { status, content_type, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Reply::outside_envelope(status, body, content_type)
            }
            Acknowledgement::Refused(error) => return Err(error),
        };
        Ok(match received.order_no {
            Some(order_no) => reply.about(order_no),
            None => reply,
        })
    })
    .await
}
