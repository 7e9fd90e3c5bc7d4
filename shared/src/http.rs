//! HTTP plumbing shared by every function: the envelope, claims from the JWT authorizer, the
//! request id, body and query parsing.

use crate::error::{ApiError, Lang};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::future::Future;

/// Bodies above this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Buyer,
    Seller,
    Admin,
}

/// Who is calling, as the API Gateway HTTP API JWT authorizer passed it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub user_id: String,
    pub role: Role,
    pub seller_id: Option<String>,
}

impl Claims {
    /// Reads `sub`, `role` (default buyer) and `seller_id` from the authorizer context.
    pub fn from_request(request: &Request) -> Option<Claims> {
        let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref() else {
            return None;
        };
        let claims = &context.authorizer.as_ref()?.jwt.as_ref()?.claims;
        let user_id = claims.get("sub").filter(|sub| !sub.is_empty())?.clone();
        let role = match claims.get("role").map(String::as_str) {
            None | Some("") | Some("buyer") => Role::Buyer,
            Some("seller") => Role::Seller,
            Some("admin") => Role::Admin,
            Some(_) => return None,
        };
        let seller_id = claims.get("seller_id").filter(|id| !id.is_empty()).cloned();
        Some(Claims { user_id, role, seller_id })
    }
}

/// Per-request facts every handler needs.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub request_id: String,
    pub lang: Lang,
    claims: Option<Claims>,
}

impl Ctx {
    pub fn from_request(request: &Request) -> Ctx {
        let request_id = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
            _ => None,
        }
        .or_else(|| request.lambda_context_ref().map(|context| context.request_id.clone()))
        .unwrap_or_default();
        let lang = Lang::from_accept_language(
            request.headers().get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()),
        );
        Ctx { request_id, lang, claims: Claims::from_request(request) }
    }

    pub fn claims(&self) -> Result<&Claims, ApiError> {
        self.claims.as_ref().ok_or(ApiError::Unauthorized)
    }

    /// The caller's buyer id; buyers only.
    pub fn buyer(&self) -> Result<&str, ApiError> {
        let claims = self.claims()?;
        match claims.role {
            Role::Buyer => Ok(&claims.user_id),
            _ => Err(ApiError::Forbidden { needed: "buyer" }),
        }
    }

    /// Admins only.
    pub fn admin(&self) -> Result<&str, ApiError> {
        let claims = self.claims()?;
        match claims.role {
            Role::Admin => Ok(&claims.user_id),
            _ => Err(ApiError::Forbidden { needed: "admin" }),
        }
    }

    /// The caller's shop id; sellers with a `seller_id` claim only.
    pub fn seller(&self) -> Result<&str, ApiError> {
        let claims = self.claims()?;
        match (claims.role, &claims.seller_id) {
            (Role::Seller, Some(seller_id)) => Ok(seller_id),
            _ => Err(ApiError::Forbidden { needed: "seller" }),
        }
    }
}

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

/// Parses a JSON body into `T`, naming the offending field on failure.
pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let bytes: &[u8] = match request.body() {
        Body::Empty => b"",
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => b"",
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::invalid("body", format!("must be at most {MAX_BODY_BYTES} bytes")));
    }
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid("body", format!("malformed JSON: {inner}"))
        } else {
            let field = if path == "." { "body".to_string() } else { path };
            ApiError::invalid(field, strip_position(&inner.to_string()))
        }
    })?;
    deserializer.end().map_err(|error| ApiError::invalid("body", format!("malformed JSON: {error}")))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 20"; the field name already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// A path parameter that the route template guarantees.
pub fn path_param(request: &Request, name: &str) -> Result<String, ApiError> {
    request
        .path_parameters_ref()
        .and_then(|params| params.first(name))
        .map(str::to_string)
        .ok_or_else(|| ApiError::invalid(name, "is required in the path"))
}

/// A query parameter, if present and not empty.
pub fn query_param(request: &Request, name: &str) -> Option<String> {
    request
        .query_string_parameters_ref()
        .and_then(|params| params.first(name))
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// A header as text, if present.
pub fn header_value(request: &Request, name: &str) -> Option<String> {
    request.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn request(claims: Option<serde_json::Value>, body: &str) -> Request {
        let mut context = json!({
            "http": {"method": "POST", "path": "/api/v1/orders", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "t"},
            "requestId": "req-1", "routeKey": "POST /api/v1/orders", "stage": "$default", "timeEpoch": 0
        });
        if let Some(claims) = claims {
            context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
        }
        let event = json!({
            "version": "2.0", "routeKey": "POST /api/v1/orders", "rawPath": "/api/v1/orders", "rawQueryString": "",
            "headers": {"accept-language": "zh-CN"}, "requestContext": context, "body": body, "isBase64Encoded": false
        });
        lambda_http::request::from_str(&event.to_string()).expect("a v2 event")
    }

    #[test]
    fn claims_come_from_the_jwt_authorizer_context() {
        let buyer = Ctx::from_request(&request(Some(json!({"sub": "u1"})), ""));
        assert_eq!(buyer.buyer(), Ok("u1"), "role defaults to buyer");
        assert_eq!(buyer.request_id, "req-1");
        assert_eq!(buyer.lang, Lang::ZhCn);
        assert_eq!(buyer.seller(), Err(ApiError::Forbidden { needed: "seller" }));

        let seller = Ctx::from_request(&request(Some(json!({"sub": "u2", "role": "seller", "seller_id": "shop"})), ""));
        assert_eq!(seller.seller(), Ok("shop"));
        assert_eq!(seller.buyer(), Err(ApiError::Forbidden { needed: "buyer" }));

        let seller_without_shop = Ctx::from_request(&request(Some(json!({"sub": "u3", "role": "seller"})), ""));
        assert!(seller_without_shop.seller().is_err());
        let unknown_role = Ctx::from_request(&request(Some(json!({"sub": "u4", "role": "root"})), ""));
        assert_eq!(unknown_role.claims(), Err(ApiError::Unauthorized));
        let anonymous = Ctx::from_request(&request(None, ""));
        assert_eq!(anonymous.buyer(), Err(ApiError::Unauthorized));
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        count: u32,
    }

    #[test]
    fn body_errors_name_the_field() {
        let field_of = |body: &str| match json_body::<Sample>(&request(None, body)) {
            Err(ApiError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        };
        assert_eq!(field_of(r#"{"count": "x"}"#), "count");
        assert_eq!(field_of(r#"{"count": 1"#), "body");
        assert_eq!(field_of("[1]"), "body");
        assert_eq!(field_of(""), "body");
        assert_eq!(field_of(r#"{"count": 1} trailing"#), "body");
        assert!(json_body::<Sample>(&request(None, r#"{"count": 3}"#)).is_ok());
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
