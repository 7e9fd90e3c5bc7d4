//! HTTP plumbing every function shares: the envelope and `serve`, which runs a route; the
//! caller's context (claims from the JWT authorizer); parsing of bodies, paths, queries and
//! headers; the wire views; and the API Gateway event the dev server and the
//! benchmark build.

pub mod bodies;
pub mod callback;
pub mod context;
pub mod event;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod params;
#[cfg(feature = "openapi")]
pub mod rules;
pub mod views;

pub use context::Ctx;

use crate::adapters::metrics;
use crate::adapters::store_time::timed;
use crate::domain::order_no;
use crate::error::{ApiError, Lang};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// A successful answer: status and the `data` of the envelope.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// Already JSON: serialized once, straight into the envelope.
    pub data: Box<RawValue>,
    pub headers: Vec<(&'static str, String)>,
    /// A body outside the envelope and its content type (what payment providers expect back from
    /// a notification); an empty one is sent as no body.
    pub text: Option<(String, &'static str)>,
    /// The order this request was about, for the log line, where the path does not name it.
    pub order_no: Option<String>,
}

impl Reply {
    pub fn ok(data: impl Serialize) -> Result<Reply, ApiError> {
        Reply::with_status(StatusCode::OK, data)
    }

    pub fn created(data: impl Serialize) -> Result<Reply, ApiError> {
        Reply::with_status(StatusCode::CREATED, data)
    }

    pub fn with_status(status: StatusCode, data: impl Serialize) -> Result<Reply, ApiError> {
        let data = serde_json::value::to_raw_value(&data).map_err(|error| ApiError::Internal(error.to_string()))?;
        Ok(Reply { status, data, headers: Vec::new(), text: None, order_no: None })
    }

    /// A plain-text 200, outside the envelope.
    pub fn text(body: impl Into<String>) -> Reply {
        Reply::outside_envelope(StatusCode::OK, body, "text/plain; charset=utf-8")
    }

    /// Any status and body outside the envelope.
    pub fn outside_envelope(status: StatusCode, body: impl Into<String>, content_type: &'static str) -> Reply {
        Reply {
            status,
            data: RawValue::NULL.to_owned(),
            headers: Vec::new(),
            text: Some((body.into(), content_type)),
            order_no: None,
        }
    }

    /// Names the order (or orders, comma-separated) in the request's log line.
    pub fn about(mut self, order_no: impl Into<String>) -> Reply {
        self.order_no = Some(order_no.into());
        self
    }

    /// Names the orders (comma-separated) in the request's log line.
    pub fn about_orders(self, orders: &[crate::domain::order::Order]) -> Reply {
        let numbers: Vec<&str> = orders.iter().map(|order| order.order_no.as_str()).collect();
        self.about(numbers.join(","))
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

/// Runs a route: builds the context, calls `route`, wraps its result in the envelope and writes
/// the request's log line: function, route, status, duration, cold start, request id and the
/// order number where there is one; never the token or the body (which may hold addresses).
pub async fn serve<F, Fut>(request: Request, route: F) -> Response<Body>
where
    F: FnOnce(Ctx, Request) -> Fut,
    Fut: Future<Output = Result<Reply, ApiError>>,
{
    let started = Instant::now();
    let cold_start = FIRST_REQUEST.swap(false, Ordering::Relaxed);
    let ctx = Ctx::from_request(&request);
    let route_key = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.route_key.clone(),
        _ => None,
    }
    .unwrap_or_else(|| format!("{} {}", request.method(), request.raw_http_path()));
    let path_order_no = request
        .path_parameters_ref()
        .and_then(|params| params.first("id"))
        .filter(|id| order_no::is_valid(id))
        .map(str::to_string);
    let lang = ctx.lang;
    let request_id = ctx.request_id.clone();
    let (result, store) = timed(route(ctx, request)).await;
    let line = RequestLine {
        function: function_name(),
        route: &route_key,
        request_id: &request_id,
        order_no: path_order_no.as_deref().or(result.as_ref().ok().and_then(|reply| reply.order_no.as_deref())),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        store_calls: store.calls,
        store_ms: store.millis(),
        store_ops: &store.attempts_field(),
        cold_start,
    };
    match &result {
        Ok(reply) => line.log(reply.status.as_u16(), 0, None),
        Err(error) => {
            if matches!(error, ApiError::Unavailable(_)) {
                metrics::unavailable();
            }
            line.log(error.status().as_u16(), error.code(), Some(error));
        }
    }
    let mut response = match result {
        Ok(reply) => {
            let mut response = match reply.text {
                Some((text, _)) if text.is_empty() => {
                    let mut response = Response::new(Body::Empty);
                    *response.status_mut() = reply.status;
                    response
                }
                Some((text, content_type)) => {
                    let mut response = Response::new(Body::Text(text));
                    *response.status_mut() = reply.status;
                    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                    response
                }
                None => {
                    let envelope = Envelope { code: 0, msg: "ok", data: &reply.data, request_id: &request_id };
                    match serde_json::to_string(&envelope) {
                        Ok(body) => json_text_response(reply.status, body),
                        Err(error) => error_response(&ApiError::Internal(error.to_string()), lang, &request_id),
                    }
                }
            };
            for (name, value) in reply.headers {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().insert(name, value);
                }
            }
            response
        }
        Err(error) => error_response(&error, lang, &request_id),
    };
    add_security_headers(response.headers_mut());
    response
}

/// Headers every answer carries: nothing is cached (lists and details hold names, phones and
/// addresses), content types are not sniffed, and browsers keep to HTTPS.
pub const SECURITY_HEADERS: [(&str, &str); 3] = [
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("strict-transport-security", "max-age=63072000; includeSubDomains"),
];

/// Sets `SECURITY_HEADERS` where the answer has not set its own.
pub fn add_security_headers(headers: &mut lambda_http::http::HeaderMap) {
    for (name, value) in SECURITY_HEADERS {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
}

/// Whether this process has served a request yet: its first is the cold start.
static FIRST_REQUEST: AtomicBool = AtomicBool::new(true);

/// The Lambda function's name (`AWS_LAMBDA_FUNCTION_NAME`); empty elsewhere.
fn function_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_default())
}

