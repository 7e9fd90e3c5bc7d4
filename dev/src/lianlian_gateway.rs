//! A stand-in for LianLian Pay, so that a whole LianLian money flow runs on a laptop: it serves the
//! order query, refund and refund query APIs under one prefix (`LIANLIAN_GATEWAY_URL` keeps each
//! API's path), checks every request's `MD5withRSA` signature with the merchant's public key,
//! signs every answer with the stand-in LianLian key, and keeps its own bills and refunds. Two
//! buttons play the buyer's app and LianLian's back office: "the buyer pays" (taking the
//! `lianlian_params` a payment start answered, as LianLian's SDK would) and "the refund
//! completes", each with or without its notification (a lost one). Tests script faults into the
//! refund calls.

use crate::gateway_fault::Fault;
use crate::lianlian_keys::{new_paybill, paid_notification};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use orders_shared::adapters::crypto::{Md5RsaSigningKey, Md5RsaVerifyingKey};
use orders_shared::adapters::lianlian::{check_signature, lianlian_time, params_of, sign_notification, signed, Params};
use orders_shared::adapters::outbound::send;
use orders_shared::domain::money::Money;
use orders_shared::domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Where the dev server serves it (the `LIANLIAN_GATEWAY_URL` it points functions at).
pub const PREFIX: &str = "/stand-in/lianlian";

/// One bill: an order the buyer's app opened with LianLian.
#[derive(Debug, Clone, Serialize)]
pub struct Bill {
    pub no_order: String,
    pub dt_order: String,
    pub money_order: Money,
    pub notify_url: String,
    /// `WAITING`, `SUCCESS`, `REFUND`.
    pub result_pay: String,
    pub oid_paybill: String,
    /// `quick`, or `apple` when the parameters named an Apple merchant id.
    pub method: &'static str,
    /// The order's description, as the parameters gave it (notifications and queries pass it back).
    pub info_order: String,
    pub valid_until: Timestamp,
}

/// One refund request number.
#[derive(Debug, Clone, Serialize)]
pub struct Refund {
    pub no_refund: String,
    pub dt_refund: String,
    pub no_order: String,
    pub oid_refundno: String,
    pub money_refund: Money,
    /// `1` being paid, `2` paid back.
    pub sta_refund: String,
    pub notify_url: String,
}

#[derive(Default)]
struct Books {
    bills: BTreeMap<String, Bill>,
    refunds: BTreeMap<String, Refund>,
    faults: VecDeque<Fault>,
    /// Calls by API path.
    calls: BTreeMap<String, usize>,
    refused_signatures: usize,
    /// Refunds answer `sta_refund` 2 at once instead of 1 (being paid).
    refunds_succeed_at_once: bool,
}

pub struct StandInLianlian {
    oid_partner: String,
    merchant_public_key: Md5RsaVerifyingKey,
    lianlian_key: Md5RsaSigningKey,
    books: Mutex<Books>,
}

impl StandInLianlian {
    /// A stand-in for `oid_partner`, trusting `merchant_public_key` and signing with `lianlian_key`
    /// (the key the merchant trusts as LianLian's).
    pub fn new(
        oid_partner: &str,
        merchant_public_key: Md5RsaVerifyingKey,
        lianlian_key: Md5RsaSigningKey,
    ) -> Arc<StandInLianlian> {
        Arc::new(StandInLianlian {
            oid_partner: oid_partner.to_string(),
            merchant_public_key,
            lianlian_key,
            books: Mutex::new(Books::default()),
        })
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Faults for the next refund calls, in order.
    pub fn script(&self, faults: impl IntoIterator<Item = Fault>) {
        self.books().faults.extend(faults);
    }

    /// Refunds answer paid back at once (true) or being paid until completed (false, the default).
    pub fn refunds_succeed_at_once(&self, at_once: bool) {
        self.books().refunds_succeed_at_once = at_once;
    }

    pub fn bill(&self, no_order: &str) -> Option<Bill> {
        self.books().bills.get(no_order).cloned()
    }

    pub fn refunds(&self) -> Vec<Refund> {
        self.books().refunds.values().cloned().collect()
    }

    /// What was paid back (or is being paid) for a bill.
    pub fn refunded(&self, no_order: &str) -> Money {
        let books = self.books();
        Money(books.refunds.values().filter(|refund| refund.no_order == no_order).map(|r| r.money_refund.0).sum())
    }

    /// Calls received by API (`/refund.htm`, ...), and calls refused for their signature.
    pub fn calls(&self, api: &str) -> usize {
        self.books().calls.get(api).copied().unwrap_or(0)
    }

    pub fn refused_signatures(&self) -> usize {
        self.books().refused_signatures
    }

    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route(&format!("{PREFIX}/orderquery.htm"), post(order_query))
            .route(&format!("{PREFIX}/refund.htm"), post(refund))
            .route(&format!("{PREFIX}/refundquery.htm"), post(refund_query))
            .route(&format!("{PREFIX}/buyer-pays"), post(buyer_pays))
            .route(&format!("{PREFIX}/refunds/{{no}}/complete"), post(complete_refund))
            .route(&format!("{PREFIX}/ledger"), get(ledger))
            .with_state(self)
    }

