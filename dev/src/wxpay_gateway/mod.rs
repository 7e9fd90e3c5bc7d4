//! A stand-in for WeChat Pay's API v3 gateway, so that a whole WeChat Pay money flow runs on a
//! laptop: it checks every request's `Authorization` (merchant id, certificate serial, a
//! timestamp within five minutes, the SHA256-RSA signature with the merchant's public key), signs
//! every answer with the stand-in WeChat Pay key (`Wechatpay-*` headers), keeps its own trades
//! and refunds, and sends notifications as WeChat Pay does (signed, the resource encrypted with
//! the APIv3 key). It serves app prepay, query, close, refund and refund query, and two buttons
//! that play the buyer and WeChat Pay's back office: "the buyer pays" and "the refund completes",
//! each with or without its notification (a lost notification).

use crate::gateway_fault::Fault;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use orders_shared::adapters::crypto::{SigningKey, VerifyingKey};
use orders_shared::adapters::outbound::send;
use orders_shared::adapters::wxpay::{
    beijing_rfc3339, build_notification, parse_authorization, request_message, unix_seconds, ApiV3Key, SignedHeaders,
    MAX_SKEW_SECONDS,
};
use orders_shared::domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

mod refunds;

use refunds::{query_refund, refund};

/// Where the dev server serves it (the `WXPAY_GATEWAY_URL` it points functions at).
pub const PREFIX: &str = "/stand-in/wxpay";

/// One trade (an order's prepay).
#[derive(Debug, Clone, Serialize)]
pub struct Trade {
    pub out_trade_no: String,
    pub appid: String,
    pub mchid: String,
    pub total: i64,
    pub notify_url: String,
    pub prepay_id: String,
    /// `NOTPAY`, `SUCCESS`, `CLOSED`.
    pub trade_state: String,
    pub transaction_id: String,
    pub success_time: Option<String>,
    pub time_expire: Option<String>,
    /// What the prepay attached; passed back in notifications and queries.
    pub attach: Option<String>,
}

/// One refund request number.
#[derive(Debug, Clone, Serialize)]
pub struct Refund {
    pub out_refund_no: String,
    pub out_trade_no: String,
    pub refund_id: String,
    pub refund: i64,
    pub total: i64,
    /// `PROCESSING`, `SUCCESS`.
    pub status: String,
    pub notify_url: String,
}

#[derive(Default)]
struct Books {
    trades: BTreeMap<String, Trade>,
    refunds: BTreeMap<String, Refund>,
    faults: VecDeque<Fault>,
    calls: usize,
    refused_signatures: usize,
    /// Refunds answer `SUCCESS` at once instead of `PROCESSING`.
    refunds_succeed_at_once: bool,
}

pub struct StandInWxpay {
    mch_id: String,
    mch_serial_no: String,
    merchant_public_key: VerifyingKey,
    wxpay_key: SigningKey,
    wxpay_key_id: String,
    apiv3_key: ApiV3Key,
    books: Mutex<Books>,
}

/// What the stand-in needs to know of the merchant and to play WeChat Pay.
pub struct StandInKeys {
    pub mch_id: String,
    pub mch_serial_no: String,
    pub merchant_public_key: VerifyingKey,
    pub wxpay_key: SigningKey,
    pub wxpay_key_id: String,
    pub apiv3_key: ApiV3Key,
}

