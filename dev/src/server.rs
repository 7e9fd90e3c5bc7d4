//! The local API Gateway: an axum router built from template.yaml's HttpApi events; each route
//! verifies the bearer token like the HTTP API's JWT authorizer, builds the HTTP API v2.0 event
//! and hands the request to the function's handler as `lambda_http` would.

use crate::auth;
use crate::handlers::{self, Handler};
use crate::template::{self, Cors, TemplateRoute};
use axum::body::to_bytes;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, State};
use axum::http::{HeaderName, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{on, MethodFilter};
use orders_shared::error::{ApiError, Lang};
use orders_shared::http::event::EventBuilder;
use orders_shared::http::openapi;
use orders_shared::http::{add_security_headers, error_response};
use orders_shared::lambda_http::{self, Body};
use orders_shared::App;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// API Gateway's own payload limit.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

pub struct DevState {
    pub app: App,
    pub jwt_secret: String,
    /// How long a request's body may take to arrive (a body shorter than its Content-Length
    /// would otherwise hold the connection forever): then 400.
    pub body_timeout: std::time::Duration,
    counter: AtomicU64,
}

/// `DevState::body_timeout` unless changed.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl DevState {
    pub fn new(app: App, jwt_secret: impl Into<String>) -> Arc<DevState> {
        DevState::with_body_timeout(app, jwt_secret, BODY_TIMEOUT)
    }

    pub fn with_body_timeout(
        app: App,
        jwt_secret: impl Into<String>,
        body_timeout: std::time::Duration,
    ) -> Arc<DevState> {
        Arc::new(DevState { app, jwt_secret: jwt_secret.into(), body_timeout, counter: AtomicU64::new(0) })
    }

    fn next_request_id(&self) -> String {
        format!("dev-{}-{}", std::process::id(), self.counter.fetch_add(1, Ordering::Relaxed))
    }
}

/// One deployed route and the function behind it.
struct Target {
    path: String,
    needs_token: bool,
    handler: Handler,
}

/// The router for template.yaml's routes; anything else is the envelope's 404.
pub fn router(state: Arc<DevState>, routes: &[TemplateRoute]) -> Result<axum::Router, String> {
    let mut router = axum::Router::new();
    for route in routes {
        let handler = handlers::handler(&route.function).ok_or_else(|| {
            format!("template.yaml routes {} {} to {}, which has no handler", route.method, route.path, route.function)
        })?;
        let method = route.method.parse::<axum::http::Method>().map_err(|e| format!("{}: {e}", route.method))?;
        let filter = MethodFilter::try_from(method).map_err(|e| format!("{}: {e}", route.method))?;
        let target = Arc::new(Target { path: route.path.clone(), needs_token: route.needs_token, handler });
        router = router.route(
            &route.path,
            on(filter, move |state, params, request| dispatch(state, target.clone(), params, request)),
        );
    }
    let router = router
        .route("/api/v1/openapi.json", axum::routing::get(openapi_json))
        .route("/api/v1/docs", axum::routing::get(docs_page))
        .route("/api/v1/docs/{file}", axum::routing::get(docs_asset));
    Ok(router.fallback(not_found).method_not_allowed_fallback(not_found).with_state(state))
}

