//! What the API answers: typed wire forms of the stored values. Money is a `Money` here, which
//! serializes as `"12.34"`; the storage structs keep fen. Each view destructures its stored
//! value field by field, so a field added to the order does not compile until its view says
//! how it is shown.

use crate::adapters::store::{Counts, ShopFreight};
use crate::adapters::wxpay::AppPayParams;
use crate::app::cart::CartLine;
use crate::app::checkout::PaymentStarts;
use crate::app::listing::OrderList;
use crate::app::payment::Started;
use crate::domain::address::Address;
use crate::domain::address::AddressEntry;
use crate::domain::catalog::{Listing, Sku};
use crate::domain::counters::Bucket;
use crate::domain::freight::FreightTemplate;
use crate::domain::member::DiscountType;
use crate::domain::member::MemberLevel;
use crate::domain::money::Money;
use crate::domain::order::{
    Amounts, CloseReason, LatePayment, Order, OrderLine, OrderStatus, OrderType, Payment, Payout, Refund, RefundKind,
    RefundLine, RefundState, RefundStep, ReturnShipment, Shipment, TimelineEntry, TrackingEvent,
};
use crate::domain::payment::PaymentChannel;
use crate::domain::time::Timestamp;
use crate::error::Lang;
use serde::Serialize;

/// Seconds left to pay an unpaid order at `now`.
fn seconds_to_pay(status: OrderStatus, expires_at: Option<Timestamp>, now: Timestamp) -> Option<i64> {
    match (status, expires_at) {
        (OrderStatus::PendingPayment, Some(deadline)) => Some((deadline.millis() - now.millis()).max(0) / 1000),
        _ => None,
    }
}

/// An order as the API shows it at `now`: an unpaid one carries `close_seconds`, the seconds left
/// to pay (0 once its deadline has passed; the payment-timeout schedule then closes it).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView<'a> {
    pub order_no: &'a str,
    pub buyer_id: &'a str,
    pub seller_id: &'a str,
    pub order_type: OrderType,
    pub status: OrderStatus,
    pub close_reason: Option<CloseReason>,
    /// The open or last after-sales case.
    pub refund: Option<RefundView<'a>>,
    /// Earlier after-sales cases, oldest first.
    pub refunds: Vec<RefundView<'a>>,
    pub lines: Vec<LineView<'a>>,
    pub address: &'a Address,
    pub remark: &'a str,
    pub amounts: AmountsView,
    pub payment: Option<&'a Payment>,
    /// Payments that arrived when the order could not take them; they are paid back.
    pub late_payments: Vec<LatePaymentView<'a>>,
    /// The providers a payment was started with.
    pub payment_starts: &'a [PaymentChannel],
    pub shipment: Option<&'a Shipment>,
    pub tracking_events: &'a [TrackingEvent],
    pub timeline: &'a [TimelineEntry],
    pub reviewed: bool,
    pub deleted: bool,
    pub version: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub auto_confirm_at: Option<Timestamp>,
    pub close_seconds: Option<i64>,
}

impl<'a> OrderView<'a> {
    pub fn new(order: &'a Order, now: Timestamp) -> OrderView<'a> {
        let Order {
            order_no,
            buyer_id,
            seller_id,
            order_type,
            status,
            close_reason,
            refund,
            refunds,
            lines,
            address,
            remark,
            amounts,
            payment,
            late_payments,
            payment_starts,
            shipment,
            tracking_events,
            timeline,
            reviewed,
            deleted,
            version,
            created_at,
            updated_at,
            expires_at,
            auto_confirm_at,
            // Internal: the after-sales window runs from it.
            completed_at: _,
        } = order;
        OrderView {
            order_no,
            buyer_id,
            seller_id,
            order_type: *order_type,
            status: *status,
            close_reason: *close_reason,
            refund: refund.as_ref().map(RefundView::new),
            refunds: refunds.iter().map(RefundView::new).collect(),
            lines: lines.iter().enumerate().map(|(index, line)| LineView::new(index, line, refund.as_ref())).collect(),
            address,
            remark,
            amounts: AmountsView::new(amounts),
            payment: payment.as_ref(),
            late_payments: late_payments.iter().map(LatePaymentView::new).collect(),
            payment_starts,
            shipment: shipment.as_ref(),
            tracking_events,
            timeline,
            reviewed: *reviewed,
            deleted: *deleted,
            version: *version,
            created_at: *created_at,
            updated_at: *updated_at,
            expires_at: *expires_at,
            auto_confirm_at: *auto_confirm_at,
            close_seconds: seconds_to_pay(*status, *expires_at, now),
        }
    }
}

/// A payment the order could not take, and the payout that pays it back (apart from the
/// order's after-sales cases).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatePaymentView<'a> {
    pub channel: PaymentChannel,
    pub trade_no: &'a str,
    pub amount: Money,
    pub received_at: Timestamp,
    /// Paying it back: its request number, status (`pending`, `processing`, `succeeded`,
    /// `failed`: the shop's `retry-payout` sends it again), attempts and last error.
    pub payout: Option<&'a Payout>,
    /// When the payout schedule calls the provider for it next.
    pub due_at: Option<Timestamp>,
}

