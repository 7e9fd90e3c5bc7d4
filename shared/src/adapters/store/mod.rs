//! The DynamoDB store: one table, the layout of `keys`. Each request makes the fewest round
//! trips: reads are one GetItem/Query/BatchGetItem, state changes one conditional write or one
//! TransactWriteItems.

//!
//! By concern: `orders` (an order, its number claim, finding and changing it), `queries` (lists
//! and the due index), `counters`, `points`, `checkout` (the create transaction with stock and
//! the idempotency record), `skus`, `addresses`, and `import` (bulk loading for migrations and the
//! benchmark). `keys` is the layout.

mod addresses;
mod checkout;
mod counters;
mod import;
pub mod keys;
mod orders;
mod points;
mod queries;
mod skus;

pub use addresses::AddressBook;
pub use checkout::{CheckoutReads, CreateOutcome, IdempotencyClaim};
pub use counters::Counts;
pub use orders::CommitError;
pub use queries::{OrderPage, OrderQuery, Partition};

use crate::error::ApiError;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

/// Handle to the orders table. Cheap to clone; build it once per process.
#[derive(Clone, Debug)]
pub struct Store {
    client: Client,
    table: String,
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

pub(crate) fn decode<T: serde::de::DeserializeOwned>(item: Item) -> Result<T, ApiError> {
    serde_dynamo::from_item(item).map_err(|error| ApiError::Internal(format!("corrupt item: {error}")))
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

/// Which conditions failed in a cancelled transaction, by action index.
pub(crate) fn failed_conditions(error: &TransactWriteItemsError) -> Vec<usize> {
    match error {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled
            .cancellation_reasons()
            .iter()
            .enumerate()
            .filter(|(_, reason)| reason.code() == Some("ConditionalCheckFailed"))
            .map(|(index, _)| index)
            .collect(),
        _ => Vec::new(),
    }
}

impl Store {
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
