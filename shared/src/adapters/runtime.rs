//! What every function's `main.rs` wires: JSON tracing, one DynamoDB client built before the
//! runtime loop and reused by every invocation, and the handler.
//!
//! The functions run on tokio's current-thread runtime: Lambda hands a process one event at a
//! time, so worker threads would only add start-up time and cross-thread wake-ups.

use crate::adapters::alipay::AlipayConfig;
use crate::adapters::config::Config;
use crate::adapters::metrics::{self, CountRetries};
use crate::adapters::tls;
use crate::adapters::wxpay::WxpayConfig;
use crate::app::App;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use lambda_http::{service_fn, Body, Request, Response};
use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

impl App {
    /// Everything a function needs, from the environment.
    pub async fn from_env() -> Result<App, lambda_http::Error> {
        let config = Config::from_env()?;
        let mut app = App::new(dynamodb_client().await?, config);
        if let Some(alipay) = AlipayConfig::from_env()? {
            app = app.with_alipay(alipay);
        }
        if let Some(wxpay) = WxpayConfig::from_env()? {
            app = app.with_wxpay(wxpay);
        }
        Ok(app)
    }
}

/// A DynamoDB client from the environment (`AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB
/// Local), counting the SDK's retries for the `StoreRetries` metric.
pub async fn dynamodb_client() -> Result<aws_sdk_dynamodb::Client, String> {
    let config =
        aws_sdk_dynamodb::config::Builder::from(&sdk_config_checked().await?).interceptor(CountRetries).build();
    Ok(aws_sdk_dynamodb::Client::from_conf(config))
}

/// The AWS configuration every client of a function shares. Short timeouts: a Lambda should
/// answer 503 quickly rather than hang.
///
/// Built for a fast cold start: where Lambda gives the region and the role's keys in the
/// environment they are used directly (the SDK's default chains would resolve the same values
/// but first build an STS client, an IMDS client and the profile providers), and the HTTPS
/// client trusts only the Amazon roots where that is safe (`tls.rs`).
async fn sdk_config_checked() -> Result<SdkConfig, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts()).retry_config(retries());
    if let Some(region) = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")) {
        loader = loader.region(aws_config::Region::new(region));
    }
    if var("AWS_ACCESS_KEY_ID").is_some() && var("AWS_SECRET_ACCESS_KEY").is_some() {
        loader = loader.credentials_provider(EnvironmentVariableCredentialsProvider::new());
    }
    if let Some(http_client) = tls::https_client(tls::choose(var)?) {
        loader = loader.http_client(http_client);
    }
    Ok(loader.load().await)
}

/// `sdk_config_checked` for clients built after init (Secrets Manager): the trust store was
/// checked when the DynamoDB client was built, so an error cannot happen here; if it did, the
/// SDK's default HTTPS client is used.
pub async fn sdk_config() -> SdkConfig {
    match sdk_config_checked().await {
        Ok(config) => config,
        Err(error) => {
            tracing::warn!(%error, "AWS configuration: using the SDK's defaults");
            aws_config::defaults(BehaviorVersion::latest())
                .timeout_config(timeouts())
                .retry_config(retries())
                .load()
                .await
        }
    }
}

/// Timeouts for every AWS call.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build()
}

/// Retries of throttled and failed DynamoDB calls: the SDK's standard mode (three attempts, full
/// jitter) with backoff sized for a request someone waits for (50 ms, at most 1 s) rather than the
/// SDK's default (1 s, at most 20 s). What is still failing after that is answered 503.
pub fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(50))
        .with_max_backoff(Duration::from_secs(1))
}

/// JSON logs in Lambda (CloudWatch), level from `RUST_LOG` (default info).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .without_time()
        .with_target(false)
        .try_init();
}

/// What every function does before serving: logs, the metrics recorder, the `App`. A failure is
/// reported to the Runtime API as Lambda's `Runtime.InitError`, so the invocation that waits for
/// this process fails at once with the reason (`cargo lambda watch` would otherwise wait for a
/// process that has exited).
async fn init() -> Result<App, lambda_http::Error> {
    init_tracing();
    let app = async {
        metrics::install()?;
        App::from_env().await
    };
    match app.await {
        Ok(app) => Ok(app),
        Err(error) => {
            tracing::error!(%error, "init failed");
            report_init_error(&error.to_string()).await;
            Err(error)
        }
    }
}

/// `POST /2018-06-01/runtime/init/error`, as the Runtime API documents it.
async fn report_init_error(message: &str) {
    let Ok(client) = lambda_runtime_api_client::Client::builder().build() else { return };
    let body = serde_json::json!({"errorType": "Runtime.InitError", "errorMessage": message}).to_string();
    let request = lambda_http::http::Request::builder()
        .method("POST")
        .uri("/2018-06-01/runtime/init/error")
        .header("lambda-runtime-function-error-type", "Runtime.InitError")
        .body(lambda_runtime_api_client::body::Body::from(body));
    if let Ok(request) = request {
        if let Err(error) = client.call(request).await {
            tracing::error!(%error, "could not report the init error to the Runtime API");
        }
    }
}

/// Runs `handler` as a Lambda function: build everything once, then serve invocations.
pub async fn run<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(App, Request) -> Fut,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    let app = init().await?;
    lambda_http::run(service_fn(|request: Request| {
        let response = handler(app.clone(), request);
        async move {
            let response = response.await;
            metrics::flush();
            Ok::<_, Infallible>(response)
        }
    }))
    .await
}

/// Runs `job` as a scheduled (EventBridge) function: the event carries nothing it needs.
pub async fn run_scheduled<F, Fut, T>(job: F) -> Result<(), lambda_http::Error>
where
    F: Fn(App) -> Fut,
    Fut: Future<Output = Result<T, crate::error::ApiError>> + Send + 'static,
    T: serde::Serialize,
{
    let app = init().await?;
    lambda_http::lambda_runtime::run(service_fn(|_event: lambda_http::LambdaEvent<serde_json::Value>| {
        let run = job(app.clone());
        async move {
            let result = run.await;
            metrics::flush();
            result.map_err(|error| lambda_http::Error::from(error.to_string()))
        }
    }))
    .await
}
