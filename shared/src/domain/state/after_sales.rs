//! After-sales: a buyer applies for a refund (money only, or goods back too); the shop rejects or
//! approves; returned goods are shipped back and confirmed; then the money goes back through a
//! payout that is written (`refunding`, with its request number) before the provider is called,
//! and settled (`refunded`) when the provider says it paid. A refund of everything paid closes
//! the order. Timers approve an unanswered request, close a case whose goods never left, and
//! confirm goods the shop does not confirm.

use super::payouts::{self, PayoutOutcome};
use super::step::{Entry, SideEffects, Step, Verb};
use crate::domain::address::Address;
use crate::domain::catalog::StockMove;
use crate::domain::money::Money;
use crate::domain::order::{CloseReason, Order, OrderStatus, OrderType};
use crate::domain::payment::PaymentChannel;
use crate::domain::refund::{Payout, PayoutStatus, Refund, RefundKind, RefundLine, RefundState, ReturnShipment};
use crate::domain::time::Timestamp;
use crate::error::ApiError;

/// Vouchers (image URLs) per case or return shipment.
pub const MAX_VOUCHERS: usize = 9;

/// The after-sales time limits (configurable: `AFTER_SALES_DAYS`, `REFUND_AUTO_APPROVE_HOURS`,
/// `RETURN_SHIP_DAYS`, `RETURN_CONFIRM_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterSalesPolicy {
    /// How long after completion a buyer may still apply.
    pub window_seconds: i64,
    /// A request the shop leaves unanswered this long is approved.
    pub auto_approve_seconds: i64,
    /// Goods not sent back this long after approval close the case.
    pub return_ship_seconds: i64,
    /// Goods sent back and not confirmed this long are confirmed.
    pub return_confirm_seconds: i64,
    /// A payout whose outcome is unknown is tried again after this long (then backing off).
    pub payout_retry_seconds: i64,
}

impl Default for AfterSalesPolicy {
    fn default() -> Self {
        AfterSalesPolicy {
            window_seconds: 15 * 86_400,
            auto_approve_seconds: 48 * 3600,
            return_ship_seconds: 7 * 86_400,
            return_confirm_seconds: 10 * 86_400,
            payout_retry_seconds: 60,
        }
    }
}

impl AfterSalesPolicy {
    /// When a payout that has failed `attempts` times is tried next: doubling from
    /// `payout_retry_seconds`, at most a day apart.
    pub fn payout_retry_at(&self, now: Timestamp, attempts: u32) -> Timestamp {
        let factor = 1i64 << attempts.min(16);
        now.plus_seconds(self.payout_retry_seconds.saturating_mul(factor).min(86_400))
    }
}

/// How a refund names a line of the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineRef {
    /// The line's 1-based position, as the views show it.
    LineId(String),
    Sku(String),
}

/// What a buyer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundApplication {
    pub kind: RefundKind,
    /// None: what the chosen lines can still refund.
    pub amount: Option<Money>,
    pub reason: String,
    pub remark: String,
    /// Which units go back; empty means every unit not yet refunded.
    pub lines: Vec<(LineRef, u32)>,
    /// Image URLs that show the problem.
    pub vouchers: Vec<String>,
    /// The goods already sent back (then approval goes straight to `returning`).
    pub return_shipment: Option<ReturnShipment>,
    pub policy: AfterSalesPolicy,
}

fn open_case(order: &mut Order, state: RefundState) -> Option<&mut Refund> {
    order.refund.as_mut().filter(|refund| refund.state == state)
}

/// The units the application names, by SKU, checked against what is left of each line.
fn chosen_units(order: &Order, request: &RefundApplication) -> Result<Vec<RefundLine>, ApiError> {
    if request.lines.is_empty() {
        let left = order.lines.iter().filter(|line| line.units_kept() > 0);
        return Ok(left.map(|line| RefundLine { sku_id: line.sku_id.clone(), quantity: line.units_kept() }).collect());
    }
    let mut chosen: Vec<RefundLine> = Vec::new();
    for (reference, quantity) in &request.lines {
        let line = match reference {
            LineRef::LineId(id) => order.line_by_id(id),
            LineRef::Sku(sku_id) => order.lines.iter().find(|line| &line.sku_id == sku_id),
        };
        let Some(line) = line else {
            let named = match reference {
                LineRef::LineId(id) => format!("line {id}"),
                LineRef::Sku(sku_id) => format!("SKU {sku_id}"),
            };
            return Err(ApiError::invalid("lines", format!("{named} is not in this order")));
        };
        if chosen.iter().any(|other| other.sku_id == line.sku_id) {
            return Err(ApiError::invalid("lines", format!("SKU {} is named twice", line.sku_id)));
        }
        let left = line.units_kept();
        if *quantity == 0 || *quantity > left {
            return Err(ApiError::invalid("lines", format!("quantity for SKU {} must be 1..={left}", line.sku_id)));
        }
        chosen.push(RefundLine { sku_id: line.sku_id.clone(), quantity: *quantity });
    }
    Ok(chosen)
}

