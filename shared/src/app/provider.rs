//! One payment layer: what every provider does for the use cases, in domain types only (start a
//! payment, verify a notification and say how to acknowledge it, query and close a trade, refund
//! and query a refund). Each provider implements it in its own adapter module; `PaymentProviders`
//! maps a channel to its provider and is one field of the `App`. Points, which need no provider,
//! are implemented here.

use crate::domain::order::Order;
use crate::domain::payment::{
    Acknowledgement, Callback, ClientParams, Notice, PaymentChannel, PaymentMethod, PayoutRequest, RefundStatus,
    TradeFacts, TradeStatus,
};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a provider's call gives back, later.
pub type ProviderFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ApiError>> + Send + 'a>>;

/// A payment provider. Where it notifies comes from its configuration only.
pub trait PaymentProvider: Send + Sync {
    /// Whether payments (with `method`) can start here (its notify URL and whatever the method
    /// needs are configured): checked before anything is written, so a misconfigured function
    /// refuses at once instead of half-starting.
    fn check_start(&self, method: Option<PaymentMethod>) -> Result<(), ApiError>;

    /// What the buyer's app needs to pay `order` (unpaid, within its window) with `method` (one
    /// of the channel's, or none where it has one); none when nothing is left to pay.
    fn start<'a>(
        &'a self,
        order: &'a Order,
        method: Option<PaymentMethod>,
        now: Timestamp,
    ) -> ProviderFuture<'a, Option<ClientParams>>;

    /// A notification, verified (and decrypted) as the provider signs it; a bad one is
    /// `SignatureInvalid`.
    fn verify_notification<'a>(&'a self, callback: Callback<'a>, now: Timestamp) -> ProviderFuture<'a, Notice>;

    /// The answer the provider expects to a notification that was recorded, or refused.
    fn acknowledge(&self, outcome: Result<(), ApiError>) -> Acknowledgement;

    /// What the provider knows of the order's trade (503 when it cannot say now).
    fn query<'a>(&'a self, order: &'a Order, now: Timestamp) -> ProviderFuture<'a, TradeFacts>;

    /// Closes the order's trade so that it can no longer be paid: `Closed`, or `Paid` when it
    /// was paid meanwhile.
    fn close<'a>(&'a self, order: &'a Order, now: Timestamp) -> ProviderFuture<'a, TradeStatus>;

    /// Pays `payout` back (at most once per request number).
    fn refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, now: Timestamp) -> ProviderFuture<'a, RefundStatus>;

    /// What became of a refund the provider accepted.
    fn query_refund<'a>(&'a self, payout: &'a PayoutRequest<'a>, now: Timestamp) -> ProviderFuture<'a, RefundStatus>;
}

/// The providers this function has, by channel.
#[derive(Clone, Default)]
pub struct PaymentProviders {
    by_channel: Vec<(PaymentChannel, Arc<dyn PaymentProvider>)>,
}

impl std::fmt::Debug for PaymentProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_channel.iter().map(|(channel, _)| channel)).finish()
    }
}

impl PaymentProviders {
    /// Points only (they need no configuration).
    pub fn points_only() -> PaymentProviders {
        PaymentProviders::default().with(PaymentChannel::Points, Arc::new(Points))
    }

    /// The same providers with `provider` serving `channel` (in place of any other).
    pub fn with(mut self, channel: PaymentChannel, provider: Arc<dyn PaymentProvider>) -> PaymentProviders {
        self.by_channel.retain(|(served, _)| *served != channel);
        self.by_channel.push((channel, provider));
        self
    }

    /// The provider of `channel`, or a 500 saying it is not configured in this function.
    pub fn get(&self, channel: PaymentChannel) -> Result<&dyn PaymentProvider, ApiError> {
        self.by_channel.iter().find(|(served, _)| *served == channel).map(|(_, provider)| provider.as_ref()).ok_or_else(
            || ApiError::Internal(format!("payments with {} are not configured in this function", channel.as_str())),
        )
    }

    /// The channels served.
    pub fn channels(&self) -> Vec<PaymentChannel> {
        self.by_channel.iter().map(|(channel, _)| *channel).collect()
    }
}

/// The buyer's points: paid as the order is placed and paid back in the approving transaction,
/// so there is no trade to query or close and no notification.
pub struct Points;

impl PaymentProvider for Points {
    fn check_start(&self, _method: Option<PaymentMethod>) -> Result<(), ApiError> {
        Ok(())
    }

    fn start<'a>(
        &'a self,
        _order: &'a Order,
        _method: Option<PaymentMethod>,
        _now: Timestamp,
    ) -> ProviderFuture<'a, Option<ClientParams>> {
        Box::pin(async { Ok(None) })
    }

    fn verify_notification<'a>(&'a self, _callback: Callback<'a>, _now: Timestamp) -> ProviderFuture<'a, Notice> {
        Box::pin(async { Err(ApiError::invalid("channel", "points send no notifications")) })
    }

    fn acknowledge(&self, outcome: Result<(), ApiError>) -> Acknowledgement {
        match outcome {
            Ok(()) => Acknowledgement::Reply { status: 204, content_type: "text/plain", body: String::new() },
            Err(error) => Acknowledgement::Refused(error),
        }
    }

    fn query<'a>(&'a self, order: &'a Order, _now: Timestamp) -> ProviderFuture<'a, TradeFacts> {
        let status = match &order.payment {
            Some(payment) => TradeStatus::Paid {
                trade_no: payment.trade_no.clone(),
                amount: order.amounts.paid,
                paid_at: Some(payment.paid_at),
            },
            None => TradeStatus::NotPaid,
        };
        Box::pin(async move { Ok(TradeFacts { out_trade_no: order.order_no.clone(), status, buyer_id: None }) })
    }

    fn close<'a>(&'a self, _order: &'a Order, _now: Timestamp) -> ProviderFuture<'a, TradeStatus> {
        Box::pin(async { Ok(TradeStatus::Closed) })
    }

    fn refund<'a>(&'a self, _payout: &'a PayoutRequest<'a>, _now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(async { Ok(RefundStatus::Refunded) })
    }

    fn query_refund<'a>(&'a self, _payout: &'a PayoutRequest<'a>, _now: Timestamp) -> ProviderFuture<'a, RefundStatus> {
        Box::pin(async { Ok(RefundStatus::Refunded) })
    }
}
