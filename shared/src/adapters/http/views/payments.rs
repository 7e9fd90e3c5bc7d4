//! Placing and paying: the orders a create made with their payments, what starting a payment gives
//! the buyer's app, and an order's payment status.

use super::order::{seconds_to_pay, LatePaymentView, OrderView};
use crate::app::checkout::PaymentStarts;
use crate::app::payment::Started;
use crate::domain::money::Money;
use crate::domain::order::{Order, OrderStatus, OrderType};
use crate::domain::payment::{ClientParams, PaymentChannel};
use crate::domain::time::Timestamp;
use crate::error::Lang;
use serde::Serialize;

/// The orders a create made (or, replayed, made before).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedOrdersView<'a> {
    pub orders: Vec<OrderView<'a>>,
    /// With a money `pay_channel`: each unpaid order's payment parameters, as `start-payment`
    /// answers them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PaymentStartView<'a>>,
    /// Orders placed whose payment did not start (the provider unreachable, say): start it again
    /// with `POST /orders/{id}/payments`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payment_errors: Vec<PaymentErrorView<'a>>,
}

/// Why an order's payment did not start: the envelope's code and message.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentErrorView<'a> {
    pub order_no: &'a str,
    pub code: u32,
    pub msg: String,
}

impl<'a> CreatedOrdersView<'a> {
    pub fn new(orders: &'a [Order], now: Timestamp) -> CreatedOrdersView<'a> {
        CreatedOrdersView {
            orders: orders.iter().map(|order| OrderView::new(order, now)).collect(),
            payments: Vec::new(),
            payment_errors: Vec::new(),
        }
    }

    /// With the payments started with the create, and those that did not start.
    pub fn with_payments(mut self, starts: &'a PaymentStarts, lang: Lang) -> CreatedOrdersView<'a> {
        self.payments = starts.started.iter().filter_map(PaymentStartView::new).collect();
        self.payment_errors = starts
            .failed
            .iter()
            .map(|(order_no, error)| PaymentErrorView { order_no, code: error.code(), msg: error.message(lang) })
            .collect();
        self
    }
}

/// `GET /orders/{id}/payment`: whether and how an order was paid.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView<'a> {
    pub order_no: &'a str,
    /// `unpaid`, `paid`, `refunded` or `closed`.
    pub status: &'static str,
    pub paid: bool,
    pub order_type: OrderType,
    pub amount: Money,
    pub points_used: i64,
    pub paid_amount: Money,
    pub channel: Option<PaymentChannel>,
    pub trade_no: Option<&'a str>,
    pub paid_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub close_seconds: Option<i64>,
    /// Payments that arrived when the order could not take them; they are paid back.
    pub late: Vec<LatePaymentView<'a>>,
}

impl<'a> PaymentView<'a> {
    pub fn new(order: &'a Order, now: Timestamp) -> PaymentView<'a> {
        let status = order.status;
        let payment = order.payment.as_ref();
        let paid = payment.is_some();
        let amounts = &order.amounts;
        let state = match (status, paid) {
            (OrderStatus::PendingPayment, _) => "unpaid",
            (OrderStatus::Closed, false) => "closed",
            (_, true) if amounts.refunded.0 > 0 && amounts.refunded >= amounts.paid => "refunded",
            (_, true) => "paid",
            (_, false) => "unpaid",
        };
        PaymentView {
            order_no: &order.order_no,
            status: state,
            paid,
            order_type: order.order_type,
            amount: amounts.payable,
            points_used: amounts.points_used,
            paid_amount: amounts.paid,
            channel: payment.map(|payment| payment.channel),
            trade_no: payment.map(|payment| payment.trade_no.as_str()),
            paid_at: payment.map(|payment| payment.paid_at),
            expires_at: order.expires_at,
            close_seconds: seconds_to_pay(status, order.expires_at, now),
            late: order.late_payments.iter().map(LatePaymentView::new).collect(),
        }
    }
}

/// `POST /orders/{id}/payments` with a money channel: the order's amount and deadline, and what
/// the provider's app SDK needs in the channel's own field.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentStartView<'a> {
    pub order_no: &'a str,
    pub channel: PaymentChannel,
    pub amount: Money,
    pub expires_at: Option<Timestamp>,
    #[serde(flatten)]
    pub client_params: ClientParamsView<'a>,
}

/// What the buyer's app needs, answered as `{<the channel's field>: <value>}` (`order_string`,
/// `wxpay_result`, `lianlian_params`).
#[derive(Debug)]
pub struct ClientParamsView<'a>(pub &'a ClientParams);

impl Serialize for ClientParamsView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        if let Some(field) = self.0.channel.client_params_field() {
            map.serialize_entry(field, &self.0.value)?;
        }
        map.end()
    }
}

impl<'a> PaymentStartView<'a> {
    /// None for a start that needs no payment (points).
    pub fn new(started: &'a Started) -> Option<PaymentStartView<'a>> {
        let params = started.params.as_ref()?;
        let order = &started.order;
        Some(PaymentStartView {
            order_no: &order.order_no,
            channel: started.channel,
            amount: order.amounts.payable,
            expires_at: order.expires_at,
            client_params: ClientParamsView(params),
        })
    }
}
