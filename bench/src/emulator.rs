//! A small Lambda Runtime API on loopback: `/2018-06-01/runtime/invocation/next` hands out the
//! events queued with `invoke`, `/response` and `/error` complete them. It notes when the first
//! `next` poll arrives, which is where a function's init ends.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot, Mutex};

struct Pending {
    body: String,
    done: oneshot::Sender<Completion>,
}

/// What a function answered, and when.
#[derive(Debug)]
pub struct Completion {
    pub body: String,
    pub error: bool,
    pub at: Instant,
}

struct Shared {
    queue: Mutex<mpsc::Receiver<Pending>>,
    waiting: Mutex<HashMap<String, oneshot::Sender<Completion>>>,
    first_poll: std::sync::Mutex<Option<Instant>>,
    sequence: AtomicU64,
}

pub struct Emulator {
    pub address: SocketAddr,
    sender: Option<mpsc::Sender<Pending>>,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl Emulator {
    pub async fn start() -> std::io::Result<Emulator> {
        let (sender, receiver) = mpsc::channel(1024);
        let shared = Arc::new(Shared {
            queue: Mutex::new(receiver),
            waiting: Mutex::new(HashMap::new()),
            first_poll: std::sync::Mutex::new(None),
            sequence: AtomicU64::new(0),
        });
        let router = axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Emulator { address, sender: Some(sender), shared, _stop: stop })
    }

    /// When the function first asked for work (the end of its init).
    pub fn first_poll(&self) -> Option<Instant> {
        self.shared.first_poll.lock().ok().and_then(|first| *first)
    }

    /// Waits for the first poll, up to `limit`.
    pub async fn wait_for_init(&self, limit: Duration) -> Option<Instant> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(at) = self.first_poll() {
                return Some(at);
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        None
    }

    /// Queues an event without waiting (for runs that end the function afterwards).
    pub fn enqueue(&self, body: String) -> oneshot::Receiver<Completion> {
        let (done, wait) = oneshot::channel();
        if let Some(sender) = &self.sender {
            let _ = sender.try_send(Pending { body, done });
        }
        wait
    }

    /// Sends one event and waits for the answer; the time is from handing it over to the answer.
    pub async fn invoke(&self, body: String) -> Result<(Completion, Duration), String> {
        let started = Instant::now();
        let wait = self.enqueue(body);
        let completion = tokio::time::timeout(Duration::from_secs(60), wait)
            .await
            .map_err(|_| "the function did not answer within 60 s".to_string())?
            .map_err(|_| "the emulator dropped the invocation".to_string())?;
        let took = completion.at.duration_since(started);
        Ok((completion, took))
    }

    /// No more events: the next poll fails, and lambda_runtime ends the process.
    pub fn close(&mut self) {
        self.sender = None;
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    {
        if let Ok(mut first) = shared.first_poll.lock() {
            first.get_or_insert_with(Instant::now);
        }
    }
    let pending = shared.queue.lock().await.recv().await;
    let Some(pending) = pending else {
        return (StatusCode::INTERNAL_SERVER_ERROR, HeaderMap::new(), "no more events".to_string());
    };
    let id = format!("bench-{}", shared.sequence.fetch_add(1, Ordering::Relaxed));
    shared.waiting.lock().await.insert(id.clone(), pending.done);
    let deadline = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() + 30_000).unwrap_or(0);
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    put("lambda-runtime-aws-request-id", id);
    put("lambda-runtime-deadline-ms", deadline.to_string());
    put("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:000000000000:function:bench".into());
    put("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000;Sampled=0".into());
    put("content-type", "application/json".into());
    (StatusCode::OK, headers, pending.body)
}

async fn complete(shared: &Shared, id: &str, body: Bytes, error: bool) {
    let at = Instant::now();
    if let Some(done) = shared.waiting.lock().await.remove(id) {
        let _ = done.send(Completion { body: String::from_utf8_lossy(&body).to_string(), error, at });
    }
}

async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    complete(&shared, &id, body, false).await;
    StatusCode::ACCEPTED
}

async fn error(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    complete(&shared, &id, body, true).await;
    StatusCode::ACCEPTED
}

async fn init_error(body: Bytes) -> StatusCode {
    eprintln!("init error: {}", String::from_utf8_lossy(&body));
    StatusCode::ACCEPTED
}