impl<'a> LatePaymentView<'a> {
    fn new(late: &'a LatePayment) -> LatePaymentView<'a> {
        let LatePayment { channel, trade_no, amount, received_at, payout, due_at } = late;
        LatePaymentView {
            channel: *channel,
            trade_no,
            amount: *amount,
            received_at: *received_at,
            payout: payout.as_ref(),
            due_at: *due_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineView<'a> {
    /// The line's 1-based position: what an after-sales application names in `lines`.
    pub line_id: String,
    pub sku_id: &'a str,
    pub product_name: &'a str,
    pub properties: &'a str,
    pub pic: &'a str,
    pub unit_price: Money,
    pub unit_points: i64,
    pub quantity: u32,
    pub line_total: Money,
    /// The member discount on this line.
    pub discount: Money,
    pub refunded_quantity: u32,
    pub refunded_amount: Money,
    /// `none`, `in_after_sales` (an open case names it), `partly_refunded` or `refunded`.
    pub refund_status: &'static str,
}

impl<'a> LineView<'a> {
    fn new(index: usize, line: &'a OrderLine, case: Option<&Refund>) -> LineView<'a> {
        let in_case =
            case.is_some_and(|case| case.state.is_open() && case.lines.iter().any(|named| named.sku_id == line.sku_id));
        let refund_status = if in_case {
            "in_after_sales"
        } else if line.refunded_quantity >= line.quantity {
            "refunded"
        } else if line.refunded_quantity > 0 || line.refunded_amount.0 > 0 {
            "partly_refunded"
        } else {
            "none"
        };
        let OrderLine {
            sku_id,
            product_name,
            properties,
            pic,
            unit_price,
            unit_points,
            quantity,
            line_total,
            discount,
            refunded_quantity,
            refunded_amount,
        } = line;
        LineView {
            line_id: (index + 1).to_string(),
            sku_id,
            product_name,
            properties,
            pic,
            unit_price: *unit_price,
            unit_points: *unit_points,
            quantity: *quantity,
            line_total: *line_total,
            discount: *discount,
            refunded_quantity: *refunded_quantity,
            refunded_amount: *refunded_amount,
            refund_status,
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AmountsView {
    pub goods: Money,
    pub shipping: Money,
    pub discount: Money,
    /// Points spent on the order (a count, not money).
    pub points_used: i64,
    /// What the points took off (0.01 a point).
    pub points_deduction: Money,
    /// `member` or `points` when one of them lowered the price (seed 003's `discount_type`).
    pub discount_type: Option<DiscountType>,
    /// goods + shipping − discount − points_deduction.
    pub payable: Money,
    pub paid: Money,
    pub refunded: Money,
}

impl AmountsView {
    pub fn new(amounts: &Amounts) -> AmountsView {
        let Amounts {
            goods,
            shipping,
            discount,
            points_used,
            points_deduction,
            discount_type,
            payable,
            paid,
            refunded,
        } = *amounts;
        AmountsView { goods, shipping, discount, points_used, points_deduction, discount_type, payable, paid, refunded }
    }
}

/// An after-sales case. Seed 002's `back_status` and seed 004's `refund_status` map from
/// `status` as the README's "After-sales" section shows.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundView<'a> {
    pub refund_id: &'a str,
    #[serde(rename = "type")]
    pub kind: RefundKind,
    pub status: RefundState,
    pub amount: Money,
    /// Points that go back with it.
    pub points: i64,
    pub reason: &'a str,
    pub remark: &'a str,
    pub lines: &'a [RefundLine],
    pub vouchers: &'a [String],
    pub reject_reason: Option<&'a str>,
    pub return_address: Option<&'a Address>,
    pub return_shipment: Option<&'a ReturnShipment>,
    pub restock: bool,
    /// Whether the units leave the order (false: a partial refund of their price; they still ship).
    pub units_back: bool,
    pub payout: Option<&'a Payout>,
    /// When a timer acts on the case next (auto-approve, close, confirm, payout retry).
    pub due_at: Option<Timestamp>,
    pub history: &'a [RefundStep],
    pub requested_at: Timestamp,
}

impl<'a> RefundView<'a> {
    fn new(refund: &'a Refund) -> RefundView<'a> {
        let Refund {
            refund_id,
            kind,
            state,
            amount,
            reason,
            remark,
            lines,
            vouchers,
            reject_reason,
            return_address,
            return_shipment,
            points,
            restock,
            units_back,
            payout,
            due_at,
            history,
            requested_at,
        } = refund;
        RefundView {
            refund_id,
            kind: *kind,
            status: *state,
            amount: *amount,
            points: *points,
            reason,
            remark,
            lines,
            vouchers,
            reject_reason: reject_reason.as_deref(),
            return_address: return_address.as_ref(),
            return_shipment: return_shipment.as_ref(),
            restock: *restock,
            units_back: *units_back,
            payout: payout.as_ref(),
            due_at: *due_at,
            history,
            requested_at: *requested_at,
        }
    }
}

/// A page of orders: `{items, next_cursor, total}`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderListView<'a> {
    pub items: Vec<OrderView<'a>>,
    pub next_cursor: Option<&'a str>,
    pub total: Option<i64>,
}

impl<'a> OrderListView<'a> {
    pub fn new(list: &'a OrderList, now: Timestamp) -> OrderListView<'a> {
        OrderListView {
            items: list.orders.iter().map(|order| OrderView::new(order, now)).collect(),
            next_cursor: list.next_cursor.as_deref(),
            total: list.total,
        }
    }
}

/// The orders a create made (or, replayed, made before).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedOrdersView<'a> {
    pub orders: Vec<OrderView<'a>>,
    /// With `pay_channel` `alipay` or `wxpay`: each unpaid order's payment parameters, as
    /// `start-payment` answers them.
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

/// `POST /orders/{id}/payments` with `alipay` or `wxpay`: what the provider's app SDK needs.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentStartView<'a> {
    pub order_no: &'a str,
    pub channel: PaymentChannel,
    pub amount: Money,
    pub expires_at: Option<Timestamp>,
    /// `alipay`: the signed `alipay.trade.app.pay` request the Alipay app SDK takes (seed 004's
    /// `alipay_result`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_string: Option<&'a str>,
    /// `wxpay`: the WeChat app SDK's `PayReq` (seed 004's `wxpay_result`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wxpay_result: Option<&'a AppPayParams>,
}

impl<'a> PaymentStartView<'a> {
    /// None for a start that needs no payment (points).
    pub fn new(started: &'a Started) -> Option<PaymentStartView<'a>> {
        let (order, channel, order_string, wxpay_result) = match started {
            Started::Alipay { order, order_string } => {
                (order, PaymentChannel::Alipay, Some(order_string.as_str()), None)
            }
            Started::Wxpay { order, params } => (order, PaymentChannel::Wxpay, None, Some(params)),
            Started::AlreadySettled(_) => return None,
        };
        Some(PaymentStartView {
            order_no: &order.order_no,
            channel,
            amount: order.amounts.payable,
            expires_at: order.expires_at,
            order_string,
            wxpay_result,
        })
    }
}

/// `GET /orders/{id}/logistics`: carrier, tracking number and events, newest first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogisticsView<'a> {
    pub order_no: &'a str,
    pub status: OrderStatus,
    pub carrier_code: &'a str,
    pub carrier_name: &'a str,
    pub tracking_no: &'a str,
    pub shipped_at: Timestamp,
    pub events: Vec<&'a TrackingEvent>,
}

impl<'a> LogisticsView<'a> {
    /// None until the order has shipped.
    pub fn new(order: &'a Order) -> Option<LogisticsView<'a>> {
        let shipment = order.shipment.as_ref()?;
        let mut events: Vec<&TrackingEvent> = order.tracking_events.iter().collect();
        events.sort_by_key(|event| std::cmp::Reverse(event.at));
        Some(LogisticsView {
            order_no: &order.order_no,
            status: order.status,
            carrier_code: &shipment.carrier_code,
            carrier_name: &shipment.carrier_name,
            tracking_no: &shipment.tracking_no,
            shipped_at: shipment.shipped_at,
            events,
        })
    }
}

/// A SKU as the catalog shows it: `stock` is what can be bought now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkuView<'a> {
    pub sku_id: &'a str,
    pub seller_id: &'a str,
    pub name: &'a str,
    pub properties: &'a str,
    pub pic: &'a str,
    pub price: Money,
    pub points_price: Option<i64>,
    pub stock: i64,
    pub freight_template_id: Option<&'a str>,
    pub updated_at: Timestamp,
}

impl<'a> SkuView<'a> {
    pub fn new(sku: &'a Sku) -> SkuView<'a> {
        let Sku { listing, updated_at, available, reserved: _, on_hand: _ } = sku;
        let Listing { sku_id, seller_id, name, properties, pic, price, points_price, freight_template_id } = listing;
        SkuView {
            sku_id,
            seller_id,
            name,
            properties,
            pic,
            price: *price,
            points_price: *points_price,
            stock: *available,
            freight_template_id: freight_template_id.as_deref(),
            updated_at: *updated_at,
        }
    }
}

/// A SKU as its seller sees it: the catalog entry and every stock figure.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SellerSkuView<'a> {
    #[serde(flatten)]
    pub entry: SkuView<'a>,
    /// Units on the shelf, those held for unshipped orders included.
    pub on_hand: i64,
    /// Units held by orders that are unpaid, or paid and not shipped.
    pub reserved: i64,
    /// `on_hand − reserved`: what can be bought (the catalog's `stock`).
    pub available: i64,
}

impl<'a> SellerSkuView<'a> {
    pub fn new(sku: &'a Sku) -> SellerSkuView<'a> {
        SellerSkuView {
            entry: SkuView::new(sku),
            on_hand: sku.on_hand,
            reserved: sku.reserved,
            available: sku.available,
        }
    }
}

/// `GET /order-counts` and the shop's: orders per bucket, from counters.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct CountsView {
    /// Unpaid.
    pub wait_pay: i64,
    /// Paid, not shipped.
    pub wait_send: i64,
    /// Shipped, not received.
    pub wait_receipt: i64,
    /// Completed and not reviewed (and, for a shop, not deleted by the buyer).
    pub wait_review: i64,
    /// With an open after-sales case.
    pub after_sales: i64,
    pub completed: i64,
    pub closed: i64,
    pub all: i64,
}

impl CountsView {
    pub fn new(counts: &Counts) -> CountsView {
        CountsView {
            wait_pay: counts.get(Bucket::WaitPay),
            wait_send: counts.get(Bucket::WaitSend),
            wait_receipt: counts.get(Bucket::WaitReceipt),
            wait_review: counts.get(Bucket::WaitReview),
            after_sales: counts.get(Bucket::AfterSales),
            completed: counts.get(Bucket::Completed),
            closed: counts.get(Bucket::Closed),
            all: counts.get(Bucket::All),
        }
    }
}

/// The buyer's address book, default first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct AddressListView<'a> {
    pub items: &'a [AddressEntry],
    pub total: usize,
}

/// An address removed from the book.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct DeletedAddressView<'a> {
    pub address_id: &'a str,
    pub deleted: bool,
}

/// An order hidden from the buyer's lists and counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct DeletedOrderView<'a> {
    pub order_no: &'a str,
    pub deleted: bool,
}

/// A buyer's points balance.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct PointsView<'a> {
    pub buyer_id: &'a str,
    pub balance: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::{RefundKind, RefundState};
    use crate::domain::party::Role;

    /// An order whose every money field holds a different amount (in fen), all distinctive.
    fn order_with_marked_money() -> Order {
        let now = Timestamp::from_millis(1_764_000_000_000);
        let address = crate::samples::address();
        Order {
            order_no: "176400000000012345".into(),
            buyer_id: "b".into(),
            seller_id: "s".into(),
            order_type: OrderType::Standard,
            status: OrderStatus::Paid,
            close_reason: None,
            refund: Some(Refund::new(
                "176400000000012345-1".into(),
                RefundKind::RefundOnly,
                RefundState::Requested,
                Money(700_011),
                "r".into(),
                now,
            )),
            refunds: Vec::new(),
            lines: vec![OrderLine {
                sku_id: "tea".into(),
                product_name: "Tea".into(),
                properties: String::new(),
                pic: String::new(),
                unit_price: Money(700_001),
                unit_points: 0,
                quantity: 1,
                line_total: Money(700_002),
                discount: Money(700_013),
                refunded_quantity: 0,
                refunded_amount: Money(700_003),
            }],
            address,
            remark: String::new(),
            amounts: Amounts {
                goods: Money(700_004),
                shipping: Money(700_005),
                discount: Money(700_006),
                points_used: 0,
                points_deduction: Money(700_014),
                discount_type: None,
                payable: Money(700_007),
                paid: Money(700_008),
                refunded: Money(700_009),
            },
            payment: None,
            late_payments: vec![LatePayment {
                channel: PaymentChannel::Alipay,
                trade_no: "T".into(),
                amount: Money(700_012),
                received_at: now,
                payout: None,
                due_at: None,
            }],
            payment_starts: vec![PaymentChannel::Alipay],
            shipment: None,
            tracking_events: Vec::new(),
            timeline: vec![TimelineEntry {
                at: now,
                status: "paid".into(),
                actor: Role::Buyer,
                comment: String::new(),
            }],
            reviewed: false,
            deleted: false,
            version: 2,
            created_at: now,
            updated_at: now,
            expires_at: None,
            auto_confirm_at: None,
            completed_at: None,
        }
    }

    #[test]
    fn every_money_field_of_an_order_is_shown_as_yuan_never_as_fen() {
        let order = order_with_marked_money();
        let text = serde_json::to_string(&OrderView::new(&order, order.created_at)).expect("serializes");
        for marker in 700_001..=700_014 {
            assert!(!text.contains(&marker.to_string()), "fen {marker} leaked: {text}");
        }
        for shown in ["7000.01", "7000.02", "7000.03", "7000.04", "7000.07", "7000.09", "7000.11", "7000.12"] {
            assert!(text.contains(&format!("\"{shown}\"")), "{shown} missing: {text}");
        }
        assert!(!text.contains("completed_at"), "internal field");
    }
}

/// One cart item as the catalog has it now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLineView<'a> {
    pub sku_id: &'a str,
    pub name: Option<&'a str>,
    pub pic: Option<&'a str>,
    pub properties: Option<&'a str>,
    /// The price now (null when the SKU is gone).
    pub price: Option<Money>,
    pub price_when_added: Money,
    pub available: i64,
    pub quantity: u32,
    pub selected: bool,
    pub line_total: Money,
    /// Any of `price_changed`, `out_of_stock`, `unavailable`.
    pub flags: Vec<&'static str>,
    pub added_at: Timestamp,
}

/// A shop's part of the cart.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartShopView<'a> {
    pub seller_id: &'a str,
    pub items: Vec<CartLineView<'a>>,
}

