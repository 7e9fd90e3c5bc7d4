//! After-sales cases and the money going back: a case (what the buyer asked, the shop's answers, the
//! return), its steps, and the payout that pays it (or a late payment) back.

use crate::domain::address::Address;
use crate::domain::money::{as_fen, Money};
use crate::domain::party::Role;
use crate::domain::payment::PaymentChannel;
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RefundKind {
    RefundOnly,
    ReturnAndRefund,
    /// Money that arrived after the order could take it, paid back by itself.
    LatePayment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RefundState {
    Requested,
    Rejected,
    Withdrawn,
    AwaitingReturn,
    Returning,
    /// Approved; the money is on its way back (the payout is pending or failed).
    Refunding,
    Refunded,
    /// Ended without money: the goods were not sent back in time.
    Closed,
}

impl RefundState {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundState::Requested => "requested",
            RefundState::Rejected => "rejected",
            RefundState::Withdrawn => "withdrawn",
            RefundState::AwaitingReturn => "awaiting_return",
            RefundState::Returning => "returning",
            RefundState::Refunding => "refunding",
            RefundState::Refunded => "refunded",
            RefundState::Closed => "closed",
        }
    }

    /// The state in Chinese, for messages.
    pub fn name_zh(self) -> &'static str {
        match self {
            RefundState::Requested => "申请中",
            RefundState::Rejected => "已拒绝",
            RefundState::Withdrawn => "已撤销",
            RefundState::AwaitingReturn => "待寄回",
            RefundState::Returning => "退货中",
            RefundState::Refunding => "退款中",
            RefundState::Refunded => "已退款",
            RefundState::Closed => "已关闭",
        }
    }

    /// A case not finished: the order counts as after-sales, and no other case may open.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RefundState::Requested | RefundState::AwaitingReturn | RefundState::Returning | RefundState::Refunding
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PayoutStatus {
    /// Written before the provider is called; retried with the same request number until known.
    Pending,
    Succeeded,
    /// The provider refused it; waits for the shop's retry.
    Failed,
    /// The provider accepted it and is still paying (WeChat Pay's `PROCESSING`): its refund
    /// notification, or the retry schedule's query under the same request number, settles it.
    Processing,
}

/// Paying a case's money back. `out_request_no` is fixed when the case is approved and reused by
/// every attempt, so the provider pays it at most once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payout {
    pub channel: PaymentChannel,
    pub out_request_no: String,
    pub status: PayoutStatus,
    pub attempts: u32,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub refunded_at: Option<Timestamp>,
    /// When it was written: the request time providers that want one get on every retry.
    #[serde(default)]
    pub started_at: Option<Timestamp>,
}

impl Payout {
    /// Written and not yet answered for good: the provider is (re)called under its request number.
    pub fn in_flight(&self) -> bool {
        matches!(self.status, PayoutStatus::Pending | PayoutStatus::Processing)
    }
}

/// One step of an after-sales case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundStep {
    pub at: Timestamp,
    pub status: RefundState,
    pub actor: Role,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundLine {
    pub sku_id: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnShipment {
    pub carrier_code: String,
    pub carrier_name: String,
    pub tracking_no: String,
    #[serde(default)]
    pub vouchers: Vec<String>,
    pub shipped_at: Timestamp,
}

/// An after-sales case of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// `<order_no>-<n>`: the order's n-th case; also the payout's request number.
    #[serde(default)]
    pub refund_id: String,
    pub kind: RefundKind,
    pub state: RefundState,
    #[serde(with = "as_fen")]
    pub amount: Money,
    pub reason: String,
    #[serde(default)]
    pub remark: String,
    #[serde(default)]
    pub lines: Vec<RefundLine>,
    #[serde(default)]
    pub vouchers: Vec<String>,
    #[serde(default)]
    pub reject_reason: Option<String>,
    #[serde(default)]
    pub return_address: Option<Address>,
    #[serde(default)]
    pub return_shipment: Option<ReturnShipment>,
    /// Points that go back with it (points orders; and the points of a standard order that a
    /// refund of everything paid closes).
    #[serde(default)]
    pub points: i64,
    /// Returned goods go back on the shelf when confirmed (the seller's choice, default yes).
    #[serde(default = "yes")]
    pub restock: bool,
    /// Whether the named units leave the order (a return, or money-only for all they cost); a
    /// money-only case for less is a partial refund of their price, and they still ship.
    #[serde(default = "yes")]
    pub units_back: bool,
    #[serde(default)]
    pub payout: Option<Payout>,
    /// When a timer acts on the case: auto-approve, close when not sent back, confirm when not
    /// confirmed, or retry the payout.
    #[serde(default)]
    pub due_at: Option<Timestamp>,
    #[serde(default)]
    pub history: Vec<RefundStep>,
    pub requested_at: Timestamp,
}

fn yes() -> bool {
    true
}

impl Refund {
    /// A new case in `state`, with nothing decided yet (no lines, vouchers, address, payout).
    pub fn new(
        refund_id: String,
        kind: RefundKind,
        state: RefundState,
        amount: Money,
        reason: String,
        now: Timestamp,
    ) -> Refund {
        Refund {
            refund_id,
            kind,
            state,
            amount,
            reason,
            remark: String::new(),
            lines: Vec::new(),
            vouchers: Vec::new(),
            reject_reason: None,
            return_address: None,
            return_shipment: None,
            points: 0,
            restock: true,
            units_back: true,
            payout: None,
            due_at: None,
            history: Vec::new(),
            requested_at: now,
        }
    }
}
