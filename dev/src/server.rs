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
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
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
    let route_key = format!("{method} {}", route.path);
    let parts = EventParts {
        method: &method,
        route_key: &route_key,
        path: &path,
        raw_query: &raw_query,
        headers: &headers,
        params: &params,
        claims: claims.as_ref(),
        body: &body,
        request_id: &request_id,
    };
    let event = event(&parts);
    // Serialized and parsed back as Lambda would receive it, so lambda_http reads exactly what
    // API Gateway would send.
    let lambda_request = match serde_json::to_string(&event)
        .map_err(|error| error.to_string())
        .and_then(|text| lambda_http::request::from_str(&text).map_err(|error| error.to_string()))
    {
        Ok(request) => request,
        Err(error) => {
            let error = ApiError::Internal(format!("event: {error}"));
            return into_axum(error_response(&error, lang, &request_id));
        }
    };
    into_axum((route.handler)(state.app.clone(), lambda_request).await)
}

struct EventParts<'a> {
    method: &'a str,
    route_key: &'a str,
    path: &'a str,
    raw_query: &'a str,
    headers: &'a BTreeMap<String, String>,
    params: &'a [(String, String)],
    claims: Option<&'a HashMap<String, String>>,
    body: &'a [u8],
    request_id: &'a str,
}

/// An API Gateway HTTP API payload 2.0 event, as AWS would send it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpApiEvent<'a> {
    version: &'static str,
    route_key: &'a str,
    raw_path: &'a str,
    raw_query_string: &'a str,
    headers: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    query_string_parameters: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    path_parameters: BTreeMap<&'a str, &'a str>,
    request_context: RequestContext<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Cow<'a, str>>,
    is_base64_encoded: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestContext<'a> {
    account_id: &'static str,
    api_id: &'static str,
    domain_name: &'static str,
    domain_prefix: &'static str,
    http: HttpDescription<'a>,
    request_id: &'a str,
    route_key: &'a str,
    stage: &'static str,
    time_epoch: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorizer: Option<Authorizer<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpDescription<'a> {
    method: &'a str,
    path: &'a str,
    protocol: &'static str,
    source_ip: &'static str,
    user_agent: &'a str,
}

#[derive(Serialize)]
struct Authorizer<'a> {
    jwt: JwtAuthorizer<'a>,
}

#[derive(Serialize)]
struct JwtAuthorizer<'a> {
    claims: &'a HashMap<String, String>,
    scopes: Option<Vec<String>>,
}

fn event<'a>(parts: &'a EventParts<'a>) -> HttpApiEvent<'a> {
    let mut query: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in serde_urlencoded::from_str::<Vec<(String, String)>>(parts.raw_query).unwrap_or_default() {
        // API Gateway joins repeated parameters with commas.
        query
            .entry(name)
            .and_modify(|existing| {
                existing.push(',');
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    let (body, is_base64_encoded) = match std::str::from_utf8(parts.body) {
        Ok(text) => (Cow::Borrowed(text), false),
        Err(_) => {
            use base64::Engine;
            (Cow::Owned(base64::engine::general_purpose::STANDARD.encode(parts.body)), true)
        }
    };
    let time_epoch =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    HttpApiEvent {
        version: "2.0",
        route_key: parts.route_key,
        raw_path: parts.path,
        raw_query_string: parts.raw_query,
        headers: parts.headers,
        query_string_parameters: query,
        path_parameters: parts.params.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect(),
        request_context: RequestContext {
            account_id: "000000000000",
            api_id: "local",
            domain_name: "127.0.0.1",
            domain_prefix: "local",
            http: HttpDescription {
                method: parts.method,
                path: parts.path,
                protocol: "HTTP/1.1",
                source_ip: "127.0.0.1",
                user_agent: parts.headers.get("user-agent").map(String::as_str).unwrap_or_default(),
            },
            request_id: parts.request_id,
            route_key: parts.route_key,
            stage: "$default",
            time_epoch,
            authorizer: parts.claims.map(|claims| Authorizer { jwt: JwtAuthorizer { claims, scopes: None } }),
        },
        body: (!parts.body.is_empty()).then_some(body),
        is_base64_encoded,
    }
}