/// What the chosen units can still refund: each line's money not yet refunded (its total less
/// its member discount), in proportion to the units chosen, capped by what is still refundable
/// on the order. Every unit left: all that is refundable (shipping included).
fn refundable_for(order: &Order, units: &[RefundLine]) -> Money {
    let every_unit_left = order
        .lines
        .iter()
        .filter(|line| line.units_kept() > 0)
        .all(|line| units.iter().any(|unit| unit.sku_id == line.sku_id && unit.quantity == line.units_kept()));
    if every_unit_left {
        return order.refundable();
    }
    let mut total = 0i64;
    for unit in units {
        if let Some(line) = order.lines.iter().find(|line| line.sku_id == unit.sku_id) {
            let left_units = i64::from(line.units_kept().max(1));
            let left_money = (line.line_total.0 - line.discount.0 - line.refunded_amount.0).max(0);
            total += left_money * i64::from(unit.quantity) / left_units;
        }
    }
    Money(total.min(order.refundable().0))
}

/// The points the chosen units of a points order paid.
fn points_for(order: &Order, units: &[RefundLine]) -> i64 {
    units
        .iter()
        .filter_map(|unit| {
            let line = order.lines.iter().find(|line| line.sku_id == unit.sku_id)?;
            line.unit_points.checked_mul(i64::from(unit.quantity))
        })
        .sum()
}

/// Paid, shipped, or completed within the window, with no case open.
pub(super) fn apply_for_refund(order: &mut Order, request: &RefundApplication, now: Timestamp, verb: Verb) -> Step {
    let eligible = matches!(order.status, OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed);
    if !eligible || order.has_open_refund() || request.kind == RefundKind::LatePayment {
        return Ok(None);
    }
    let refuse = |en: &str, zh: &str| Err(verb.refused(en, zh));
    if order.status == OrderStatus::Completed {
        let deadline = order.completed_at.map(|completed| completed.plus_seconds(request.policy.window_seconds));
        if deadline.is_none_or(|deadline| now > deadline) {
            return refuse("completed, past the after-sales window", "已完成且已过售后期限");
        }
    }
    if request.kind == RefundKind::ReturnAndRefund && order.status == OrderStatus::Paid {
        return refuse(
            "paid and not shipped: nothing to send back (apply for refund_only)",
            "已付款但未发货，没有可寄回的商品（请申请仅退款）",
        );
    }
    let units = chosen_units(order, request)?;
    if units.is_empty() {
        return refuse(
            &format!("{}, every unit already refunded", order.status.as_str()),
            &format!("{}，所有商品均已退款", order.status.name_zh()),
        );
    }
    let points_order = order.order_type == OrderType::Points;
    let (amount, points, all_they_cost) = if points_order {
        if request.amount.is_some_and(|amount| amount != Money::ZERO) {
            return Err(ApiError::invalid("amount", "a points order refunds points: leave amount out"));
        }
        (Money::ZERO, points_for(order, &units), true)
    } else {
        let limit = refundable_for(order, &units);
        let amount = request.amount.unwrap_or(limit);
        if amount.0 <= 0 || amount > limit {
            return Err(ApiError::invalid(
                "amount",
                format!("must be more than 0.00 and at most {limit}, what the chosen lines can still refund"),
            ));
        }
        (amount, 0, amount == limit)
    };
    if let Some(previous) = order.refund.take() {
        order.refunds.push(previous);
    }
    let refund_id = order.next_refund_id();
    order.refund = Some(Refund {
        remark: request.remark.clone(),
        lines: units,
        vouchers: request.vouchers.clone(),
        return_shipment: request.return_shipment.clone(),
        points,
        units_back: request.kind == RefundKind::ReturnAndRefund || all_they_cost,
        due_at: Some(now.plus_seconds(request.policy.auto_approve_seconds)),
        ..Refund::new(refund_id, request.kind, RefundState::Requested, amount, request.reason.clone(), now)
    });
    Ok(Some(Entry::with_comment("refund_requested", request.reason.clone())))
}

pub(super) fn withdraw(order: &mut Order) -> Step {
    let Some(refund) = open_case(order, RefundState::Requested) else {
        return Ok(None);
    };
    refund.state = RefundState::Withdrawn;
    refund.due_at = None;
    Ok(Some(Entry::new("refund_withdrawn")))
}

