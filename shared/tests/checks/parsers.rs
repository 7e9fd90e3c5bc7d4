//! Every request parser on arbitrary input: bodies (bytes and JSON of any shape), query strings,
//! path parameters, headers and claims, and cursors. None may panic; each answers a value or an
//! `ApiError`. `PROPTEST_CASES` sets the cases per property (CI runs the default, 512).

use orders_shared::adapters::cursor::{self, CursorKey};
use orders_shared::adapters::http::bodies::{
    json_body, optional_body, AddressBody, CreateOrderBody, GrantPointsBody, PaymentBody, PutSkuBody, ReasonBody,
    ReviewBody, ShipBody, StockAdjustmentBody, TrackingEventBody,
};
use orders_shared::adapters::http::event::EventBuilder;
use orders_shared::adapters::http::params::{id_param, idempotency_key, list_filter, order_no_param};
use orders_shared::adapters::http::Ctx;
use orders_shared::domain::time::Timestamp;
use orders_shared::lambda_http::http::Method;
use orders_shared::lambda_http::Request;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::HashMap;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(512);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// JSON of any shape, with the field names the bodies use so the interesting paths are reached.
fn json() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "items",
        "sku_id",
        "quantity",
        "address",
        "address_id",
        "remark",
        "order_type",
        "points_to_use",
        "from_cart",
        "name",
        "phone",
        "province",
        "city",
        "district",
        "detail",
        "is_default",
        "price",
        "stock",
        "points_price",
        "channel",
        "carrier_code",
        "carrier_name",
        "tracking_no",
        "at",
        "description",
        "location",
        "reason",
        "comment",
        "buyer_id",
        "points",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        ".{0,40}".prop_map(Value::from),
        prop::sample::select(vec!["12.34", "0.00", "points", "standard", "alipay", "2026-01-01T00:00:00Z", "tea"])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(names.clone().prop_map(str::to_string), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// The names the lists read, and others.
fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "limit",
        "status",
        "order_no",
        "ids",
        "product_name",
        "created_from",
        "created_to",
        "cursor",
        "buyer_id",
        "x",
    ])
    .prop_map(str::to_string)
}

/// Every byte percent-encoded.
fn percent(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

fn with_body(bytes: &[u8]) -> Request {
    EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "application/json").body(bytes).into_request()
}

/// Every body type, parsed and turned into domain values as its handler does.
fn parse_every_body(request: &Request) {
    let now = Timestamp::now();
    if let Ok(body) = json_body::<CreateOrderBody>(request) {
        let _ = body.into_checkout();
    }
    if let Ok(body) = json_body::<AddressBody>(request) {
        let _ = body.into_address("");
    }
    if let Ok(put) = json_body::<PutSkuBody>(request).and_then(|body| body.into_put("sku", "shop")) {
        let _ = put.listing.validate();
    }
    if let Ok(body) = json_body::<StockAdjustmentBody>(request) {
        let _ = body.validated();
    }
    if let Ok(body) = json_body::<PaymentBody>(request) {
        let _ = body.choice();
    }
    if let Ok(body) = json_body::<ShipBody>(request) {
        let _ = body.into_action(now, 10);
    }
    if let Ok(body) = json_body::<TrackingEventBody>(request) {
        let _ = body.into_event(now);
    }
    if let Ok(body) = optional_body::<ReasonBody>(request) {
        let _ = body.reason();
    }
    if let Ok(body) = optional_body::<ReviewBody>(request) {
        let _ = body.into_action();
    }
    if let Ok(body) = json_body::<GrantPointsBody>(request) {
        let _ = body.validated();
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_as_a_body(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_every_body(&with_body(&bytes));
    }

    #[test]
    fn arbitrary_json_as_a_body(value in json()) {
        parse_every_body(&with_body(value.to_string().as_bytes()));
    }

    #[test]
    fn arbitrary_queries_paths_and_headers(
        pairs in prop::collection::vec((name(), ".{0,60}"), 0..8),
        raw_pairs in prop::collection::vec((prop::collection::vec(any::<u8>(), 0..20), prop::collection::vec(any::<u8>(), 0..60)), 0..6),
        path_value in ".{0,80}",
        key in prop::collection::vec(any::<u8>(), 0..300),
        header in ".{0,100}",
    ) {
        // What reaches a function is a valid URI query (API Gateway passes it percent-encoded).
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &pairs {
            query.append_pair(name, value);
        }
        let query = query.finish();
        let raw_query: Vec<String> = raw_pairs
            .iter()
            .map(|(name, value)| format!("{}={}", percent(name), percent(value)))
            .collect();
        let raw_query = raw_query.join("&");
        for query in [query.as_str(), raw_query.as_str()] {
            let request = EventBuilder::new(Method::GET, "/x/{id}", "/x/1")
                .query(query)
                .path_params([("id", path_value.as_str()), ("sku_id", path_value.as_str())])
                // API Gateway sets Host and X-Forwarded-Proto itself (lambda_http needs them to
                // form a URL); the caller's own headers are arbitrary.
                .header("host", "api.example.com")
                .header("accept-language", &header)
                .header("content-type", &header)
                .into_request();
            let _ = list_filter(&request);
            let _ = order_no_param(&request);
            let _ = id_param(&request, "sku_id");
            let _ = id_param(&request, "missing");
            let _ = Ctx::from_request(&request);
        }
        if let Ok(value) = orders_shared::lambda_http::http::HeaderValue::from_bytes(&key) {
            let mut request = EventBuilder::new(Method::POST, "/x", "/x").into_request();
            request.headers_mut().insert("idempotency-key", value);
            let _ = idempotency_key(&request);
        }
    }

    #[test]
    fn arbitrary_claims(sub in ".{0,300}", role in ".{0,20}", seller in ".{0,200}") {
        let claims = HashMap::from([("sub".to_string(), sub), ("role".to_string(), role), ("seller_id".to_string(), seller)]);
        let request = EventBuilder::new(Method::GET, "/x", "/x").claims(claims).into_request();
        let ctx = Ctx::from_request(&request);
        let _ = (ctx.buyer().is_ok(), ctx.seller().is_ok(), ctx.admin().is_ok());
    }

    #[test]
    fn arbitrary_cursors(text in ".{0,400}", bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let key = CursorKey::from_secret(&"k".repeat(32)).expect("a key");
        let scope = cursor::scope("buyer:a", "");
        for cursor in [text, String::from_utf8_lossy(&bytes).to_string()] {
            prop_assert!(cursor::decode(&key, &cursor, &scope, &["PK", "SK"], 1_800_000_000).is_err());
        }
    }
}
