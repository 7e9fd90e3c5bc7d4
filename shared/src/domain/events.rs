//! Order events: one for every entry an order's timeline records, typed for its receivers.
//!
//! Every change of an order adds exactly one timeline entry and moves its version by one (a
//! new order is version 1 with its first entry), so an event's `sequence` is the order's
//! version after the change: 1, 2, 3, ... without gaps, and the same for the same change however
//! often it is published. The event id is made from the order number and that number, so a
//! receiver that sees one id twice has seen one event twice.

use crate::domain::order::{CloseReason, Order, TimelineEntry};
use crate::domain::state::TRACKING_LABEL;
use crate::domain::time::Timestamp;

/// Every type an event can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    OrderCreated,
    PaymentStarted,
    OrderPaid,
    OrderCancelled,
    OrderClosed,
    OrderShipped,
    OrderTrackingAdded,
    OrderCompleted,
    OrderReviewed,
    OrderDeleted,
    RefundRequested,
    RefundWithdrawn,
    RefundRejected,
    RefundApproved,
    RefundReturnShipped,
    RefundReturned,
    RefundProcessing,
    RefundRefunded,
    RefundPayoutFailed,
    RefundPayoutUnknown,
    RefundPayoutRetried,
    RefundClosed,
    PaymentLate,
    PaymentLateRefunding,
    PaymentLateRefundProcessing,
    PaymentLateRefunded,
    PaymentLatePayoutFailed,
    PaymentLatePayoutUnknown,
    /// What `POST .../webhooks/{id}/test` sends; never made by an order.
    WebhookTest,
}

