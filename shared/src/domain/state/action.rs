//! What can be done to an order: every transition the state machine knows, and its verb in each
//! language for the 409 that refuses it.

use super::after_sales::{AfterSalesPolicy, RefundApplication};
use super::payouts::{PayoutOf, PayoutOutcome};
use super::step::Verb;
use crate::domain::address::Address;
use crate::domain::order::{LatePayment, Payment, Shipment, TrackingEvent};
use crate::domain::payment::PaymentChannel;
use crate::domain::refund::ReturnShipment;
use crate::domain::time::Timestamp;
use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A payment was started with this provider (recorded once per provider).
    StartPayment(PaymentChannel),
    Pay(Payment),
    /// A payment the order cannot take (closed, past its deadline, paid by another trade): kept
    /// with the payout that pays it back.
    RecordLatePayment(LatePayment),
    Ship {
        shipment: Shipment,
        auto_confirm_at: Timestamp,
    },
    AddTrackingEvent(TrackingEvent),
    ConfirmReceipt,
    AutoConfirm,
    Cancel {
        reason: String,
    },
    Timeout,
    SellerClose {
        reason: String,
    },
    ApplyRefund(RefundApplication),
    WithdrawRefund,
    RejectRefund {
        reason: String,
    },
    ApproveRefund {
        return_address: Option<Address>,
        policy: AfterSalesPolicy,
    },
    ShipReturn {
        shipment: ReturnShipment,
        policy: AfterSalesPolicy,
    },
    ConfirmReturn {
        restock: bool,
        policy: AfterSalesPolicy,
    },
    /// The timer of a case whose goods were not sent back.
    CloseUnreturned,
    /// The shop tries a refused payout again.
    RetryPayout {
        policy: AfterSalesPolicy,
    },
    /// What the provider said to one payout attempt (the case's or a late payment's).
    RecordPayout {
        of: PayoutOf,
        outcome: PayoutOutcome,
    },
    Review {
        comment: String,
    },
    Delete,
}

impl Action {
    /// The verb used in StateConflict messages.
    pub fn name(&self) -> &'static str {
        match self {
            Action::StartPayment(_) => "start paying",
            Action::Pay(_) => "pay",
            Action::RecordLatePayment(_) => "record a late payment on",
            Action::Ship { .. } => "ship",
            Action::AddTrackingEvent(_) => "add a tracking event to",
            Action::ConfirmReceipt => "confirm receipt of",
            Action::AutoConfirm => "auto-confirm",
            Action::Cancel { .. } => "cancel",
            Action::Timeout => "time out",
            Action::SellerClose { .. } => "close",
            Action::ApplyRefund(_) => "apply for a refund on",
            Action::WithdrawRefund => "withdraw the refund of",
            Action::RejectRefund { .. } => "reject the refund of",
            Action::ApproveRefund { .. } => "approve the refund of",
            Action::ShipReturn { .. } => "ship back the goods of",
            Action::ConfirmReturn { .. } => "confirm the returned goods of",
            Action::CloseUnreturned => "close the return of",
            Action::RetryPayout { .. } => "retry the payout of",
            Action::RecordPayout { .. } => "record the payout of",
            Action::Review { .. } => "review",
            Action::Delete => "delete",
        }
    }
}

impl Action {
    /// The verb in Chinese, for StateConflict messages.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Action::StartPayment(_) => "发起支付",
            Action::Pay(_) => "支付",
            Action::RecordLatePayment(_) => "记录逾期付款",
            Action::Ship { .. } => "发货",
            Action::AddTrackingEvent(_) => "添加物流轨迹",
            Action::ConfirmReceipt => "确认收货",
            Action::AutoConfirm => "自动确认收货",
            Action::Cancel { .. } => "取消",
            Action::Timeout => "超时关闭",
            Action::SellerClose { .. } => "关闭",
            Action::ApplyRefund(_) => "申请售后",
            Action::WithdrawRefund => "撤销售后申请",
            Action::RejectRefund { .. } => "拒绝售后申请",
            Action::ApproveRefund { .. } => "同意售后申请",
            Action::ShipReturn { .. } => "寄回商品",
            Action::ConfirmReturn { .. } => "确认收到退货",
            Action::CloseUnreturned => "关闭未寄回的退货",
            Action::RetryPayout { .. } => "重试退款",
            Action::RecordPayout { .. } => "记录退款结果",
            Action::Review { .. } => "评价",
            Action::Delete => "删除",
        }
    }

    /// The verb, in each language.
    pub fn verb(&self) -> Verb {
        Verb { en: self.name(), zh: self.name_zh() }
    }

    /// A 409 for this action on an order that is `from` (English, Chinese).
    pub fn refused(&self, from_en: &str, from_zh: &str) -> ApiError {
        self.verb().refused(from_en, from_zh)
    }
}