/// `GET /cart`: the items by shop; `selected_total` is what the selected ones cost now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartView<'a> {
    pub shops: Vec<CartShopView<'a>>,
    pub item_count: usize,
    pub selected_total: Money,
}

impl<'a> CartView<'a> {
    pub fn new(cart: &'a std::collections::BTreeMap<String, Vec<CartLine>>) -> CartView<'a> {
        let mut selected_total = 0;
        let mut item_count = 0;
        let shops = cart
            .iter()
            .map(|(seller_id, lines)| CartShopView {
                seller_id,
                items: lines
                    .iter()
                    .map(|line| {
                        item_count += 1;
                        let listing = line.sku.as_ref().map(|sku| &sku.listing);
                        if line.item.selected {
                            selected_total += line.line_total().0;
                        }
                        CartLineView {
                            sku_id: &line.item.sku_id,
                            name: listing.map(|listing| listing.name.as_str()),
                            pic: listing.map(|listing| listing.pic.as_str()),
                            properties: listing.map(|listing| listing.properties.as_str()),
                            price: listing.map(|listing| listing.price),
                            price_when_added: line.item.price_when_added,
                            available: line.sku.as_ref().map(|sku| sku.available).unwrap_or(0),
                            quantity: line.item.quantity,
                            selected: line.item.selected,
                            line_total: line.line_total(),
                            flags: line.flags(),
                            added_at: line.item.added_at,
                        }
                    })
                    .collect(),
            })
            .collect();
        CartView { shops, item_count, selected_total: Money(selected_total) }
    }
}

/// A region's own fees.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionFeeView<'a> {
    pub provinces: &'a [String],
    pub first_fee: Money,
    pub additional_fee: Money,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreightTemplateView<'a> {
    pub template_id: &'a str,
    pub name: &'a str,
    pub from_province: &'a str,
    pub first_units: u32,
    pub first_fee: Money,
    pub additional_units: u32,
    pub additional_fee: Money,
    pub free_over: Option<Money>,
    pub regions: Vec<RegionFeeView<'a>>,
    pub excluded_provinces: &'a [String],
    /// How many of the shop's SKUs name it.
    pub used_by_skus: i64,
}