impl EventType {
    pub const ALL: [EventType; 29] = [
        EventType::OrderCreated,
        EventType::PaymentStarted,
        EventType::OrderPaid,
        EventType::OrderCancelled,
        EventType::OrderClosed,
        EventType::OrderShipped,
        EventType::OrderTrackingAdded,
        EventType::OrderCompleted,
        EventType::OrderReviewed,
        EventType::OrderDeleted,
        EventType::RefundRequested,
        EventType::RefundWithdrawn,
        EventType::RefundRejected,
        EventType::RefundApproved,
        EventType::RefundReturnShipped,
        EventType::RefundReturned,
        EventType::RefundProcessing,
        EventType::RefundRefunded,
        EventType::RefundPayoutFailed,
        EventType::RefundPayoutUnknown,
        EventType::RefundPayoutRetried,
        EventType::RefundClosed,
        EventType::PaymentLate,
        EventType::PaymentLateRefunding,
        EventType::PaymentLateRefundProcessing,
        EventType::PaymentLateRefunded,
        EventType::PaymentLatePayoutFailed,
        EventType::PaymentLatePayoutUnknown,
        EventType::WebhookTest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderCreated => "order.created",
            EventType::PaymentStarted => "payment.started",
            EventType::OrderPaid => "order.paid",
            EventType::OrderCancelled => "order.cancelled",
            EventType::OrderClosed => "order.closed",
            EventType::OrderShipped => "order.shipped",
            EventType::OrderTrackingAdded => "order.tracking_added",
            EventType::OrderCompleted => "order.completed",
            EventType::OrderReviewed => "order.reviewed",
            EventType::OrderDeleted => "order.deleted",
            EventType::RefundRequested => "refund.requested",
            EventType::RefundWithdrawn => "refund.withdrawn",
            EventType::RefundRejected => "refund.rejected",
            EventType::RefundApproved => "refund.approved",
            EventType::RefundReturnShipped => "refund.return_shipped",
            EventType::RefundReturned => "refund.returned",
            EventType::RefundProcessing => "refund.processing",
            EventType::RefundRefunded => "refund.refunded",
            EventType::RefundPayoutFailed => "refund.payout_failed",
            EventType::RefundPayoutUnknown => "refund.payout_unknown",
            EventType::RefundPayoutRetried => "refund.payout_retried",
            EventType::RefundClosed => "refund.closed",
            EventType::PaymentLate => "payment.late",
            EventType::PaymentLateRefunding => "payment.late_refunding",
            EventType::PaymentLateRefundProcessing => "payment.late_refund_processing",
            EventType::PaymentLateRefunded => "payment.late_refunded",
            EventType::PaymentLatePayoutFailed => "payment.late_payout_failed",
            EventType::PaymentLatePayoutUnknown => "payment.late_payout_unknown",
            EventType::WebhookTest => "webhook.test",
        }
    }

    pub fn parse(text: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The type of the event a timeline entry makes; `close_reason` tells a buyer's cancel from
    /// a close. None only for a label no step of the state machine writes.
    pub fn of_entry(label: &str, close_reason: Option<CloseReason>) -> Option<EventType> {
        Some(match label {
            // A new order's first entry records the status it starts in.
            "pending_payment" => EventType::OrderCreated,
            "payment_started" => EventType::PaymentStarted,
            "paid" => EventType::OrderPaid,
            "closed" if close_reason == Some(CloseReason::BuyerCancelled) => EventType::OrderCancelled,
            "closed" => EventType::OrderClosed,
            "shipped" => EventType::OrderShipped,
            TRACKING_LABEL => EventType::OrderTrackingAdded,
            "completed" => EventType::OrderCompleted,
            "reviewed" => EventType::OrderReviewed,
            "deleted" => EventType::OrderDeleted,
            "refund_requested" => EventType::RefundRequested,
            "refund_withdrawn" => EventType::RefundWithdrawn,
            "refund_rejected" => EventType::RefundRejected,
            // Approved for money only, or with the goods to come back first.
            "refund_approved" | "refund_awaiting_return" => EventType::RefundApproved,
            "refund_returning" => EventType::RefundReturnShipped,
            "refund_return_confirmed" => EventType::RefundReturned,
            "refund_processing" => EventType::RefundProcessing,
            "refunded" => EventType::RefundRefunded,
            "refund_payout_failed" => EventType::RefundPayoutFailed,
            "refund_payout_unknown" => EventType::RefundPayoutUnknown,
            "refund_payout_retried" => EventType::RefundPayoutRetried,
            "refund_closed" => EventType::RefundClosed,
            "payment_late" => EventType::PaymentLate,
            "late_payment_refunding" => EventType::PaymentLateRefunding,
            "late_payment_refund_processing" => EventType::PaymentLateRefundProcessing,
            "late_payment_refunded" => EventType::PaymentLateRefunded,
            "late_payment_payout_failed" => EventType::PaymentLatePayoutFailed,
            "late_payment_payout_unknown" => EventType::PaymentLatePayoutUnknown,
            _ => return None,
        })
    }
}

/// One event of one order: what a receiver is told beside the order itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    pub id: String,
    pub event_type: EventType,
    pub at: Timestamp,
    pub order_no: String,
    pub seller_id: String,
    pub buyer_id: String,
    pub sequence: u64,
}

/// One event with the body every receiver gets (the envelope, rendered once).
#[derive(Debug, Clone)]
pub struct PublishedEvent {
    pub event: OrderEvent,
    pub body: String,
}

/// The id of an order's `sequence`-th event.
pub fn event_id(order_no: &str, sequence: u64) -> String {
    format!("evt_{order_no}_{sequence}")
}