    /// The buyer pays with the parameters LianLian's SDK was given (their signature checked as
    /// LianLian checks it); LianLian notifies unless `notify` is false. The bill, and the
    /// notification's HTTP status and body if one was sent.
    pub async fn buyer_pays(&self, params: &Params, notify: bool) -> Result<(Bill, Option<(u16, String)>), String> {
        check_signature(&self.merchant_public_key, params, &[]).map_err(|why| format!("the parameters: {why}"))?;
        let field = |name: &str| params.get(name).cloned().ok_or_else(|| format!("no {name}"));
        if field("oid_partner")? != self.oid_partner {
            return Err("oid_partner is not the merchant's".into());
        }
        let now = Timestamp::now();
        let bill = {
            let mut books = self.books();
            let no_order = field("no_order")?;
            let valid_minutes: i64 = field("valid_order")?.parse().map_err(|_| "valid_order is not minutes")?;
            let bill = match books.bills.get(&no_order) {
                Some(bill) => bill.clone(),
                None => Bill {
                    no_order: no_order.clone(),
                    dt_order: field("dt_order")?,
                    money_order: Money::parse(&field("money_order")?).map_err(|_| "money_order is not an amount")?,
                    notify_url: field("notify_url")?,
                    result_pay: "WAITING".into(),
                    oid_paybill: String::new(),
                    method: if params.contains_key("ap_merchant_id") { "apple" } else { "quick" },
                    info_order: params.get("info_order").cloned().unwrap_or_default(),
                    valid_until: now.plus_seconds(valid_minutes * 60),
                },
            };
            let bill = match bill.result_pay.as_str() {
                "WAITING" if now >= bill.valid_until => return Err("the bill expired (valid_order)".into()),
                "WAITING" => Bill { result_pay: "SUCCESS".into(), oid_paybill: new_paybill(), ..bill },
                _ => bill,
            };
            books.bills.insert(no_order, bill.clone());
            bill
        };
        if !notify {
            return Ok((bill, None));
        }
        let notification = paid_notification(
            &bill.no_order,
            &bill.info_order,
            &bill.dt_order,
            bill.money_order,
            &bill.oid_paybill,
            now,
        );
        let answer = self.post(&bill.notify_url, notification).await?;
        Ok((bill, Some(answer)))
    }

    /// A refund being paid completes; LianLian notifies unless `notify` is false.
    pub async fn complete_refund(
        &self,
        no_refund: &str,
        notify: bool,
    ) -> Result<(Refund, Option<(u16, String)>), String> {
        let refund = {
            let mut books = self.books();
            let refund = books.refunds.get_mut(no_refund).ok_or("no such refund")?;
            refund.sta_refund = "2".into();
            refund.clone()
        };
        if !notify {
            return Ok((refund, None));
        }
        let notification = Params::from([
            ("oid_partner".into(), self.oid_partner.clone()),
            ("no_refund".into(), refund.no_refund.clone()),
            ("dt_refund".into(), refund.dt_refund.clone()),
            ("oid_refundno".into(), refund.oid_refundno.clone()),
            ("money_refund".into(), refund.money_refund.to_string()),
            ("sta_refund".into(), "2".into()),
            ("settle_date".into(), lianlian_time(Timestamp::now())[..8].to_string()),
        ]);
        let answer = self.post(&refund.notify_url, notification).await?;
        Ok((refund, Some(answer)))
    }

    /// Signs and posts a notification; its answer's status and body.
    async fn post(&self, url: &str, params: Params) -> Result<(u16, String), String> {
        let body = sign_notification(&self.lianlian_key, params).map_err(|error| error.to_string())?;
        let headers = [("content-type", "application/json;charset=utf-8".to_string())];
        let answer = send("POST", url, &headers, body.into_bytes(), Duration::from_secs(10))
            .await
            .map_err(|error| format!("notification to {url}: {error}"))?;
        Ok((answer.status, String::from_utf8_lossy(&answer.body).into_owned()))
    }

    /// An answer signed as LianLian signs them (`key`: another for an answer that does not verify).
    fn answer_with(&self, key: &Md5RsaSigningKey, mut params: Params) -> Response {
        params.insert("oid_partner".into(), self.oid_partner.clone());
        match signed(key, params) {
            Ok(params) => axum::Json(params).into_response(),
            Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
        }
    }