impl StandInWxpay {
    pub fn new(keys: StandInKeys) -> Arc<StandInWxpay> {
        Arc::new(StandInWxpay {
            mch_id: keys.mch_id,
            mch_serial_no: keys.mch_serial_no,
            merchant_public_key: keys.merchant_public_key,
            wxpay_key: keys.wxpay_key,
            wxpay_key_id: keys.wxpay_key_id,
            apiv3_key: keys.apiv3_key,
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

    /// Refunds answer `SUCCESS` at once (true) or `PROCESSING` until completed (false, the default).
    pub fn refunds_succeed_at_once(&self, at_once: bool) {
        self.books().refunds_succeed_at_once = at_once;
    }

    pub fn trade(&self, out_trade_no: &str) -> Option<Trade> {
        self.books().trades.get(out_trade_no).cloned()
    }

    pub fn refunds(&self) -> Vec<Refund> {
        self.books().refunds.values().cloned().collect()
    }

    /// (calls received, calls refused for their signature).
    pub fn calls(&self) -> (usize, usize) {
        let books = self.books();
        (books.calls, books.refused_signatures)
    }

    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route(&format!("{PREFIX}/v3/pay/transactions/app"), post(prepay))
            .route(&format!("{PREFIX}/v3/pay/transactions/out-trade-no/{{no}}"), get(query))
            .route(&format!("{PREFIX}/v3/pay/transactions/out-trade-no/{{no}}/close"), post(close))
            .route(&format!("{PREFIX}/v3/refund/domestic/refunds"), post(refund))
            .route(&format!("{PREFIX}/v3/refund/domestic/refunds/{{no}}"), get(query_refund))
            .route(&format!("{PREFIX}/buyer-pays/{{no}}"), post(buyer_pays))
            .route(&format!("{PREFIX}/refunds/{{no}}/complete"), post(complete_refund))
            .route(&format!("{PREFIX}/ledger"), get(ledger))
            .with_state(self)
    }

    /// The buyer pays the trade in the WeChat app; WeChat Pay notifies unless `notify` is false.
    /// The notification's HTTP status, if one was sent.
    pub async fn buyer_pays(&self, out_trade_no: &str, notify: bool) -> Result<Option<u16>, String> {
        let now = Timestamp::now();
        let trade = {
            let mut books = self.books();
            let trade = books.trades.get_mut(out_trade_no).ok_or("no such trade")?;
            let expired =
                trade.time_expire.as_deref().and_then(|at| Timestamp::parse(at).ok()).is_some_and(|at| now >= at);
            match trade.trade_state.as_str() {
                "NOTPAY" if expired => return Err("the trade expired (time_expire)".into()),
                "NOTPAY" => {
                    trade.trade_state = "SUCCESS".into();
                    trade.transaction_id = format!("42000{:023}", rand::random::<u64>());
                    trade.success_time = Some(beijing_rfc3339(now));
                }
                "SUCCESS" => {}
                other => return Err(format!("the trade is {other}")),
            }
            trade.clone()
        };
        if !notify {
            return Ok(None);
        }
        let resource = transaction_json(&trade);
        self.notify(&trade.notify_url, "TRANSACTION.SUCCESS", "transaction", &resource).await.map(Some)
    }

    /// A `PROCESSING` refund completes; WeChat Pay notifies unless `notify` is false.
    pub async fn complete_refund(&self, out_refund_no: &str, notify: bool) -> Result<Option<u16>, String> {
        let refund = {
            let mut books = self.books();
            let refund = books.refunds.get_mut(out_refund_no).ok_or("no such refund")?;
            refund.status = "SUCCESS".into();
            refund.clone()
        };
        if !notify {
            return Ok(None);
        }
        let resource = json!({
            "mchid": self.mch_id,
            "out_trade_no": refund.out_trade_no,
            "transaction_id": self.trade(&refund.out_trade_no).map(|trade| trade.transaction_id).unwrap_or_default(),
            "out_refund_no": refund.out_refund_no,
            "refund_id": refund.refund_id,
            "refund_status": "SUCCESS",
            "success_time": beijing_rfc3339(Timestamp::now()),
            "user_received_account": "支付用户零钱",
            "amount": {"total": refund.total, "refund": refund.refund, "payer_total": refund.total, "payer_refund": refund.refund},
        });
        self.notify(&refund.notify_url, "REFUND.SUCCESS", "refund", &resource).await.map(Some)
    }

    async fn notify(&self, url: &str, event_type: &str, original_type: &str, resource: &Value) -> Result<u16, String> {
        let at = Timestamp::now();
        let (headers, body) = build_notification(
            &self.apiv3_key,
            &self.wxpay_key,
            &self.wxpay_key_id,
            event_type,
            original_type,
            resource,
            at,
        )?;
        let mut pairs: Vec<(&str, String)> = headers.pairs().to_vec();
        pairs.push(("content-type", "application/json".into()));
        let answer = send("POST", url, &pairs, body.into_bytes(), Duration::from_secs(10))
            .await
            .map_err(|error| format!("notification to {url}: {error}"))?;
        Ok(answer.status)
    }

    /// Checks a request as WeChat Pay does. The reason when it is refused.
    fn check(&self, call: &Call) -> Result<(), String> {
        let Call { method, uri, headers, body } = call;
        let header = headers.get("authorization").and_then(|value| value.to_str().ok()).ok_or("no Authorization")?;
        let parts = parse_authorization(header)?;
        if parts.mchid != self.mch_id {
            return Err(format!("mchid {} is not the merchant's", parts.mchid));
        }
        if parts.serial_no != self.mch_serial_no {
            return Err(format!("serial_no {} is not the merchant's certificate", parts.serial_no));
        }
        if (unix_seconds(Timestamp::now()) - parts.timestamp).abs() > MAX_SKEW_SECONDS {
            return Err("the timestamp is more than 5 minutes off".into());
        }
        let path_and_query = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or_else(|| uri.path());
        let body = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8")?;
        let message = request_message(method.as_str(), path_and_query, parts.timestamp, &parts.nonce_str, body);
        if !self.merchant_public_key.verify_base64(message.as_bytes(), &parts.signature) {
            return Err("the signature does not verify".into());
        }
        Ok(())
    }

    /// An answer signed as WeChat Pay signs its answers (`key`: another key for a bad signature).
    fn answer_with(&self, key: &SigningKey, status: StatusCode, body: Option<Value>) -> Response {
        let text = body.map(|body| body.to_string()).unwrap_or_default();
        let signed = match SignedHeaders::sign(key, &self.wxpay_key_id, text.as_bytes(), Timestamp::now()) {
            Ok(signed) => signed,
            Err(error) => return (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
        };
        let mut response = (status, text).into_response();
        for (name, value) in signed.pairs() {
            if let Ok(value) = value.parse() {
                response.headers_mut().insert(name, value);
            }
        }
        if status != StatusCode::NO_CONTENT {
            response.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("application/json"));
        }
        response
    }

    fn answer(&self, status: StatusCode, body: Option<Value>) -> Response {
        self.answer_with(&self.wxpay_key, status, body)
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        self.answer(status, Some(json!({"code": code, "message": message})))
    }

    /// Counts and checks a call; the refusal to send when it does not verify.
    fn admit(&self, call: &Call) -> Result<(), Box<Response>> {
        self.books().calls += 1;
        self.check(call).map_err(|why| {
            self.books().refused_signatures += 1;
            Box::new(self.error(StatusCode::UNAUTHORIZED, "SIGN_ERROR", &why))
        })
    }
}

/// A request to the gateway as received: what its signature covers.
pub struct Call {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Call {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Call, Response> {
        let (parts, body) = request.into_parts();
        let body = Bytes::from_request(axum::extract::Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Call { method: parts.method, uri: parts.uri, headers: parts.headers, body })
    }
}

impl StandInWxpay {
    /// Counts and checks a call, then reads its JSON body: the refusal to send otherwise.
    fn admit_json<T: serde::de::DeserializeOwned>(&self, call: &Call) -> Result<T, Box<Response>> {
        self.admit(call)?;
        serde_json::from_slice(&call.body)
            .map_err(|_| Box::new(self.error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "the body does not read")))
    }
}

fn transaction_json(trade: &Trade) -> Value {
    let paid = trade.trade_state == "SUCCESS";
    let mut value = json!({
        "appid": trade.appid,
        "mchid": trade.mchid,
        "out_trade_no": trade.out_trade_no,
        "trade_type": "APP",
        "trade_state": trade.trade_state,
        "trade_state_desc": if paid { "支付成功" } else { "未支付" },
        "amount": {"total": trade.total, "currency": "CNY", "payer_total": if paid { trade.total } else { 0 }, "payer_currency": "CNY"},
    });
    if let Some(attach) = &trade.attach {
        value["attach"] = json!(attach);
    }
    if paid {
        value["transaction_id"] = json!(trade.transaction_id);
        value["bank_type"] = json!("OTHERS");
        value["success_time"] = json!(trade.success_time);
        value["payer"] = json!({"openid": "stand-in-openid"});
    }
    value
}

#[derive(Deserialize)]
struct PrepayBody {
    appid: String,
    mchid: String,
    out_trade_no: String,
    notify_url: String,
    #[serde(default)]
    time_expire: Option<String>,
    #[serde(default)]
    attach: Option<String>,
    amount: PrepayAmount,
}

#[derive(Deserialize)]
struct PrepayAmount {
    total: i64,
}

async fn prepay(State(gateway): State<Arc<StandInWxpay>>, call: Call) -> Response {
    let request: PrepayBody = match gateway.admit_json(&call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    if request.mchid != gateway.mch_id {
        return gateway.error(StatusCode::BAD_REQUEST, "MCH_NOT_EXISTS", "mchid");
    }
    if request.amount.total <= 0 {
        return gateway.error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "amount.total");
    }
    let mut books = gateway.books();
    let trade = books.trades.entry(request.out_trade_no.clone()).or_insert_with(|| Trade {
        out_trade_no: request.out_trade_no.clone(),
        appid: request.appid.clone(),
        mchid: request.mchid.clone(),
        total: request.amount.total,
        notify_url: request.notify_url.clone(),
        prepay_id: format!("wx{}", rand::random::<u64>()),
        trade_state: "NOTPAY".into(),
        transaction_id: String::new(),
        success_time: None,
        time_expire: request.time_expire.clone(),
        attach: request.attach.clone(),
    });
    // The same order again gets the same prepay id; changed parameters are refused.
    if trade.total != request.amount.total || trade.appid != request.appid {
        drop(books);
        return gateway.error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "out_trade_no used with other parameters");
    }
    if trade.trade_state != "NOTPAY" {
        let state = trade.trade_state.clone();
        drop(books);
        let code = if state == "SUCCESS" { "ORDERPAID" } else { "ORDER_CLOSED" };
        return gateway.error(StatusCode::FORBIDDEN, code, &format!("the trade is {state}"));
    }
    let prepay_id = trade.prepay_id.clone();
    drop(books);
    gateway.answer(StatusCode::OK, Some(json!({"prepay_id": prepay_id})))
}

#[derive(Deserialize)]
struct MchidQuery {
    #[serde(default)]
    mchid: String,
}

async fn query(
    State(gateway): State<Arc<StandInWxpay>>,
    Path(no): Path<String>,
    Query(params): Query<MchidQuery>,
    call: Call,
) -> Response {
    if let Err(refused) = gateway.admit(&call) {
        return *refused;
    }
    if params.mchid != gateway.mch_id {
        return gateway.error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "mchid");
    }
    match gateway.trade(&no) {
        Some(trade) => gateway.answer(StatusCode::OK, Some(transaction_json(&trade))),
        None => gateway.error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "no such trade"),
    }
}