/// The events a change from `before` (None: the order is new) to `after` makes: one per
/// timeline entry `after` has that `before` had not, numbered up to `after`'s version. A write
/// that changed no entry (a migration rewriting the layout) makes none.
pub fn events_of_change(before: Option<&Order>, after: &Order) -> Vec<OrderEvent> {
    let mut earlier: Vec<&TimelineEntry> = before.map(|order| order.timeline.iter().collect()).unwrap_or_default();
    let mut added = Vec::new();
    for entry in &after.timeline {
        match earlier.iter().position(|seen| *seen == entry) {
            Some(found) => {
                earlier.swap_remove(found);
            }
            None => added.push(entry),
        }
    }
    let first = after.version.saturating_sub(added.len() as u64) + 1;
    added
        .into_iter()
        .zip(first..)
        .filter_map(|(entry, sequence)| {
            let event_type = EventType::of_entry(&entry.status, after.close_reason)?;
            Some(OrderEvent {
                id: event_id(&after.order_no, sequence),
                event_type,
                at: entry.at,
                order_no: after.order_no.clone(),
                seller_id: after.seller_id.clone(),
                buyer_id: after.buyer_id.clone(),
                sequence,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::party::Role;

    /// A new order: the first sample the stored documents' dictionary holds, as placed.
    fn new_order(order_no: &str) -> Order {
        let line = include_str!("../adapters/store/order_dictionary_v1.jsonl").lines().next().unwrap_or_default();
        let mut order: Order = serde_json::from_str(line).expect("a sample order");
        order.order_no = order_no.into();
        order.version = 1;
        order.close_reason = None;
        order.timeline = vec![TimelineEntry {
            at: order.created_at,
            status: "pending_payment".into(),
            actor: Role::Buyer,
            comment: String::new(),
        }];
        order
    }

    /// Every label a step of the state machine writes, read from its source, so a new step
    /// cannot be added without its event type.
    fn labels_written_by_the_state_machine() -> Vec<String> {
        let sources = [
            include_str!("state/fulfilment.rs"),
            include_str!("state/closing.rs"),
            include_str!("state/after_sales.rs"),
            include_str!("state/payouts.rs"),
        ];
        let mut labels = vec!["pending_payment".to_string(), TRACKING_LABEL.to_string()];
        for source in sources {
            for opening in ["Entry::new(\"", "Entry::with_comment(\""] {
                for (at, _) in source.match_indices(opening) {
                    let rest = &source[at + opening.len()..];
                    labels.push(rest[..rest.find('"').unwrap_or(0)].to_string());
                }
            }
        }
        labels.sort();
        labels.dedup();
        labels
    }

    #[test]
    fn every_timeline_label_maps_to_exactly_one_event_type() {
        let labels = labels_written_by_the_state_machine();
        assert!(labels.len() >= 25, "labels were read: {labels:?}");
        for label in &labels {
            let kinds: std::collections::BTreeSet<_> = [None, Some(CloseReason::BuyerCancelled)]
                .into_iter()
                .filter_map(|reason| EventType::of_entry(label, reason))
                .collect();
            assert!(!kinds.is_empty(), "timeline label {label:?} has no event type");
            if label != "closed" {
                assert_eq!(kinds.len(), 1, "{label:?} -> {kinds:?}");
            }
        }
        assert_eq!(EventType::of_entry("closed", Some(CloseReason::BuyerCancelled)), Some(EventType::OrderCancelled));
        assert_eq!(EventType::of_entry("closed", Some(CloseReason::PaymentTimeout)), Some(EventType::OrderClosed));
        assert_eq!(EventType::of_entry("closed", Some(CloseReason::SellerClosed)), Some(EventType::OrderClosed));
    }

    #[test]
    fn every_type_named_once_and_parsed_back() {
        let names: std::collections::BTreeSet<_> = EventType::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(names.len(), EventType::ALL.len());
        for kind in EventType::ALL {
            assert_eq!(EventType::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_change_makes_one_event_numbered_by_the_version() {
        let created = new_order("o1");
        let first = events_of_change(None, &created);
        assert_eq!(first.len(), 1);
        assert_eq!(
            (first[0].event_type, first[0].sequence, first[0].id.as_str()),
            (EventType::OrderCreated, 1, "evt_o1_1")
        );

        let mut paid = created.clone();
        paid.version = 2;
        paid.timeline.push(TimelineEntry {
            at: created.created_at.plus_seconds(5),
            status: "paid".into(),
            actor: Role::PaymentProvider,
            comment: String::new(),
        });
        let second = events_of_change(Some(&created), &paid);
        assert_eq!(second.len(), 1);
        assert_eq!((second[0].event_type, second[0].sequence), (EventType::OrderPaid, 2));
        // The same change seen twice is the same event; a rewrite without an entry is none.
        assert_eq!(events_of_change(Some(&created), &paid), second);
        assert!(events_of_change(Some(&paid), &paid).is_empty());
    }
}
