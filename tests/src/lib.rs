//! Test harness: a fresh table (created from template.yaml) on the DynamoDB Local that
//! `make test` started, and the dev server on a free loopback port in front of it, so every
//! test goes through HTTP, the JWT check and lambda_http's event parsing like a real client.

use aws_sdk_dynamodb::config::SharedInterceptor;
use faults::FaultInjector;
use orders_dev::alipay_gateway::{self, StandInGateway};
use orders_dev::wxpay_gateway::{self, StandInKeys, StandInWxpay};
use orders_dev::{alipay_keys, local_db, wxpay_keys};
use orders_dev::{auth, server, template, template_path};
use orders_shared::adapters::alipay::AlipayConfig;
use orders_shared::adapters::config::Config;
use orders_shared::adapters::metrics::CountRetries;
use orders_shared::adapters::store::CallCounter;
use orders_shared::adapters::wxpay::ApiV3Key;
use orders_shared::App;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub mod faults;
pub mod secrets_manager;

pub use orders_dev::alipay_keys::DEV_APP_ID;
pub use orders_shared::adapters::crypto::SigningKey;
pub use reqwest::{Method, StatusCode};

/// The secret the test dev server verifies tokens with.
pub const SECRET: &str = "integration-test-secret";

/// The DynamoDB Local endpoint `make test` exports.
pub fn dynamodb_endpoint() -> String {
    std::env::var("ORDERS_TEST_DYNAMODB_ENDPOINT").unwrap_or_else(|_| {
        panic!("ORDERS_TEST_DYNAMODB_ENDPOINT is not set: run the integration tests with `make test`, which starts DynamoDB Local")
    })
}

fn unique_table() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!("t{}x{}x{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), rand::random::<u32>())
}

pub struct TestApi {
    pub base: String,
    pub http: reqwest::Client,
    pub app: App,
    /// Every DynamoDB round trip the app makes, by operation.
    pub calls: CallCounter,
    /// The stand-in Alipay gateway refunds go to (when Alipay is configured).
    pub gateway: Option<Arc<StandInGateway>>,
    /// The stand-in WeChat Pay gateway (always configured).
    pub wxpay: Arc<StandInWxpay>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A response: status, headers, and the parsed envelope.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(-1)
    }

    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
}

/// The test merchant's WeChat Pay key: one per test process (generating one takes a while).
fn wxpay_merchant_key() -> SigningKey {
    static PEM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let pem = PEM.get_or_init(|| SigningKey::generate().and_then(|key| key.to_pem()).expect("a merchant key"));
    SigningKey::from_text(pem).expect("the merchant key")
}

/// WeChat Pay settings for an API at `base`, and the stand-in gateway they call (the committed
/// stand-in WeChat Pay key signs its answers and notifications).
fn wxpay_stand_in(base: &str) -> (orders_shared::adapters::wxpay::WxpayConfig, Arc<StandInWxpay>) {
    let merchant = wxpay_merchant_key();
    let keys = StandInKeys {
        mch_id: wxpay_keys::DEV_MCH_ID.into(),
        mch_serial_no: wxpay_keys::DEV_MCH_SERIAL_NO.into(),
        merchant_public_key: merchant.verifying_key().expect("public key"),
        wxpay_key: wxpay_keys::stand_in_wxpay_key().expect("stand-in key"),
        wxpay_key_id: wxpay_keys::DEV_PUBLIC_KEY_ID.into(),
        apiv3_key: ApiV3Key::from_text(wxpay_keys::DEV_APIV3_KEY).expect("APIv3 key"),
    };
    let notify_url = format!("{base}/api/v1/payments/wxpay/notify");
    let wxpay_key = wxpay_keys::stand_in_wxpay_key().expect("stand-in key");
    let config = wxpay_keys::config(merchant, &wxpay_key, Some(notify_url))
        .expect("settings")
        .with_gateway(format!("{base}{}", wxpay_gateway::PREFIX), Duration::from_millis(400));
    (config, StandInWxpay::new(keys))
}

/// A second copy of a key (keys are not `Clone`).
fn copy_key(key: &SigningKey) -> SigningKey {
    SigningKey::from_text(&key.to_pem().expect("pem")).expect("the same key")
}

