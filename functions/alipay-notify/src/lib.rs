//! `POST /api/v1/payments/alipay/notify` (no token): Alipay's asynchronous notification. The RSA2
//! signature, app id, order and amount are checked; `TRADE_SUCCESS`/`TRADE_FINISHED` moves the
//! order to paid exactly once however often Alipay repeats it; the answer is `success`.

use orders_shared::alipay::verify_notification;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::ops::{transition_from, Party};
use orders_shared::order::{Order, OrderStatus, Payment};
use orders_shared::runtime::App;
use orders_shared::state::Action;
use orders_shared::time::Timestamp;
use orders_shared::ApiError;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| notify(app, ctx, request)).await
}

fn already_paid_by(order: &Order, trade_no: &str) -> bool {
    order.payment.as_ref().is_some_and(|payment| payment.channel == "alipay" && payment.trade_no == trade_no)
}

async fn notify(app: App, _ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let body: &[u8] = request.body().as_ref();
    let notification = verify_notification(app.alipay()?, body)?;
    if !notification.is_paid() {
        // WAIT_BUYER_PAY, TRADE_CLOSED: nothing to record; acknowledge so Alipay stops repeating.
        return Ok(Reply::text("success"));
    }
    let order_no = &notification.out_trade_no;
    let unknown = || ApiError::SignatureInvalid(format!("out_trade_no {order_no} is not an order"));
    if !orders_shared::order_no::is_valid(order_no) {
        return Err(unknown());
    }
    let order = app.store.order_by_no(order_no).await?.ok_or_else(unknown)?;
    if notification.total_amount != order.amounts.payable {
        return Err(ApiError::SignatureInvalid(format!(
            "total_amount {} is not the order's {}",
            notification.total_amount, order.amounts.payable
        )));
    }
    if already_paid_by(&order, &notification.trade_no) {
        return Ok(Reply::text("success"));
    }
    let payment =
        Payment { channel: "alipay".into(), trade_no: notification.trade_no.clone(), paid_at: Timestamp::now() };
    match transition_from(&app, Party::PaymentProvider, order_no, Some(order), |_| Ok(Action::Pay(payment.clone())))
        .await
    {
        Ok(_) => Ok(Reply::text("success")),
        // A concurrent copy of this notification won: the order is paid by this trade.
        Err(conflict @ ApiError::StateConflict { .. }) => match app.store.order_by_no(order_no).await? {
            Some(order)
                if order.status != OrderStatus::PendingPayment && already_paid_by(&order, &notification.trade_no) =>
            {
                Ok(Reply::text("success"))
            }
            _ => {
                orders_shared::tracing::error!(order_no = %order_no, "payment notification for an order that cannot be paid: {conflict}");
                Err(conflict)
            }
        },
        Err(error) => Err(error),
    }
}