    fn answer(&self, params: Params) -> Response {
        self.answer_with(&self.lianlian_key, params)
    }

    fn failure(&self, ret_code: &str, ret_msg: &str) -> Response {
        self.answer(Params::from([("ret_code".into(), ret_code.into()), ("ret_msg".into(), ret_msg.into())]))
    }

    /// Counts and checks a call: its parameters, or the refusal to send.
    fn admit(&self, api: &str, body: &[u8]) -> Result<Params, Box<Response>> {
        *self.books().calls.entry(api.to_string()).or_default() += 1;
        let refuse = |why: String| {
            self.books().refused_signatures += 1;
            Box::new(self.failure("9001", &format!("签名验证失败: {why}")))
        };
        let params = params_of(body).ok_or_else(|| refuse("the body is not a JSON object".into()))?;
        check_signature(&self.merchant_public_key, &params, &[]).map_err(refuse)?;
        if params.get("oid_partner") != Some(&self.oid_partner) {
            return Err(refuse("oid_partner is not the merchant's".into()));
        }
        Ok(params)
    }
}

fn text(params: &Params, name: &str) -> String {
    params.get(name).cloned().unwrap_or_default()
}

fn success(pairs: impl IntoIterator<Item = (&'static str, String)>) -> Params {
    let mut params = Params::from([("ret_code".into(), "0000".into()), ("ret_msg".into(), "交易成功".into())]);
    params.extend(pairs.into_iter().map(|(name, value)| (name.to_string(), value)));
    params
}

async fn order_query(State(gateway): State<Arc<StandInLianlian>>, body: Bytes) -> Response {
    let params = match gateway.admit("/orderquery.htm", &body) {
        Ok(params) => params,
        Err(refused) => return *refused,
    };
    let bill = gateway.bill(&text(&params, "no_order")).filter(|bill| bill.dt_order == text(&params, "dt_order"));
    let Some(bill) = bill else { return gateway.failure("8901", "没有记录") };
    let mut answer = success([
        ("no_order", bill.no_order.clone()),
        ("dt_order", bill.dt_order.clone()),
        ("money_order", bill.money_order.to_string()),
        ("result_pay", bill.result_pay.clone()),
        ("info_order", bill.info_order.clone()),
    ]);
    if bill.result_pay != "WAITING" {
        answer.insert("oid_paybill".into(), bill.oid_paybill.clone());
        answer.insert("settle_date".into(), bill.dt_order[..8].to_string());
        answer.insert("pay_type".into(), "2".into());
        answer.insert("bank_code".into(), "01020000".into());
    }
    let mut response = gateway.answer(answer);
    // `bank_name` is outside the signature, as LianLian sends it.
    if bill.result_pay != "WAITING" {
        response = add_unsigned(response, "bank_name", "中国工商银行").await;
    }
    response
}

/// The same JSON answer with one more member that the signature does not cover.
async fn add_unsigned(response: Response, name: &str, value: &str) -> Response {
    let Ok(bytes) = axum::body::to_bytes(response.into_body(), 1 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "unreadable answer").into_response();
    };
    let mut params = params_of(&bytes).unwrap_or_default();
    params.insert(name.into(), value.into());
    axum::Json(params).into_response()
}

