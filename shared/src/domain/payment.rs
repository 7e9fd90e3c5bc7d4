//! How an order is paid.

use crate::domain::money::Money;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// A payment channel; stored in the order's `payment` and named in `POST /orders/{id}/payments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaymentChannel {
    /// Alipay's app payment: an RSA2-signed order string, then Alipay's notification.
    Alipay,
    /// WeChat Pay API v3 app payment: a prepay id and the app's signed parameters, then WeChat
    /// Pay's encrypted notification.
    Wxpay,
    /// The buyer's points: a points order is paid in full when it is placed.
    Points,
}

impl PaymentChannel {
    /// Every channel, in the order messages and descriptions list them.
    pub const ALL: [PaymentChannel; 3] = [PaymentChannel::Alipay, PaymentChannel::Wxpay, PaymentChannel::Points];

    /// Other names a create's `pay_channel` (`pay_type`) takes for a channel: `sccb` is points.
    pub const ALIASES: [(&'static str, PaymentChannel); 1] = [("sccb", PaymentChannel::Points)];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentChannel::Alipay => "alipay",
            PaymentChannel::Wxpay => "wxpay",
            PaymentChannel::Points => "points",
        }
    }

    /// Reads a channel name from a body field.
    pub fn parse(field: &str, name: &str) -> Result<PaymentChannel, ApiError> {
        PaymentChannel::ALL.into_iter().find(|channel| channel.as_str() == name).ok_or_else(|| {
            let names: Vec<&str> = PaymentChannel::ALL.iter().map(|channel| channel.as_str()).collect();
            ApiError::invalid(field, format!("unknown channel {name:?}; use {}", names.join(", ")))
        })
    }

    /// Reads a channel name or one of its `ALIASES`.
    pub fn parse_with_aliases(field: &str, name: &str) -> Result<PaymentChannel, ApiError> {
        match PaymentChannel::ALIASES.iter().find(|(alias, _)| *alias == name) {
            Some((_, channel)) => Ok(*channel),
            None => PaymentChannel::parse(field, name),
        }
    }

    /// Every name a create's `pay_channel` takes: the channels and their aliases.
    pub fn pay_channel_names() -> Vec<&'static str> {
        let channels = PaymentChannel::ALL.iter().map(|channel| channel.as_str());
        channels.chain(PaymentChannel::ALIASES.iter().map(|(alias, _)| *alias)).collect()
    }
}

/// What a provider says about an order's trade (a verified notification or a query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeStatus {
    /// The buyer paid: the provider's trade number, the amount it took and (when the provider
    /// says) when.
    Paid { trade_no: String, amount: Money, paid_at: Option<crate::domain::time::Timestamp> },
    /// Not paid yet, or no trade exists (the buyer never opened the cashier).
    NotPaid,
    /// Closed at the provider: it can no longer be paid.
    Closed,
}

/// A provider's verified word about one order's trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeFacts {
    /// Our order number.
    pub out_trade_no: String,
    pub status: TradeStatus,
}

/// What a provider says about one refund request number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundStatus {
    /// Paid back (now, or earlier under the same request number).
    Refunded,
    /// Accepted, still being paid (WeChat Pay's `PROCESSING`).
    Processing,
    /// A business refusal; the shop decides what next.
    Refused(String),
    /// Not known (timeout, 5xx, an answer that does not verify, no such refund yet): ask again
    /// with the same request number.
    Unknown(String),
}

/// A provider's verified notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// About an order's trade.
    Trade(TradeFacts),
    /// About one refund request number.
    Refund { out_trade_no: String, out_request_no: String, status: RefundStatus },
}

/// One refund (a case's payout), as every provider takes it.
#[derive(Debug, Clone)]
pub struct PayoutRequest<'a> {
    pub out_trade_no: &'a str,
    /// The provider's number of the payment refunded (a late payment names its own trade).
    pub trade_no: Option<&'a str>,
    /// Unique per refund and the same on every retry: the provider pays it at most once.
    pub out_request_no: &'a str,
    pub amount: Money,
    /// What the trade took.
    pub trade_total: Money,
    pub reason: &'a str,
}
