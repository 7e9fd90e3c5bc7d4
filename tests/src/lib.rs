//! Test harness: a fresh table (created from template.yaml) on the DynamoDB Local that
//! `make test` started, and the dev server on a free loopback port in front of it, so every
//! test goes through HTTP, the JWT check and lambda_http's event parsing like a real client.

use aws_sdk_dynamodb::config::SharedInterceptor;
use faults::FaultInjector;
use orders_dev::alipay_gateway::{self, StandInGateway};
use orders_dev::event_stream::StreamPump;
use orders_dev::lianlian_gateway::{self, StandInLianlian};
use orders_dev::lianlian_keys::{self, MerchantKey};
use orders_dev::webhook_inbox::Inbox;
use orders_dev::wxpay_gateway::{self, StandInKeys, StandInWxpay};
use orders_dev::{alipay_keys, local_db, wxpay_keys};
use orders_dev::{auth, server, template, template_path};
use orders_shared::adapters::alipay::AlipayConfig;
use orders_shared::adapters::config::Config;
use orders_shared::adapters::lianlian::{LianlianConfig, LianlianSettings};
use orders_shared::adapters::metrics::CountRetries;
use orders_shared::adapters::store::CallCounter;
use orders_shared::adapters::wxpay::ApiV3Key;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::App;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub mod capacity;
pub mod event_bus;
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
    /// The Alipay app's public key (what verifies the order strings), when Alipay is configured.
    pub alipay_app_public: Option<orders_shared::adapters::crypto::VerifyingKey>,
    /// The stand-in WeChat Pay gateway (always configured).
    pub wxpay: Arc<StandInWxpay>,
    /// The stand-in LianLian Pay gateway (always configured).
    pub lianlian: Arc<StandInLianlian>,
    /// The dev server's webhook receiver (`/dev/webhook-inbox`).
    pub inbox: Arc<Inbox>,
    /// The table's name (its stream is read by `publish_events`).
    pub table: String,
    pump: tokio::sync::Mutex<Option<StreamPump>>,
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
pub fn wxpay_merchant_key() -> SigningKey {
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
        .with_gateway(&format!("{base}{}", wxpay_gateway::PREFIX), Duration::from_millis(400));
    (config, StandInWxpay::new(keys))
}

/// The test merchant's LianLian key: one per test process.
pub fn lianlian_merchant_key() -> &'static MerchantKey {
    static KEY: std::sync::OnceLock<MerchantKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| MerchantKey::generate().expect("a merchant key"))
}

