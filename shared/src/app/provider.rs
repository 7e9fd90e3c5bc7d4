//! One payment layer: what every provider does for the use cases (start a payment, verify its
//! notification, query and close a trade, refund and query a refund). Alipay, WeChat Pay and
//! points implement it; `App::provider` picks one by channel. Another provider is one more
//! implementation and one more arm of `Provider`.

use crate::adapters::alipay::{self, AlipayConfig, RefundAnswer};
use crate::adapters::config::missing_notify_url;
use crate::adapters::wxpay::{self, AppPayParams, WxpayConfig};
use crate::app::App;
use crate::domain::order::Order;
use crate::domain::payment::{Notice, PaymentChannel, PayoutRequest, RefundStatus, TradeFacts, TradeStatus};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use lambda_http::http::HeaderMap;
use std::future::Future;

/// What the buyer's app needs to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentParams {
    /// The RSA2-signed string the Alipay app SDK takes.
    Alipay { order_string: String },
    /// The parameters the WeChat app SDK's `PayReq` takes.
    Wxpay(AppPayParams),
    /// Nothing to pay (a points order is paid as it is placed).
    Settled,
}

/// A payment provider. Where it notifies comes from its configuration only.
pub trait PaymentProvider {
    /// Whether payments can start here (its notify URL is configured): checked before anything
    /// is written, so a misconfigured function refuses at once instead of half-starting.
    fn check_start(&self) -> Result<(), ApiError> {
        Ok(())
    }

    /// What the buyer's app needs to pay `order` (unpaid, within its window).
    fn start(&self, order: &Order, now: Timestamp) -> impl Future<Output = Result<PaymentParams, ApiError>> + Send;

    /// A notification, verified (and decrypted) as the provider signs it; a bad one is
    /// `SignatureInvalid`.
    fn verify_notification(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: Timestamp,
    ) -> impl Future<Output = Result<Notice, ApiError>> + Send;

    /// What the provider knows of the order's trade (503 when it cannot say now).
    fn query(&self, order: &Order, now: Timestamp) -> impl Future<Output = Result<TradeFacts, ApiError>> + Send;

    /// Closes the order's trade so that it can no longer be paid: `Closed`, or `Paid` when it
    /// was paid meanwhile.
    fn close(&self, order: &Order, now: Timestamp) -> impl Future<Output = Result<TradeStatus, ApiError>> + Send;

    /// Pays `payout` back (at most once per request number).
    fn refund(
        &self,
        payout: &PayoutRequest<'_>,
        now: Timestamp,
    ) -> impl Future<Output = Result<RefundStatus, ApiError>> + Send;

    /// What became of a refund the provider accepted.
    fn query_refund(
        &self,
        payout: &PayoutRequest<'_>,
        now: Timestamp,
    ) -> impl Future<Output = Result<RefundStatus, ApiError>> + Send;
}

/// A configured notify URL, or the refusal that names its variable.
fn notify_url<'a>(configured: &'a Option<String>, variable: &str) -> Result<&'a str, ApiError> {
    configured.as_deref().ok_or_else(|| missing_notify_url(variable))
}

/// Alipay's open API (RSA2).
pub struct Alipay<'a>(pub &'a AlipayConfig);

impl PaymentProvider for Alipay<'_> {
    fn check_start(&self) -> Result<(), ApiError> {
        notify_url(&self.0.notify_url, alipay::NOTIFY_URL_VARIABLE).map(|_| ())
    }

    async fn start(&self, order: &Order, now: Timestamp) -> Result<PaymentParams, ApiError> {
        let config = self.0;
        let notify_url = notify_url(&config.notify_url, alipay::NOTIFY_URL_VARIABLE)?;
        let key = config.signing_key().await?;
        let order_string = alipay::app_pay_order_string(config, key, order, notify_url, now)?;
        Ok(PaymentParams::Alipay { order_string })
    }

    async fn verify_notification(
        &self,
        _headers: &HeaderMap,
        body: &[u8],
        _now: Timestamp,
    ) -> Result<Notice, ApiError> {
        let config = self.0;
        let notification = alipay::verify_notification(config, config.verifying_key().await?, body)?;
        Ok(Notice::Trade(notification.facts()))
    }

    async fn query(&self, order: &Order, now: Timestamp) -> Result<TradeFacts, ApiError> {
        alipay::query(self.0, &order.order_no, now).await
    }

    async fn close(&self, order: &Order, now: Timestamp) -> Result<TradeStatus, ApiError> {
        alipay::close(self.0, &order.order_no, now).await
    }

    async fn refund(&self, payout: &PayoutRequest<'_>, now: Timestamp) -> Result<RefundStatus, ApiError> {
        let call = alipay::RefundCall {
            out_trade_no: payout.out_trade_no,
            trade_no: payout.trade_no,
            refund_amount: payout.amount,
            out_request_no: payout.out_request_no,
            refund_reason: payout.reason,
        };
        Ok(match alipay::refund(self.0, &call, now).await? {
            RefundAnswer::Refunded { .. } => RefundStatus::Refunded,
            RefundAnswer::Refused(why) => RefundStatus::Refused(why),
            RefundAnswer::Unknown(why) => RefundStatus::Unknown(why),
        })
    }

    /// Alipay answers a refund synchronously; asking again under the same request number is
    /// how its SDKs learn an unknown outcome (it pays the number once).
    async fn query_refund(&self, payout: &PayoutRequest<'_>, now: Timestamp) -> Result<RefundStatus, ApiError> {
        self.refund(payout, now).await
    }
}