/// The fields of a request's log line.
struct RequestLine<'a> {
    function: &'a str,
    route: &'a str,
    request_id: &'a str,
    order_no: Option<&'a str>,
    duration_ms: f64,
    /// DynamoDB attempts made, and how long the request waited for them.
    store_calls: u32,
    store_ms: f64,
    /// Each attempt and its time (`StoreTime::attempts_field`).
    store_ops: &'a str,
    cold_start: bool,
}

impl RequestLine<'_> {
    /// One line per request: `info` when answered or refused, `error` for a fault (500, 503),
    /// whose detail stays here and never reaches the caller.
    fn log(&self, status: u16, code: u32, error: Option<&ApiError>) {
        let RequestLine {
            function, route, request_id, duration_ms, store_calls, store_ms, store_ops, cold_start, ..
        } = *self;
        let order_no = self.order_no.unwrap_or_default();
        match error {
            Some(error @ (ApiError::Internal(_) | ApiError::Unavailable(_))) => tracing::error!(
                function, route, status, code, duration_ms, store_calls, store_ms, store_ops, cold_start, request_id,
                order_no, error = %error, "failed"
            ),
            Some(error) => tracing::info!(
                function, route, status, code, duration_ms, store_calls, store_ms, store_ops, cold_start, request_id,
                order_no, refusal = %error.message(Lang::En), "refused"
            ),
            None => tracing::info!(
                function,
                route,
                status,
                duration_ms,
                store_calls,
                store_ms,
                store_ops,
                cold_start,
                request_id,
                order_no,
                "handled"
            ),
        }
    }
}

/// The envelope of an error, as every route and the dev server answer it.
pub fn error_response(error: &ApiError, lang: Lang, request_id: &str) -> Response<Body> {
    let body = json!({"code": error.code(), "msg": error.message(lang), "data": null, "request_id": request_id});
    let mut response = json_response(error.status(), &body);
    if let Some(seconds) = error.retry_after() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The success envelope; errors build theirs in `error_response`.
#[derive(Serialize)]
struct Envelope<'a> {
    code: u32,
    msg: &'a str,
    data: &'a RawValue,
    request_id: &'a str,
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    json_text_response(status, body.to_string())
}

fn json_text_response(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::http::event::EventBuilder;
    use lambda_http::http::Method;
    use std::sync::{Arc, Mutex};

    /// Collects what the JSON log writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn each_request_writes_one_line_with_its_facts_and_nothing_private() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().json().with_writer(move || writer.clone()).finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let order_no = "202611250000012345";
        let request = || {
            EventBuilder::new(Method::POST, "/api/v1/orders/{id}/cancel", &format!("/api/v1/orders/{order_no}/cancel"))
                .path_params([("id", order_no)])
                .header("authorization", "Bearer secret-token-value")
                .header("content-type", "application/json")
                .body(br#"{"reason": "call 13800000000 at 1 Renmin Rd"}"#)
                .request_id("req-1")
                .into_request()
        };
        serve(request(), |_, _| async { Reply::ok("done") }).await;
        serve(request(), |_, _| async { Err::<Reply, _>(ApiError::Unavailable("table throttled".into())) }).await;

        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("JSON")).collect();
        assert_eq!(lines.len(), 2, "{text}");
        let first = &lines[0]["fields"];
        assert_eq!(first["route"], "POST /api/v1/orders/{id}/cancel");
        assert_eq!((first["status"].as_u64(), first["cold_start"].as_bool()), (Some(200), Some(true)));
        assert_eq!((first["order_no"].as_str(), first["request_id"].as_str()), (Some(order_no), Some("req-1")));
        assert!(first["duration_ms"].as_f64().is_some());
        let second = &lines[1];
        assert_eq!(second["level"], "ERROR");
        assert_eq!((second["fields"]["status"].as_u64(), second["fields"]["code"].as_u64()), (Some(503), Some(10004)));
        assert_eq!(second["fields"]["cold_start"], false);
        for private in ["secret-token-value", "13800000000", "Renmin"] {
            assert!(!text.contains(private), "{private} reached the log: {text}");
        }
    }

    #[test]
    fn errors_keep_the_envelope() {
        let response = error_response(&ApiError::Unavailable("down".into()), Lang::En, "r1");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("1"));
        let Body::Text(text) = response.body() else { panic!("text body") };
        let body: Value = serde_json::from_str(text).expect("json");
        assert_eq!(body["code"], 10004);
        assert_eq!(body["data"], Value::Null);
        assert_eq!(body["request_id"], "r1");
        assert!(!text.contains("down"), "internal detail stays in the log");
    }
}
