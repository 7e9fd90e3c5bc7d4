//! The local API Gateway: matches the route, verifies the bearer token like the HTTP API's JWT
//! authorizer, turns the request into an HTTP API v2.0 event and hands it to the function's
//! handler through lambda_http's own event parsing.

use crate::auth;
use crate::routes::{self, Route};
use axum::body::to_bytes;
use axum::extract::State;
use orders_shared::error::{ApiError, Lang};
use orders_shared::http::error_response;
use orders_shared::lambda_http::{self, Body};
use orders_shared::runtime::App;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// API Gateway's own payload limit.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

pub struct DevState {
    pub app: App,
    pub jwt_secret: String,
    pub routes: Vec<Route>,
    counter: AtomicU64,
}

impl DevState {
    pub fn new(app: App, jwt_secret: impl Into<String>) -> Arc<DevState> {
        Arc::new(DevState { app, jwt_secret: jwt_secret.into(), routes: routes::table(), counter: AtomicU64::new(0) })
    }
}

pub fn router(state: Arc<DevState>) -> axum::Router {
    axum::Router::new().fallback(dispatch).with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<DevState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}

fn into_axum(response: lambda_http::Response<Body>) -> axum::response::Response {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Text(text) => text.into_bytes(),
        Body::Binary(bytes) => bytes,
        _ => Vec::new(),
    };
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn dispatch(State(state): State<Arc<DevState>>, request: axum::extract::Request) -> axum::response::Response {
    let sequence = state.counter.fetch_add(1, Ordering::Relaxed);
    let request_id = format!("dev-{}-{sequence}", std::process::id());
    let lang = Lang::from_accept_language(request.headers().get("accept-language").and_then(|v| v.to_str().ok()));
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let raw_query = request.uri().query().unwrap_or_default().to_string();

    let matched = state.routes.iter().find_map(|route| {
        (route.method == method).then(|| routes::match_path(route.path, &path)).flatten().map(|params| (route, params))
    });
    let Some((route, params)) = matched else {
        return into_axum(error_response(&ApiError::not_found("route", format!("{method} {path}")), lang, &request_id));
    };

    let claims = if route.needs_token {
        let authorization = request.headers().get("authorization").and_then(|v| v.to_str().ok());
        match auth::verify(&state.jwt_secret, authorization) {
            Some(claims) => Some(claims),
            None => return into_axum(error_response(&ApiError::Unauthorized, lang, &request_id)),
        }
    } else {
        None
    };

    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in request.headers() {
        let value = String::from_utf8_lossy(value.as_bytes()).to_string();
        headers
            .entry(name.as_str().to_string())
            .and_modify(|existing| {
                existing.push(',');
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    let body = match to_bytes(request.into_body(), MAX_PAYLOAD_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let error = ApiError::invalid("body", format!("must be at most {MAX_PAYLOAD_BYTES} bytes"));
            return into_axum(error_response(&error, lang, &request_id));
        }
    };
    let event = event(&EventParts {
        method: &method,
        route_path: route.path,
        path: &path,
        raw_query: &raw_query,
        headers: &headers,
        params: &params,
        claims: claims.as_ref(),
        body: &body,
        request_id: &request_id,
    });
    let lambda_request = match serde_json::from_value::<lambda_http::request::LambdaRequest>(event) {
        Ok(request) => lambda_http::Request::from(request),
        Err(error) => {
            let error = ApiError::Internal(format!("event: {error}"));
            return into_axum(error_response(&error, lang, &request_id));
        }
    };
    into_axum((route.handler)(state.app.clone(), lambda_request).await)
}

struct EventParts<'a> {
    method: &'a str,
    route_path: &'a str,
    path: &'a str,
    raw_query: &'a str,
    headers: &'a BTreeMap<String, String>,
    params: &'a [(String, String)],
    claims: Option<&'a std::collections::HashMap<String, String>>,
    body: &'a [u8],
    request_id: &'a str,
}

/// An API Gateway HTTP API payload 2.0 event, as AWS would send it.
fn event(parts: &EventParts<'_>) -> Value {
    let route_key = format!("{} {}", parts.method, parts.route_path);
    let mut query: Map<String, Value> = Map::new();
    for (name, value) in serde_urlencoded::from_str::<Vec<(String, String)>>(parts.raw_query).unwrap_or_default() {
        // API Gateway joins repeated parameters with commas.
        match query.get_mut(&name) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            _ => {
                query.insert(name, Value::String(value));
            }
        }
    }
    let params: Map<String, Value> =
        parts.params.iter().map(|(name, value)| (name.clone(), Value::String(value.clone()))).collect();
    let (body, base64) = match std::str::from_utf8(parts.body) {
        Ok(text) => (text.to_string(), false),
        Err(_) => {
            use base64::Engine;
            (base64::engine::general_purpose::STANDARD.encode(parts.body), true)
        }
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let mut context = json!({
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": "127.0.0.1",
        "domainPrefix": "local",
        "http": {
            "method": parts.method,
            "path": parts.path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": parts.headers.get("user-agent").cloned().unwrap_or_default(),
        },
        "requestId": parts.request_id,
        "routeKey": route_key,
        "stage": "$default",
        "timeEpoch": now,
    });
    if let Some(claims) = parts.claims {
        context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
    }
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.path,
        "rawQueryString": parts.raw_query,
        "headers": parts.headers,
        "requestContext": context,
        "isBase64Encoded": base64,
    });
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(query);
    }
    if !params.is_empty() {
        event["pathParameters"] = Value::Object(params);
    }
    if !parts.body.is_empty() {
        event["body"] = Value::String(body);
    }
    event
}
