//! Finding an order for the one who asks, and changing its state with optimistic concurrency.

use crate::adapters::store::CommitError;
use crate::app::App;
use crate::domain::order::{Order, TimelineEntry, TrackingEvent};
use crate::domain::party::{Actor, Role};
use crate::domain::state::{self, Action, TRACKING_LABEL};
use crate::domain::time::Timestamp;
use crate::error::ApiError;

/// How often a transition re-reads after losing a race on the version before giving up.
const MAX_ATTEMPTS: usize = 3;

/// A buyer's own, not deleted, order; anything else is 404 (never reveal another's order).
pub async fn buyer_order(app: &App, buyer_id: &str, order_no: &str) -> Result<Order, ApiError> {
    match app.store.get_order(buyer_id, order_no).await? {
        Some(order) if !order.deleted => Ok(order),
        _ => Err(ApiError::not_found("order", order_no)),
    }
}

/// `GET /orders/{id}/logistics`: the buyer's order once it has shipped.
pub async fn shipped_order(app: &App, buyer_id: &str, order_no: &str) -> Result<Order, ApiError> {
    let order = buyer_order(app, buyer_id, order_no).await?;
    if order.shipment.is_none() {
        let status = order.status;
        return Err(ApiError::conflict(
            format!("cannot show the logistics of an order whose status is {} (not shipped)", status.as_str()),
            format!("订单状态为{}，尚未发货，没有物流信息", status.name_zh()),
        ));
    }
    Ok(order)
}

/// A shop's own order, for display (one Query on the seller index); another shop's is 404.
pub async fn seller_order(app: &App, seller_id: &str, order_no: &str) -> Result<Order, ApiError> {
    match app.store.seller_order(seller_id, order_no).await? {
        Some(order) if order.seller_id == seller_id => Ok(order),
        _ => Err(ApiError::not_found("order", order_no)),
    }
}

/// The current order for a state change, read consistently. Shops and the payment provider know
/// only the number: the number claim names the buyer (remembered in `buyer_hint` for a retry).
async fn read_for_change(
    app: &App,
    actor: Actor<'_>,
    order_no: &str,
    buyer_hint: &mut Option<String>,
) -> Result<Order, ApiError> {
    match actor {
        Actor::Buyer(buyer_id) | Actor::Schedule { buyer_id } => return buyer_order(app, buyer_id, order_no).await,
        Actor::Seller(_) | Actor::PaymentProvider => {}
    }
    let buyer_id = match buyer_hint {
        Some(buyer_id) => buyer_id.clone(),
        None => {
            let (buyer_id, seller_id) =
                app.store.order_owner(order_no).await?.ok_or_else(|| ApiError::not_found("order", order_no))?;
            if matches!(actor, Actor::Seller(seller) if seller != seller_id) {
                return Err(ApiError::not_found("order", order_no));
            }
            *buyer_hint = Some(buyer_id.clone());
            buyer_id
        }
    };
    app.store.get_order(&buyer_id, order_no).await?.ok_or_else(|| ApiError::not_found("order", order_no))
}

/// Reads the order, applies the action the state machine allows, and stores it under a
/// version condition with its stock, points and counter changes. A lost race re-reads, so of two
/// racing requests the loser sees the winner's state (409).
pub async fn transition(app: &App, actor: Actor<'_>, order_no: &str, action: Action) -> Result<Order, ApiError> {
    transition_from(app, actor, order_no, None, action).await
}

/// `transition`, starting from an order the caller has just read consistently (saves a read).
pub async fn transition_from(
    app: &App,
    actor: Actor<'_>,
    order_no: &str,
    mut first: Option<Order>,
    action: Action,
) -> Result<Order, ApiError> {
    let mut buyer_hint = first.as_ref().map(|order| order.buyer_id.clone());
    for _ in 0..MAX_ATTEMPTS {
        let before = match first.take() {
            Some(order) => order,
            None => read_for_change(app, actor, order_no, &mut buyer_hint).await?,
        };
        let (after, effects) = state::apply(&before, action.clone(), actor.role(), Timestamp::now())?;
        match app.store.commit_transition(&before, &after, &effects).await {
            Ok(()) => return Ok(after),
            // Another write came first (a write of our own whose answer was lost is recognised
            // by the store): read again and let the state machine decide.
            Err(CommitError::Stale) => {}
            Err(CommitError::Api(error)) => return Err(error),
        }
    }
    Err(ApiError::Unavailable(format!("order {order_no} kept changing during the update")))
}

/// A shop appends a tracking event to its shipped (or completed) order: one read of the number
/// claim, one append. Appends never race each other for the version.
pub async fn add_tracking_event(
    app: &App,
    seller_id: &str,
    order_no: &str,
    event: TrackingEvent,
) -> Result<Order, ApiError> {
    let not_found = || ApiError::not_found("order", order_no);
    let (buyer_id, owner) = app.store.order_owner(order_no).await?.ok_or_else(not_found)?;
    if owner != seller_id {
        return Err(not_found());
    }
    let now = Timestamp::now();
    let entry = TimelineEntry {
        at: now,
        status: TRACKING_LABEL.into(),
        actor: Role::Seller,
        comment: event.description.clone(),
    };
    match app.store.append_tracking_event(&buyer_id, order_no, &event, &entry).await? {
        Ok(order) => Ok(order),
        Err(None) => Err(not_found()),
        // The state machine says why the order refused it (its state, or the cap).
        Err(Some(order)) => match state::apply(&order, Action::AddTrackingEvent(event), Role::Seller, now) {
            Err(refusal) => Err(refusal),
            Ok(_) => Err(ApiError::Unavailable(format!("order {order_no} changed during the append"))),
        },
    }
}
