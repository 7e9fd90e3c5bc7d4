//! Paying an order: starting a payment (Alipay's signed order string, or the settled state of a
//! points order) and recording Alipay's verified notification exactly once.

use crate::adapters::alipay::{app_pay_order_string, verify_notification, Notification};
use crate::adapters::metrics;
use crate::app::after_sales;
use crate::app::orders::{buyer_order, transition, transition_from};
use crate::app::App;
use crate::domain::order::{LatePayment, Order, OrderStatus, OrderType, Payment};
use crate::domain::order_no;
use crate::domain::party::Actor;
use crate::domain::payment::PaymentChannel;
use crate::domain::state::{is_expired, late_case_exists, Action};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};

/// Where this API receives Alipay's notifications.
pub const ALIPAY_NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";

/// What starting a payment gives the buyer's app.
#[derive(Debug)]
pub enum Started {
    /// Nothing to pay: a points order was paid when it was placed.
    AlreadySettled(Order),
    /// The RSA2-signed string the Alipay app SDK takes.
    Alipay { order: Order, order_string: String },
}

/// Starts paying one of the buyer's orders. `origin` (`https://host`) is where this API was
/// called, for the notify URL when `ALIPAY_NOTIFY_URL` is not set.
pub async fn start(
    app: &App,
    buyer_id: &str,
    order_no: &str,
    channel: PaymentChannel,
    origin: Option<&str>,
) -> Result<Started, ApiError> {
    let now = Timestamp::now();
    let stored = buyer_order(app, buyer_id, order_no).await?;
    match channel {
        PaymentChannel::Points if stored.order_type == OrderType::Points => Ok(Started::AlreadySettled(stored)),
        PaymentChannel::Points => Err(ApiError::invalid(
            "channel",
            "points pays points orders; use points_to_use when placing a standard order",
        )),
        PaymentChannel::Alipay => {
            let order_string = alipay_order_string(app, &stored, origin, now).await?;
            Ok(Started::Alipay { order: stored, order_string })
        }
    }
}

/// The signed Alipay order string for an unpaid order within its payment window. `origin`
/// (`https://host`) is where this API was called, for the notify URL when `ALIPAY_NOTIFY_URL`
/// is not set.
pub async fn alipay_order_string(
    app: &App,
    order: &Order,
    origin: Option<&str>,
    now: Timestamp,
) -> Result<String, ApiError> {
    if order.status != OrderStatus::PendingPayment {
        return Err(ApiError::StateConflict { action: "pay".into(), from: order.status.as_str().into() });
    }
    if is_expired(order, now) {
        let from = "pending_payment past its payment deadline".into();
        return Err(ApiError::StateConflict { action: "pay".into(), from });
    }
    let config = app.alipay()?;
    let notify_url = match (&config.notify_url, origin) {
        (Some(url), _) => url.clone(),
        (None, Some(origin)) => format!("{origin}{ALIPAY_NOTIFY_PATH}"),
        (None, None) => return Err(ApiError::Internal("no ALIPAY_NOTIFY_URL and no Host header".into())),
    };
    let key = config.signing_key().await?;
    app_pay_order_string(config, key, order, &notify_url, now)
}

fn paid_by(order: &Order, trade_no: &str) -> bool {
    order
        .payment
        .as_ref()
        .is_some_and(|payment| payment.channel == PaymentChannel::Alipay && payment.trade_no == trade_no)
}

/// Records Alipay's asynchronous notification (the form body as received). The RSA2 signature,
/// app id, order and amount are checked; `TRADE_SUCCESS`/`TRADE_FINISHED` moves the order to paid
/// exactly once however often Alipay repeats it. Money for an order that can no longer take it is
/// recorded on the order as a late payment, to be paid back. `Ok` means: answer `success`; it
/// names the order.
pub async fn record_notification(app: &App, form: &[u8]) -> Result<String, ApiError> {
    let result = record(app, form).await;
    if let Err(ApiError::SignatureInvalid { reason, .. }) = &result {
        metrics::notify_rejected("alipay", *reason);
    }
    result
}

