//! The table client every part of the store shares: the `Store` handle, attribute and key
//! helpers, encoding, the error mapping (503 for what retrying can fix), and the writes with their
//! contention retries (single items and transactions), batch and single reads.

use super::keys;
use crate::adapters::metrics;
use crate::error::ApiError;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

/// Handle to the orders table. Cheap to clone; build it once per process.
#[derive(Clone, Debug)]
pub struct Store {
    pub(super) client: Client,
    pub(super) table: String,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Store { client, table: table.into() }
    }
}

pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(crate) fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub(crate) fn key(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([(keys::PK.to_string(), s(pk)), (keys::SK.to_string(), s(sk))])
}

/// Maps SDK failures: an unreachable, throttled or failing store is 503 (retry), anything else
/// is a 500 with the detail kept for the log.
pub(crate) fn store_error<E, R>(error: SdkError<E, R>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    const RETRYABLE: [&str; 7] = [
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
        "TransactionConflictException",
    ];
    match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            ApiError::Unavailable(format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&error)))
        }
        SdkError::ServiceError(service) if service.err().code().is_some_and(|code| RETRYABLE.contains(&code)) => {
            ApiError::Unavailable(format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&error)))
        }
        _ => ApiError::Internal(format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&error))),
    }
}

impl Store {
    /// Items of one partition whose sort key starts with `prefix`, read consistently in one Query
    /// (small collections: a buyer's address book or cart).
    pub(crate) async fn query_prefix(&self, pk: String, prefix: &str) -> Result<Vec<Item>, ApiError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression(keys::begins_with_condition(keys::PK, keys::SK))
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":prefix", s(prefix))
            .consistent_read(true)
            .send()
            .await
            .map_err(store_error)?;
        Ok(output.items.unwrap_or_default())
    }
}

/// A stored value from its item (its key attributes are ignored).
pub(crate) fn decode<T: serde::de::DeserializeOwned>(item: Item) -> Result<T, ApiError> {
    serde_dynamo::from_item(item).map_err(|error| ApiError::Internal(format!("corrupt item: {error}")))
}

/// One value as an attribute (a list element, an expression value).
pub(crate) fn to_attribute<T: serde::Serialize>(value: &T) -> Result<AttributeValue, ApiError> {
    serde_dynamo::to_attribute_value(value).map_err(|error| ApiError::Internal(format!("cannot encode value: {error}")))
}

pub(crate) fn encode<T: serde::Serialize>(value: &T) -> Result<Item, ApiError> {
    serde_dynamo::to_item(value).map_err(|error| ApiError::Internal(format!("cannot encode item: {error}")))
}

pub(crate) fn build_error(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("request build: {error}"))
}

/// A Put of `item` under `condition`, as one action of a transaction.
pub(crate) fn put(table: &str, item: Item, condition: &str) -> Result<TransactWriteItem, ApiError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(condition)
        .build()
        .map_err(build_error)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Why a transaction did not commit, once retrying cannot help.
#[derive(Debug)]
pub(crate) enum TransactFailure {
    /// These actions' conditions failed (by index): the caller says what that means.
    Conditions(Vec<usize>),
    Api(ApiError),
}

impl From<ApiError> for TransactFailure {
    fn from(error: ApiError) -> Self {
        TransactFailure::Api(error)
    }
}

/// Cancellation reasons DynamoDB gives for contention, not for the data: worth another attempt.
const CONTENTION: [&str; 3] = ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"];

/// Errors of a single write that mean contention with a transaction on the same item.
const ITEM_CONTENTION: [&str; 2] = ["TransactionConflictException", "TransactionInProgressException"];

/// How long contention is retried before the request is answered 503 (`Retry-After`).
const CONTENTION_BUDGET: std::time::Duration = std::time::Duration::from_millis(1500);
const CONTENTION_ATTEMPTS: u32 = 6;

/// The pause before attempt `attempt` (1-based): exponential with full jitter, so racing
/// requests spread out instead of colliding again.
fn backoff(attempt: u32) -> std::time::Duration {
    let ceiling_ms = 20u64 << attempt.min(5);
    std::time::Duration::from_millis(rand::random_range(0..=ceiling_ms))
}

/// What a failed TransactWriteItems means: conditions that failed, contention, or a fault.
enum Cancellation {
    Conditions(Vec<usize>),
    Contention,
    Other,
}

