//! The `events/` samples: an HTTP API v2.0 event per function (the schedules get EventBridge's
//! scheduled event), as the JWT authorizer hands them over, each naming data the demo shop has
//! (`seed`), so that `cargo lambda invoke --data-file events/<function>.json` against `make dev`'s
//! DynamoDB Local answers 2xx on a fresh `.data/`. A sample meant to show an error is named for it
//! (`<function>--<what>.json`). `make events` writes them; a test runs every handler with its
//! sample and fails when a file differs from what this module makes.

use crate::seed::{
    demo_order_no, DEMO_ADDRESS, DEMO_ADDRESS_TO_DELETE, DEMO_ADMIN, DEMO_BUYER, DEMO_DELIVERY, DEMO_SELLER,
    DEMO_SELLER_USER, DEMO_WEBHOOK, DEMO_WEBHOOK_TO_DELETE,
};
use notifications::{alipay_notification, lianlian_notification, wxpay_notification};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

mod notifications;
mod stream;

/// One sample: its file name, the function it is for, and the status it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub file: String,
    pub function: &'static str,
    /// `None` for a scheduled function (it answers no HTTP status).
    pub status: Option<u16>,
    pub text: String,
}

/// Who sends a sample: the claims API Gateway's JWT authorizer puts in the event.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Public,
    Buyer,
    Seller,
    Admin,
}

