//! A stand-in for Alipay's open API gateway (`gateway.do`), so that a whole money flow runs on a
//! laptop: it checks every call's RSA2 signature with the app's public key, answers
//! `alipay.trade.refund` and `alipay.trade.query` signed with the stand-in Alipay key, pays each
//! `out_request_no` of a trade at most once and never more than the trade took, and keeps a
//! ledger of what it paid back. Tests script faults into it (refusals, timeouts, 5xx, system
//! errors, answers that do not verify).
//!
//! What a trade took comes from the order itself (its payment, and payments that arrived late):
//! the stand-in plays Alipay, which knows its own trades.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use orders_shared::adapters::alipay::{sign_answer, verify_call};
use orders_shared::adapters::crypto::{SigningKey, VerifyingKey};
use orders_shared::domain::money::Money;
use orders_shared::domain::order::Order;
use orders_shared::App;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// Where the dev server serves it.
pub const PATH: &str = "/stand-in/alipay/gateway.do";
/// The stand-in's ledger of refunds, as JSON.
pub const LEDGER_PATH: &str = "/stand-in/alipay/refunds";

pub use crate::gateway_fault::Fault;

/// One refund the stand-in paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidRefund {
    pub out_trade_no: String,
    pub out_request_no: String,
    pub amount: Money,
}

/// A trade the stand-in knows by itself (not from the order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandInTrade {
    pub trade_no: String,
    pub amount: Money,
    /// `TRADE_SUCCESS` or `TRADE_CLOSED`.
    pub status: String,
}

#[derive(Default)]
struct Books {
    paid: Vec<PaidRefund>,
    faults: VecDeque<Fault>,
    /// Trades the buyer paid at the stand-in (`buyer_pays`) or that were closed, by order number.
    trades: BTreeMap<String, StandInTrade>,
    /// Calls received (every method), signature checked or not.
    calls: usize,
    refused_signatures: usize,
}

pub struct StandInGateway {
    app: App,
    app_public_key: VerifyingKey,
    alipay_key: SigningKey,
    books: Mutex<Books>,
}

impl StandInGateway {
    /// A gateway for `app`'s orders, trusting `app_public_key`'s signatures and signing with
    /// `alipay_key` (the key `app` trusts as Alipay's).
    pub fn new(app: App, app_public_key: VerifyingKey, alipay_key: SigningKey) -> Arc<StandInGateway> {
        Arc::new(StandInGateway { app, app_public_key, alipay_key, books: Mutex::new(Books::default()) })
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Faults for the next refund calls, in order.
    pub fn script(&self, faults: impl IntoIterator<Item = Fault>) {
        self.books().faults.extend(faults);
    }

    /// Every refund paid, in order.
    pub fn paid(&self) -> Vec<PaidRefund> {
        self.books().paid.clone()
    }

    /// What was paid back for a trade.
    pub fn paid_for(&self, out_trade_no: &str) -> Money {
        Money(self.books().paid.iter().filter(|paid| paid.out_trade_no == out_trade_no).map(|paid| paid.amount.0).sum())
    }

    /// The buyer pays the order's trade in the Alipay app, and the notification is lost: only a
    /// query learns of it. Returns Alipay's trade number.
    pub fn buyer_pays(&self, out_trade_no: &str, amount: Money) -> String {
        let trade_no = format!("2026{:024}", rand::random::<u64>());
        let trade = StandInTrade { trade_no: trade_no.clone(), amount, status: "TRADE_SUCCESS".into() };
        self.books().trades.insert(out_trade_no.to_string(), trade);
        trade_no
    }

    /// A trade the stand-in holds by itself (paid by `buyer_pays`, or closed).
    pub fn trade(&self, out_trade_no: &str) -> Option<StandInTrade> {
        self.books().trades.get(out_trade_no).cloned()
    }

    /// (calls received, calls refused for their signature).
    pub fn calls(&self) -> (usize, usize) {
        let books = self.books();
        (books.calls, books.refused_signatures)
    }

    /// The routes: the gateway and its ledger.
    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new().route(PATH, post(gateway)).route(LEDGER_PATH, get(ledger)).with_state(self)
    }
}

