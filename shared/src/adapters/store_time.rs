//! How long a request waited for DynamoDB: every attempt of every call is timed by an
//! interceptor on the client and added to the request that made it, so the request's log line
//! says how much of its time was the store (`store_calls`, `store_ms`) and how much the function's
//! own work (`duration_ms` minus `store_ms`).

use aws_sdk_dynamodb::config::interceptors::{BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use std::cell::Cell;
use std::future::Future;
use std::time::Instant;

/// The store's share of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StoreTime {
    /// Attempts sent (a retry counts again).
    pub calls: u32,
    pub micros: u64,
}

impl StoreTime {
    pub fn millis(&self) -> f64 {
        self.micros as f64 / 1000.0
    }
}

tokio::task_local! {
    static REQUEST: Cell<StoreTime>;
}

/// Runs `future` (a request), and says how long it waited for the store.
pub async fn timed<F: Future>(future: F) -> (F::Output, StoreTime) {
    REQUEST
        .scope(Cell::new(StoreTime::default()), async {
            let output = future.await;
            (output, REQUEST.with(Cell::get))
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
            // Outside a request (a schedule, a tool) there is nothing to add it to.
            let _ = REQUEST.try_with(|time| {
                let mut total = time.get();
                total.calls += 1;
                total.micros += micros;
                time.set(total);
            });
        }
        Ok(())
    }
}