/// An HTTP request, before it becomes an event.
struct Request {
    function: &'static str,
    method: &'static str,
    route: &'static str,
    params: Vec<(&'static str, String)>,
    query: &'static str,
    caller: Caller,
    body: Option<String>,
    content_type: &'static str,
    /// Headers beyond the usual ones (a provider's signature headers).
    headers: Vec<(&'static str, String)>,
}

fn request(function: &'static str, method: &'static str, route: &'static str, caller: Caller) -> Request {
    Request {
        function,
        method,
        route,
        params: Vec::new(),
        query: "",
        caller,
        body: None,
        content_type: "application/json",
        headers: Vec::new(),
    }
}

impl Request {
    fn param(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.params.push((name, value.into()));
        self
    }

    /// The demo order this function's sample acts on, as `{id}`.
    fn order(self) -> Request {
        let order_no = demo_order_no(self.function).unwrap_or_else(|| panic!("no demo order for {}", self.function));
        self.param("id", order_no)
    }

    fn json(mut self, body: Value) -> Request {
        self.body = Some(body.to_string());
        self
    }

    fn query(mut self, query: &'static str) -> Request {
        self.query = query;
        self
    }

    fn event(&self) -> Value {
        let mut path = self.route.to_string();
        for (name, value) in &self.params {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        let route_key = format!("{} {}", self.method, self.route);
        let mut headers = json!({"accept": "application/json", "host": "api.example.com", "user-agent": "curl/8.5.0",
            "x-forwarded-proto": "https"});
        if self.body.is_some() {
            headers["content-type"] = json!(self.content_type);
        }
        for (name, value) in &self.headers {
            headers[name.to_ascii_lowercase()] = json!(value);
        }
        let claims = match self.caller {
            Caller::Public => None,
            Caller::Buyer => Some(json!({"sub": DEMO_BUYER, "role": "buyer"})),
            Caller::Seller => Some(json!({"sub": DEMO_SELLER_USER, "role": "seller", "seller_id": DEMO_SELLER})),
            Caller::Admin => Some(json!({"sub": DEMO_ADMIN, "role": "admin"})),
        };
        if claims.is_some() {
            headers["authorization"] = json!("Bearer <verified by the HTTP API's JWT authorizer>");
        }
        let mut context = json!({
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "api.example.com",
            "domainPrefix": "api",
            "http": {"method": self.method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10",
                "userAgent": "curl/8.5.0"},
            "requestId": format!("{}-sample", self.function),
            "routeKey": route_key,
            "stage": "$default",
            "time": "25/Nov/2026:03:00:00 +0000",
            "timeEpoch": 1795575600000u64,
        });
        if let Some(mut claims) = claims {
            claims["iss"] = json!("https://issuer.example.com");
            claims["exp"] = json!("1900000000");
            context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
        }
        let mut event = json!({
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": path,
            "rawQueryString": self.query,
            "headers": headers,
            "requestContext": context,
            "isBase64Encoded": false,
        });
        if !self.params.is_empty() {
            let params: BTreeMap<&str, &str> =
                self.params.iter().map(|(name, value)| (*name, value.as_str())).collect();
            event["pathParameters"] = json!(params);
        }
        if !self.query.is_empty() {
            let pairs: BTreeMap<String, String> = form_urlencoded::parse(self.query.as_bytes()).into_owned().collect();
            event["queryStringParameters"] = json!(pairs);
        }
        if let Some(body) = &self.body {
            event["body"] = json!(body);
        }
        event
    }
}

fn scheduled(function: &'static str) -> Value {
    json!({
        "version": "0",
        "id": format!("{function}-sample"),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-11-25T03:00:00Z",
        "region": "us-east-1",
        "resources": [format!("arn:aws:events:us-east-1:123456789012:rule/orders-{function}")],
        "detail": {},
    })
}

/// A request to the demo webhook endpoint's route `/api/v1/seller/webhooks/{endpoint_id}<tail>`.
fn webhook_request(function: &'static str, method: &'static str, tail: &'static str) -> Request {
    let route = match tail {
        "" => "/api/v1/seller/webhooks/{endpoint_id}",
        "/rotate-secret" => "/api/v1/seller/webhooks/{endpoint_id}/rotate-secret",
        "/test" => "/api/v1/seller/webhooks/{endpoint_id}/test",
        _ => "/api/v1/seller/webhooks/{endpoint_id}/deliveries",
    };
    request(function, method, route, Caller::Seller).param("endpoint_id", DEMO_WEBHOOK)
}

/// Every sample, in file-name order.
pub fn samples() -> Result<Vec<Sample>, String> {
    use Caller::*;
    let address = json!({"name": "Li Lei", "phone": "13800000000", "province": "Sichuan", "city": "Chengdu",
        "district": "Wuhou", "detail": "1 Renmin Rd"});
    let mut moved_address = address.clone();
    moved_address["detail"] = json!("8 Jinli St");
    moved_address["is_default"] = json!(true);
    let webhook = json!({"url": "http://127.0.0.1:3000/dev/webhook-inbox", "event_types": ["order.*", "refund.*"],
        "description": "Warehouse"});
    let mut notify = request("alipay-notify", "POST", "/api/v1/payments/alipay/notify", Public);
    notify.body = Some(alipay_notification()?);
    notify.content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let ok = |request: Request, status: u16| (request.function.to_string(), request, status);
    let http = vec![
        ok(
            request("add-tracking-event", "POST", "/api/v1/seller/orders/{id}/tracking-events", Seller)
                .order()
                .json(json!({"description": "Arrived at the Chengdu hub", "location": "Chengdu"})),
            201,
        ),
        ok(
            request("apply-refund", "POST", "/api/v1/orders/{id}/refund", Buyer).order().json(json!({
                "type": "refund_only", "reason": "The tin arrived dented", "remark": "The tea inside is fine",
                "amount": "20.00", "vouchers": ["https://example.com/img/dented-tin.jpg"]})),
            201,
        ),
        ok(request("approve-refund", "POST", "/api/v1/seller/orders/{id}/refund/approve", Seller).order(), 200),
        ok(
            request("confirm-return", "POST", "/api/v1/seller/orders/{id}/refund/confirm-return", Seller)
                .order()
                .json(json!({"restock": true})),
            200,
        ),
        ok(
            request("get-return-address", "GET", "/api/v1/merchants/{seller_id}/return-address", Buyer)
                .param("seller_id", DEMO_SELLER),
            200,
        ),
        ok(
            request("put-return-address", "PUT", "/api/v1/seller/return-address", Seller).json(json!({
                "name": "Demo tea shop returns", "phone": "02800000000", "province": "Sichuan", "city": "Chengdu",
                "district": "Jinjiang", "detail": "8 Warehouse Rd, dock 3"})),
            200,
        ),
        ok(
            request("reject-refund", "POST", "/api/v1/seller/orders/{id}/refund/reject", Seller)
                .order()
                .json(json!({"reason": "The photo shows a different tin"})),
            200,
        ),
        ok(request("retry-payout", "POST", "/api/v1/seller/orders/{id}/refund/retry-payout", Seller).order(), 200),
        ok(
            request("ship-return", "POST", "/api/v1/orders/{id}/refund/return-shipment", Buyer).order().json(json!({
                "carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF9876543210",
                "vouchers": ["https://example.com/img/parcel.jpg"]})),
            200,
        ),
        ok(request("withdraw-refund", "DELETE", "/api/v1/orders/{id}/refund", Buyer).order(), 200),
        ok(
            request("delete-cart-item", "DELETE", "/api/v1/cart/items/{sku_id}", Buyer).param("sku_id", "tray-bamboo"),
            200,
        ),
        ok(
            request("delete-freight-template", "DELETE", "/api/v1/seller/freight-templates/{template_id}", Seller)
                .param("template_id", "old-rates"),
            200,
        ),
        ok(request("empty-cart", "DELETE", "/api/v1/cart", Buyer), 200),
        ok(request("get-cart", "GET", "/api/v1/cart", Buyer), 200),
        ok(request("get-me", "GET", "/api/v1/me", Buyer), 200),
        ok(
            request("get-shipping-fee", "GET", "/api/v1/shipping-fee", Buyer)
                .query("seller_id=shop-demo&template_id=standard&province=Sichuan&quantity=3"),
            200,
        ),
        ok(request("list-freight-templates", "GET", "/api/v1/seller/freight-templates", Seller), 200),
        ok(
            request("put-cart-item", "PUT", "/api/v1/cart/items/{sku_id}", Buyer)
                .param("sku_id", "cup-celadon")
                .json(json!({"quantity": 3, "selected": true})),
            200,
        ),
        ok(
            request("put-freight-template", "PUT", "/api/v1/seller/freight-templates/{template_id}", Seller)
                .param("template_id", "express")
                .json(json!({"name": "Express", "from_province": "Zhejiang", "first_units": 1, "first_fee": "18.00",
                    "additional_units": 1, "additional_fee": "8.00", "regions": [{"provinces": ["Xinjiang", "Tibet"],
                    "first_fee": "30.00", "additional_fee": "15.00"}], "excluded_provinces": ["Hong Kong"]})),
            200,
        ),
        ok(
            request("put-member", "PUT", "/api/v1/admin/members/{buyer_id}", Admin)
                .param("buyer_id", DEMO_BUYER)
                .json(json!({"level": "gold"})),
            200,
        ),
        ok(
            request("put-member-level", "PUT", "/api/v1/admin/member-levels/{level}", Admin)
                .param("level", "silver")
                .json(json!({"name": "Silver", "discount_percent": 2})),
            200,
        ),
        ok(
            request("put-shop-counter-shards", "PUT", "/api/v1/admin/shops/{seller_id}/counter-shards", Admin)
                .param("seller_id", DEMO_SELLER)
                .json(json!({"counter_shards": 16})),
            200,
        ),
        ok(
            request("quote-order", "POST", "/api/v1/orders/quote", Buyer).json(json!({
                "items": [{"sku_id": "tea-longjing-250g", "quantity": 2}, {"sku_id": "pot-yixing", "quantity": 1}],
                "address_id": DEMO_ADDRESS, "benefit": "discount"})),
            200,
        ),
        ok(
            request("adjust-stock", "POST", "/api/v1/seller/skus/{sku_id}/stock-adjustments", Seller)
                .param("sku_id", "tea-longjing-250g")
                .json(json!({"delta": 20, "reason": "Delivery from the farm"})),
            200,
        ),
        ok(notify, 200),
        ok(
            request("cancel-order", "POST", "/api/v1/orders/{id}/cancel", Buyer)
                .order()
                .json(json!({"reason": "Ordered the wrong size"})),
            200,
        ),
        ok(request("confirm-receipt", "POST", "/api/v1/orders/{id}/receipt", Buyer).order(), 200),
        ok(request("create-address", "POST", "/api/v1/addresses", Buyer).json(address.clone()), 201),
        ok(
            request("create-order", "POST", "/api/v1/orders", Buyer).json(json!({
            "items": [{"sku_id": "tea-longjing-250g", "quantity": 2}],
            "address_id": DEMO_ADDRESS, "remark": "Please ring twice"})),
            201,
        ),
        ok(
            request("delete-address", "DELETE", "/api/v1/addresses/{address_id}", Buyer)
                .param("address_id", DEMO_ADDRESS_TO_DELETE),
            200,
        ),
        ok(request("delete-order", "DELETE", "/api/v1/orders/{id}", Buyer).order(), 200),
        ok(
            request("get-address", "GET", "/api/v1/addresses/{address_id}", Buyer).param("address_id", DEMO_ADDRESS),
            200,
        ),
        ok(request("get-logistics", "GET", "/api/v1/orders/{id}/logistics", Buyer).order(), 200),
        ok(request("get-order", "GET", "/api/v1/orders/{id}", Buyer).order(), 200),
        (
            "get-order--not-found".to_string(),
            request("get-order", "GET", "/api/v1/orders/{id}", Buyer).param("id", "176400000000099999"),
            404,
        ),
        ok(request("get-order-counts", "GET", "/api/v1/order-counts", Buyer), 200),
        ok(request("get-payment", "GET", "/api/v1/orders/{id}/payment", Buyer).order(), 200),
        ok(request("get-points", "GET", "/api/v1/points", Buyer), 200),
        ok(
            request("get-seller-order", "GET", "/api/v1/seller/orders/{id}", Seller)
                .param("id", demo_order_no("get-order").unwrap_or_default()),
            200,
        ),
        ok(request("get-seller-order-counts", "GET", "/api/v1/seller/order-counts", Seller), 200),
        ok(
            request("get-seller-sku", "GET", "/api/v1/seller/skus/{sku_id}", Seller)
                .param("sku_id", "tea-longjing-250g"),
            200,
        ),
        ok(request("get-sku", "GET", "/api/v1/skus/{sku_id}", Public).param("sku_id", "tea-longjing-250g"), 200),
        ok(
            request("grant-points", "POST", "/api/v1/admin/points", Admin)
                .json(json!({"buyer_id": DEMO_BUYER, "points": 500, "reason": "Welcome gift"})),
            200,
        ),
        ok(request("list-addresses", "GET", "/api/v1/addresses", Buyer), 200),
        ok(request("list-orders", "GET", "/api/v1/orders", Buyer).query("status=pending_payment&limit=10"), 200),
        ok(request("list-seller-orders", "GET", "/api/v1/seller/orders", Seller).query("status=paid&limit=10"), 200),
        ok(
            request("put-sku", "PUT", "/api/v1/seller/skus/{sku_id}", Seller).param("sku_id", "cup-celadon").json(
                json!({
            "name": "Celadon tea cup", "properties": "colour:green", "pic": "https://example.com/img/cup-celadon.jpg",
            "price": "39.90", "stock": 60}),
            ),
            200,
        ),
        ok(
            request("review-order", "POST", "/api/v1/orders/{id}/review", Buyer)
                .order()
                .json(json!({"comment": "Fresh and fragrant"})),
            200,
        ),
        ok(
            request("seller-close-order", "POST", "/api/v1/seller/orders/{id}/close", Seller)
                .order()
                .json(json!({"reason": "The buyer asked by phone"})),
            200,
        ),
        ok(
            request("set-points-password", "PUT", "/api/v1/points/password", Buyer).json(json!({"password": "246810"})),
            200,
        ),
        ok(
            request("ship-order", "POST", "/api/v1/seller/orders/{id}/ship", Seller)
                .order()
                .json(json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF1234567890"})),
            200,
        ),
        ok(
            request("start-payment", "POST", "/api/v1/orders/{id}/payments", Buyer)
                .order()
                .json(json!({"channel": "alipay"})),
            200,
        ),
        ok(
            request("update-address", "PUT", "/api/v1/addresses/{address_id}", Buyer)
                .param("address_id", DEMO_ADDRESS)
                .json(moved_address),
            200,
        ),
        // Signed at a fixed time: refused as stale when sent (see `wxpay_notification`).
        ok(wxpay_notification("wxpay-notify", "TRANSACTION.SUCCESS", "transaction")?, 400),
        ok(wxpay_notification("wxpay-refund-notify", "REFUND.SUCCESS", "refund")?, 400),
        ok(lianlian_notification("lianlian-notify")?, 200),
        ok(request("list-webhooks", "GET", "/api/v1/seller/webhooks", Seller), 200),
        ok(request("create-webhook", "POST", "/api/v1/seller/webhooks", Seller).json(webhook.clone()), 201),
        ok(webhook_request("get-webhook", "GET", ""), 200),
        ok(webhook_request("update-webhook", "PUT", "").json(webhook), 200),
        ok(
            request("delete-webhook", "DELETE", "/api/v1/seller/webhooks/{endpoint_id}", Seller)
                .param("endpoint_id", DEMO_WEBHOOK_TO_DELETE),
            200,
        ),
        ok(webhook_request("rotate-webhook-secret", "POST", "/rotate-secret"), 200),
        ok(webhook_request("test-webhook", "POST", "/test"), 200),
        ok(webhook_request("list-webhook-deliveries", "GET", "/deliveries").query("status=failed&limit=10"), 200),
        ok(
            request(
                "retry-webhook-delivery",
                "POST",
                "/api/v1/seller/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry",
                Seller,
            )
            .param("endpoint_id", DEMO_WEBHOOK)
            .param("delivery_id", DEMO_DELIVERY),
            200,
        ),
        // No such refund of that order: refused, changing nothing.
        ok(lianlian_notification("lianlian-refund-notify")?, 400),
    ];
    let mut samples: Vec<Sample> = http
        .into_iter()
        .map(|(file, request, status)| Sample {
            file: format!("{file}.json"),
            function: request.function,
            status: Some(status),
            text: pretty(&request.event()),
        })
        .collect();
    for function in [
        "after-sales-timers",
        "auto-confirm-receipt",
        "close-expired-orders",
        "deliver-webhooks",
        "retry-refund-payouts",
    ] {
        samples.push(Sample {
            file: format!("{function}.json"),
            function,
            status: None,
            text: pretty(&scheduled(function)),
        });
    }
    samples.push(Sample {
        file: "publish-order-events.json".into(),
        function: "publish-order-events",
        status: None,
        text: pretty(&stream::stream_event()?),
    });
    samples.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(samples)
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// Writes every sample into `dir` and removes files no sample has.
pub fn write_all(dir: &Path) -> Result<usize, String> {
    let samples = samples()?;
    std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    for entry in std::fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))? {
        let path = entry.map_err(|error| error.to_string())?.path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
        if name.ends_with(".json") && !samples.iter().any(|sample| sample.file == name) {
            std::fs::remove_file(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        }
    }
    for sample in &samples {
        let path = dir.join(&sample.file);
        std::fs::write(&path, &sample.text).map_err(|error| format!("{}: {error}", path.display()))?;
    }
    Ok(samples.len())
}
