//! A stand-in for AWS Secrets Manager's `GetSecretValue` (JSON 1.1 over HTTP), so the functions'
//! real SDK path (`*_SECRET_ARN`) runs in tests: it refuses requests that are not SigV4-signed
//! for the `secretsmanager` service, counts reads per secret, and can be told to throttle.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Secrets {
    values: HashMap<String, String>,
    reads: HashMap<String, u32>,
    /// Requests still to answer with ThrottlingException.
    throttle: u32,
}

/// A running stand-in; `endpoint` goes into `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
#[derive(Clone)]
pub struct StandInSecretsManager {
    pub endpoint: String,
    secrets: Arc<Mutex<Secrets>>,
}

impl StandInSecretsManager {
    pub async fn start() -> StandInSecretsManager {
        let secrets = Arc::new(Mutex::new(Secrets::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("address"));
        let app = Router::new().route("/", post(get_secret_value)).with_state(secrets.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        StandInSecretsManager { endpoint, secrets }
    }

    /// Stores `value` under `arn` (a name works too).
    pub fn put(&self, arn: &str, value: &str) {
        self.lock().values.insert(arn.to_string(), value.to_string());
    }

    /// How often `arn` was read (answered or not).
    pub fn reads(&self, arn: &str) -> u32 {
        self.lock().reads.get(arn).copied().unwrap_or(0)
    }

    /// The next `count` requests are throttled.
    pub fn throttle_next(&self, count: u32) {
        self.lock().throttle = count;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Secrets> {
        self.secrets.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({"__type": kind, "message": message}).to_string();
    (status, [("content-type", "application/x-amz-json-1.1")], body).into_response()
}

async fn get_secret_value(State(secrets): State<Arc<Mutex<Secrets>>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    let authorization = header("authorization");
    let signed = authorization.starts_with("AWS4-HMAC-SHA256 Credential=")
        && authorization.contains("/secretsmanager/aws4_request")
        && authorization.contains("Signature=");
    if !signed {
        return error(StatusCode::BAD_REQUEST, "IncompleteSignature", "not signed with SigV4 for secretsmanager");
    }
    if header("x-amz-target") != "secretsmanager.GetSecretValue" {
        return error(StatusCode::BAD_REQUEST, "InvalidAction", "only GetSecretValue is played here");
    }
    let Some(id) = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v["SecretId"].as_str().map(str::to_string))
    else {
        return error(StatusCode::BAD_REQUEST, "InvalidParameterException", "no SecretId");
    };
    let mut secrets = secrets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    *secrets.reads.entry(id.clone()).or_default() += 1;
    if secrets.throttle > 0 {
        secrets.throttle -= 1;
        return error(StatusCode::BAD_REQUEST, "ThrottlingException", "Rate exceeded");
    }
    match secrets.values.get(&id) {
        Some(value) => {
            let body = json!({"ARN": id, "Name": id, "SecretString": value, "VersionId": "v1",
                "VersionStages": ["AWSCURRENT"], "CreatedDate": 1.7e9})
            .to_string();
            (StatusCode::OK, [("content-type", "application/x-amz-json-1.1")], body).into_response()
        }
        None => error(
            StatusCode::BAD_REQUEST,
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret.",
        ),
    }
}