/// WeChat Pay API v3.
pub struct Wxpay<'a>(pub &'a WxpayConfig);

impl PaymentProvider for Wxpay<'_> {
    fn check_start(&self) -> Result<(), ApiError> {
        notify_url(&self.0.notify_url, wxpay::NOTIFY_URL_VARIABLE).map(|_| ())
    }

    async fn start(&self, order: &Order, now: Timestamp) -> Result<PaymentParams, ApiError> {
        let config = self.0;
        let notify_url = notify_url(&config.notify_url, wxpay::NOTIFY_URL_VARIABLE)?;
        let prepay_id = wxpay::prepay(config, order, notify_url, now).await?;
        let key = config.signing_key().await?;
        Ok(PaymentParams::Wxpay(wxpay::app_pay_params(config, key, &prepay_id, now)?))
    }

    async fn verify_notification(&self, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Result<Notice, ApiError> {
        wxpay::read_notification(self.0, headers, body, now).await
    }

    async fn query(&self, order: &Order, now: Timestamp) -> Result<TradeFacts, ApiError> {
        wxpay::query(self.0, &order.order_no, now).await
    }

    async fn close(&self, order: &Order, now: Timestamp) -> Result<TradeStatus, ApiError> {
        wxpay::close(self.0, &order.order_no, now).await
    }

    async fn refund(&self, payout: &PayoutRequest<'_>, now: Timestamp) -> Result<RefundStatus, ApiError> {
        let config = self.0;
        let notify_url = notify_url(&config.refund_notify_url, wxpay::REFUND_NOTIFY_URL_VARIABLE)?;
        wxpay::refund(config, payout, notify_url, now).await
    }

    async fn query_refund(&self, payout: &PayoutRequest<'_>, now: Timestamp) -> Result<RefundStatus, ApiError> {
        wxpay::query_refund(self.0, payout.out_request_no, now).await
    }
}

/// The buyer's points: paid as the order is placed and paid back in the approving transaction,
/// so there is no trade to query or close and no notification.
pub struct Points;

impl PaymentProvider for Points {
    async fn start(&self, _order: &Order, _now: Timestamp) -> Result<PaymentParams, ApiError> {
        Ok(PaymentParams::Settled)
    }

    async fn verify_notification(
        &self,
        _headers: &HeaderMap,
        _body: &[u8],
        _now: Timestamp,
    ) -> Result<Notice, ApiError> {
        Err(ApiError::invalid("channel", "points send no notifications"))
    }

    async fn query(&self, order: &Order, _now: Timestamp) -> Result<TradeFacts, ApiError> {
        let status = match &order.payment {
            Some(payment) => TradeStatus::Paid {
                trade_no: payment.trade_no.clone(),
                amount: order.amounts.paid,
                paid_at: Some(payment.paid_at),
            },
            None => TradeStatus::NotPaid,
        };
        Ok(TradeFacts { out_trade_no: order.order_no.clone(), status })
    }

    async fn close(&self, _order: &Order, _now: Timestamp) -> Result<TradeStatus, ApiError> {
        Ok(TradeStatus::Closed)
    }

    async fn refund(&self, _payout: &PayoutRequest<'_>, _now: Timestamp) -> Result<RefundStatus, ApiError> {
        Ok(RefundStatus::Refunded)
    }

    async fn query_refund(&self, _payout: &PayoutRequest<'_>, _now: Timestamp) -> Result<RefundStatus, ApiError> {
        Ok(RefundStatus::Refunded)
    }
}

/// The provider of a channel, as one type (static dispatch: no boxed futures).
pub enum Provider<'a> {
    Alipay(Alipay<'a>),
    Wxpay(Wxpay<'a>),
    Points(Points),
}

impl App {
    /// The provider of `channel`, or a 500 saying which settings are missing.
    pub fn provider(&self, channel: PaymentChannel) -> Result<Provider<'_>, ApiError> {
        Ok(match channel {
            PaymentChannel::Alipay => Provider::Alipay(Alipay(self.alipay()?)),
            PaymentChannel::Wxpay => Provider::Wxpay(Wxpay(self.wxpay()?)),
            PaymentChannel::Points => Provider::Points(Points),
        })
    }
}

macro_rules! each {
    ($provider:expr, $p:ident => $call:expr) => {
        match $provider {
            Provider::Alipay($p) => $call,
            Provider::Wxpay($p) => $call,
            Provider::Points($p) => $call,
        }
    };
}

impl PaymentProvider for Provider<'_> {
    fn check_start(&self) -> Result<(), ApiError> {
        each!(self, p => p.check_start())
    }

    async fn start(&self, order: &Order, now: Timestamp) -> Result<PaymentParams, ApiError> {
        each!(self, p => p.start(order, now).await)
    }

    async fn verify_notification(&self, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Result<Notice, ApiError> {
        each!(self, p => p.verify_notification(headers, body, now).await)
    }

    async fn query(&self, order: &Order, now: Timestamp) -> Result<TradeFacts, ApiError> {
        each!(self, p => p.query(order, now).await)
    }

    async fn close(&self, order: &Order, now: Timestamp) -> Result<TradeStatus, ApiError> {
        each!(self, p => p.close(order, now).await)
    }

    async fn refund(&self, payout: &PayoutRequest<'_>, now: Timestamp) -> Result<RefundStatus, ApiError> {
        each!(self, p => p.refund(payout, now).await)
    }

    async fn query_refund(&self, payout: &PayoutRequest<'_>, now: Timestamp) -> Result<RefundStatus, ApiError> {
        each!(self, p => p.query_refund(payout, now).await)
    }
}