/// What a trade took: the order's payment and any payments that arrived late.
fn trade_total(order: &Order) -> Money {
    Money(order.amounts.paid.0 + order.late_payments.iter().map(|late| late.amount.0).sum::<i64>())
}

fn answer(gateway: &StandInGateway, key: &str, response: serde_json::Value) -> Response {
    match sign_answer(&gateway.alipay_key, key, &response) {
        Ok(body) => ([(axum::http::header::CONTENT_TYPE, "application/json;charset=utf-8")], body).into_response(),
        Err(error) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

fn failure(code: &str, msg: &str, sub_code: &str, sub_msg: &str) -> serde_json::Value {
    json!({"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg})
}

async fn gateway(State(gateway): State<Arc<StandInGateway>>, body: Bytes) -> Response {
    gateway.books().calls += 1;
    let params = match verify_call(&gateway.app_public_key, &body) {
        Ok(params) => params,
        Err(why) => {
            gateway.books().refused_signatures += 1;
            let response = failure("40002", "Invalid Arguments", "isv.invalid-signature", &why);
            return answer(&gateway, "error_response", response);
        }
    };
    let biz: serde_json::Value =
        params.get("biz_content").and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default();
    match params.get("method").map(String::as_str) {
        Some("alipay.trade.refund") => refund(&gateway, &params, &biz).await,
        Some("alipay.trade.query") => query(&gateway, &biz).await,
        Some("alipay.trade.close") => close(&gateway, &biz).await,
        other => answer(
            &gateway,
            "error_response",
            failure(
                "40004",
                "Business Failed",
                "isv.invalid-method",
                &format!("the stand-in does not serve {other:?}"),
            ),
        ),
    }
}

async fn refund(gateway: &StandInGateway, _params: &BTreeMap<String, String>, biz: &serde_json::Value) -> Response {
    const KEY: &str = "alipay_trade_refund_response";
    let text = |name: &str| biz.get(name).and_then(|value| value.as_str()).unwrap_or_default().to_string();
    let (out_trade_no, out_request_no) = (text("out_trade_no"), text("out_request_no"));
    let Ok(amount) = Money::parse(&text("refund_amount")) else {
        return answer(gateway, KEY, failure("40004", "Business Failed", "ACQ.INVALID_PARAMETER", "refund_amount"));
    };
    let order = match gateway.app.store.order_by_no(&out_trade_no).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            return answer(gateway, KEY, failure("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "no such trade"))
        }
        Err(_) => return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response(),
    };
    let fault = gateway.books().faults.pop_front();
    if let Some(Fault::Refuse(sub_code)) = fault {
        return answer(gateway, KEY, failure("40004", "Business Failed", sub_code, "refused by the stand-in's script"));
    }
    if fault == Some(Fault::SystemError) {
        return answer(
            gateway,
            KEY,
            failure("20000", "Service Currently Unavailable", "ACQ.SYSTEM_ERROR", "try again"),
        );
    }
    // Pay (at most once per request number, never beyond what the trade took), then answer.
    let outcome = {
        let mut books = gateway.books();
        let earlier = books
            .paid
            .iter()
            .find(|paid| paid.out_trade_no == out_trade_no && paid.out_request_no == out_request_no)
            .cloned();
        match earlier {
            Some(earlier) if earlier.amount == amount => Ok(false),
            Some(_) => Err("ACQ.REQUEST_AMOUNT_EXCEED"),
            None => {
                let refunded: i64 =
                    books.paid.iter().filter(|paid| paid.out_trade_no == out_trade_no).map(|paid| paid.amount.0).sum();
                if amount.0 <= 0 || refunded + amount.0 > trade_total(&order).0 {
                    Err("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
                } else {
                    let paid = PaidRefund { out_trade_no: out_trade_no.clone(), out_request_no, amount };
                    if !Fault::takes_the_refund(fault.as_ref()) {
                        Ok(false)
                    } else {
                        books.paid.push(paid);
                        Ok(true)
                    }
                }
            }
        }
    };
    if let Some(lost) = Fault::lost_answer(fault.as_ref()).await {
        return lost;
    }
    let fund_change = match outcome {
        Ok(fund_change) => fund_change,
        Err(sub_code) => return answer(gateway, KEY, failure("40004", "Business Failed", sub_code, "refund refused")),
    };
    let response = json!({
        "code": "10000",
        "msg": "Success",
        "out_trade_no": out_trade_no,
        "trade_no": order.payment.as_ref().map(|payment| payment.trade_no.clone()).unwrap_or_default(),
        "refund_fee": gateway.paid_for(&out_trade_no).to_string(),
        "fund_change": if fund_change { "Y" } else { "N" },
        "send_back_fee": amount.to_string(),
    });
    if fault == Some(Fault::BadSignature) {
        // Signed with a key Alipay's public key does not match.
        return match SigningKey::generate().and_then(|key| sign_answer(&key, KEY, &response).map_err(|e| e.to_string()))
        {
            Ok(body) => ([(axum::http::header::CONTENT_TYPE, "application/json;charset=utf-8")], body).into_response(),
            Err(error) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
        };
    }
    answer(gateway, KEY, response)
}

async fn query(gateway: &StandInGateway, biz: &serde_json::Value) -> Response {
    const KEY: &str = "alipay_trade_query_response";
    let out_trade_no = biz.get("out_trade_no").and_then(|value| value.as_str()).unwrap_or_default();
    let not_exist = || failure("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "no such trade");
    let known = gateway.trade(out_trade_no);
    let (trade_no, amount, status) = match known {
        Some(trade) => (trade.trade_no, trade.amount, trade.status),
        None => match gateway.app.store.order_by_no(out_trade_no).await {
            // Paid through a notification the tests sent: Alipay would know that trade.
            Ok(Some(order)) => match order.payment {
                Some(payment) => (payment.trade_no, order.amounts.paid, "TRADE_SUCCESS".to_string()),
                None => return answer(gateway, KEY, not_exist()),
            },
            Ok(None) => return answer(gateway, KEY, not_exist()),
            Err(_) => return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response(),
        },
    };
    let response = json!({
        "code": "10000",
        "msg": "Success",
        "out_trade_no": out_trade_no,
        "trade_no": trade_no,
        "trade_status": status,
        "total_amount": amount.to_string(),
    });
    answer(gateway, KEY, response)
}

/// `alipay.trade.close`: an unpaid trade can no longer be paid; a paid one cannot be closed.
async fn close(gateway: &StandInGateway, biz: &serde_json::Value) -> Response {
    const KEY: &str = "alipay_trade_close_response";
    let out_trade_no = biz.get("out_trade_no").and_then(|value| value.as_str()).unwrap_or_default().to_string();
    let paid_order =
        matches!(gateway.app.store.order_by_no(&out_trade_no).await, Ok(Some(order)) if order.payment.is_some());
    let mut books = gateway.books();
    let status_error = || failure("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "the trade was paid");
    match books.trades.get(&out_trade_no) {
        Some(trade) if trade.status == "TRADE_SUCCESS" => {
            drop(books);
            return answer(gateway, KEY, status_error());
        }
        _ if paid_order => {
            drop(books);
            return answer(gateway, KEY, status_error());
        }
        _ => {}
    }
    let closed = StandInTrade { trade_no: String::new(), amount: Money(0), status: "TRADE_CLOSED".into() };
    books.trades.insert(out_trade_no.clone(), closed);
    drop(books);
    answer(gateway, KEY, json!({"code": "10000", "msg": "Success", "out_trade_no": out_trade_no}))
}

async fn ledger(State(gateway): State<Arc<StandInGateway>>) -> Response {
    let paid = gateway.paid();
    let total = Money(paid.iter().map(|refund| refund.amount.0).sum());
    axum::Json(json!({"refunds": paid, "total": total.to_string()})).into_response()
}
