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

/// Who is acting on an order, which decides how it is found and whose it must be.
#[derive(Debug, Clone, Copy)]
pub enum Party<'a> {
    /// The buyer: its id is in the key, so another buyer's order simply is not there.
    Buyer(&'a str),
    /// A shop: found by number, and must be the shop's.
    Seller(&'a str),
    /// The payment provider's verified notification: any order, found by number.
    PaymentProvider,
    /// A schedule, which read the buyer from the due index.
    Schedule { buyer_id: &'a str },
}

impl Party<'_> {
    fn actor(self) -> Actor {
        match self {
            Party::Buyer(_) => Actor::Buyer,
            Party::Seller(_) => Actor::Seller,
            Party::PaymentProvider => Actor::PaymentProvider,
            Party::Schedule { .. } => Actor::System,
        }
    }
}

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

/// A shop's own order, for display (one Query on the seller index); another shop's is 404.
pub async fn seller_order(app: &App, seller_id: &str, order_no: &str) -> Result<Order, ApiError> {
    match app.store.seller_order(seller_id, order_no).await? {
        Some(order) if order.seller_id == seller_id => Ok(order),
        _ => Err(ApiError::not_found("order", order_no)),
    }
}

/// The current order for a state change, read consistently.
async fn read_for_change(
    app: &App,
    party: Party<'_>,
    order_no: &str,
    buyer_hint: &mut Option<String>,
) -> Result<Order, ApiError> {
    match party {
        Party::Buyer(buyer_id) | Party::Schedule { buyer_id } => return buyer_order(app, buyer_id, order_no).await,
        Party::Seller(_) | Party::PaymentProvider => {}
    }
    let buyer_id = match buyer_hint {
        Some(buyer_id) => buyer_id.clone(),
        None => {
            let (buyer_id, seller_id) =
                app.store.order_owner(order_no).await?.ok_or_else(|| ApiError::not_found("order", order_no))?;
            if matches!(party, Party::Seller(seller) if seller != seller_id) {
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
pub async fn transition(
    app: &App,
    party: Party<'_>,
    order_no: &str,
    make_action: impl Fn(&Order) -> Result<Action, ApiError>,
) -> Result<Order, ApiError> {
    transition_from(app, party, order_no, None, make_action).await
}

/// `transition`, starting from an order the caller has just read consistently (saves a read).
pub async fn transition_from(
    app: &App,
    party: Party<'_>,
    order_no: &str,
    mut first: Option<Order>,
    make_action: impl Fn(&Order) -> Result<Action, ApiError>,
) -> Result<Order, ApiError> {
    let mut buyer_hint = first.as_ref().map(|order| order.buyer_id.clone());
    for _ in 0..MAX_ATTEMPTS {
        let before = match first.take() {
            Some(order) => order,
            None => read_for_change(app, party, order_no, &mut buyer_hint).await?,
        };
        let (after, effects) = state::apply(&before, make_action(&before)?, party.actor(), Timestamp::now())?;
        match app.store.commit_transition(&before, &after, &effects).await {
            Ok(()) => return Ok(after),
            Err(CommitError::Stale) => continue,
            Err(CommitError::Api(error)) => return Err(error),
        }
    }
    Err(ApiError::Unavailable(format!("order {order_no} kept changing during the update")))
}