/// The OpenAPI description, built from the code.
async fn openapi_json() -> axum::response::Response {
    match openapi::openapi_json() {
        Ok(json) => ([(axum::http::header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => into_axum(error_response(&error, Lang::En, "openapi")),
    }
}

/// What the docs page may load: its own scripts and styles (Swagger UI sets inline styles) and
/// the description; nothing else, and it is never framed.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// A browsable description: Swagger UI from the npm package `make tools` installs (no network).
async fn docs_page() -> axum::response::Response {
    let page = axum::response::Html(
        r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order service API</title>
<link rel="stylesheet" href="/api/v1/docs/swagger-ui.css"></head>
<body><div id="ui">If nothing shows, run <code>make tools</code> (Swagger UI) or read <a href="/api/v1/openapi.json">openapi.json</a>.</div>
<script src="/api/v1/docs/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/init.js"></script>
</body></html>"##,
    );
    ([(axum::http::header::CONTENT_SECURITY_POLICY, DOCS_CSP)], page).into_response()
}

/// Starts Swagger UI (a file of its own, so the page's policy allows no inline script).
const DOCS_INIT: &str =
    r##"window.onload = () => { window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#ui" }); };"##;

/// Swagger UI's files, from `.tools/node_modules/swagger-ui-dist`.
async fn docs_asset(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    const FILES: [(&str, &str); 3] = [
        ("swagger-ui.css", "text/css"),
        ("swagger-ui-bundle.js", "application/javascript"),
        ("favicon-32x32.png", "image/png"),
    ];
    if file == "init.js" {
        return ([(axum::http::header::CONTENT_TYPE, "application/javascript")], DOCS_INIT).into_response();
    }
    let Some((name, content_type)) = FILES.iter().find(|(name, _)| *name == file) else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let path = crate::repo_root().map(|root| root.join(".tools/node_modules/swagger-ui-dist").join(name));
    match path.map(std::fs::read) {
        Ok(Ok(bytes)) => ([(axum::http::header::CONTENT_TYPE, *content_type)], bytes).into_response(),
        _ => (axum::http::StatusCode::NOT_FOUND, "Swagger UI is not installed: run `make tools`").into_response(),
    }
}

/// The variable that lists the origins browsers may call the dev server from (comma-separated);
/// unset, template.yaml's `AllowedOrigins` default.
pub const ALLOWED_ORIGINS_VARIABLE: &str = "ORDERS_DEV_ALLOWED_ORIGINS";

/// CORS as template.yaml configures the HTTP API: preflights answered without a token.
pub fn cors_layer(cors: &Cors) -> Result<CorsLayer, String> {
    let parse_all = |names: &[String], what: &str| -> Result<Vec<HeaderName>, String> {
        names.iter().map(|name| name.parse().map_err(|_| format!("{what} {name:?} is not a header name"))).collect()
    };
    let methods = cors
        .methods
        .iter()
        .map(|method| method.parse::<axum::http::Method>().map_err(|_| format!("{method:?} is not a method")))
        .collect::<Result<Vec<_>, _>>()?;
    let origins = match std::env::var(ALLOWED_ORIGINS_VARIABLE) {
        Ok(list) if !list.trim().is_empty() => list.split(',').map(|origin| origin.trim().to_string()).collect(),
        _ => cors.origins.clone(),
    };
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        let values = origins
            .iter()
            .map(|origin| HeaderValue::from_str(origin).map_err(|_| format!("{ALLOWED_ORIGINS_VARIABLE}: {origin:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(values)
    };
    Ok(CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods(methods)
        .allow_headers(parse_all(&cors.headers, "AllowHeaders")?)
        .expose_headers(parse_all(&cors.expose_headers, "ExposeHeaders")?)
        .max_age(std::time::Duration::from_secs(cors.max_age_seconds)))
}

/// Serves template.yaml's routes until `shutdown` resolves.
/// `extra` routes (a stand-in payment gateway) are served beside the API.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<DevState>,
    extra: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let template = template::load(&crate::template_path()?)?;
    let router = extra
        .merge(router(state, &template::routes(&template))?)
        .layer(cors_layer(&template::cors(&template)?)?)
        .layer(axum::middleware::map_response(secured));
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await.map_err(|error| error.to_string())
}

/// Every answer of the dev server carries the functions' security headers.
async fn secured(mut response: axum::response::Response) -> axum::response::Response {
    add_security_headers(response.headers_mut());
    response
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

fn lang_of(request: &axum::extract::Request) -> Lang {
    Lang::from_accept_language(request.headers().get("accept-language").and_then(|v| v.to_str().ok()))
}

async fn not_found(State(state): State<Arc<DevState>>, request: axum::extract::Request) -> axum::response::Response {
    let route = format!("{} {}", request.method(), request.uri().path());
    into_axum(error_response(&ApiError::not_found("route", route), lang_of(&request), &state.next_request_id()))
}

async fn dispatch(
    State(state): State<Arc<DevState>>,
    target: Arc<Target>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let request_id = state.next_request_id();
    let lang = lang_of(&request);
    let refuse = |error: ApiError| into_axum(error_response(&error, lang, &request_id));
    let path = request.uri().path().to_string();
    let Ok(params) = params else {
        return refuse(ApiError::not_found("route", path));
    };
    let params: Vec<(String, String)> =
        params.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
    // API Gateway tells the function the scheme the client used; here it is plain HTTP (so
    // start-payment's default notify URL is http://127.0.0.1:<port>/...).
    let mut headers = request.headers().clone();
    headers.entry("x-forwarded-proto").or_insert(HeaderValue::from_static("http"));
    let mut event = EventBuilder::new(request.method().clone(), &target.path, &path)
        .query(request.uri().query().unwrap_or_default())
        .headers(headers)
        .path_params(params)
        .request_id(&request_id);
    if target.needs_token {
        let authorization = request.headers().get("authorization").and_then(|v| v.to_str().ok());
        match auth::verify(&state.jwt_secret, authorization) {
            Some(claims) => event = event.claims(claims),
            None => return refuse(ApiError::Unauthorized),
        }
    }
    let body = match tokio::time::timeout(state.body_timeout, to_bytes(request.into_body(), MAX_PAYLOAD_BYTES)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return refuse(ApiError::invalid("body", format!("must be at most {MAX_PAYLOAD_BYTES} bytes"))),
        Err(_) => {
            let waited = state.body_timeout.as_secs_f64();
            return refuse(ApiError::invalid(
                "body",
                format!("did not arrive in {waited} s (shorter than its Content-Length?)"),
            ));
        }
    };
    let request = event.body(&body).into_request();
    into_axum((target.handler)(state.app.clone(), request).await)
}
