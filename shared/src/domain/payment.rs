//! How an order is paid.

use crate::domain::money::Money;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A payment channel; stored in the order's `payment` and named in `POST /orders/{id}/payments`.
/// Every list of channels a client sees (the description's enums, messages) comes from `ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaymentChannel {
    /// Alipay's app payment: an RSA2-signed order string, then Alipay's notification.
    Alipay,
    /// WeChat Pay API v3 app payment: a prepay id and the app's signed parameters, then WeChat
    /// Pay's encrypted notification.
    Wxpay,
    /// LianLian Pay's mobile payment (quick pay or Apple Pay): the parameters its app SDK takes,
    /// signed `MD5withRSA`, then LianLian's notification.
    Lianlian,
    /// The buyer's points: a points order is paid in full when it is placed.
    Points,
}

/// A channel's product, where it offers more than one: LianLian's quick pay (bank cards) or
/// Apple Pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaymentMethod {
    Quick,
    Apple,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Quick => "quick",
            PaymentMethod::Apple => "apple",
        }
    }
}

/// How a buyer pays: a channel, and one of its methods where it has several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentChoice {
    pub channel: PaymentChannel,
    pub method: Option<PaymentMethod>,
}

impl PaymentChannel {
    /// Every channel, in the order messages and descriptions list them.
    pub const ALL: [PaymentChannel; 4] =
        [PaymentChannel::Alipay, PaymentChannel::Wxpay, PaymentChannel::Lianlian, PaymentChannel::Points];

    /// Other names a channel (and its method) is given by shop APIs: `sccb` is points,
    /// `llQuickPay` and `llApplePay` LianLian's two methods.
    pub const ALIASES: [(&'static str, PaymentChoice); 3] = [
        ("sccb", PaymentChoice { channel: PaymentChannel::Points, method: None }),
        ("llQuickPay", PaymentChoice { channel: PaymentChannel::Lianlian, method: Some(PaymentMethod::Quick) }),
        ("llApplePay", PaymentChoice { channel: PaymentChannel::Lianlian, method: Some(PaymentMethod::Apple) }),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentChannel::Alipay => "alipay",
            PaymentChannel::Wxpay => "wxpay",
            PaymentChannel::Lianlian => "lianlian",
            PaymentChannel::Points => "points",
        }
    }

    /// The methods a channel offers, the first its default; none where it has one product.
    pub fn methods(self) -> &'static [PaymentMethod] {
        match self {
            PaymentChannel::Lianlian => &[PaymentMethod::Quick, PaymentMethod::Apple],
            PaymentChannel::Alipay | PaymentChannel::Wxpay | PaymentChannel::Points => &[],
        }
    }

    /// The field of a payment's answer that holds what the buyer's app needs to pay with this
    /// channel; none for points (paid as the order is placed).
    pub fn client_params_field(self) -> Option<&'static str> {
        match self {
            PaymentChannel::Alipay => Some("order_string"),
            PaymentChannel::Wxpay => Some("wxpay_result"),
            PaymentChannel::Lianlian => Some("lianlian_params"),
            PaymentChannel::Points => None,
        }
    }

    /// Whether this channel moves money through a provider (a points order pays with points).
    pub fn takes_money(self) -> bool {
        self != PaymentChannel::Points
    }

    /// Reads a channel name from a body field.
    pub fn parse(field: &str, name: &str) -> Result<PaymentChannel, ApiError> {
        PaymentChannel::ALL.into_iter().find(|channel| channel.as_str() == name).ok_or_else(|| {
            ApiError::invalid(field, format!("unknown channel {name:?}; use {}", PaymentChannel::names().join(", ")))
        })
    }

    /// The channels' names.
    pub fn names() -> Vec<&'static str> {
        PaymentChannel::ALL.iter().map(|channel| channel.as_str()).collect()
    }

    /// Every name a body's channel takes: the channels and their aliases.
    pub fn pay_channel_names() -> Vec<&'static str> {
        let mut names = PaymentChannel::names();
        names.extend(PaymentChannel::ALIASES.iter().map(|(alias, _)| *alias));
        names
    }
}

