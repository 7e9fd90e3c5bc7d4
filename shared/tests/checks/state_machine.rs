//! Property tests: no sequence of operations breaks the order's invariants, and counters moved
//! by `bucket_delta` always equal a recount.

use orders_shared::domain::catalog::StockMove;
use orders_shared::domain::counters::{bucket_delta, buckets, Bucket};
use orders_shared::domain::money::Money;
use orders_shared::domain::order::{CloseReason, Order, OrderLine, OrderStatus, Payment, Shipment, TrackingEvent};
use orders_shared::domain::party::{Role, Side};
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::domain::pricing::{build_orders, AddressSource, Checkout};
use orders_shared::domain::refund::{RefundKind, ReturnShipment};
use orders_shared::domain::state::{
    apply, Action, AfterSalesPolicy, LineRef, PayoutOf, PayoutOutcome, RefundApplication,
};
use orders_shared::domain::stock_shards::{units_by_shard, ShardMove};
use orders_shared::domain::time::Timestamp;
use orders_shared::samples::{self, address};
use orders_shared::ApiError;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
enum Op {
    Pay,
    Ship,
    Track,
    Receipt,
    AutoConfirm,
    Cancel,
    Timeout,
    SellerClose,
    Apply {
        return_goods: bool,
        share: u8,
        with_lines: bool,
    },
    Withdraw,
    Reject,
    Approve {
        with_address: bool,
    },
    ShipReturn,
    ConfirmReturn,
    /// What the provider answered to a payout: paid, refused, unknown.
    Payout {
        answer: u8,
    },
    RetryPayout,
    CloseUnreturned,
    Review,
    Delete,
    Wait {
        days: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Pay),
        Just(Op::Ship),
        Just(Op::Track),
        Just(Op::Receipt),
        Just(Op::AutoConfirm),
        Just(Op::Cancel),
        Just(Op::Timeout),
        Just(Op::SellerClose),
        (any::<bool>(), 1u8..=100, any::<bool>())
            .prop_map(|(return_goods, share, with_lines)| { Op::Apply { return_goods, share, with_lines } }),
        Just(Op::Withdraw),
        Just(Op::Reject),
        any::<bool>().prop_map(|with_address| Op::Approve { with_address }),
        Just(Op::ShipReturn),
        Just(Op::ConfirmReturn),
        (0u8..3).prop_map(|answer| Op::Payout { answer }),
        Just(Op::RetryPayout),
        Just(Op::CloseUnreturned),
        Just(Op::Review),
        Just(Op::Delete),
        (0u8..20).prop_map(|days| Op::Wait { days }),
    ]
}

fn new_order(now: Timestamp, quantities: &[u32]) -> Order {
    let mut skus = BTreeMap::new();
    let mut items = Vec::new();
    for (index, quantity) in quantities.iter().enumerate() {
        let sku_id = format!("sku-{index}");
        skus.insert(sku_id.clone(), samples::sku(&sku_id, "shop", 1999 + index as i64, 100, now));
        items.push((sku_id, *quantity));
    }
    let checkout = Checkout {
        items,
        order_type: orders_shared::domain::order::OrderType::Standard,
        from_cart: None,
        benefit: orders_shared::domain::member::Benefit::None,
        address: AddressSource::Inline(address()),
        remark: String::new(),
        fingerprint: String::new(),
        pay_password: None,
        pay_channel: None,
    };
    let mut orders =
        build_orders("buyer", &checkout, &skus, &Default::default(), &address(), now, 1800).expect("valid checkout");
    let mut order = orders.remove(0);
    // Odd SKUs' units come from two stock shards, as a sharded SKU's may.
    for (index, line) in order.lines.iter_mut().enumerate() {
        if index % 2 == 1 && line.quantity > 1 {
            line.stock_shards = vec![(3, 1), (5, line.quantity - 1)];
        }
    }
    order
}