pub(super) fn reject(order: &mut Order, reason: &str) -> Step {
    let Some(refund) = open_case(order, RefundState::Requested) else {
        return Ok(None);
    };
    refund.state = RefundState::Rejected;
    refund.reject_reason = Some(reason.to_string());
    refund.due_at = None;
    Ok(Some(Entry::with_comment("refund_rejected", reason)))
}

/// Money only: the payout starts. Goods back: the buyer is told where to send them (or, when
/// they are already on their way, the case waits for them).
pub(super) fn approve(
    order: &mut Order,
    return_address: &Option<Address>,
    policy: &AfterSalesPolicy,
    now: Timestamp,
    effects: &mut SideEffects,
) -> Step {
    let Some(refund) = open_case(order, RefundState::Requested) else {
        return Ok(None);
    };
    if refund.kind != RefundKind::ReturnAndRefund {
        start_payout(order, policy, now, effects)?;
        return Ok(Some(Entry::new("refund_approved")));
    }
    let Some(address) = return_address else {
        return Err(ApiError::invalid(
            "return_address",
            "is required to approve a return (in the body, or the shop's saved return address)",
        ));
    };
    refund.return_address = Some(address.clone());
    if refund.return_shipment.is_some() {
        refund.state = RefundState::Returning;
        refund.due_at = Some(now.plus_seconds(policy.return_confirm_seconds));
        return Ok(Some(Entry::new("refund_returning")));
    }
    refund.state = RefundState::AwaitingReturn;
    refund.due_at = Some(now.plus_seconds(policy.return_ship_seconds));
    Ok(Some(Entry::new("refund_awaiting_return")))
}

pub(super) fn ship_return(
    order: &mut Order,
    shipment: &ReturnShipment,
    policy: &AfterSalesPolicy,
    now: Timestamp,
) -> Step {
    let Some(refund) = open_case(order, RefundState::AwaitingReturn) else {
        return Ok(None);
    };
    refund.state = RefundState::Returning;
    refund.return_shipment = Some(shipment.clone());
    refund.due_at = Some(now.plus_seconds(policy.return_confirm_seconds));
    Ok(Some(Entry::with_comment("refund_returning", format!("{} {}", shipment.carrier_name, shipment.tracking_no))))
}

pub(super) fn confirm_return(
    order: &mut Order,
    restock: bool,
    policy: &AfterSalesPolicy,
    now: Timestamp,
    effects: &mut SideEffects,
) -> Step {
    let Some(refund) = open_case(order, RefundState::Returning) else {
        return Ok(None);
    };
    refund.restock = restock;
    start_payout(order, policy, now, effects)?;
    Ok(Some(Entry::new("refund_return_confirmed")))
}

/// Goods not sent back in time: the case ends without money.
pub(super) fn close_unreturned(order: &mut Order) -> Step {
    let Some(refund) = open_case(order, RefundState::AwaitingReturn) else {
        return Ok(None);
    };
    refund.state = RefundState::Closed;
    refund.due_at = None;
    Ok(Some(Entry::with_comment("refund_closed", "the goods were not sent back in time")))
}

/// The shop's retry of payouts the provider refused: the case's, and any late payment's.
pub(super) fn retry_payout(order: &mut Order, now: Timestamp, policy: &AfterSalesPolicy) -> Step {
    let due_at = policy.payout_retry_at(now, 0);
    let late = payouts::retry_late_payouts(order, due_at);
    let case = match order.refund.as_mut().filter(|refund| refund.state == RefundState::Refunding) {
        Some(refund) => match refund.payout.as_mut().filter(|payout| payout.status == PayoutStatus::Failed) {
            Some(payout) => {
                payout.status = PayoutStatus::Pending;
                refund.due_at = Some(due_at);
                true
            }
            None => false,
        },
        None => false,
    };
    Ok((case || late).then(|| Entry::new("refund_payout_retried")))
}

/// Records an attempt's outcome on the case's payout in flight.
pub(super) fn record_case_payout(
    order: &mut Order,
    outcome: &PayoutOutcome,
    now: Timestamp,
    effects: &mut SideEffects,
) -> Step {
    let Some(refund) = open_case(order, RefundState::Refunding) else {
        return Ok(None);
    };
    let Some(payout) = refund.payout.as_mut().filter(|payout| payout.in_flight()) else {
        return Ok(None);
    };
    refund.due_at = payouts::record_attempt(payout, outcome, now);
    match outcome {
        PayoutOutcome::Paid => {
            settle_refunded_case(order, effects)?;
            Ok(Some(Entry::new("refunded")))
        }
        PayoutOutcome::Refused(error) => Ok(Some(Entry::with_comment("refund_payout_failed", error.clone()))),
        PayoutOutcome::Unknown { error, .. } => Ok(Some(Entry::with_comment("refund_payout_unknown", error.clone()))),
        PayoutOutcome::Processing { .. } => Ok(Some(Entry::new("refund_processing"))),
    }
}

