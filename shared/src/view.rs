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