fn action_for(op: &Op, order: &Order, now: Timestamp) -> Option<Action> {
    Some(match op {
        Op::Pay => Action::Pay(Payment { channel: PaymentChannel::Alipay, trade_no: "T1".into(), paid_at: now }),
        Op::Ship => Action::Ship {
            shipment: Shipment {
                carrier_code: "SF".into(),
                carrier_name: "SF Express".into(),
                tracking_no: "SF1".into(),
                shipped_at: now,
            },
            auto_confirm_at: now.plus_seconds(10 * 86400),
        },
        Op::Track => Action::AddTrackingEvent(TrackingEvent {
            at: now,
            description: "in transit".into(),
            location: String::new(),
        }),
        Op::Receipt => Action::ConfirmReceipt,
        Op::AutoConfirm => Action::AutoConfirm,
        Op::Cancel => Action::Cancel { reason: "changed my mind".into() },
        Op::Timeout => Action::Timeout,
        Op::SellerClose => Action::SellerClose { reason: "no stock".into() },
        Op::Apply { return_goods, share, with_lines } => {
            let amount = Money((order.refundable().0 * i64::from(*share)).div_euclid(100).max(1));
            let lines = if *with_lines {
                order.lines.iter().take(1).map(|line| (LineRef::Sku(line.sku_id.clone()), 1)).collect()
            } else {
                Vec::new()
            };
            Action::ApplyRefund(RefundApplication {
                kind: if *return_goods { RefundKind::ReturnAndRefund } else { RefundKind::RefundOnly },
                amount: Some(amount),
                reason: "broken".into(),
                remark: String::new(),
                lines,
                vouchers: Vec::new(),
                return_shipment: None,
                policy: AfterSalesPolicy::default(),
            })
        }
        Op::Withdraw => Action::WithdrawRefund,
        Op::Reject => Action::RejectRefund { reason: "used".into() },
        Op::Approve { with_address } => {
            Action::ApproveRefund { return_address: with_address.then(address), policy: AfterSalesPolicy::default() }
        }
        Op::ShipReturn => Action::ShipReturn {
            shipment: ReturnShipment {
                carrier_code: "YTO".into(),
                carrier_name: "YTO".into(),
                tracking_no: "Y1".into(),
                vouchers: Vec::new(),
                shipped_at: now,
            },
            policy: AfterSalesPolicy::default(),
        },
        Op::ConfirmReturn => Action::ConfirmReturn { restock: true, policy: AfterSalesPolicy::default() },
        Op::Payout { answer } => Action::RecordPayout {
            of: PayoutOf::Case,
            outcome: match answer {
                0 => PayoutOutcome::Paid,
                1 => PayoutOutcome::Refused("ACQ.SELLER_BALANCE_NOT_ENOUGH".into()),
                _ => PayoutOutcome::Unknown { error: "timeout".into(), retry_at: now.plus_seconds(60) },
            },
        },
        Op::RetryPayout => Action::RetryPayout { policy: AfterSalesPolicy::default() },
        Op::CloseUnreturned => Action::CloseUnreturned,
        Op::Review => Action::Review { comment: String::new() },
        Op::Delete => Action::Delete,
        Op::Wait { .. } => return None,
    })
}

fn check_invariants(order: &Order) -> Result<(), TestCaseError> {
    prop_assert_eq!(order.version as usize, order.timeline.len(), "one timeline entry per version");
    prop_assert!(order.amounts.refunded <= order.amounts.paid, "never refund more than was paid");
    prop_assert!(order.amounts.paid == Money::ZERO || order.amounts.paid == order.amounts.payable);
    if order.deleted {
        prop_assert!(matches!(order.status, OrderStatus::Closed | OrderStatus::Completed));
        prop_assert!(!order.has_open_refund());
    }
    if order.reviewed {
        prop_assert!(order.completed_at.is_some(), "only completed orders are reviewed");
    }
    if order.has_open_refund() {
        prop_assert!(matches!(order.status, OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed));
    }
    match order.status {
        OrderStatus::PendingPayment => {
            prop_assert!(order.expires_at.is_some() && order.payment.is_none() && order.amounts.paid == Money::ZERO)
        }
        OrderStatus::Shipped => {
            prop_assert!(order.shipment.is_some() && order.auto_confirm_at.is_some())
        }
        OrderStatus::Completed => {
            prop_assert!(order.completed_at.is_some() && order.auto_confirm_at.is_none())
        }
        OrderStatus::Closed => {
            let refunded_fully = order.amounts.paid > Money::ZERO && order.amounts.refunded == order.amounts.paid;
            prop_assert_eq!(order.close_reason == Some(CloseReason::Refunded), refunded_fully);
        }
        OrderStatus::Paid => prop_assert!(order.payment.is_some()),
    }
    for line in &order.lines {
        prop_assert!(line.refunded_quantity <= line.quantity);
        prop_assert!(line.refunded_amount <= line.line_total);
    }
    Ok(())
}

