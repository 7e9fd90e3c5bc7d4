//! Every JSON request body, and how each becomes domain values. Field rules live in the domain
//! types these convert into (`Address::validate`, `Sku::validate`) or here where a body is the
//! only place a value comes from.

mod address;
mod after_sales;
mod cart;
mod catalog;
mod defaults;
mod freight;
mod fulfilment;
mod members;
mod orders;
mod webhooks;

pub use address::AddressBody;
pub use after_sales::{
    ApplyRefundBody, ApproveRefundBody, ConfirmReturnBody, RefundLineBody, RejectRefundBody, ReturnShipmentBody,
};
pub use cart::CartItemBody;
pub use catalog::{PutSkuBody, SkuPut, StockAdjustmentBody};
pub use freight::{FreightTemplateBody, RegionFeeBody};
pub use fulfilment::{ShipBody, TrackingEventBody};
pub use members::{CounterShardsBody, GrantPointsBody, MemberLevelBody, MembershipBody, PointsPasswordBody};
pub use orders::{CreateOrderBody, ItemBody, PaymentBody, ReasonBody, ReviewBody};
pub use webhooks::WebhookBody;

use crate::error::ApiError;
use lambda_http::http::header::CONTENT_TYPE;
use lambda_http::{Body, Request};
use serde::de::DeserializeOwned;

/// Bodies above this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(request: &Request) -> bool {
    let Some(value) = request.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let media_type = value.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case("application/json")
}

/// Parses a JSON body into `T`, naming the offending field on failure. A body sent as anything
/// but `application/json` is 415.
pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    if !request.body().is_empty() && !is_json(request) {
        return Err(ApiError::UnsupportedMediaType);
    }
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

/// An optional JSON body: empty, or JSON `null`, means the default.
pub fn optional_body<T: Default + DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let is_null = || match request.body() {
        Body::Text(text) => text.trim() == "null",
        Body::Binary(bytes) => bytes.trim_ascii() == b"null",
        _ => false,
    };
    if request.body().is_empty() || (is_null() && is_json(request)) {
        Ok(T::default())
    } else {
        json_body(request)
    }
}

/// serde_json appends " at line 1 column 20"; the field name already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::http::event::EventBuilder;
    use lambda_http::http::Method;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        count: u32,
    }

    fn request(body: &str) -> Request {
        EventBuilder::new(Method::POST, "/x", "/x")
            .header("content-type", "application/json")
            .body(body.as_bytes())
            .into_request()
    }

    #[test]
    fn a_body_that_is_not_json_is_refused_with_415() {
        let plain = EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "text/plain").body(b"{}");
        let missing = EventBuilder::new(Method::POST, "/x", "/x").body(b"{\"count\": 1}");
        for builder in [plain, missing] {
            let error = json_body::<Sample>(&builder.into_request()).unwrap_err();
            assert_eq!((error.status().as_u16(), error.code()), (415, 10005));
        }
        let charset = EventBuilder::new(Method::POST, "/x", "/x")
            .header("content-type", "Application/JSON; charset=utf-8")
            .body(b"{\"count\": 1}");
        assert!(json_body::<Sample>(&charset.into_request()).is_ok());
        let empty = EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "text/plain");
        assert!(optional_body::<ReasonBody>(&empty.into_request()).is_ok(), "no body, nothing to refuse");
        let null =
            EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "application/json").body(b" null ");
        assert!(optional_body::<ReasonBody>(&null.into_request()).is_ok(), "an optional body may be null");
        let null_as_text =
            EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "text/plain").body(b"null");
        let error = optional_body::<ReasonBody>(&null_as_text.into_request()).unwrap_err();
        assert_eq!(error.status().as_u16(), 415);
    }

    #[test]
    fn body_errors_name_the_field() {
        let field_of = |body: &str| match json_body::<Sample>(&request(body)) {
            Err(ApiError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        };
        assert_eq!(field_of(r#"{"count": "x"}"#), "count");
        assert_eq!(field_of(r#"{"count": 1"#), "body");
        assert_eq!(field_of("[1]"), "body");
        assert_eq!(field_of(""), "body");
        assert_eq!(field_of(r#"{"count": 1} trailing"#), "body");
        assert!(json_body::<Sample>(&request(r#"{"count": 3}"#)).is_ok());
    }
}
