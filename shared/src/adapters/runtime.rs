//! What every function's `main.rs` wires: JSON tracing, one DynamoDB client built before the
//! runtime loop and reused by every invocation, and the handler.
//!
//! The functions run on tokio's current-thread runtime: Lambda hands a process one event at a
//! time, so worker threads would only add start-up time and cross-thread wake-ups.

use crate::adapters::aws::dynamodb_client;
use crate::adapters::config::Config;
use crate::adapters::events::bus::EventBus;
use crate::adapters::metrics;
use crate::adapters::providers::providers_from_env;
use crate::app::App;
use lambda_http::{service_fn, Body, Request, Response};
use std::convert::Infallible;
use std::future::Future;

impl App {
    /// Everything a function needs, from the environment.
    pub async fn from_env() -> Result<App, lambda_http::Error> {
        let config = Config::from_env()?;
        let providers = providers_from_env()?;
        Ok(App { providers, ..App::new(dynamodb_client().await?, config) })
    }
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

/// Runs `job` as a function invoked with an event it reads (a DynamoDB stream's batch) and
/// answers (the batch's failures). Only such a function has the event bus (`EVENT_BUS_NAME`), so
/// only its binary links the EventBridge client.
pub async fn run_events<F, Fut, E, T>(job: F) -> Result<(), lambda_http::Error>
where
    F: Fn(App, E) -> Fut,
    Fut: Future<Output = Result<T, crate::error::ApiError>> + Send + 'static,
    E: serde::de::DeserializeOwned,
    T: serde::Serialize,
{
    let app = App { bus: EventBus::from_env().await, ..init().await? };
    lambda_http::lambda_runtime::run(service_fn(|event: lambda_http::LambdaEvent<E>| {
        let run = job(app.clone(), event.payload);
        async move {
            let result = run.await;
            metrics::flush();
            result.map_err(|error| lambda_http::Error::from(error.to_string()))
        }
    }))
    .await
}