impl TestApi {
    /// A new table on the shared DynamoDB Local and a dev server in front of it.
    pub async fn start() -> TestApi {
        TestApi::start_on(&dynamodb_endpoint()).await
    }

    pub async fn start_on(endpoint: &str) -> TestApi {
        TestApi::start_with(endpoint, |_| {}, None).await
    }

    /// A test API with Alipay configured by a fresh key pair; the returned key signs as Alipay.
    pub async fn start_with_alipay(configure: impl FnOnce(&mut Config)) -> (TestApi, SigningKey) {
        let (alipay, alipay_key) =
            alipay_keys::generate(Some("https://shop.example.com/notify".into())).expect("generated keys");
        let gateway_key = copy_key(&alipay_key);
        let api =
            TestApi::start_with_interceptors(&dynamodb_endpoint(), configure, Some((alipay, gateway_key)), None).await;
        (api, alipay_key)
    }

    /// A test API with Alipay whose DynamoDB calls go through `faults` (which starts with none).
    pub async fn start_with_faults(faults: &FaultInjector) -> (TestApi, SigningKey) {
        TestApi::start_with_faults_and(faults, |_| {}).await
    }

    /// `start_with_faults`, with the configuration changed by `configure`.
    pub async fn start_with_faults_and(
        faults: &FaultInjector,
        configure: impl FnOnce(&mut Config),
    ) -> (TestApi, SigningKey) {
        let (alipay, alipay_key) =
            alipay_keys::generate(Some("https://shop.example.com/notify".into())).expect("generated keys");
        let gateway_key = copy_key(&alipay_key);
        let api = TestApi::start_with_interceptors(
            &dynamodb_endpoint(),
            configure,
            Some((alipay, gateway_key)),
            Some(faults),
        )
        .await;
        (api, alipay_key)
    }

    /// A test API with these Alipay settings, its stand-in gateway signing with `alipay_key`.
    pub async fn start_with_alipay_keys(alipay: AlipayConfig, alipay_key: SigningKey) -> TestApi {
        TestApi::start_with_interceptors(&dynamodb_endpoint(), |_| {}, Some((alipay, alipay_key)), None).await
    }

    pub async fn start_with(
        endpoint: &str,
        configure: impl FnOnce(&mut Config),
        alipay: Option<AlipayConfig>,
    ) -> TestApi {
        // Without Alipay's key there is nothing to sign a stand-in gateway's answers with.
        let alipay = alipay.map(|config| (config, SigningKey::generate().expect("a key")));
        TestApi::start_with_interceptors(endpoint, configure, alipay, None).await
    }