/// Approved: points-only money goes back at once (in this transaction); money goes back through
/// the provider of the order's payment, with the case's id as the payout's request number.
fn start_payout(
    order: &mut Order,
    policy: &AfterSalesPolicy,
    now: Timestamp,
    effects: &mut SideEffects,
) -> Result<(), ApiError> {
    let channel = order.payment.as_ref().map(|payment| payment.channel).unwrap_or(PaymentChannel::Points);
    let Some(refund) = order.refund.as_mut() else {
        return Ok(());
    };
    refund.state = RefundState::Refunding;
    let money = refund.amount.0 > 0 && channel != PaymentChannel::Points;
    refund.payout = Some(Payout {
        channel: if money { channel } else { PaymentChannel::Points },
        out_request_no: refund.refund_id.clone(),
        status: PayoutStatus::Pending,
        attempts: 0,
        last_error: None,
        refunded_at: None,
        started_at: Some(now),
    });
    if money {
        // If this process stops before the provider answers, the retry schedule takes over.
        refund.due_at = Some(policy.payout_retry_at(now, 0));
        return Ok(());
    }
    let outcome = PayoutOutcome::Paid;
    record_case_payout(order, &outcome, now, effects).map(|_| ())
}

/// The money is back: amounts, lines, stock and points move; a case that leaves nothing paid
/// closes the order.
fn settle_refunded_case(order: &mut Order, effects: &mut SideEffects) -> Result<(), ApiError> {
    let unshipped = order.status == OrderStatus::Paid;
    let Some(refund) = order.refund.as_mut() else {
        return Ok(());
    };
    refund.state = RefundState::Refunded;
    refund.due_at = None;
    if refund.kind == RefundKind::LatePayment {
        // Money the order never took: nothing of the order changes.
        return Ok(());
    }
    let amount = refund.amount;
    let lines = refund.lines.clone();
    let returned = refund.kind == RefundKind::ReturnAndRefund && refund.restock;
    let units_back = refund.units_back;
    effects.restore_points = effects.restore_points.saturating_add(refund.points);
    order.amounts.refunded = order
        .amounts
        .refunded
        .checked_add(amount)
        .ok_or_else(|| ApiError::Internal("refunded amount overflows".into()))?;
    // Spread the money over the named lines in order, capped by each line's total.
    let mut left = amount.0;
    for refunded in &lines {
        if let Some(line) = order.lines.iter_mut().find(|line| line.sku_id == refunded.sku_id) {
            let room = line.line_total.0 - line.discount.0 - line.refunded_amount.0;
            let take = left.min(room).max(0);
            line.refunded_amount = Money(line.refunded_amount.0 + take);
            left -= take;
            if !units_back {
                continue;
            }
            // The units refunded are the last ones the line still kept.
            let (from, to) = (line.units_kept().saturating_sub(refunded.quantity), line.units_kept());
            line.refunded_quantity += refunded.quantity;
            if unshipped {
                effects.stock.extend(line.stock_moves(from, to, StockMove::Release));
            } else if returned {
                effects.stock.extend(line.stock_moves(from, to, StockMove::Restock));
            }
        }
    }
    let nothing_left = match order.order_type {
        OrderType::Points => order.lines.iter().all(|line| line.units_kept() == 0),
        OrderType::Standard => order.amounts.refunded >= order.amounts.paid,
    };
    if nothing_left {
        order.status = OrderStatus::Closed;
        order.close_reason = Some(CloseReason::Refunded);
        order.auto_confirm_at = None;
        if order.order_type == OrderType::Standard {
            // A refund of everything paid gives back the points that paid part of it too.
            effects.restore_points = effects.restore_points.saturating_add(order.amounts.points_used);
            if let Some(refund) = order.refund.as_mut() {
                refund.points = order.amounts.points_used;
            }
        }
        if unshipped {
            // Nothing of it will ship: every unit still held goes back on sale.
            for line in order.lines.iter_mut().filter(|line| line.units_kept() > 0) {
                effects.stock.extend(line.stock_moves(0, line.units_kept(), StockMove::Release));
                line.refunded_quantity = line.quantity;
            }
        }
    }
    Ok(())
}
