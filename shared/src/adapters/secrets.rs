//! Secrets (payment keys, the cursor key): given as text in the environment, as the dev server
//! and the tests do, or in AWS as the ARN of a Secrets Manager secret, read when first used and
//! kept for the life of the container. A function that never signs or verifies never reads its
//! secret, and no function reads one during init.
//!
//! A secret is either a plain string (the cursor key) or a JSON object one field of which is the
//! value (`{"app_private_key": "...", "alipay_public_key": "..."}`).

use crate::error::ApiError;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// One secret value, parsed into `T` on first use (a failure is not kept: the next request tries
/// again). Cheap to clone: clones share the value.
pub struct Secret<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    /// What it is, for messages (`ORDERS_CURSOR_KEY`, `ALIPAY_APP_PRIVATE_KEY_PEM`).
    name: &'static str,
    source: Source,
    parse: fn(&str) -> Result<T, String>,
    value: OnceCell<T>,
}

enum Source {
    Text(String),
    SecretsManager { arn: String, field: Option<&'static str> },
    Ready,
}

impl<T> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Secret { inner: Arc::clone(&self.inner) }
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the value; where it comes from is fine.
        let from = match &self.inner.source {
            Source::Text(_) => "environment",
            Source::SecretsManager { .. } => "Secrets Manager",
            Source::Ready => "given",
        };
        write!(f, "Secret({}, from {from})", self.inner.name)
    }
}

impl<T> Secret<T> {
    /// A value already in hand (the dev server's files, tests).
    pub fn ready(name: &'static str, value: T) -> Secret<T> {
        let inner =
            Inner { name, source: Source::Ready, parse: |_| Err("unused".into()), value: OnceCell::from(value) };
        Secret { inner: Arc::new(inner) }
    }

    /// Text from the environment, parsed on first use.
    pub fn text(name: &'static str, text: String, parse: fn(&str) -> Result<T, String>) -> Secret<T> {
        Secret { inner: Arc::new(Inner { name, source: Source::Text(text), parse, value: OnceCell::new() }) }
    }

    /// A Secrets Manager secret (the whole string, or one field of its JSON), read on first use.
    pub fn secrets_manager(
        name: &'static str,
        arn: String,
        field: Option<&'static str>,
        parse: fn(&str) -> Result<T, String>,
    ) -> Secret<T> {
        let source = Source::SecretsManager { arn, field };
        Secret { inner: Arc::new(Inner { name, source, parse, value: OnceCell::new() }) }
    }

    /// From the environment: the text in `text_variable`, else the secret whose ARN is in
    /// `arn_variable` (its `field`), else None.
    pub fn from_env(
        name: &'static str,
        text_variable: &str,
        arn_variable: &str,
        field: Option<&'static str>,
        parse: fn(&str) -> Result<T, String>,
    ) -> Option<Secret<T>> {
        let set = |variable: &str| std::env::var(variable).ok().filter(|value| !value.trim().is_empty());
        match (set(text_variable), set(arn_variable)) {
            (Some(text), _) => Some(Secret::text(name, text, parse)),
            (None, Some(arn)) => Some(Secret::secrets_manager(name, arn.trim().to_string(), field, parse)),
            (None, None) => None,
        }
    }

    /// Whether the value is only read when first used (from Secrets Manager).
    pub fn is_remote(&self) -> bool {
        matches!(self.inner.source, Source::SecretsManager { .. })
    }

    /// The value: read and parsed the first time, then kept. A secret that cannot be read for
    /// now (throttled, unreachable) is 503; one that is missing or does not parse is 500 naming it.
    pub async fn get(&self) -> Result<&T, ApiError> {
        let inner = &*self.inner;
        inner
            .value
            .get_or_try_init(|| async {
                let text = match &inner.source {
                    Source::Text(text) => text.clone(),
                    Source::SecretsManager { arn, field } => read(inner.name, arn, *field).await?,
                    Source::Ready => return Err(ApiError::Internal(format!("{}: no value", inner.name))),
                };
                (inner.parse)(&text).map_err(|error| ApiError::Internal(format!("{}: {error}", inner.name)))
            })
            .await
    }