    /// `alipay`: the merchant settings and the key that signs as Alipay (the stand-in gateway's).
    async fn start_with_interceptors(
        endpoint: &str,
        configure: impl FnOnce(&mut Config),
        alipay: Option<(AlipayConfig, SigningKey)>,
        faults: Option<&FaultInjector>,
    ) -> TestApi {
        let calls = CallCounter::default();
        // As a function's client: the SDK's retries counted for the StoreRetries metric.
        let mut interceptors = vec![SharedInterceptor::new(calls.clone()), SharedInterceptor::new(CountRetries)];
        interceptors.extend(faults.map(|faults| SharedInterceptor::new(faults.clone())));
        let client = local_db::client_with(endpoint, interceptors);
        let table = unique_table();
        template::create_table(&client, &table, &template_path().expect("the repository"))
            .await
            .expect("create table from template.yaml");
        let mut config = Config::for_table(&table);
        configure(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let mut app = App::new(client, config);
        let mut gateway_keys = None;
        if let Some((alipay, alipay_key)) = alipay {
            let app_public = alipay.signing_key().await.expect("app key").verifying_key().expect("public key");
            // Short, so that a stalled gateway is a quick test.
            let alipay = alipay.with_gateway(format!("{base}{}", alipay_gateway::PATH), Duration::from_millis(400));
            app = app.with_alipay(alipay);
            gateway_keys = Some((app_public, alipay_key));
        }
        let gateway =
            gateway_keys.map(|(app_public, alipay_key)| StandInGateway::new(app.clone(), app_public, alipay_key));
        let (wxpay_config, wxpay) = wxpay_stand_in(&base);
        app = app.with_wxpay(wxpay_config);
        let extra = gateway.clone().map(StandInGateway::router).unwrap_or_default().merge(wxpay.clone().router());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // A short wait for bodies, so a test of a body shorter than its Content-Length is quick.
        let state = server::DevState::with_body_timeout(app.clone(), SECRET, Duration::from_secs(1));
        tokio::spawn(server::serve(listener, state, extra, async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("http client");
        TestApi { base, http, app, calls, gateway, wxpay, _stop: stop }
    }

    pub fn buyer(&self, id: &str) -> String {
        auth::mint(SECRET, id, "buyer", None, 1)
    }

    pub fn admin(&self, id: &str) -> String {
        auth::mint(SECRET, id, "admin", None, 1)
    }

    /// Delivers a form-encoded body to the Alipay notify route (no token).
    pub async fn notify(&self, form: &str) -> (StatusCode, String) {
        let response = self
            .http
            .post(format!("{}/api/v1/payments/alipay/notify", self.base))
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(form.to_string())
            .send()
            .await
            .expect("the dev server answers");
        (response.status(), response.text().await.unwrap_or_default())
    }

    pub fn seller(&self, user: &str, shop: &str) -> String {
        auth::mint(SECRET, user, "seller", Some(shop), 1)
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        self.call_with(method, path, token, body.map(|body| body.to_string()), &[]).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        raw_body: Option<String>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = raw_body {
            request = request.header("content-type", "application/json").body(body);
        }
        let response = request.send().await.expect("the dev server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        Answer { status, headers, body }
    }

    /// Puts a SKU as the seller of `shop`.
    pub async fn put_sku(&self, shop: &str, sku_id: &str, price: &str, stock: i64) {
        self.put_sku_body(shop, sku_id, json!({"name": format!("Product {sku_id}"), "price": price, "stock": stock}))
            .await;
    }

    pub async fn put_sku_body(&self, shop: &str, sku_id: &str, body: Value) {
        let token = self.seller(&format!("{shop}-user"), shop);
        let answer = self.call(Method::PUT, &format!("/api/v1/seller/skus/{sku_id}"), Some(&token), Some(body)).await;
        assert_eq!(answer.status, StatusCode::OK, "put sku: {}", answer.body);
    }

    pub async fn stock(&self, sku_id: &str) -> i64 {
        let answer = self.call(Method::GET, &format!("/api/v1/skus/{sku_id}"), None, None).await;
        answer.data()["stock"].as_i64().expect("stock")
    }

    pub async fn counts(&self, token: &str) -> Value {
        self.call(Method::GET, "/api/v1/order-counts", Some(token), None).await.data().clone()
    }

    /// Creates an order of `items` (sku, quantity) with an inline address.
    pub async fn create(&self, token: &str, items: &[(&str, i64)]) -> Answer {
        self.call(Method::POST, "/api/v1/orders", Some(token), Some(order_body(items))).await
    }
}

pub fn address() -> Value {
    json!({"name": "Li Lei", "phone": "13800000000", "province": "Sichuan", "city": "Chengdu",
           "district": "Wuhou", "detail": "1 Renmin Rd"})
}

pub fn order_body(items: &[(&str, i64)]) -> Value {
    let items: Vec<Value> = items.iter().map(|(sku, quantity)| json!({"sku_id": sku, "quantity": quantity})).collect();
    json!({"items": items, "address": address()})
}

/// A notification as Alipay would send it, signed with `alipay_key`.
pub fn alipay_notification(
    alipay_key: &SigningKey,
    app_id: &str,
    order_no: &str,
    amount: &str,
    trade_no: &str,
) -> String {
    let params = std::collections::BTreeMap::from([
        ("app_id".to_string(), app_id.to_string()),
        ("out_trade_no".to_string(), order_no.to_string()),
        ("trade_no".to_string(), trade_no.to_string()),
        ("total_amount".to_string(), amount.to_string()),
        ("trade_status".to_string(), "TRADE_SUCCESS".to_string()),
        ("notify_type".to_string(), "trade_status_sync".to_string()),
    ]);
    orders_shared::adapters::alipay::sign_notification(alipay_key, params).expect("sign")
}
