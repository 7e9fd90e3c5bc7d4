//! Paying an order through the payment layer (`provider.rs`): starting a payment (the start is
//! written on the order before the provider is called, so the schedules know whom to ask),
//! recording a provider's verified word exactly once (a notification, or a query when the
//! notification never came), and refunds' notifications.

use crate::adapters::metrics;
use crate::app::after_sales;
use crate::app::orders::{buyer_order, transition, transition_from};
use crate::app::App;
use crate::domain::money::Money;
use crate::domain::order::{LatePayment, Order, OrderStatus, OrderType, Payment};
use crate::domain::order_no;
use crate::domain::party::Actor;
use crate::domain::payment::{
    Acknowledgement, Callback, ClientParams, Notice, PaymentChannel, PaymentChoice, TradeFacts, TradeStatus,
};
use crate::domain::state::{is_expired, Action};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};

/// What starting a payment gives the buyer's app: the order as it is now and, unless nothing is
/// left to pay (a points order, paid as it was placed), what the provider's app SDK takes.
#[derive(Debug)]
pub struct Started {
    pub order: Order,
    pub channel: PaymentChannel,
    pub params: Option<ClientParams>,
}

/// Starts paying one of the buyer's orders.
pub async fn start(app: &App, buyer_id: &str, order_no: &str, choice: PaymentChoice) -> Result<Started, ApiError> {
    let stored = buyer_order(app, buyer_id, order_no).await?;
    match (choice.channel, stored.order_type) {
        (PaymentChannel::Points, OrderType::Points) => {
            Ok(Started { order: stored, channel: PaymentChannel::Points, params: None })
        }
        (PaymentChannel::Points, OrderType::Standard) => Err(ApiError::invalid(
            "channel",
            "points pays points orders; use points_to_use when placing a standard order",
        )),
        (_, _) => start_order(app, buyer_id, stored, choice).await,
    }
}

/// Starts paying an unpaid order within its window with a money provider: the start is recorded
/// on the order first (once per provider, unless the order was written with it), then the
/// provider is asked.
pub async fn start_order(app: &App, buyer_id: &str, order: Order, choice: PaymentChoice) -> Result<Started, ApiError> {
    let now = Timestamp::now();
    let channel = choice.channel;
    let start = Action::StartPayment(channel);
    if order.status != OrderStatus::PendingPayment {
        return Err(start.refused(order.status.as_str(), order.status.name_zh()));
    }
    if is_expired(&order, now) {
        return Err(start.refused("pending_payment past its payment deadline", "待付款且已过支付期限"));
    }
    if order.amounts.payable <= Money::ZERO {
        // Every priced order keeps 0.01 to pay; a provider is never asked for nothing.
        return Err(start.refused("pending_payment with nothing to pay", "待付款但应付金额为 0"));
    }
    let provider = app.provider(channel)?;
    provider.check_start(choice.method)?;
    let order = if order.payment_starts.contains(&channel) {
        order
    } else {
        let order_no = order.order_no.clone();
        transition_from(app, Actor::Buyer(buyer_id), &order_no, Some(order), start).await?
    };
    let params = provider.start(&order, choice.method, now).await?;
    Ok(Started { order, channel, params })
}

/// What a notification came to: the answer the provider expects, and the order it named.
#[derive(Debug)]
pub struct Received {
    pub acknowledgement: Acknowledgement,
    pub order_no: Option<String>,
}

/// Records a provider's notification: verified (signature, merchant, and where the provider
/// asks for it a time window and decryption) before anything is read. A paid trade moves its
/// order to paid exactly once however often it is repeated; money for an order that can no
/// longer take it is kept on the order and paid back; a refund's outcome settles its payout. A
/// refused one changes nothing and is counted by reason. Returns the order it named.
pub async fn record_notification(
    app: &App,
    channel: PaymentChannel,
    callback: Callback<'_>,
) -> Result<String, ApiError> {
    let result = async {
        match app.provider(channel)?.verify_notification(callback, Timestamp::now()).await? {
            Notice::Trade(facts) => {
                settle_trade(app, channel, &facts).await?;
                Ok(facts.out_trade_no)
            }
            Notice::Refund { out_trade_no, out_request_no, status } => {
                after_sales::settle_refund_notice(app, &out_trade_no, &out_request_no, status).await?;
                Ok(out_trade_no)
            }
        }
    }
    .await;
    if let Err(ApiError::SignatureInvalid { reason, .. }) = &result {
        metrics::notify_rejected(channel.as_str(), *reason);
    }
    result
}

/// `record_notification`, answered as the provider expects.
pub async fn receive_notification(app: &App, channel: PaymentChannel, callback: Callback<'_>) -> Received {
    let provider = match app.provider(channel) {
        Ok(provider) => provider,
        Err(error) => return Received { acknowledgement: Acknowledgement::Refused(error), order_no: None },
    };
    match record_notification(app, channel, callback).await {
        Ok(order_no) => Received { acknowledgement: provider.acknowledge(Ok(())), order_no: Some(order_no) },
        Err(error) => {
            tracing::warn!(channel = channel.as_str(), %error, "payment notification not recorded");
            Received { acknowledgement: provider.acknowledge(Err(error)), order_no: None }
        }
    }
}

fn paid_by(order: &Order, channel: PaymentChannel, trade_no: &str) -> bool {
    order.payment.as_ref().is_some_and(|payment| payment.channel == channel && payment.trade_no == trade_no)
}

