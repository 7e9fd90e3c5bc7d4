//! The stand-in's refunds: `POST /v3/refund/domestic/refunds` (each `out_refund_no` paid at most
//! once, never beyond what the trade took, scripted faults first) and its query.

use super::{Call, Refund, StandInWxpay};
use crate::gateway_fault::Fault;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use orders_shared::adapters::crypto::SigningKey;
use orders_shared::adapters::wxpay::beijing_rfc3339;
use orders_shared::domain::time::Timestamp;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Deserialize)]
struct RefundBody {
    #[serde(default)]
    out_trade_no: Option<String>,
    #[serde(default)]
    transaction_id: Option<String>,
    out_refund_no: String,
    #[serde(default)]
    notify_url: String,
    amount: RefundAmount,
}

#[derive(Deserialize)]
struct RefundAmount {
    refund: i64,
    total: i64,
    currency: String,
}

fn refund_json(refund: &Refund) -> Value {
    json!({
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "out_trade_no": refund.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "status": refund.status,
        "create_time": beijing_rfc3339(Timestamp::now()),
        "amount": {"total": refund.total, "refund": refund.refund, "payer_total": refund.total, "payer_refund": refund.refund, "currency": "CNY"},
    })
}

pub(super) async fn refund(State(gateway): State<Arc<StandInWxpay>>, call: Call) -> Response {
    let request: RefundBody = match gateway.admit_json(&call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let fault = gateway.books().faults.pop_front();
    match &fault {
        Some(Fault::Refuse(code)) => {
            return gateway.error(StatusCode::FORBIDDEN, code, "refused by the stand-in's script")
        }
        Some(Fault::SystemError) => {
            return gateway.error(StatusCode::INTERNAL_SERVER_ERROR, "SYSTEM_ERROR", "try again")
        }
        _ => {}
    }
    let outcome = {
        let mut books = gateway.books();
        let succeed_at_once = books.refunds_succeed_at_once;
        let trade = match (&request.out_trade_no, &request.transaction_id) {
            (Some(no), _) => books.trades.get(no).cloned(),
            (None, Some(id)) => books.trades.values().find(|trade| &trade.transaction_id == id).cloned(),
            (None, None) => None,
        };
        match trade {
            None => Err((StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "no such trade")),
            Some(trade) if trade.trade_state != "SUCCESS" => {
                Err((StatusCode::FORBIDDEN, "TRADE_STATE_ERROR", "not paid"))
            }
            Some(trade) if request.amount.total != trade.total || request.amount.currency != "CNY" => {
                Err((StatusCode::BAD_REQUEST, "PARAM_ERROR", "amount.total is not the trade's"))
            }
            Some(trade) => match books.refunds.get(&request.out_refund_no) {
                // The same request number again: the same refund, never a second payment.
                Some(earlier) if earlier.refund == request.amount.refund => Ok(earlier.clone()),
                Some(_) => Err((StatusCode::BAD_REQUEST, "INVALID_REQUEST", "out_refund_no used with another amount")),
                None => {
                    let refunded: i64 = books
                        .refunds
                        .values()
                        .filter(|refund| refund.out_trade_no == trade.out_trade_no)
                        .map(|r| r.refund)
                        .sum();
                    if request.amount.refund <= 0 || refunded + request.amount.refund > trade.total {
                        Err((StatusCode::FORBIDDEN, "NOT_ENOUGH", "more than the trade took"))
                    } else if !Fault::takes_the_refund(fault.as_ref()) {
                        Err((StatusCode::BAD_GATEWAY, "", ""))
                    } else {
                        let refund = Refund {
                            out_refund_no: request.out_refund_no.clone(),
                            out_trade_no: trade.out_trade_no.clone(),
                            refund_id: format!("50300{:023}", rand::random::<u64>()),
                            refund: request.amount.refund,
                            total: trade.total,
                            status: if succeed_at_once { "SUCCESS" } else { "PROCESSING" }.into(),
                            notify_url: request.notify_url.clone(),
                        };
                        books.refunds.insert(refund.out_refund_no.clone(), refund.clone());
                        Ok(refund)
                    }
                }
            },
        }
    };
    if let Some(lost) = Fault::lost_answer(fault.as_ref()).await {
        return lost;
    }
    match outcome {
        Ok(refund) if fault == Some(Fault::BadSignature) => match SigningKey::generate() {
            Ok(other) => gateway.answer_with(&other, StatusCode::OK, Some(refund_json(&refund))),
            Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
        },
        Ok(refund) => gateway.answer(StatusCode::OK, Some(refund_json(&refund))),
        Err((status, code, message)) => gateway.error(status, code, message),
    }
}

pub(super) async fn query_refund(
    State(gateway): State<Arc<StandInWxpay>>,
    Path(no): Path<String>,
    call: Call,
) -> Response {
    if let Err(refused) = gateway.admit(&call) {
        return *refused;
    }
    let refund = gateway.books().refunds.get(&no).cloned();
    match refund {
        Some(refund) => gateway.answer(StatusCode::OK, Some(refund_json(&refund))),
        None => gateway.error(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "no such refund"),
    }
}