/// LianLian settings for an API at `base` (Apple Pay on), and the stand-in gateway they call
/// (the committed 1024-bit stand-in LianLian key signs its answers and notifications).
pub fn lianlian_stand_in(base: &str) -> (LianlianConfig, Arc<StandInLianlian>) {
    let merchant = lianlian_merchant_key();
    let settings = LianlianSettings {
        oid_partner: lianlian_keys::DEV_OID_PARTNER.into(),
        ware_category: lianlian_keys::DEV_WARE_CATEGORY.into(),
        ap_merchant_id: Some(lianlian_keys::DEV_AP_MERCHANT_ID.into()),
        notify_url: Some(format!("{base}/api/v1/payments/lianlian/notify")),
        refund_notify_url: Some(format!("{base}/api/v1/payments/lianlian/refund-notify")),
    };
    let config = LianlianConfig::with_keys(
        settings,
        merchant.signing_key().expect("merchant key"),
        lianlian_keys::stand_in_lianlian_public_key().expect("stand-in public key"),
    )
    .with_gateway(&format!("{base}{}", lianlian_gateway::PREFIX), Duration::from_millis(400));
    let gateway = StandInLianlian::new(
        lianlian_keys::DEV_OID_PARTNER,
        merchant.verifying_key().expect("merchant public key"),
        lianlian_keys::stand_in_lianlian_key().expect("stand-in key"),
    );
    (config, gateway)
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
        // As under make dev: receivers on loopback, retries in seconds.
        config.webhooks.allow_loopback = true;
        config.webhooks.retry.first_delay_seconds = 1;
        configure(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let mut app = App::new(client, config);
        let mut gateway_keys = None;
        let mut alipay_app_public = None;
        if let Some((alipay, alipay_key)) = alipay {
            let app_public = alipay.signing_key().await.expect("app key").verifying_key().expect("public key");
            alipay_app_public = Some(alipay.signing_key().await.expect("app key").verifying_key().expect("public key"));
            // Short, so that a stalled gateway is a quick test.
            let alipay = alipay.with_gateway(&format!("{base}{}", alipay_gateway::PATH), Duration::from_millis(400));
            app = app.with_provider(PaymentChannel::Alipay, Arc::new(alipay));
            gateway_keys = Some((app_public, alipay_key));
        }
        let gateway =
            gateway_keys.map(|(app_public, alipay_key)| StandInGateway::new(app.clone(), app_public, alipay_key));
        let (wxpay_config, wxpay) = wxpay_stand_in(&base);
        app = app.with_provider(PaymentChannel::Wxpay, Arc::new(wxpay_config));
        let (lianlian_config, lianlian) = lianlian_stand_in(&base);
        let inbox = Inbox::new();
        app = app.with_provider(PaymentChannel::Lianlian, Arc::new(lianlian_config));
        let extra = gateway
            .clone()
            .map(StandInGateway::router)
            .unwrap_or_default()
            .merge(wxpay.clone().router())
            .merge(lianlian.clone().router())
            .merge(inbox.clone().router());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // A short wait for bodies, so a test of a body shorter than its Content-Length is quick.
        let state = server::DevState::with_body_timeout(app.clone(), SECRET, Duration::from_secs(1));
        tokio::spawn(server::serve(listener, state, extra, async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("http client");
        TestApi {
            base,
            http,
            app,
            calls,
            gateway,
            alipay_app_public,
            wxpay,
            lianlian,
            inbox,
            table,
            pump: Default::default(),
            _stop: stop,
        }
    }

    /// Reads the table's stream from its start and publishes every order event in it, as
    /// `publish-order-events` does in AWS (webhook deliveries are attempted before this returns).
    pub async fn publish_events(&self) -> usize {
        let mut pump = self.pump.lock().await;
        if pump.is_none() {
            *pump = Some(StreamPump::open(&dynamodb_endpoint(), &self.table).await.expect("the stream"));
        }
        let pump = pump.as_mut().expect("opened");
        pump.pump(&self.app).await.expect("published")
    }

    /// Reads the whole stream again from its start (as a retried batch would be given), publishing
    /// everything in it once more: the number of records read.
    pub async fn publish_events_from_start(&self) -> usize {
        let mut pump = StreamPump::open(&dynamodb_endpoint(), &self.table).await.expect("the stream");
        pump.pump(&self.app).await.expect("published")
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

    /// The buyer's view of an order (answered 200).
    pub async fn order_of(&self, buyer: &str, no: &str) -> Value {
        let answer = self.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(buyer), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.data().clone()
    }

    /// An order's payment (`refresh`: asking its providers first), answered 200.
    pub async fn payment_of(&self, buyer: &str, no: &str, refresh: bool) -> Value {
        let path = format!("/api/v1/orders/{no}/payment{}", if refresh { "?refresh=true" } else { "" });
        let answer = self.call(Method::GET, &path, Some(buyer), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.data().clone()
    }

    /// Creates an order for 2 × `tea` (of shop-a) paid with `channel` in the same call: its order
    /// number and the answer's data.
    pub async fn create_paying(&self, buyer: &str, channel: &str) -> (String, Value) {
        let mut body = order_body(&[("tea", 2)]);
        body["pay_channel"] = json!(channel);
        let created = self.call(Method::POST, "/api/v1/orders", Some(buyer), Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let no = created.data()["orders"][0]["order_no"].as_str().expect("an order number").to_string();
        (no, created.data().clone())
    }

    /// An order of `quantity` × tea (of shop-a) by `buyer`, paid through Alipay (trade
    /// `T-<order_no>`, the notification signed with `alipay_key`): its number.
    pub async fn paid_order(&self, alipay_key: &SigningKey, buyer: &str, quantity: i64) -> String {
        let created = self.create(buyer, &[("tea", quantity)]).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let order = &created.data()["orders"][0];
        let no = order["order_no"].as_str().expect("an order number").to_string();
        let amount = order["amounts"]["payable"].as_str().expect("an amount");
        let form = alipay_notification(alipay_key, DEV_APP_ID, &no, amount, &format!("T-{no}"));
        let (status, text) = self.notify(&form).await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
        no
    }

    /// A step of shop-a's after-sales (`approve`, `retry-payout`, ...), answered 200: its data.
    pub async fn shop_refund_step(&self, no: &str, step: &str) -> Value {
        let seller = self.seller("shop-a-user", "shop-a");
        let path = format!("/api/v1/seller/orders/{no}/refund/{step}");
        let answer = self.call(Method::POST, &path, Some(&seller), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.data().clone()
    }

    /// The buyer asks for all the money of a paid, unshipped order of shop-a back and the shop
    /// approves: the approval's data.
    pub async fn refund_approved(&self, buyer: &str, no: &str) -> Value {
        let body = json!({"type": "refund_only", "reason": "r"});
        let applied = self.call(Method::POST, &format!("/api/v1/orders/{no}/refund"), Some(buyer), Some(body)).await;
        assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
        self.shop_refund_step(no, "approve").await
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

/// `alipay_notification` with the `passback_params` the order string carried (Alipay sends it
/// back as it was given): it names the buyer.
pub fn alipay_notification_with_passback(
    alipay_key: &SigningKey,
    app_id: &str,
    order_no: &str,
    amount: &str,
    trade_no: &str,
    buyer_id: &str,
) -> String {
    let passback = orders_shared::adapters::alipay::passback(buyer_id);
    let params = std::collections::BTreeMap::from([
        ("app_id".to_string(), app_id.to_string()),
        ("out_trade_no".to_string(), order_no.to_string()),
        ("trade_no".to_string(), trade_no.to_string()),
        ("total_amount".to_string(), amount.to_string()),
        ("trade_status".to_string(), "TRADE_SUCCESS".to_string()),
        ("notify_type".to_string(), "trade_status_sync".to_string()),
        ("passback_params".to_string(), passback),
    ]);
    orders_shared::adapters::alipay::sign_notification(alipay_key, params).expect("sign")
}
