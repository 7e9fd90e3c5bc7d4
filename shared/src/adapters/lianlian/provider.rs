//! LianLian Pay behind the payment layer: the mobile SDK's signed parameters (quick pay or Apple
//! Pay), notifications acknowledged with `{"ret_code":"0000"}`, and the order query, refund and
//! refund query.

use super::api::{client_params, close, query, query_refund, refund};
use super::config::{LianlianConfig, NOTIFY_URL_VARIABLE, REFUND_NOTIFY_URL_VARIABLE};
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

impl PaymentProvider for LianlianConfig {
    fn check_start(&self, method: Option<PaymentMethod>) -> Result<(), ApiError> {
        if method == Some(PaymentMethod::Apple) && self.ap_merchant_id.is_none() {
            return Err(ApiError::Internal(format!(
                "{} is not set: Apple Pay with LianLian needs the shop's Apple merchant id",
                super::config::AP_MERCHANT_ID_VARIABLE
            )));
        }
        configured_notify_url(&self.notify_url, NOTIFY_URL_VARIABLE).map(|_| ())
    }

    fn start<'a>(
        &'a self,
        order: &'a Order,
        method: Option<PaymentMethod>,
        now: Timestamp,
    ) -> ProviderFuture<'a, Option<ClientParams>> {
        Box::pin(async move {
            let notify_url = configured_notify_url(&self.notify_url, NOTIFY_URL_VARIABLE)?;
            let method = method.unwrap_or(PaymentMethod::Quick);
            let params = client_params(self, order, method, notify_url, self.signing_key().await?, now)?;
            let value = serde_json::to_value(params).map_err(|error| ApiError::Internal(error.to_string()))?;
            Ok(Some(ClientParams::for_channel(PaymentChannel::Lianlian, value)))
        })
    }

    fn verify_notification<'a>(&'a self, callback: Callback<'a>, _now: Timestamp) -> ProviderFuture<'a, Notice> {
        Box::pin(async move { read_notification(self, self.verifying_key().await?, callback.body) })
    }

    /// `{"ret_code":"0000","ret_msg":"交易成功"}` when recorded (or recorded before); otherwise the
    /// error's status and `ret_code` 9999, so that LianLian sends it again.
    fn acknowledge(&self, outcome: Result<(), ApiError>) -> Acknowledgement {
        let (status, body) = match outcome {
            Ok(()) => (200, json!({"ret_code": "0000", "ret_msg": "交易成功"})),
            Err(error) => (error.status().as_u16(), json!({"ret_code": "9999", "ret_msg": error.to_string()})),
        };
        Acknowledgement::Reply { status, content_type: "application/json", body: body.to_string() }
    }

    fn query<'a>(&'a self, order: &'a Order, _now: Timestamp) -> ProviderFuture<'a, TradeFacts> {
        Box::pin(query(self, order))
    }

    fn close<'a>(&'a self, order: &'a Order, _now: Timestamp) -> ProviderFuture<'a, TradeStatus> {
        Box::pin(close(self, order))
    }

    fn refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, _now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(async move {
            let notify_url = configured_notify_url(&self.refund_notify_url, REFUND_NOTIFY_URL_VARIABLE)?;
            refund(self, payout, notify_url).await
        })
    }

    fn query_refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, _now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(query_refund(self, payout))
    }
}
