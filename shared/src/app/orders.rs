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

/// How the order for a state change is read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Read {
    /// Consistently, from the buyer's partition (the buyer is known).
    Buyer(String),
    /// From the shop's index: one Query that also names the buyer, eventually consistent, so a
    /// stale copy is caught by the version condition (or a refusal is checked again) and the
    /// next read is consistent.
    ShopIndex(String),
    /// Through the order-number claim, which names the buyer (the payment provider knows only
    /// the number).
    Claim,
}

/// The current order for a state change.
async fn read_for_change(app: &App, actor: Actor<'_>, order_no: &str, read: &mut Read) -> Result<Order, ApiError> {
    let not_found = || ApiError::not_found("order", order_no);
    match read.clone() {
        Read::Buyer(buyer_id) => {
            let order = app.store.get_order(&buyer_id, order_no).await?.ok_or_else(not_found)?;
            match actor {
                Actor::Buyer(_) | Actor::Schedule { .. } if order.deleted => Err(not_found()),
                Actor::Seller(seller_id) if order.seller_id != seller_id => Err(not_found()),
                _ => Ok(order),
            }
        }
        Read::ShopIndex(seller_id) => match app.store.seller_order(&seller_id, order_no).await? {
            Some(order) => {
                *read = Read::Buyer(order.buyer_id.clone());
                Ok(order)
            }
            // Not in the index (yet: an order of a moment ago), or not the shop's: the claim says.
            None => {
                *read = Read::Claim;
                Box::pin(read_for_change(app, actor, order_no, read)).await
            }
        },
        Read::Claim => {
            let (buyer_id, _) = app.store.order_owner(order_no).await?.ok_or_else(not_found)?;
            *read = Read::Buyer(buyer_id);
            Box::pin(read_for_change(app, actor, order_no, read)).await
        }
    }
}

fn first_read(actor: Actor<'_>) -> Read {
    match actor {
        Actor::Buyer(buyer_id) | Actor::Schedule { buyer_id } => Read::Buyer(buyer_id.to_string()),
        Actor::Seller(seller_id) => Read::ShopIndex(seller_id.to_string()),
        Actor::PaymentProvider => Read::Claim,
    }
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
    first: Option<Order>,
    action: Action,
) -> Result<Order, ApiError> {
    change(app, actor, order_no, first, |_: &Order| -> MadeAction<'_> {
        Box::pin(std::future::ready(Ok(action.clone())))
    })
    .await
}

/// An action being made from the order read (it may read what it needs first).
pub type MadeAction<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Action, ApiError>> + Send + 'a>>;

/// `transition` with the action made from the order as read, for an action that needs something
/// only some orders need (read then, and only then).
pub async fn transition_with<'a>(
    app: &App,
    actor: Actor<'_>,
    order_no: &str,
    make: impl Fn(&Order) -> MadeAction<'a> + Send + Sync,
) -> Result<Order, ApiError> {
    change(app, actor, order_no, None, make).await
}

async fn change<'a>(
    app: &App,
    actor: Actor<'_>,
    order_no: &str,
    mut first: Option<Order>,
    make: impl Fn(&Order) -> MadeAction<'a> + Send + Sync,
) -> Result<Order, ApiError> {
    let mut read = match &first {
        Some(order) => Read::Buyer(order.buyer_id.clone()),
        None => first_read(actor),
    };
    for _ in 0..MAX_ATTEMPTS {
        let from_index = matches!(read, Read::ShopIndex(_));
        let before = match first.take() {
            Some(order) => order,
            None => read_for_change(app, actor, order_no, &mut read).await?,
        };
        let action = make(&before).await?;
        let (after, effects) = match state::apply(&before, action, actor.role(), Timestamp::now()) {
            Ok(applied) => applied,
            // The index may be a moment behind: a refusal is only final on a consistent read.
            Err(ApiError::StateConflict { .. }) if from_index => continue,
            Err(refusal) => return Err(refusal),
        };
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

/// A shop appends a tracking event to its shipped (or completed) order: one read of the shop's
/// index (which names the buyer), one append. Appends never race each other for the version.
pub async fn add_tracking_event(
    app: &App,
    seller_id: &str,
    order_no: &str,
    event: TrackingEvent,
) -> Result<Order, ApiError> {
    let not_found = || ApiError::not_found("order", order_no);
    let buyer_id = match app.store.seller_order(seller_id, order_no).await? {
        Some(order) => order.buyer_id,
        // Not in the index (yet), or not the shop's: the claim says.
        None => match app.store.order_owner(order_no).await? {
            Some((buyer_id, owner)) if owner == seller_id => buyer_id,
            _ => return Err(not_found()),
        },
    };
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
