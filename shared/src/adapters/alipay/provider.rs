//! Alipay behind the payment layer: the app payment's order string, the notification (form
//! encoded, RSA2) acknowledged with `success`, and the open API's query, close and refund.

use super::api::{app_pay_order_string, close, query, refund};
use super::config::{AlipayConfig, NOTIFY_URL_VARIABLE};
use super::notify::verify_notification;
use crate::adapters::config::configured_notify_url;
use crate::app::provider::{PaymentProvider, ProviderFuture};
use crate::domain::order::Order;
use crate::domain::payment::{
    Acknowledgement, Callback, ClientParams, Notice, PaymentChannel, PaymentMethod, PayoutRequest, RefundStatus,
    TradeFacts, TradeStatus,
};
use crate::domain::time::Timestamp;
use crate::error::ApiError;

impl PaymentProvider for AlipayConfig {
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
            let notify_url = configured_notify_url(&self.notify_url, NOTIFY_URL_VARIABLE)?;
            let order_string = app_pay_order_string(self, self.signing_key().await?, order, notify_url, now)?;
            Ok(Some(ClientParams::for_channel(PaymentChannel::Alipay, serde_json::Value::String(order_string))))
        })
    }

    fn verify_notification<'a>(&'a self, callback: Callback<'a>, _now: Timestamp) -> ProviderFuture<'a, Notice> {
        Box::pin(async move {
            let notification = verify_notification(self, self.verifying_key().await?, callback.body)?;
            Ok(Notice::Trade(notification.facts()))
        })
    }

    /// Alipay stops repeating a notification once it reads `success`; anything else (the error
    /// envelope) makes it try again later.
    fn acknowledge(&self, outcome: Result<(), ApiError>) -> Acknowledgement {
        match outcome {
            Ok(()) => Acknowledgement::Reply {
                status: 200,
                content_type: "text/plain; charset=utf-8",
                body: "success".into(),
            },
            Err(error) => Acknowledgement::Refused(error),
        }
    }

    fn query<'a>(&'a self, order: &'a Order, now: Timestamp) -> ProviderFuture<'a, TradeFacts> {
        Box::pin(query(self, &order.order_no, now))
    }

    fn close<'a>(&'a self, order: &'a Order, now: Timestamp) -> ProviderFuture<'a, TradeStatus> {
        Box::pin(close(self, &order.order_no, now))
    }

    fn refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(refund(self, payout, now))
    }

    /// Alipay answers a refund synchronously; asking again under the same request number is
    /// how its SDKs learn an unknown outcome (it pays the number once).
    fn query_refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(refund(self, payout, now))
    }
}
