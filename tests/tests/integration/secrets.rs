//! Secrets by ARN, as deployed: a function built from Lambda's environment reads no secret at
//! init, reads each from Secrets Manager (here a stand-in that checks SigV4) when first needed,
//! keeps it for the container's life, answers 503 while it cannot be read and 500 naming it when
//! it is missing. The variables are set on this test's process (nextest: one process per test).

use orders_integration_tests::secrets_manager::StandInSecretsManager;
use orders_integration_tests::{alipay_notification, dynamodb_endpoint, order_body, Method, StatusCode, TestApi};
use orders_shared::adapters::crypto::SigningKey;
use orders_shared::app::listing::{list_orders, ListFilter};
use orders_shared::app::payment::{record_notification, start};
use orders_shared::domain::order::OrderStatus;
use orders_shared::domain::party::Side;
use orders_shared::domain::payment::Callback;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::domain::time::Timestamp;
use orders_shared::{ApiError, App};

const CURSOR_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-cursor-key-AbCdEf";
const ALIPAY_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-alipay-GhIjKl";
const APP_ID: &str = "2021000000000042";

fn lambda_environment(table: &str, secrets: &StandInSecretsManager) {
    let variables = [
        ("TABLE_NAME", table),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "ASIALAMBDAROLE"),
        ("AWS_SECRET_ACCESS_KEY", "lambdarolesecret"),
        ("AWS_SESSION_TOKEN", "lambdasessiontoken"),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", &secrets.endpoint),
        ("ORDERS_CURSOR_KEY_SECRET_ARN", CURSOR_ARN),
        ("ALIPAY_APP_ID", APP_ID),
        ("ALIPAY_SECRET_ARN", ALIPAY_ARN),
        ("ALIPAY_NOTIFY_URL", "https://shop.example.com/api/v1/payments/alipay/notify"),
    ];
    let endpoint = dynamodb_endpoint();
    std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB", &endpoint);
    for (name, value) in variables {
        std::env::set_var(name, value);
    }
    for name in ["ORDERS_CURSOR_KEY", "ALIPAY_APP_PRIVATE_KEY_PEM", "ALIPAY_PUBLIC_KEY_PEM", "AWS_PROFILE"] {
        std::env::remove_var(name);
    }
}

fn first_page() -> ListFilter {
    ListFilter { limit: 1, ..ListFilter::default() }
}

#[tokio::test]
async fn secrets_are_read_by_arn_once_when_first_needed() {
    let api = TestApi::start().await;
    api.put_sku("shop-s", "secret-tea", "18.00", 9).await;
    let buyer = api.buyer("buyer-s");
    for _ in 0..2 {
        let placed =
            api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(order_body(&[("secret-tea", 1)]))).await;
        assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    }

    let secrets = StandInSecretsManager::start().await;
    let app_key = SigningKey::generate().unwrap();
    let alipay_key = SigningKey::generate().unwrap();
    secrets.put(CURSOR_ARN, "a-cursor-key-of-more-than-thirty-two-bytes");
    let alipay_secret = serde_json::json!({
        "app_private_key": app_key.to_pem().unwrap(),
        "alipay_public_key": alipay_key.verifying_key().unwrap().to_pem(),
    });
    secrets.put(ALIPAY_ARN, &alipay_secret.to_string());
    lambda_environment(&api.app.config.table_name, &secrets);

    let app = App::from_env().await.expect("init from Lambda's environment");
    assert_eq!((secrets.reads(CURSOR_ARN), secrets.reads(ALIPAY_ARN)), (0, 0), "init reads no secret");

    // The cursor key: read with the first list, kept for every later one.
    let now = Timestamp::now();
    let page = list_orders(&app, Side::Buyer, "buyer-s", &first_page(), now).await.expect("a first page");
    let cursor = page.next_cursor.expect("two orders, one per page");
    let next = ListFilter { cursor: Some(cursor), ..first_page() };
    let second = list_orders(&app, Side::Buyer, "buyer-s", &next, now).await.expect("the cursor verifies");
    assert_eq!(second.orders.len(), 1);
    assert_eq!(secrets.reads(CURSOR_ARN), 1, "read once for the container's life");
    assert_eq!(secrets.reads(ALIPAY_ARN), 0, "listing never needs the payment keys");

    // The Alipay keys: while Secrets Manager throttles (the SDK retries three times) the buyer
    // is told to retry; nothing is kept, and the next request reads the secret.
    let order_no = page.orders[0].order_no.clone();
    secrets.throttle_next(3);
    let throttled = start(&app, "buyer-s", &order_no, PaymentChannel::Alipay.into()).await;
    assert!(matches!(throttled, Err(ApiError::Unavailable(_))), "{throttled:?}");
    assert_eq!(secrets.reads(ALIPAY_ARN), 3);
    let started = start(&app, "buyer-s", &order_no, PaymentChannel::Alipay.into())
        .await
        .expect("signed with the key from the secret");
    let order_string = started.params.as_ref().and_then(|params| params.value.as_str()).expect("an order string");
    assert!(order_string.contains(&format!("app_id={APP_ID}")) && order_string.contains("sign="));
    start(&app, "buyer-s", &order_no, PaymentChannel::Alipay.into()).await.expect("again");
    assert_eq!(secrets.reads(ALIPAY_ARN), 4, "one successful read, kept");

    // The same secret's other field verifies Alipay's notification: read when first needed (a
    // deployed function only ever needs one of the two keys), then kept.
    let form = alipay_notification(&alipay_key, APP_ID, &order_no, "18.00", "T-secret-1");
    assert_eq!(
        record_notification(&app, PaymentChannel::Alipay, Callback::body(form.as_bytes())).await.expect("verified"),
        order_no
    );
    assert_eq!(
        record_notification(&app, PaymentChannel::Alipay, Callback::body(form.as_bytes())).await.expect("a repeat"),
        order_no
    );
    let paid = app.store.get_order("buyer-s", &order_no).await.unwrap().unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(secrets.reads(ALIPAY_ARN), 5);
}

#[tokio::test]
async fn a_missing_or_malformed_secret_is_a_500_that_names_it() {
    let api = TestApi::start().await;
    let secrets = StandInSecretsManager::start().await;
    secrets.put(ALIPAY_ARN, r#"{"app_private_key": "not a key"}"#);
    lambda_environment(&api.app.config.table_name, &secrets);
    let app = App::from_env().await.expect("init does not read secrets, so it succeeds");

    let error = list_orders(&app, Side::Buyer, "buyer-s", &first_page(), Timestamp::now()).await.unwrap_err();
    assert!(
        matches!(&error, ApiError::Internal(why) if why.contains("ORDERS_CURSOR_KEY") && why.contains("ResourceNotFound")),
        "{error:?}"
    );
    // The same settings the function read from its environment.
    let alipay = orders_shared::adapters::alipay::AlipayConfig::from_env().unwrap().expect("Alipay configured");
    let error = alipay.signing_key().await.err().expect("not a key");
    assert!(matches!(&error, ApiError::Internal(why) if why.contains("ALIPAY_APP_PRIVATE_KEY_PEM")), "{error:?}");
    let error = alipay.verifying_key().await.err().expect("no such field");
    assert!(matches!(&error, ApiError::Internal(why) if why.contains("alipay_public_key")), "{error:?}");
}
