//! How long a request waited for DynamoDB: every attempt of every call is timed by an
//! interceptor on the client and added to the request that made it, so the request's log line
//! says how much of its time was the store (`store_calls`, `store_ms`), which call took how long
//! (`store_ops`), and how much was the function's own work (`duration_ms` minus `store_ms`).

use aws_sdk_dynamodb::config::interceptors::{BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use std::cell::RefCell;
use std::fmt::Write;
use std::future::Future;
use std::time::Instant;

/// The store's share of one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoreTime {
    /// Attempts sent (a retry counts again).
    pub calls: u32,
    pub micros: u64,
    /// Each attempt in the order it was made: its operation and how long it took.
    pub attempts: Vec<(String, u64)>,
}

impl StoreTime {
    pub fn millis(&self) -> f64 {
        self.micros as f64 / 1000.0
    }

    /// The attempts as the log line carries them: `Operation=ms` in the order they were made,
    /// e.g. `BatchGetItem=0.912 TransactWriteItems=5.804`.
    pub fn attempts_field(&self) -> String {
        let mut field = String::new();
        for (operation, micros) in &self.attempts {
            let separator = if field.is_empty() { "" } else { " " };
            let _ = write!(field, "{separator}{operation}={:.3}", *micros as f64 / 1000.0);
        }
        field
    }

    /// `attempts_field` read back: (operation, milliseconds) in order; what is not one is skipped.
    pub fn parse_attempts_field(field: &str) -> Vec<(String, f64)> {
        field
            .split_whitespace()
            .filter_map(|part| {
                let (operation, millis) = part.split_once('=')?;
                Some((operation.to_string(), millis.parse().ok()?))
            })
            .collect()
    }
}

tokio::task_local! {
    static REQUEST: RefCell<StoreTime>;
}

/// Runs `future` (a request), and says how long it waited for the store.
pub async fn timed<F: Future>(future: F) -> (F::Output, StoreTime) {
    REQUEST
        .scope(RefCell::new(StoreTime::default()), async {
            let output = future.await;
            (output, REQUEST.with(|time| time.take()))
        })
        .await
}

#[derive(Debug, Clone)]
struct AttemptStarted(Instant);

impl Storable for AttemptStarted {
    type Storer = StoreReplace<Self>;
}

/// Times each attempt, from just before it is sent to when its answer is read (or it fails).
#[derive(Debug)]
pub struct TimeStoreCalls;

impl Intercept for TimeStoreCalls {
    fn name(&self) -> &'static str {
        "TimeStoreCalls"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(AttemptStarted(Instant::now()));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(AttemptStarted(started)) = cfg.load::<AttemptStarted>() {
            let micros = started.elapsed().as_micros() as u64;
            let operation = cfg.load::<Metadata>().map_or("unknown", Metadata::name);
            // Outside a request (a schedule, a tool) there is nothing to add it to.
            let _ = REQUEST.try_with(|time| {
                let mut total = time.borrow_mut();
                total.calls += 1;
                total.micros += micros;
                total.attempts.push((operation.to_string(), micros));
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempts_field_reads_back_as_it_was_written() {
        let time = StoreTime {
            calls: 2,
            micros: 6716,
            attempts: vec![("BatchGetItem".into(), 912), ("TransactWriteItems".into(), 5804)],
        };
        assert_eq!(time.attempts_field(), "BatchGetItem=0.912 TransactWriteItems=5.804");
        assert_eq!(
            StoreTime::parse_attempts_field(&time.attempts_field()),
            vec![("BatchGetItem".to_string(), 0.912), ("TransactWriteItems".to_string(), 5.804)]
        );
        assert_eq!(StoreTime::default().attempts_field(), "");
        assert!(StoreTime::parse_attempts_field("garbage x=y").is_empty());
    }
}