impl<'a> FreightTemplateView<'a> {
    pub fn new(template: &'a FreightTemplate, used_by_skus: i64) -> FreightTemplateView<'a> {
        let FreightTemplate {
            template_id,
            name,
            from_province,
            first_units,
            first_fee,
            additional_units,
            additional_fee,
            free_over,
            regions,
            excluded_provinces,
        } = template;
        FreightTemplateView {
            template_id,
            name,
            from_province,
            first_units: *first_units,
            first_fee: *first_fee,
            additional_units: *additional_units,
            additional_fee: *additional_fee,
            free_over: free_over.map(Money),
            regions: regions
                .iter()
                .map(|region| RegionFeeView {
                    provinces: &region.provinces,
                    first_fee: region.first_fee,
                    additional_fee: region.additional_fee,
                })
                .collect(),
            excluded_provinces,
            used_by_skus,
        }
    }
}

/// `GET /seller/freight-templates`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreightTemplatesView<'a> {
    pub items: Vec<FreightTemplateView<'a>>,
}

impl<'a> FreightTemplatesView<'a> {
    pub fn new(shop: &'a ShopFreight) -> FreightTemplatesView<'a> {
        let items = shop
            .templates
            .values()
            .map(|template| {
                FreightTemplateView::new(template, shop.uses.get(&template.template_id).copied().unwrap_or(0))
            })
            .collect();
        FreightTemplatesView { items }
    }
}

/// `GET /shipping-fee`: what a template charges for some units to a province.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingFeeView<'a> {
    pub fee: Money,
    /// The template's `from_province`.
    pub from: &'a str,
    /// The province asked for.
    pub to: &'a str,
}

