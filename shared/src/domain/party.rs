//! Who is involved with an order: the role a caller or a timeline entry has, the actor of a state
//! change (which decides how the order is found and whose it must be), and the side of an order
//! a list or a counter is kept for.

use serde::{Deserialize, Serialize};

/// The kind of party. Tokens carry `buyer`, `seller` or `admin`; the timeline also records the
/// schedules (`system`) and the payment provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    Buyer,
    Seller,
    Admin,
    System,
    PaymentProvider,
}

/// Who changes an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// The buyer: its id is in the key, so another buyer's order simply is not there.
    Buyer(&'a str),
    /// A shop: finds the order by number, and it must be the shop's.
    Seller(&'a str),
    /// The payment provider's verified notification: any order, found by number.
    PaymentProvider,
    /// A schedule, which read the buyer from the due index.
    Schedule { buyer_id: &'a str },
}

impl Actor<'_> {
    pub fn role(self) -> Role {
        match self {
            Actor::Buyer(_) => Role::Buyer,
            Actor::Seller(_) => Role::Seller,
            Actor::PaymentProvider => Role::PaymentProvider,
            Actor::Schedule { .. } => Role::System,
        }
    }
}

/// The buyer's or the shop's side of an order: whose list, whose counters. A buyer's soft delete
/// hides the order on the buyer's side only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buyer,
    Seller,
}
