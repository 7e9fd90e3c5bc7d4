//! HTTP plumbing every function shares: the envelope and `serve`, which runs a route; the
//! caller's context (claims from the JWT authorizer); parsing of bodies, paths, queries and
//! headers; the wire views; list cursors; and the API Gateway event the dev server and the
//! benchmark build.

pub mod bodies;
pub mod context;
pub mod cursor;
pub mod event;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod params;
pub mod views;

pub use context::Ctx;

use crate::error::{ApiError, Lang};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::future::Future;

/// A successful answer: status and the `data` of the envelope.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// Already JSON: serialized once, straight into the envelope.
    pub data: Box<RawValue>,
    pub headers: Vec<(&'static str, String)>,
    /// A plain-text body instead of the envelope (for payment providers, which expect `success`).
    pub text: Option<String>,
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
        Ok(Reply { status, data, headers: Vec::new(), text: None })
    }

    /// A plain-text 200, outside the envelope.
    pub fn text(body: impl Into<String>) -> Reply {
        Reply { status: StatusCode::OK, data: RawValue::NULL.to_owned(), headers: Vec::new(), text: Some(body.into()) }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

/// Runs a route: builds the context, calls `route`, wraps its result in the envelope and logs
/// the outcome (never the token or the body, which may hold addresses).
pub async fn serve<F, Fut>(request: Request, route: F) -> Response<Body>
where
    F: FnOnce(Ctx, Request) -> Fut,
    Fut: Future<Output = Result<Reply, ApiError>>,
{
    let ctx = Ctx::from_request(&request);
    let method = request.method().clone();
    let path = request.raw_http_path().to_string();
    let lang = ctx.lang;
    let request_id = ctx.request_id.clone();
    let result = route(ctx, request).await;
    match &result {
        Ok(reply) => {
            tracing::info!(%request_id, %method, %path, status = reply.status.as_u16(), "handled")
        }
        Err(error @ (ApiError::Internal(_) | ApiError::Unavailable(_))) => {
            tracing::error!(%request_id, %method, %path, code = error.code(), error = %error, "failed")
        }
        Err(error) => {
            tracing::info!(%request_id, %method, %path, code = error.code(), "refused: {}", error.message(Lang::En))
        }
    }
    match result {
        Ok(reply) => {
            let mut response = match reply.text {
                Some(text) => {
                    let mut response = Response::new(Body::Text(text));
                    response
                        .headers_mut()
                        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
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