async fn close(State(gateway): State<Arc<StandInWxpay>>, Path(no): Path<String>, call: Call) -> Response {
    if let Err(refused) = gateway.admit(&call) {
        return *refused;
    }
    let state = {
        let mut books = gateway.books();
        match books.trades.get_mut(&no) {
            Some(trade) if trade.trade_state == "NOTPAY" => {
                trade.trade_state = "CLOSED".into();
                "CLOSED".to_string()
            }
            Some(trade) => trade.trade_state.clone(),
            None => "NONE".to_string(),
        }
    };
    match state.as_str() {
        "CLOSED" => gateway.answer(StatusCode::NO_CONTENT, None),
        "SUCCESS" => gateway.error(StatusCode::BAD_REQUEST, "ORDER_PAID", "the trade was paid"),
        _ => gateway.error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "no such trade"),
    }
}

#[derive(Deserialize)]
struct NotifyQuery {
    #[serde(default)]
    notify: Option<bool>,
}

async fn buyer_pays(
    State(gateway): State<Arc<StandInWxpay>>,
    Path(no): Path<String>,
    Query(query): Query<NotifyQuery>,
) -> Response {
    match gateway.buyer_pays(&no, query.notify.unwrap_or(true)).await {
        Ok(notified) => {
            let trade = gateway.trade(&no);
            axum::Json(json!({"trade": trade, "notification_status": notified})).into_response()
        }
        Err(why) => (StatusCode::CONFLICT, axum::Json(json!({"error": why}))).into_response(),
    }
}

async fn complete_refund(
    State(gateway): State<Arc<StandInWxpay>>,
    Path(no): Path<String>,
    Query(query): Query<NotifyQuery>,
) -> Response {
    match gateway.complete_refund(&no, query.notify.unwrap_or(true)).await {
        Ok(notified) => {
            let refund = gateway.books().refunds.get(&no).cloned();
            axum::Json(json!({"refund": refund, "notification_status": notified})).into_response()
        }
        Err(why) => (StatusCode::CONFLICT, axum::Json(json!({"error": why}))).into_response(),
    }
}

async fn ledger(State(gateway): State<Arc<StandInWxpay>>) -> Response {
    let books = gateway.books();
    let trades: Vec<&Trade> = books.trades.values().collect();
    let refunds: Vec<&Refund> = books.refunds.values().collect();
    axum::Json(json!({"trades": trades, "refunds": refunds})).into_response()
}
