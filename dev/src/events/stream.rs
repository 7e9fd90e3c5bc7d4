//! The sample of `publish-order-events`: a DynamoDB Streams event as Lambda hands it over, one
//! MODIFY record of a demo order being paid (an item of the layout before order documents, which
//! the function reads as well, so the sample shows the order's fields).

use crate::seed::{demo_order_no, DEMO_BUYER, DEMO_SELLER};
use orders_shared::domain::order::{Order, OrderStatus, TimelineEntry};
use orders_shared::domain::party::Role;
use orders_shared::domain::time::Timestamp;
use serde_json::{json, Value};

/// A demo order: the first sample order the stored documents' dictionary holds.
fn demo_order(order_no: &str) -> Result<Order, String> {
    let text = include_str!("../../../shared/src/adapters/store/order_dictionary_v1.jsonl");
    let mut order: Order = serde_json::from_str(text.lines().next().unwrap_or_default())
        .map_err(|error| format!("the sample order: {error}"))?;
    let created = Timestamp::parse("2026-11-25T02:59:00Z")?;
    order.order_no = order_no.to_string();
    order.buyer_id = DEMO_BUYER.to_string();
    order.seller_id = DEMO_SELLER.to_string();
    order.status = OrderStatus::PendingPayment;
    order.version = 1;
    order.created_at = created;
    order.updated_at = created;
    order.payment = None;
    order.refund = None;
    order.refunds = Vec::new();
    order.timeline = vec![TimelineEntry {
        at: created,
        status: "pending_payment".into(),
        actor: Role::Buyer,
        comment: String::new(),
    }];
    Ok(order)
}

fn image(order: &Order) -> Result<Value, String> {
    let mut item: serde_dynamo::Item = serde_dynamo::to_item(order).map_err(|error| error.to_string())?;
    let mut keys = serde_dynamo::Item::default();
    for (name, value) in [("PK", format!("BUYER#{}", order.buyer_id)), ("SK", format!("ORDER#{}", order.order_no))] {
        item.insert(name.to_string(), serde_dynamo::AttributeValue::S(value.clone()));
        keys.insert(name.to_string(), serde_dynamo::AttributeValue::S(value));
    }
    serde_json::to_value(item).map_err(|error| error.to_string())
}

pub fn stream_event() -> Result<Value, String> {
    let order_no = demo_order_no("get-order").unwrap_or_default();
    let before = demo_order(&order_no)?;
    let mut after = before.clone();
    let paid_at = Timestamp::parse("2026-11-25T03:00:00Z")?;
    after.status = OrderStatus::Paid;
    after.version = 2;
    after.updated_at = paid_at;
    after.expires_at = None;
    after.timeline.push(TimelineEntry {
        at: paid_at,
        status: "paid".into(),
        actor: Role::PaymentProvider,
        comment: String::new(),
    });
    Ok(json!({"Records": [{
        "eventID": "c4ca4238a0b923820dcc509a6f75849b",
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1764039600,
            "Keys": {"PK": {"S": format!("BUYER#{DEMO_BUYER}")}, "SK": {"S": format!("ORDER#{order_no}")}},
            "NewImage": image(&after)?,
            "OldImage": image(&before)?,
            "SequenceNumber": "4421584500000000017450439091",
            "SizeBytes": 2048,
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
    }]}))
}
