//! Wire forms: the stored order with money turned into `"12.34"` strings.

use crate::money::Money;
use crate::order::{Order, OrderStatus};
use crate::state::effective;
use crate::time::Timestamp;
use serde_json::{Map, Value};

/// The order as the API shows it at `now`: an unpaid order past its deadline reads as closed,
/// and an unpaid one carries `close_seconds`, the seconds left to pay.
pub fn order_view(order: &Order, now: Timestamp) -> Value {
    let order = effective(order, now);
    let mut value = serde_json::to_value(order.as_ref()).unwrap_or(Value::Null);
    let close_seconds = match (order.status, order.expires_at) {
        (OrderStatus::PendingPayment, Some(deadline)) => Value::from((deadline.millis() - now.millis()).max(0) / 1000),
        _ => Value::Null,
    };
    if let Some(object) = value.as_object_mut() {
        object.insert("close_seconds".into(), close_seconds);
        object.remove("completed_at");
    }
    if let Some(amounts) = value.get_mut("amounts").and_then(Value::as_object_mut) {
        for field in ["goods", "shipping", "discount", "payable", "paid", "refunded"] {
            fen_to_string(amounts, field);
        }
    }
    if let Some(lines) = value.get_mut("lines").and_then(Value::as_array_mut) {
        for line in lines.iter_mut().filter_map(Value::as_object_mut) {
            for field in ["unit_price", "line_total", "refunded_amount"] {
                fen_to_string(line, field);
            }
        }
    }
    if let Some(refund) = value.get_mut("refund").and_then(Value::as_object_mut) {
        fen_to_string(refund, "amount");
    }
    value
}

fn fen_to_string(object: &mut Map<String, Value>, field: &str) {
    if let Some(fen) = object.get(field).and_then(Value::as_i64) {
        object.insert(field.to_string(), Value::String(Money(fen).to_string()));
    }
}

/// `GET /orders/{id}/payment` (seed 004's payment status).
pub fn payment_view(order: &Order, now: Timestamp) -> Value {
    let order = effective(order, now);
    let paid = order.payment.is_some();
    let state = match (order.status, paid) {
        (OrderStatus::PendingPayment, _) => "unpaid",
        (OrderStatus::Closed, false) => "closed",
        (_, true) if order.amounts.refunded.0 > 0 && order.amounts.refunded >= order.amounts.paid => "refunded",
        (_, true) => "paid",
        (_, false) => "unpaid",
    };
    let close_seconds = match (order.status, order.expires_at) {
        (OrderStatus::PendingPayment, Some(deadline)) => Value::from((deadline.millis() - now.millis()).max(0) / 1000),
        _ => Value::Null,
    };
    serde_json::json!({
        "order_no": order.order_no,
        "status": state,
        "paid": paid,
        "order_type": order.order_type,
        "amount": order.amounts.payable,
        "points_used": order.amounts.points_used,
        "paid_amount": order.amounts.paid,
        "channel": order.payment.as_ref().map(|payment| payment.channel.clone()),
        "trade_no": order.payment.as_ref().map(|payment| payment.trade_no.clone()),
        "paid_at": order.payment.as_ref().map(|payment| payment.paid_at),
        "expires_at": order.expires_at,
        "close_seconds": close_seconds,
    })
}

/// `GET /orders/{id}/logistics`: carrier, tracking number and events, newest first.
pub fn logistics_view(order: &Order) -> Option<Value> {
    let shipment = order.shipment.as_ref()?;
    let mut events = order.tracking_events.clone();
    events.sort_by_key(|event| std::cmp::Reverse(event.at));
    Some(serde_json::json!({
        "order_no": order.order_no,
        "status": order.status,
        "carrier_code": shipment.carrier_code,
        "carrier_name": shipment.carrier_name,
        "tracking_no": shipment.tracking_no,
        "shipped_at": shipment.shipped_at,
        "events": events,
    }))
}