/// Records what a provider verifiably said about an order's trade. Only a paid trade changes
/// anything; its amount must be the order's (and never 0.00: nothing is paid for nothing).
/// Returns whether the trade paid the order (now or before); a payment the order could not take
/// is kept on it to be paid back, and is not.
pub async fn settle_trade(app: &App, channel: PaymentChannel, facts: &TradeFacts) -> Result<bool, ApiError> {
    let TradeStatus::Paid { trade_no, amount, paid_at } = &facts.status else {
        // Not paid, or closed: nothing to record; acknowledge so the provider stops repeating.
        return Ok(false);
    };
    let order_no = &facts.out_trade_no;
    let unknown = || ApiError::rejected(Rejection::UnknownOrder, format!("out_trade_no {order_no} is not an order"));
    if !order_no::is_valid(order_no) {
        return Err(unknown());
    }
    if *amount <= Money::ZERO {
        return Err(ApiError::rejected(Rejection::Amount, format!("a payment of {amount} pays nothing")));
    }
    let known = match &facts.buyer_id {
        Some(buyer_id) => app.store.get_order(buyer_id, order_no).await?,
        None => None,
    };
    let order = match known {
        Some(order) => order,
        None => app.store.order_by_no(order_no).await?.ok_or_else(unknown)?,
    };
    if *amount != order.amounts.payable {
        return Err(ApiError::rejected(
            Rejection::Amount,
            format!("the amount paid {amount} is not the order's {}", order.amounts.payable),
        ));
    }
    if paid_by(&order, channel, trade_no) {
        // Recorded before (a repeated notification, or a query after it).
        return Ok(true);
    }
    if order.late_payments.iter().any(|kept| &kept.trade_no == trade_no) {
        return Ok(false);
    }
    let now = Timestamp::now();
    // The provider's time of payment when it gives one (it enforces the deadline it was given).
    let payment = Payment { channel, trade_no: trade_no.clone(), paid_at: paid_at.unwrap_or(now).min(now) };
    let conflict = match transition_from(app, Actor::PaymentProvider, order_no, Some(order), Action::Pay(payment)).await
    {
        Ok(_) => {
            metrics::order_paid(channel, *amount);
            return Ok(true);
        }
        Err(conflict @ ApiError::StateConflict { .. }) => conflict,
        Err(error) => return Err(error),
    };
    // The order cannot take this money (closed, past its deadline, paid by another trade): keep it
    // on the order with the payout that pays it back (the payout schedule calls the provider),
    // and acknowledge so that the provider stops repeating.
    let late = LatePayment {
        channel,
        trade_no: trade_no.clone(),
        amount: *amount,
        received_at: now,
        payout: None,
        due_at: None,
    };
    match transition(app, Actor::PaymentProvider, order_no, Action::RecordLatePayment(late)).await {
        Ok(_) => {
            tracing::warn!(%order_no, %trade_no, "payment for an order that could not take it ({conflict}); kept, to be paid back");
            Ok(false)
        }
        // A concurrent copy of this notification paid the order or recorded the payment.
        Err(ApiError::StateConflict { .. }) => match app.store.order_by_no(order_no).await? {
            Some(order) if paid_by(&order, channel, trade_no) => Ok(true),
            Some(order) if order.late_payments.iter().any(|kept| &kept.trade_no == trade_no) => Ok(false),
            _ => Err(conflict),
        },
        Err(error) => Err(error),
    }
}

/// Asks every provider a payment of the order was started with, and settles a paid trade whose
/// notification never came. Returns whether one paid the order (one it could no longer take is
/// kept to be paid back, and the order may close).
pub async fn ask_providers(app: &App, order: &Order) -> Result<bool, ApiError> {
    let now = Timestamp::now();
    let mut paid = false;
    for channel in &order.payment_starts {
        // The order asked about names its buyer: the settling read is one call.
        let facts =
            TradeFacts { buyer_id: Some(order.buyer_id.clone()), ..app.provider(*channel)?.query(order, now).await? };
        if matches!(facts.status, TradeStatus::Paid { .. }) {
            paid |= settle_trade(app, *channel, &facts).await?;
        }
    }
    Ok(paid)
}

/// Closes the order's trade at every provider its payment was started with, so that it can no
/// longer be paid; a trade paid meanwhile is settled instead (true when it paid the order).
pub async fn close_at_providers(app: &App, order: &Order) -> Result<bool, ApiError> {
    let now = Timestamp::now();
    for channel in &order.payment_starts {
        let status = app.provider(*channel)?.close(order, now).await?;
        if matches!(status, TradeStatus::Paid { .. }) {
            let facts =
                TradeFacts { out_trade_no: order.order_no.clone(), status, buyer_id: Some(order.buyer_id.clone()) };
            if settle_trade(app, *channel, &facts).await? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// `GET /orders/{id}/payment?refresh=true`: an unpaid order whose payment was started is checked
/// with its providers first.
pub async fn refreshed(app: &App, buyer_id: &str, order_no: &str) -> Result<Order, ApiError> {
    let order = buyer_order(app, buyer_id, order_no).await?;
    if order.payment.is_some() || order.payment_starts.is_empty() {
        return Ok(order);
    }
    if ask_providers(app, &order).await? {
        return buyer_order(app, buyer_id, order_no).await;
    }
    Ok(order)
}