    /// Parses a text value now, so that a bad one stops the function at init with its name.
    pub fn check_now(&self) -> Result<(), String> {
        match &self.inner.source {
            Source::Text(text) => {
                let value = (self.inner.parse)(text).map_err(|error| format!("{}: {error}", self.inner.name))?;
                let _ = self.inner.value.set(value);
                Ok(())
            }
            Source::SecretsManager { .. } | Source::Ready => Ok(()),
        }
    }
}

/// The value of a secret a function may lack: a 500 naming `name` when this one has none.
pub async fn configured<'a, T>(secret: &'a Option<Secret<T>>, name: &str) -> Result<&'a T, ApiError> {
    match secret {
        Some(secret) => secret.get().await,
        None => Err(ApiError::Internal(format!("{name} is not configured for this function"))),
    }
}

/// The Secrets Manager client, built on the first read from the same environment as the
/// DynamoDB client (`AWS_ENDPOINT_URL_SECRETS_MANAGER` points it elsewhere).
static CLIENT: OnceCell<aws_sdk_secretsmanager::Client> = OnceCell::const_new();

async fn client() -> &'static aws_sdk_secretsmanager::Client {
    CLIENT
        .get_or_init(|| async { aws_sdk_secretsmanager::Client::new(&crate::adapters::aws::sdk_config().await) })
        .await
}

/// GetSecretValue, then the field of its JSON when asked for one.
async fn read(name: &str, arn: &str, field: Option<&str>) -> Result<String, ApiError> {
    let output = client().await.get_secret_value().secret_id(arn).send().await.map_err(|error| {
        let detail = format!("{name}: reading secret {arn}: {}", DisplayErrorContext(&error));
        let transient = match &error {
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
            SdkError::ServiceError(service) => {
                matches!(service.err().code(), Some("ThrottlingException" | "InternalServiceError"))
            }
            _ => false,
        };
        if transient {
            ApiError::Unavailable(detail)
        } else {
            ApiError::Internal(detail)
        }
    })?;
    let text = output
        .secret_string()
        .ok_or_else(|| ApiError::Internal(format!("{name}: secret {arn} has no string value")))?;
    match field {
        None => Ok(text.to_string()),
        Some(field) => {
            field_of(text, field).map_err(|error| ApiError::Internal(format!("{name}: secret {arn}: {error}")))
        }
    }
}

/// One string field of a secret's JSON object.
fn field_of(text: &str, field: &str) -> Result<String, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| format!("is not a JSON object (expected the field {field:?})"))?;
    match value.get(field) {
        Some(serde_json::Value::String(value)) if !value.trim().is_empty() => Ok(value.clone()),
        _ => Err(format!("has no non-empty string field {field:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn text_is_parsed_once_and_a_bad_value_names_the_secret() {
        let secret = Secret::text("EXAMPLE_KEY", "42".into(), |text| text.parse::<u32>().map_err(|e| e.to_string()));
        assert_eq!(secret.get().await.ok(), Some(&42));
        let bad = Secret::text("EXAMPLE_KEY", "x".into(), |text| text.parse::<u32>().map_err(|e| e.to_string()));
        assert!(matches!(bad.get().await, Err(ApiError::Internal(why)) if why.starts_with("EXAMPLE_KEY")));
        assert!(bad.check_now().is_err());
        assert!(!format!("{secret:?}").contains("42"), "Debug never shows the value");
    }

    #[test]
    fn a_field_of_a_json_secret() {
        assert_eq!(
            field_of(r#"{"app_private_key": "k", "alipay_public_key": "p"}"#, "app_private_key"),
            Ok("k".into())
        );
        assert!(field_of(r#"{"app_private_key": ""}"#, "app_private_key").is_err());
        assert!(field_of("plain text", "app_private_key").is_err());
    }
}
