//! The AWS SDK's configuration every client of a function shares (DynamoDB, Secrets Manager):
//! region and keys from Lambda's environment, short timeouts, retries sized for a request someone
//! waits for, and the trust store `tls` picks.

use crate::adapters::metrics::CountRetries;
use crate::adapters::store_time::TimeStoreCalls;
use crate::adapters::tls;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use std::time::Duration;

/// A DynamoDB client from the environment (`AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB
/// Local), counting the SDK's retries for the `StoreRetries` metric and timing every call for the
/// request's log line.
pub async fn dynamodb_client() -> Result<aws_sdk_dynamodb::Client, String> {
    let config = aws_sdk_dynamodb::config::Builder::from(&sdk_config_checked().await?)
        .interceptor(CountRetries)
        .interceptor(TimeStoreCalls)
        .build();
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