/// `GET /me`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeView<'a> {
    pub buyer_id: &'a str,
    pub level: Option<MemberLevelView<'a>>,
    pub points: i64,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberLevelView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub discount_percent: u8,
}

impl<'a> MemberLevelView<'a> {
    pub fn new(level: &'a MemberLevel) -> MemberLevelView<'a> {
        let MemberLevel { level_id, name, discount_percent } = level;
        MemberLevelView { id: level_id, name, discount_percent: *discount_percent }
    }
}

/// One order a quote would create.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotedOrderView<'a> {
    pub seller_id: &'a str,
    pub lines: Vec<LineView<'a>>,
    pub amounts: AmountsView,
}

/// The quote's sums over its orders.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteTotalView {
    pub goods: Money,
    pub shipping: Money,
    pub discount: Money,
    pub points_deduction: Money,
    pub payable: Money,
}

/// `POST /orders/quote`: what a create with the same body would charge now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteView<'a> {
    pub orders: Vec<QuotedOrderView<'a>>,
    pub total: QuoteTotalView,
}

impl<'a> QuoteView<'a> {
    pub fn new(orders: &'a [Order]) -> QuoteView<'a> {
        let sum = |of: fn(&Amounts) -> Money| Money(orders.iter().map(|order| of(&order.amounts).0).sum());
        QuoteView {
            orders: orders
                .iter()
                .map(|order| QuotedOrderView {
                    seller_id: &order.seller_id,
                    lines: order
                        .lines
                        .iter()
                        .enumerate()
                        .map(|(index, line)| LineView::new(index, line, None))
                        .collect(),
                    amounts: AmountsView::new(&order.amounts),
                })
                .collect(),
            total: QuoteTotalView {
                goods: sum(|amounts| amounts.goods),
                shipping: sum(|amounts| amounts.shipping),
                discount: sum(|amounts| amounts.discount),
                points_deduction: sum(|amounts| amounts.points_deduction),
                payable: sum(|amounts| amounts.payable),
            },
        }
    }
}
