//! A stand-in for EventBridge's `PutEvents` (JSON 1.1 over HTTP), so the bus path of order
//! events runs in tests through the real SDK: it refuses requests not SigV4-signed for the
//! `events` service or with more than ten entries, records what it accepts, and can be told to
//! refuse entries (as PutEvents does: the call succeeds, the entry carries an error code).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Bus {
    accepted: Vec<Value>,
    calls: Vec<usize>,
    /// Entries still to refuse.
    refuse: usize,
}

/// A running stand-in; `endpoint` goes into `AWS_ENDPOINT_URL_EVENTBRIDGE`.
#[derive(Clone)]
pub struct StandInEventBus {
    pub endpoint: String,
    bus: Arc<Mutex<Bus>>,
}

impl StandInEventBus {
    pub async fn start() -> StandInEventBus {
        let bus = Arc::new(Mutex::new(Bus::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("address"));
        let app = Router::new().route("/", post(put_events)).with_state(bus.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        StandInEventBus { endpoint, bus }
    }

    /// Every entry accepted, in order.
    pub fn accepted(&self) -> Vec<Value> {
        self.lock().accepted.clone()
    }

    /// The number of entries of each call.
    pub fn calls(&self) -> Vec<usize> {
        self.lock().calls.clone()
    }

    /// The next `count` entries are refused (`InternalFailure`).
    pub fn refuse_next(&self, count: usize) {
        self.lock().refuse = count;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Bus> {
        self.bus.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn error(kind: &str, message: &str) -> Response {
    let body = json!({"__type": kind, "message": message}).to_string();
    (StatusCode::BAD_REQUEST, [("content-type", "application/x-amz-json-1.1")], body).into_response()
}

async fn put_events(State(bus): State<Arc<Mutex<Bus>>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    let authorization = header("authorization");
    let signed = authorization.starts_with("AWS4-HMAC-SHA256 Credential=")
        && authorization.contains("/events/aws4_request")
        && authorization.contains("Signature=");
    if !signed {
        return error("IncompleteSignature", "not signed with SigV4 for events");
    }
    if header("x-amz-target") != "AWSEvents.PutEvents" {
        return error("InvalidAction", "only PutEvents is played here");
    }
    let entries = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v["Entries"].as_array().cloned());
    let Some(entries) = entries else { return error("ValidationException", "no Entries") };
    if entries.is_empty() || entries.len() > 10 {
        return error("ValidationException", "1 to 10 entries per call");
    }
    let mut bus = bus.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    bus.calls.push(entries.len());
    let mut results = Vec::new();
    let mut failed = 0;
    for entry in entries {
        if bus.refuse > 0 {
            bus.refuse -= 1;
            failed += 1;
            results.push(json!({"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}));
        } else {
            results.push(json!({"EventId": format!("bus-{}", bus.accepted.len() + 1)}));
            bus.accepted.push(entry);
        }
    }
    let body = json!({"FailedEntryCount": failed, "Entries": results}).to_string();
    (StatusCode::OK, [("content-type", "application/x-amz-json-1.1")], body).into_response()
}
