//! WeChat Pay behind the payment layer: a prepay and the app's signed `PayReq`, notifications
//! (signed headers, encrypted resource) acknowledged with 204, and the API v3 calls.

use super::api::{app_pay_params, close, prepay, query, query_refund, refund};
use super::config::{WxpayConfig, NOTIFY_URL_VARIABLE, REFUND_NOTIFY_URL_VARIABLE};
use super::notify::read_notification;
use crate::adapters::config::configured_notify_url;
use crate::app::provider::{PaymentProvider, ProviderFuture};
use crate::domain::order::Order;
use crate::domain::payment::{
    Acknowledgement, Callback, ClientParams, Notice, PaymentChannel, PaymentMethod, PayoutRequest, RefundStatus,
    TradeFacts, TradeStatus,
};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde_json::json;

impl PaymentProvider for WxpayConfig {
    fn check_start(&self, _method: Option<PaymentMethod>) -> Result<(), ApiError> {
        configured_notify_url(&self.notify_url, NOTIFY_URL_VARIABLE).map(|_| ())
    }

    fn start<'a>(
        &'a self,
        order: &'a Order,
        _method: Option<PaymentMethod>,
        now: Timestamp,
    ) -> ProviderFuture<'a, Option<ClientParams>> {
        Box::pin(async move {
            let prepay_id =
                prepay(self, order, configured_notify_url(&self.notify_url, NOTIFY_URL_VARIABLE)?, now).await?;
            let params = app_pay_params(self, self.signing_key().await?, &prepay_id, now)?;
            let value = serde_json::to_value(params).map_err(|error| ApiError::Internal(error.to_string()))?;
            Ok(Some(ClientParams::for_channel(PaymentChannel::Wxpay, value)))
        })
    }

    fn verify_notification<'a>(&'a self, callback: Callback<'a>, now: Timestamp) -> ProviderFuture<'a, Notice> {
        Box::pin(read_notification(self, callback, now))
    }

    /// 204 when recorded; otherwise the error's status with `{"code": "FAIL", "message": ...}`,
    /// so that WeChat Pay sends it again.
    fn acknowledge(&self, outcome: Result<(), ApiError>) -> Acknowledgement {
        match outcome {
            Ok(()) => Acknowledgement::Reply { status: 204, content_type: "text/plain", body: String::new() },
            Err(error) => Acknowledgement::Reply {
                status: error.status().as_u16(),
                content_type: "application/json",
                body: json!({"code": "FAIL", "message": error.to_string()}).to_string(),
            },
        }
    }

    fn query<'a>(&'a self, order: &'a Order, now: Timestamp) -> ProviderFuture<'a, TradeFacts> {
        Box::pin(query(self, &order.order_no, now))
    }

    fn close<'a>(&'a self, order: &'a Order, now: Timestamp) -> ProviderFuture<'a, TradeStatus> {
        Box::pin(close(self, &order.order_no, now))
    }

    fn refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(async move {
            let notify_url = configured_notify_url(&self.refund_notify_url, REFUND_NOTIFY_URL_VARIABLE)?;
            refund(self, payout, notify_url, now).await
        })
    }

    fn query_refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(query_refund(self, payout.out_request_no, now))
    }
}
