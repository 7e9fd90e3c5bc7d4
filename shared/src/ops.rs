//! Request-path steps several routes share: finding an order by its path id, and running a
//! state-machine transition with optimistic concurrency.

use crate::error::ApiError;
use crate::http::path_param;
use crate::order::{Actor, Order};
use crate::order_no;
use crate::runtime::App;
use crate::state::{self, Action};
use crate::store::CommitError;
use crate::time::Timestamp;
use lambda_http::Request;

/// How often a transition re-reads after losing a race on the version before giving up.
const MAX_ATTEMPTS: usize = 3;

/// The `{id}` of an order path. Anything that is not an order number cannot exist: 404.
pub fn order_no_param(request: &Request) -> Result<String, ApiError> {
    let id = path_param(request, "id")?;
    if order_no::is_valid(&id) {
        Ok(id)
    } else {
        Err(ApiError::not_found("order", id))
    }
}

/// A buyer's own, not deleted, order; anything else is 404 (never reveal another's order).
pub async fn buyer_order(app: &App, buyer_id: &str, order_no: &str) -> Result<Order, ApiError> {
    match app.store.get_order(buyer_id, order_no).await? {
        Some(order) if !order.deleted => Ok(order),
        _ => Err(ApiError::not_found("order", order_no)),
    }
}

/// Reads a buyer's order, applies the action and stores it under a version condition; a lost
/// race re-reads, so the loser of two racing requests sees the winner's state (409).
pub async fn transition_buyer_order(
    app: &App,
    buyer_id: &str,
    order_no: &str,
    actor: Actor,
    make_action: impl Fn(&Order) -> Action,
) -> Result<Order, ApiError> {
    for _ in 0..MAX_ATTEMPTS {
        let before = buyer_order(app, buyer_id, order_no).await?;
        let (after, effects) =
            state::apply(&before, make_action(&before), actor, Timestamp::now())?;
        match app.store.commit_transition(&before, &after, &effects).await {
            Ok(()) => return Ok(after),
            Err(CommitError::Stale) => continue,
            Err(CommitError::Api(error)) => return Err(error),
        }
    }
    Err(ApiError::Unavailable(format!(
        "order {order_no} kept changing during the update"
    )))
}
