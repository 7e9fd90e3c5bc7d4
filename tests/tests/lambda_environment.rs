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
