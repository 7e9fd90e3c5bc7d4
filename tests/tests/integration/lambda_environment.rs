//! What a deployed function builds at init, from Lambda's environment alone: the region and the
//! role's keys from variables (not the SDK's provider chains), the trust store `tls.rs` picks,
//! and `AWS_ENDPOINT_URL_DYNAMODB` honoured by the SDK. The variables are set on this test's
//! process (nextest runs each test in a process of its own).

use orders_integration_tests::{dynamodb_endpoint, TestApi};
use orders_shared::adapters::tls::{self, TrustRoots, TRUST_ROOTS_VAR};
use orders_shared::App;

#[tokio::test]
async fn a_function_built_from_lambdas_environment_reads_the_table() {
    let api = TestApi::start().await;
    api.put_sku("shop-env", "env-tea", "12.50", 7).await;

    let lambda_environment = [
        ("TABLE_NAME", api.app.config.table_name.clone()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ACCESS_KEY_ID", "ASIALAMBDAROLE".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "lambdarolesecret".to_string()),
        ("AWS_SESSION_TOKEN", "lambdasessiontoken".to_string()),
        ("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint()),
    ];
    for (name, value) in &lambda_environment {
        std::env::set_var(name, value);
    }
    // This machine's shell may name a trust store; Lambda's environment does not.
    for name in ["SSL_CERT_FILE", "SSL_CERT_DIR", "AWS_PROFILE", "AWS_DEFAULT_REGION", TRUST_ROOTS_VAR] {
        std::env::remove_var(name);
    }
    let chosen = tls::choose(|name| std::env::var(name).ok());
    assert_eq!(
        chosen,
        Ok(TrustRoots::AmazonTrustServices),
        "a plain-HTTP endpoint in us-east-1 uses the embedded roots"
    );

    let app = App::from_env().await.expect("init from Lambda's environment");
    let sku = app.store.get_sku("env-tea").await.expect("a GetItem through the new client").expect("the SKU");
    assert_eq!((sku.listing.seller_id.as_str(), sku.available, sku.listing.price.0), ("shop-env", 7, 1250));

    // The same with the operating system's store, as outside the standard partition.
    std::env::set_var(TRUST_ROOTS_VAR, "system");
    let app = App::from_env().await.expect("init with the system trust store");
    assert!(app.store.get_sku("env-tea").await.expect("a GetItem").is_some());

    // A wrong override stops init with a message that names the variable.
    std::env::set_var(TRUST_ROOTS_VAR, "everything");
    let error = App::from_env().await.expect_err("init refuses an unknown trust store").to_string();
    assert!(error.contains(TRUST_ROOTS_VAR), "{error}");
}

/// A function that cannot start tells the Runtime API why (`/runtime/init/error`), so the
/// waiting invocation fails at once with the reason instead of timing out.
#[tokio::test]
async fn an_init_failure_is_reported_to_the_runtime_api() {
    use axum::routing::post;
    use std::sync::{Arc, Mutex};
    let reported: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seen = reported.clone();
    let runtime_api = axum::Router::new().route(
        "/2018-06-01/runtime/init/error",
        post(move |headers: axum::http::HeaderMap, body: String| async move {
            let kind = headers.get("lambda-runtime-function-error-type").and_then(|v| v.to_str().ok());
            seen.lock().unwrap().push((kind.unwrap_or_default().to_string(), body));
            axum::http::StatusCode::ACCEPTED
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, runtime_api).await });
    std::env::set_var("AWS_LAMBDA_RUNTIME_API", address.to_string());
    std::env::remove_var("TABLE_NAME");

    let result = orders_shared::adapters::runtime::run(|_app, _request| async {
        orders_shared::lambda_http::Response::new(orders_shared::lambda_http::Body::Empty)
    })
    .await;
    assert!(result.is_err(), "no TABLE_NAME, no function");
    let reported = reported.lock().unwrap().clone();
    assert_eq!(reported.len(), 1, "{reported:?}");
    let (kind, body) = &reported[0];
    assert_eq!(kind, "Runtime.InitError");
    let body: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(body["errorType"], "Runtime.InitError");
    assert!(body["errorMessage"].as_str().unwrap_or_default().contains("TABLE_NAME"), "{body}");
}