async fn record(app: &App, form: &[u8]) -> Result<String, ApiError> {
    let config = app.alipay()?;
    let notification = verify_notification(config, config.verifying_key().await?, form)?;
    record_verified(app, &notification).await?;
    Ok(notification.out_trade_no)
}

async fn record_verified(app: &App, notification: &Notification) -> Result<(), ApiError> {
    if !notification.is_paid() {
        // WAIT_BUYER_PAY, TRADE_CLOSED: nothing to record; acknowledge so Alipay stops repeating.
        return Ok(());
    }
    let order_no = &notification.out_trade_no;
    let unknown = || ApiError::rejected(Rejection::UnknownOrder, format!("out_trade_no {order_no} is not an order"));
    if !order_no::is_valid(order_no) {
        return Err(unknown());
    }
    let order = app.store.order_by_no(order_no).await?.ok_or_else(unknown)?;
    if notification.total_amount != order.amounts.payable {
        return Err(ApiError::rejected(
            Rejection::Amount,
            format!("total_amount {} is not the order's {}", notification.total_amount, order.amounts.payable),
        ));
    }
    if paid_by(&order, &notification.trade_no) {
        return Ok(());
    }
    let now = Timestamp::now();
    let late = LatePayment {
        channel: PaymentChannel::Alipay,
        trade_no: notification.trade_no.clone(),
        amount: notification.total_amount,
        received_at: now,
    };
    if let Some(kept) = order.late_payments.iter().find(|kept| kept.trade_no == notification.trade_no) {
        // Recorded before; its refund may not have started (an earlier copy failed after it).
        return pay_back_late(app, &order, kept.clone()).await;
    }
    let payment = Payment { channel: PaymentChannel::Alipay, trade_no: notification.trade_no.clone(), paid_at: now };
    let conflict = match transition_from(app, Actor::PaymentProvider, order_no, Some(order), Action::Pay(payment)).await
    {
        Ok(_) => {
            metrics::order_paid(PaymentChannel::Alipay, notification.total_amount);
            return Ok(());
        }
        Err(conflict @ ApiError::StateConflict { .. }) => conflict,
        Err(error) => return Err(error),
    };
    // The order cannot take this money (closed, past its deadline, paid by another trade): keep it
    // on the order and pay it back; acknowledge so that Alipay stops repeating.
    match transition(app, Actor::PaymentProvider, order_no, Action::RecordLatePayment(late.clone())).await {
        Ok(order) => {
            tracing::warn!(%order_no, trade_no = %notification.trade_no, "payment for an order that could not take it ({conflict}); recorded as late, paid back");
            pay_back_late(app, &order, late).await
        }
        // A concurrent copy of this notification paid the order or recorded the payment.
        Err(ApiError::StateConflict { .. }) => match app.store.order_by_no(order_no).await? {
            Some(order) if paid_by(&order, &notification.trade_no) => Ok(()),
            Some(order) => match order.late_payments.iter().find(|kept| kept.trade_no == notification.trade_no) {
                Some(kept) => pay_back_late(app, &order, kept.clone()).await,
                None => Err(conflict),
            },
            None => Err(conflict),
        },
        Err(error) => Err(error),
    }
}

/// Opens the late payment's own refund case, unless it has one. While another case of the order
/// is open it waits: the payout sweeper is not involved, so the next copy of the notification
/// (or the shop's case ending) is what starts it.
async fn pay_back_late(app: &App, order: &Order, late: LatePayment) -> Result<(), ApiError> {
    if late_case_exists(order, &late.trade_no) || order.has_open_refund() {
        return Ok(());
    }
    match after_sales::refund_late_payment(app, &order.order_no, late).await {
        Ok(_) | Err(ApiError::StateConflict { .. }) => Ok(()),
        Err(error) => Err(error),
    }
}
