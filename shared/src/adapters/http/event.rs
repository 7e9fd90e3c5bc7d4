//! The API Gateway HTTP API (payload 2.0) event a function receives, as `aws_lambda_events`
//! defines it. The dev server builds one per request, the benchmark and the tests build theirs
//! here too, so every caller hands a function exactly what API Gateway would.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription, ApiGatewayV2httpRequest,
};
use lambda_http::http::header::{HeaderName, HeaderValue};
use lambda_http::http::{HeaderMap, Method};
use lambda_http::request::LambdaRequest;
use std::collections::HashMap;

/// Builds one event. Start with `new`, add what the request has, then `build` (the event, e.g. to
/// serialize for a Lambda runtime) or `into_request` (what `lambda_http` hands a handler).
#[derive(Debug, Clone)]
pub struct EventBuilder {
    event: ApiGatewayV2httpRequest,
}

impl EventBuilder {
    /// A request for the route `route_path` (e.g. `/api/v1/orders/{id}`) at `raw_path`.
    pub fn new(method: Method, route_path: &str, raw_path: &str) -> EventBuilder {
        let route_key = format!("{method} {route_path}");
        let mut event = ApiGatewayV2httpRequest::default();
        event.version = Some("2.0".into());
        event.route_key = Some(route_key.clone());
        event.raw_path = Some(raw_path.into());
        event.raw_query_string = Some(String::new());
        let context = &mut event.request_context;
        context.route_key = Some(route_key);
        context.account_id = Some("000000000000".into());
        context.apiid = Some("local".into());
        context.domain_name = Some("127.0.0.1".into());
        context.domain_prefix = Some("local".into());
        context.stage = Some("$default".into());
        context.time_epoch =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        context.http.method = method;
        context.http.path = Some(raw_path.into());
        context.http.protocol = Some("HTTP/1.1".into());
        context.http.source_ip = Some("127.0.0.1".into());
        EventBuilder { event }
    }

    /// The query string as sent (percent-encoded); API Gateway passes it as `rawQueryString`.
    pub fn query(mut self, raw_query: &str) -> EventBuilder {
        self.event.query_string_parameters = raw_query.parse().unwrap_or_default();
        self.event.raw_query_string = Some(raw_query.to_string());
        self
    }

    pub fn headers(mut self, headers: HeaderMap) -> EventBuilder {
        self.event.request_context.http.user_agent =
            headers.get("user-agent").and_then(|value| value.to_str().ok()).map(str::to_string);
        self.event.headers = headers;
        self
    }

    /// One header; a name or value HTTP does not allow is left out.
    pub fn header(mut self, name: &str, value: &str) -> EventBuilder {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::from_str(value)) {
            self.event.headers.append(name, value);
        }
        self
    }

    pub fn path_params<K: Into<String>, V: Into<String>>(
        mut self,
        params: impl IntoIterator<Item = (K, V)>,
    ) -> EventBuilder {
        self.event.path_parameters = params.into_iter().map(|(name, value)| (name.into(), value.into())).collect();
        self
    }

    /// The claims a JWT authorizer verified (every value a string, as API Gateway passes them).
    pub fn claims(mut self, claims: HashMap<String, String>) -> EventBuilder {
        let mut jwt = ApiGatewayRequestAuthorizerJwtDescription::default();
        jwt.claims = claims;
        let mut authorizer = ApiGatewayRequestAuthorizer::default();
        authorizer.jwt = Some(jwt);
        self.event.request_context.authorizer = Some(authorizer);
        self
    }

    /// The body; bytes that are not UTF-8 travel base64-encoded, as API Gateway sends them.
    pub fn body(mut self, bytes: &[u8]) -> EventBuilder {
        if bytes.is_empty() {
            self.event.body = None;
            self.event.is_base64_encoded = false;
            return self;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                self.event.body = Some(text.to_string());
                self.event.is_base64_encoded = false;
            }
            Err(_) => {
                self.event.body = Some(STANDARD.encode(bytes));
                self.event.is_base64_encoded = true;
            }
        }
        self
    }

    pub fn request_id(mut self, request_id: &str) -> EventBuilder {
        self.event.request_context.request_id = Some(request_id.into());
        self
    }

    pub fn build(self) -> ApiGatewayV2httpRequest {
        self.event
    }

    /// The request `lambda_http` would hand a handler for this event.
    pub fn into_request(self) -> lambda_http::Request {
        lambda_http::Request::from(LambdaRequest::ApiGatewayV2(self.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::RequestExt;

    #[test]
    fn the_built_event_reads_back_like_one_from_api_gateway() {
        let builder = EventBuilder::new(Method::GET, "/api/v1/orders/{id}", "/api/v1/orders/42")
            .query("status=paid&status=closed&product_name=%E8%8C%B6%20cup")
            .header("accept-language", "zh-CN")
            .path_params([("id", "42")])
            .claims(HashMap::from([("sub".to_string(), "u1".to_string())]))
            .request_id("r1");
        let direct = builder.clone().into_request();
        let text = serde_json::to_string(&builder.build()).expect("serializes");
        let parsed = lambda_http::request::from_str(&text).expect("parses as a v2 event");
        for request in [direct, parsed] {
            assert_eq!(request.method(), Method::GET);
            assert_eq!(request.uri().path(), "/api/v1/orders/42");
            let query = request.query_string_parameters();
            assert_eq!(query.all("status"), Some(vec!["paid", "closed"]));
            assert_eq!(query.first("product_name"), Some("茶 cup"), "decoded once");
            assert_eq!(request.path_parameters().first("id"), Some("42"));
            assert_eq!(request.headers().get("accept-language").unwrap(), "zh-CN");
        }
    }

    #[test]
    fn a_body_that_is_not_text_travels_base64() {
        let request = EventBuilder::new(Method::POST, "/x", "/x").body(&[0xff, 0x00, 0x01]).into_request();
        assert_eq!(request.body().as_ref(), &[0xff, 0x00, 0x01]);
        let request = EventBuilder::new(Method::POST, "/x", "/x").body(b"{}").into_request();
        assert_eq!(request.body().as_ref(), b"{}");
    }
}