fn cancellation(error: &TransactWriteItemsError) -> Cancellation {
    match error {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => {
            let reasons = cancelled.cancellation_reasons();
            let failed: Vec<usize> = reasons
                .iter()
                .enumerate()
                .filter(|(_, reason)| reason.code() == Some("ConditionalCheckFailed"))
                .map(|(index, _)| index)
                .collect();
            if !failed.is_empty() {
                Cancellation::Conditions(failed)
            } else if reasons.iter().any(|reason| reason.code().is_some_and(|code| CONTENTION.contains(&code))) {
                Cancellation::Contention
            } else {
                Cancellation::Other
            }
        }
        TransactWriteItemsError::TransactionInProgressException(_) => Cancellation::Contention,
        _ => Cancellation::Other,
    }
}

impl Store {
    /// TransactWriteItems. Cancellations for contention (another transaction on the same items,
    /// throttling) are retried with jittered backoff within a time budget, then answered 503; a
    /// failed condition is returned for the caller to explain.
    pub(crate) async fn transact(&self, actions: Vec<TransactWriteItem>) -> Result<(), TransactFailure> {
        let started = std::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.client.transact_write_items().set_transact_items(Some(actions.clone())).send().await;
            let error = match result {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            match error.as_service_error().map(cancellation) {
                Some(Cancellation::Conditions(failed)) => return Err(TransactFailure::Conditions(failed)),
                Some(Cancellation::Contention) => {
                    if attempt >= CONTENTION_ATTEMPTS || started.elapsed() >= CONTENTION_BUDGET {
                        return Err(ApiError::Unavailable(format!(
                            "transaction kept conflicting ({attempt} attempts)"
                        ))
                        .into());
                    }
                    metrics::store_retry("contention");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Some(Cancellation::Other) | None => return Err(store_error(error).into()),
            }
        }
    }

    /// A single-item write, retried like `transact` while a transaction holds the item.
    pub(crate) async fn write_item<T, E, F, Fut>(&self, send: F) -> Result<T, SdkError<E, HttpResponse>>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata,
    {
        let started = std::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match send().await {
                Err(error)
                    if error
                        .as_service_error()
                        .and_then(|e| e.code())
                        .is_some_and(|c| ITEM_CONTENTION.contains(&c))
                        && attempt < CONTENTION_ATTEMPTS
                        && started.elapsed() < CONTENTION_BUDGET =>
                {
                    metrics::store_retry("contention");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                other => return other,
            }
        }
    }

    /// BatchGetItem with strongly consistent reads; retries unprocessed keys.
    pub(crate) async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, ApiError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(true)
                    .build()
                    .map_err(build_error)?,
            );
            let mut attempts = 0;
            while let Some(request) = pending.take() {
                attempts += 1;
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(store_error)?;
                if let Some(mut responses) = output.responses {
                    found.extend(responses.remove(&self.table).unwrap_or_default());
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                    .filter(|rest| !rest.keys.is_empty());
                if pending.is_some() && attempts >= 5 {
                    return Err(ApiError::Unavailable("batch get kept leaving keys unprocessed".into()));
                }
            }
        }
        Ok(found)
    }

    /// One item by key, read consistently or not.
    pub(crate) async fn get(&self, key: Item, consistent: bool) -> Result<Option<Item>, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(consistent)
            .send()
            .await
            .map_err(store_error)?;
        Ok(output.item)
    }
}

/// The attribute that keeps the token of the last non-idempotent single-item write (an append, a
/// relative change). Such a write is conditioned on the token not being its own, so when the SDK
/// sends it again after its answer was lost, it is recognised instead of applied twice.
pub(crate) const LAST_WRITE: &str = "last_write";

/// A fresh token for one write request.
pub(crate) fn write_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Whether `item` (as it was when a condition failed) already holds the write of `token`.
pub(crate) fn written_by(item: Option<&Item>, token: &str) -> bool {
    item.and_then(|item| item.get(LAST_WRITE)).and_then(|value| value.as_s().ok()).is_some_and(|last| last == token)
}

/// The sort key of an item, or "".
pub(crate) fn sort_key(item: &Item) -> &str {
    item.get(keys::SK).and_then(|value| value.as_s().ok()).map(String::as_str).unwrap_or_default()
}

/// Counts DynamoDB round trips (HTTP requests, retries included) by operation, for the
/// benchmark and the round-trip tests. Attach it to a client with `Config::builder().interceptor`.
#[derive(Debug, Clone, Default)]
pub struct CallCounter {
    calls: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl CallCounter {
    /// The operations sent since the last `take`, in order.
    pub fn take(&self) -> Vec<String> {
        self.calls.lock().map(|mut calls| std::mem::take(&mut *calls)).unwrap_or_default()
    }
}

impl aws_sdk_dynamodb::config::Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _components: &aws_sdk_dynamodb::config::RuntimeComponents,
        cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let operation = cfg
            .load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
            .map(|metadata| metadata.name().to_string())
            .unwrap_or_else(|| "unknown".to_string());
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(operation);
        }
        Ok(())
    }
}
