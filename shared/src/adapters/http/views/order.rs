//! An order as its buyer and its shop see it: lines, amounts, payment, late payments, the open
//! after-sales case and past ones. Each view destructures what it shows field by field, so a new
//! field does not compile until its view decides, and money is always `"12.34"`.

use crate::domain::address::Address;
use crate::domain::member::DiscountType;
use crate::domain::money::Money;
use crate::domain::order::{
    Amounts, CloseReason, LatePayment, Order, OrderLine, OrderStatus, OrderType, Payment, Shipment, TimelineEntry,
    TrackingEvent,
};
use crate::domain::payment::PaymentChannel;
use crate::domain::refund::{Payout, Refund, RefundKind, RefundLine, RefundState, RefundStep, ReturnShipment};
use crate::domain::time::Timestamp;
use serde::Serialize;

/// Seconds left to pay an unpaid order at `now`.
pub(super) fn seconds_to_pay(status: OrderStatus, expires_at: Option<Timestamp>, now: Timestamp) -> Option<i64> {
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
            // Internal: which stock and counter items the order moves.
            counter_shard: _,
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
    pub(super) fn new(late: &'a LatePayment) -> LatePaymentView<'a> {
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
    pub(super) fn new(index: usize, line: &'a OrderLine, case: Option<&Refund>) -> LineView<'a> {
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
            stock_shards: _,
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
    /// `member` or `points` when one of them lowered the price.
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

/// An after-sales case (`status` is its state; docs/architecture.md, "After-sales", maps it to
/// the statuses other shop APIs use).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::Role;
    use crate::domain::refund::{RefundKind, RefundState};

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
                stock_shards: Vec::new(),
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
            counter_shard: None,
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
