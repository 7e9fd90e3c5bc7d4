//! A webhook receiver on the dev server, so a whole event flow runs on a laptop: `POST
//! /dev/webhook-inbox` answers 204 and keeps what it got (headers and body, the last 200);
//! `POST /dev/webhook-inbox/flaky` answers 503 to the first two attempts of each `webhook-id`
//! and 204 to the third (a receiver that fails twice); `GET /dev/webhook-inbox` lists what
//! arrived, newest first. It checks nothing: checking signatures is the receiver's job, which
//! the walkthrough does with the `standardwebhooks` package.

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const PATH: &str = "/dev/webhook-inbox";
const KEPT: usize = 200;
/// Attempts the flaky receiver refuses per event before it takes one.
const FLAKY_FAILURES: u32 = 2;

/// One POST the inbox received.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    /// The path and query it was sent to (a query tells receivers apart).
    pub path: String,
    pub status: u16,
    pub webhook_id: String,
    pub webhook_timestamp: String,
    pub webhook_signature: String,
    pub body: String,
}

#[derive(Debug, Default)]
pub struct Inbox {
    received: Mutex<Vec<Received>>,
    attempts: Mutex<HashMap<String, u32>>,
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_string()
}

impl Inbox {
    pub fn new() -> Arc<Inbox> {
        Arc::new(Inbox::default())
    }

    /// Everything received, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|received| received.clone()).unwrap_or_default()
    }

    fn keep(&self, path: &str, status: StatusCode, headers: &HeaderMap, body: String) {
        let received = Received {
            path: path.to_string(),
            status: status.as_u16(),
            webhook_id: header(headers, "webhook-id"),
            webhook_timestamp: header(headers, "webhook-timestamp"),
            webhook_signature: header(headers, "webhook-signature"),
            body,
        };
        if let Ok(mut all) = self.received.lock() {
            all.push(received);
            let excess = all.len().saturating_sub(KEPT);
            all.drain(..excess);
        }
    }

    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route(PATH, post(take).get(list))
            .route(&format!("{PATH}/flaky"), post(take_third))
            .with_state(self)
    }
}

async fn take(State(inbox): State<Arc<Inbox>>, uri: OriginalUri, headers: HeaderMap, body: String) -> StatusCode {
    inbox.keep(&uri.0.to_string(), StatusCode::NO_CONTENT, &headers, body);
    StatusCode::NO_CONTENT
}

async fn take_third(State(inbox): State<Arc<Inbox>>, uri: OriginalUri, headers: HeaderMap, body: String) -> StatusCode {
    let id = header(&headers, "webhook-id");
    let attempt = match inbox.attempts.lock() {
        Ok(mut attempts) => {
            let count = attempts.entry(id).or_default();
            *count += 1;
            *count
        }
        Err(_) => FLAKY_FAILURES + 1,
    };
    let status = if attempt <= FLAKY_FAILURES { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::NO_CONTENT };
    inbox.keep(&uri.0.to_string(), status, &headers, body);
    status
}

async fn list(State(inbox): State<Arc<Inbox>>) -> axum::Json<Vec<Received>> {
    let mut received = inbox.received();
    received.reverse();
    axum::Json(received)
}