/// A channel with its default method.
impl From<PaymentChannel> for PaymentChoice {
    fn from(channel: PaymentChannel) -> PaymentChoice {
        PaymentChoice { channel, method: channel.methods().first().copied() }
    }
}

impl PaymentChoice {
    /// A channel (or an alias) from `channel_field` and, where the channel has several, a method
    /// from `method_field` (its first when none is given). A method the channel does not offer,
    /// or one that contradicts the alias, is refused naming the field.
    pub fn parse(
        channel_field: &str,
        name: &str,
        method_field: &str,
        method: Option<&str>,
    ) -> Result<PaymentChoice, ApiError> {
        let named = match PaymentChannel::ALIASES.iter().find(|(alias, _)| *alias == name) {
            Some((_, choice)) => *choice,
            None => PaymentChoice { channel: PaymentChannel::parse(channel_field, name)?, method: None },
        };
        let offered = named.channel.methods();
        let method = match (method, named.method) {
            (None, chosen) => chosen.or(offered.first().copied()),
            (Some(given), chosen) => {
                let Some(given) = offered.iter().copied().find(|method| method.as_str() == given) else {
                    let names: Vec<&str> = offered.iter().map(|method| method.as_str()).collect();
                    let rule = match names.is_empty() {
                        true => format!("{} takes no method", named.channel.as_str()),
                        false => format!("{} takes {}", named.channel.as_str(), names.join(" or ")),
                    };
                    return Err(ApiError::invalid(method_field, rule));
                };
                if chosen.is_some_and(|chosen| chosen != given) {
                    return Err(ApiError::invalid(
                        method_field,
                        format!("{name} is {}", chosen.map_or("", |m| m.as_str())),
                    ));
                }
                Some(given)
            }
        };
        Ok(PaymentChoice { channel: named.channel, method })
    }
}

/// What the buyer's app needs to pay, as the provider's SDK takes it: one value (a signed string,
/// or an object of strings), answered in the channel's field (`client_params_field`).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientParams {
    pub channel: PaymentChannel,
    pub value: serde_json::Value,
}

impl ClientParams {
    pub fn for_channel(channel: PaymentChannel, value: serde_json::Value) -> ClientParams {
        ClientParams { channel, value }
    }
}

/// A provider's call to one of our callbacks, as received: headers by lowercase name, and the
/// body's bytes.
#[derive(Debug, Clone, Copy)]
pub struct Callback<'a> {
    pub headers: &'a BTreeMap<String, String>,
    pub body: &'a [u8],
}

/// No headers (a provider whose notifications carry everything in the body).
static NO_HEADERS: BTreeMap<String, String> = BTreeMap::new();

impl<'a> Callback<'a> {
    /// A body without headers.
    pub fn body(body: &'a [u8]) -> Callback<'a> {
        Callback { headers: &NO_HEADERS, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// What a provider expects back from a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acknowledgement {
    /// This status, content type and body (an empty body is sent as none).
    Reply { status: u16, content_type: &'static str, body: String },
    /// The refusal as every route answers it (the error envelope).
    Refused(ApiError),
}

/// What a provider says about an order's trade (a verified notification or a query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeStatus {
    /// The buyer paid: the provider's trade number, the amount it took and (when the provider
    /// says) when.
    Paid { trade_no: String, amount: Money, paid_at: Option<Timestamp> },
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
    /// The order's buyer, when the word carries it (what we passed back through the provider,
    /// or the order asked about): the order is then read in one call, without its number claim.
    pub buyer_id: Option<String>,
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
    /// When the paid trade was started (our order's creation time: a provider that names a trade
    /// by number and time wants it).
    pub trade_started_at: Timestamp,
    /// When the payout was first written (providers that want a request time get the same one on
    /// every retry).
    pub started_at: Timestamp,
    /// Earlier calls for it (a provider that does not repeat a request number asks first).
    pub attempts: u32,
}