async fn refund(State(gateway): State<Arc<StandInLianlian>>, body: Bytes) -> Response {
    let params = match gateway.admit("/refund.htm", &body) {
        Ok(params) => params,
        Err(refused) => return *refused,
    };
    let fault = gateway.books().faults.pop_front();
    match &fault {
        Some(Fault::Refuse(code)) => return gateway.failure(code, "refused by the stand-in's script"),
        Some(Fault::SystemError) => return gateway.failure("9999", "系统错误"),
        _ => {}
    }
    let no_refund = text(&params, "no_refund");
    let Ok(money_refund) = Money::parse(&text(&params, "money_refund")) else {
        return gateway.failure("1001", "money_refund");
    };
    let outcome = {
        let mut books = gateway.books();
        let succeed_at_once = books.refunds_succeed_at_once;
        let bill = books.bills.values().find(|bill| {
            (bill.no_order == text(&params, "no_order") && bill.dt_order == text(&params, "dt_order"))
                || (!bill.oid_paybill.is_empty() && bill.oid_paybill == text(&params, "oid_paybill"))
        });
        match bill.cloned() {
            None => Err(("8901", "没有记录")),
            Some(bill) if bill.result_pay == "WAITING" => Err(("8911", "原订单未支付")),
            Some(bill) => match books.refunds.get(&no_refund) {
                // The same request number again: the same refund, never a second payment.
                Some(earlier) if earlier.money_refund == money_refund => Ok(earlier.clone()),
                Some(_) => Err(("8912", "退款流水号已使用")),
                None => {
                    let refunded: i64 = books
                        .refunds
                        .values()
                        .filter(|refund| refund.no_order == bill.no_order)
                        .map(|refund| refund.money_refund.0)
                        .sum();
                    if money_refund.0 <= 0 || refunded + money_refund.0 > bill.money_order.0 {
                        Err(("8913", "退款金额超出"))
                    } else if !Fault::takes_the_refund(fault.as_ref()) {
                        Err(("", ""))
                    } else {
                        let refund = Refund {
                            no_refund: no_refund.clone(),
                            dt_refund: text(&params, "dt_refund"),
                            no_order: bill.no_order.clone(),
                            oid_refundno: format!("2026{:012}", rand::random::<u64>() % 1_000_000_000_000),
                            money_refund,
                            sta_refund: if succeed_at_once { "2" } else { "1" }.into(),
                            notify_url: text(&params, "notify_url"),
                        };
                        books.refunds.insert(no_refund.clone(), refund.clone());
                        if let Some(bill) = books.bills.get_mut(&refund.no_order) {
                            bill.result_pay = "REFUND".into();
                        }
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
        Ok(refund) if fault == Some(Fault::BadSignature) => {
            match crate::lianlian_keys::MerchantKey::generate().and_then(|other| other.signing_key()) {
                Ok(other) => gateway.answer_with(&other, refund_answer(&refund)),
                Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
            }
        }
        Ok(refund) => gateway.answer(refund_answer(&refund)),
        Err((code, message)) => gateway.failure(code, message),
    }
}

fn refund_answer(refund: &Refund) -> Params {
    success([
        ("no_refund", refund.no_refund.clone()),
        ("money_refund", refund.money_refund.to_string()),
        ("oid_refundno", refund.oid_refundno.clone()),
        ("sta_refund", refund.sta_refund.clone()),
        ("settle_date", refund.dt_refund.get(..8).unwrap_or_default().to_string()),
    ])
}

async fn refund_query(State(gateway): State<Arc<StandInLianlian>>, body: Bytes) -> Response {
    let params = match gateway.admit("/refundquery.htm", &body) {
        Ok(params) => params,
        Err(refused) => return *refused,
    };
    let refund = gateway.books().refunds.get(&text(&params, "no_refund")).cloned();
    match refund.filter(|refund| refund.dt_refund == text(&params, "dt_refund")) {
        Some(refund) => gateway.answer(refund_answer(&refund)),
        None => gateway.failure("8901", "没有记录"),
    }
}

#[derive(Deserialize)]
struct NotifyQuery {
    #[serde(default)]
    notify: Option<bool>,
}

fn notification_json(answer: Option<(u16, String)>) -> serde_json::Value {
    match answer {
        Some((status, body)) => json!({"status": status, "body": body}),
        None => serde_json::Value::Null,
    }
}

/// `POST /stand-in/lianlian/buyer-pays[?notify=false]` with the `lianlian_params` a payment start
/// answered.
async fn buyer_pays(
    State(gateway): State<Arc<StandInLianlian>>,
    Query(query): Query<NotifyQuery>,
    body: Bytes,
) -> Response {
    let Some(params) = params_of(&body) else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "post the lianlian_params object"})))
            .into_response();
    };
    match gateway.buyer_pays(&params, query.notify.unwrap_or(true)).await {
        Ok((bill, notified)) => {
            axum::Json(json!({"bill": bill, "notification": notification_json(notified)})).into_response()
        }
        Err(why) => (StatusCode::CONFLICT, axum::Json(json!({"error": why}))).into_response(),
    }
}

async fn complete_refund(
    State(gateway): State<Arc<StandInLianlian>>,
    Path(no): Path<String>,
    Query(query): Query<NotifyQuery>,
) -> Response {
    match gateway.complete_refund(&no, query.notify.unwrap_or(true)).await {
        Ok((refund, notified)) => {
            axum::Json(json!({"refund": refund, "notification": notification_json(notified)})).into_response()
        }
        Err(why) => (StatusCode::CONFLICT, axum::Json(json!({"error": why}))).into_response(),
    }
}

async fn ledger(State(gateway): State<Arc<StandInLianlian>>) -> Response {
    let books = gateway.books();
    let bills: Vec<&Bill> = books.bills.values().collect();
    let refunds: Vec<&Refund> = books.refunds.values().collect();
    axum::Json(json!({"bills": bills, "refunds": refunds})).into_response()
}
