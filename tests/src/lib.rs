//! Test harness: a fresh table (created from template.yaml) on the DynamoDB Local that
//! `make test` started, and the dev server on a free loopback port in front of it, so every
//! test goes through HTTP, the JWT check and lambda_http's event parsing like a real client.

use orders_dev::local_db;
use orders_dev::{auth, server, template, template_path};
use orders_shared::config::Config;
use orders_shared::runtime::App;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};

pub use reqwest::{Method, StatusCode};

const SECRET: &str = "integration-test-secret";

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

impl TestApi {
    /// A new table on the shared DynamoDB Local and a dev server in front of it.
    pub async fn start() -> TestApi {
        TestApi::start_on(&dynamodb_endpoint()).await
    }

    pub async fn start_on(endpoint: &str) -> TestApi {
        let client = local_db::client(endpoint);
        let table = unique_table();
        template::create_table(&client, &table, &template_path()).await.expect("create table from template.yaml");
        let app = App::new(client, Config::for_table(&table));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = server::DevState::new(app.clone(), SECRET);
        tokio::spawn(server::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("http client");
        TestApi { base, http, app, _stop: stop }
    }

    pub fn buyer(&self, id: &str) -> String {
        auth::mint(SECRET, id, "buyer", None, 1)
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
        let token = self.seller(&format!("{shop}-user"), shop);
        let answer = self
            .call(
                Method::PUT,
                &format!("/api/v1/seller/skus/{sku_id}"),
                Some(&token),
                Some(json!({"name": format!("Product {sku_id}"), "price": price, "stock": stock})),
            )
            .await;
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