fn recount(orders: &[Order], viewer: Side) -> HashMap<Bucket, i64> {
    let mut counts = HashMap::new();
    for order in orders {
        for bucket in buckets(order, viewer) {
            *counts.entry(bucket).or_insert(0) += 1;
        }
    }
    counts
}

fn normalized(counts: &HashMap<Bucket, i64>) -> BTreeMap<Bucket, i64> {
    counts.iter().filter(|(_, n)| **n != 0).map(|(b, n)| (*b, *n)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_sequence_breaks_the_invariants(
        quantities in prop::collection::vec(1u32..5, 1..4),
        steps in prop::collection::vec((0usize..3, op()), 0..60),
    ) {
        let mut now = Timestamp::from_millis(1_764_000_000_000);
        let mut orders: Vec<Order> = (0..3).map(|_| new_order(now, &quantities)).collect();
        // Units each order holds of each SKU: all it ordered (create reserves them), less what
        // its stock moves gave back or shipped.
        let held_by_shard = |order: &Order, kept: fn(&OrderLine) -> u32| -> HashMap<(String, u32), i64> {
            order
                .lines
                .iter()
                .flat_map(|line| {
                    units_by_shard(&line.stock_shards, 0, kept(line))
                        .into_iter()
                        .map(|(shard, units)| ((line.sku_id.clone(), shard), i64::from(units)))
                })
                .collect()
        };
        let mut held: Vec<HashMap<(String, u32), i64>> =
            orders.iter().map(|order| held_by_shard(order, |line| line.quantity)).collect();
        let mut buyer_counts: HashMap<Bucket, i64> = HashMap::new();
        let mut seller_counts: HashMap<Bucket, i64> = HashMap::new();
        for order in &orders {
            check_invariants(order)?;
            for (bucket, delta) in bucket_delta(None, order, Side::Buyer) {
                *buyer_counts.entry(bucket).or_insert(0) += delta;
            }
            for (bucket, delta) in bucket_delta(None, order, Side::Seller) {
                *seller_counts.entry(bucket).or_insert(0) += delta;
            }
        }
        for (target, op) in steps {
            if let Op::Wait { days } = op {
                now = now.plus_seconds(i64::from(days) * 86400);
                continue;
            }
            now = now.plus_seconds(1);
            let before = orders[target].clone();
            let Some(action) = action_for(&op, &before, now) else { continue };
            match apply(&before, action, Role::Buyer, now) {
                Ok((after, effects)) => {
                    check_invariants(&after)?;
                    prop_assert_eq!(after.version, before.version + 1);
                    prop_assert!(before.status != OrderStatus::Closed || after.status == OrderStatus::Closed,
                        "a closed order stays closed");
                    prop_assert!(after.status != OrderStatus::PendingPayment || before.status == OrderStatus::PendingPayment,
                        "nothing goes back to pending_payment");
                    prop_assert!(!orders_shared::domain::state::is_expired(&before, now) || !matches!(op, Op::Pay),
                        "an order past its payment deadline is never paid");
                    let closed_unpaid = before.status == OrderStatus::PendingPayment && after.status == OrderStatus::Closed;
                    if closed_unpaid {
                        prop_assert_eq!(effects.restore_points, before.amounts.points_used);
                    }
                    for ShardMove { sku_id, shard, stock_move } in &effects.stock {
                        let units = held[target].entry((sku_id.clone(), *shard)).or_insert(0);
                        match stock_move {
                            StockMove::Release(q) | StockMove::Consume(q) => *units -= i64::from(*q),
                            StockMove::Reserve(_) => prop_assert!(false, "only a create reserves"),
                            // Returned goods of a shipped order: not held by it.
                            StockMove::Restock(_) => {}
                        }
                        prop_assert!(*units >= 0, "an order never gives back more than it holds");
                    }
                    // Unpaid or paid-unshipped orders hold what they keep; any other holds nothing.
                    let holds = matches!(after.status, OrderStatus::PendingPayment | OrderStatus::Paid);
                    // ... each unit in the shard it was reserved from.
                    let expected = if holds { held_by_shard(&after, OrderLine::units_kept) } else { HashMap::new() };
                    let mut still_held = held[target].clone();
                    still_held.retain(|_, units| *units != 0);
                    prop_assert_eq!(still_held, expected, "held units by SKU and shard");
                    for (bucket, delta) in bucket_delta(Some(&before), &after, Side::Buyer) {
                        *buyer_counts.entry(bucket).or_insert(0) += delta;
                    }
                    for (bucket, delta) in bucket_delta(Some(&before), &after, Side::Seller) {
                        *seller_counts.entry(bucket).or_insert(0) += delta;
                    }
                    orders[target] = after;
                }
                Err(error) => {
                    prop_assert!(
                        matches!(error, ApiError::StateConflict { .. } | ApiError::Invalid { .. }),
                        "unexpected error {:?}", error
                    );
                }
            }
            prop_assert_eq!(normalized(&buyer_counts), normalized(&recount(&orders, Side::Buyer)));
            prop_assert_eq!(normalized(&seller_counts), normalized(&recount(&orders, Side::Seller)));
            prop_assert!(buyer_counts.values().all(|count| *count >= 0));
        }
    }
}

#[test]
fn the_happy_path_and_the_refund_paths_are_reachable() {
    let now = Timestamp::from_millis(1_764_000_000_000);
    let order = new_order(now, &[2]);
    let step = |order: &Order, op: Op| {
        let action = action_for(&op, order, now).expect("an action");
        apply(order, action, Role::Buyer, now).expect("allowed").0
    };
    let paid = step(&order, Op::Pay);
    let shipped = step(&paid, Op::Ship);
    let completed = step(&shipped, Op::Receipt);
    let reviewed = step(&completed, Op::Review);
    assert!(reviewed.reviewed);
    let deleted = step(&reviewed, Op::Delete);
    assert!(deleted.deleted);
    assert!(buckets(&deleted, Side::Buyer).is_empty());

    let returning = step(
        &step(
            &step(&shipped, Op::Apply { return_goods: true, share: 100, with_lines: false }),
            Op::Approve { with_address: true },
        ),
        Op::ShipReturn,
    );
    let refunding = step(&returning, Op::ConfirmReturn);
    assert_eq!(refunding.status, OrderStatus::Shipped, "nothing moves until the provider paid");
    let unknown = step(&refunding, Op::Payout { answer: 2 });
    let refunded = step(&unknown, Op::Payout { answer: 0 });
    assert_eq!(refunded.status, OrderStatus::Closed);
    assert_eq!(refunded.close_reason, Some(CloseReason::Refunded));
    let attempts = refunded.refund.as_ref().and_then(|case| case.payout.as_ref()).map(|payout| payout.attempts);
    assert_eq!(attempts, Some(2));
    assert!(apply(&refunded, action_for(&Op::Payout { answer: 0 }, &refunded, now).unwrap(), Role::Buyer, now).is_err());

    let partial = step(
        &step(
            &step(&paid, Op::Apply { return_goods: false, share: 50, with_lines: true }),
            Op::Approve { with_address: false },
        ),
        Op::Payout { answer: 0 },
    );
    assert_eq!(partial.status, OrderStatus::Paid, "a partial refund does not close the order");
    let refused = step(
        &step(
            &step(&paid, Op::Apply { return_goods: false, share: 50, with_lines: false }),
            Op::Approve { with_address: false },
        ),
        Op::Payout { answer: 1 },
    );
    let retried = step(&refused, Op::RetryPayout);
    assert_eq!(step(&retried, Op::Payout { answer: 0 }).amounts.refunded, refused.refund.as_ref().unwrap().amount);

    let conflict = apply(&paid, Action::Cancel { reason: String::new() }, Role::Buyer, now);
    assert!(matches!(conflict, Err(ApiError::StateConflict { .. })));
}

#[test]
fn tracking_events_are_capped_so_an_order_stays_a_small_item() {
    let now = Timestamp::from_millis(1_764_000_000_000);
    let order = new_order(now, &[1]);
    let step = |order: &Order, op: Op| apply(order, action_for(&op, order, now).expect("action"), Role::Seller, now);
    let mut shipped = step(&step(&order, Op::Pay).expect("pay").0, Op::Ship).expect("ship").0;
    for _ in 0..orders_shared::domain::state::MAX_TRACKING_EVENTS {
        shipped = step(&shipped, Op::Track).expect("within the cap").0;
    }
    assert!(matches!(step(&shipped, Op::Track), Err(ApiError::Invalid { .. })));
}
