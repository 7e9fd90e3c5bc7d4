//! Business and technical metrics, written as CloudWatch embedded metric format (EMF) lines to
//! the function's log: CloudWatch turns them into metrics, so recording one costs no API call on
//! the request path. The names live here, once; the use cases call the functions below.
//!
//! A Lambda function installs the recorder before serving (`install`) and writes what the
//! invocation recorded when it ends (`flush`). Where no recorder is installed (the dev server,
//! most tests) the calls do nothing.

use crate::domain::money::Money;
use crate::domain::payment::PaymentChannel;
use crate::error::Rejection;
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use metrics_cloudwatch_embedded::Collector;
use std::sync::OnceLock;

/// The CloudWatch namespace of every metric (`METRICS_NAMESPACE`, template.yaml sets the
/// stack's name).
pub const DEFAULT_NAMESPACE: &str = "OrderService";

/// Orders placed (one per shop of a checkout).
pub const ORDERS_CREATED: &str = "OrdersCreated";
/// Orders that became paid; dimension `channel`.
pub const ORDERS_PAID: &str = "OrdersPaid";
/// What those orders were paid, in fen; dimension `channel`.
pub const PAID_AMOUNT_FEN: &str = "PaidAmountFen";
/// After-sales cases whose money went back; dimension `channel`.
pub const ORDERS_REFUNDED: &str = "OrdersRefunded";
/// What went back, in fen; dimension `channel`.
pub const REFUNDED_AMOUNT_FEN: &str = "RefundedAmountFen";
/// Unpaid orders the schedule closed at their deadline.
pub const ORDERS_CLOSED_BY_TIMEOUT: &str = "OrdersClosedByTimeout";
/// Shipped orders the schedule completed at their auto-confirm time.
pub const ORDERS_AUTO_CONFIRMED: &str = "OrdersAutoConfirmed";
/// Payment notifications refused; dimensions `provider` and `reason`.
pub const NOTIFY_REJECTED: &str = "NotifyRejected";
/// Store requests tried again; dimension `cause`: `sdk` (throttled or failed, retried by the
/// SDK) or `contention` (a transaction held the items).
pub const STORE_RETRIES: &str = "StoreRetries";
/// Requests answered 503 (store or a secret unavailable after retries).
pub const UNAVAILABLE: &str = "Unavailable";

/// Order events published (to the event bus when one is configured, and to webhooks), by `type`.
pub const EVENTS_PUBLISHED: &str = "EventsPublished";
/// Webhook delivery attempts by `outcome`: `succeeded`, `retrying` or `failed` (the last attempt).
pub const WEBHOOK_DELIVERIES: &str = "WebhookDeliveries";
/// From an order's change to the 2xx that delivered its event, in milliseconds.
pub const WEBHOOK_DELIVERY_LATENCY_MS: &str = "WebhookDeliveryLatencyMs";

/// Every metric this service writes (docs/observability.md lists them; a test compares).
pub const ALL: [&str; 13] = [
    ORDERS_CREATED,
    ORDERS_PAID,
    PAID_AMOUNT_FEN,
    ORDERS_REFUNDED,
    REFUNDED_AMOUNT_FEN,
    ORDERS_CLOSED_BY_TIMEOUT,
    ORDERS_AUTO_CONFIRMED,
    NOTIFY_REJECTED,
    STORE_RETRIES,
    UNAVAILABLE,
    EVENTS_PUBLISHED,
    WEBHOOK_DELIVERIES,
    WEBHOOK_DELIVERY_LATENCY_MS,
];

static COLLECTOR: OnceLock<&'static Collector> = OnceLock::new();

/// Installs the EMF recorder (once per process; later calls do nothing).
pub fn install() -> Result<(), String> {
    if COLLECTOR.get().is_some() {
        return Ok(());
    }
    let namespace = std::env::var("METRICS_NAMESPACE")
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    let collector = metrics_cloudwatch_embedded::Builder::new()
        .cloudwatch_namespace(namespace)
        .init()
        .map_err(|error| format!("metrics recorder: {error}"))?;
    let _ = COLLECTOR.set(collector);
    Ok(())
}

/// Writes what was recorded since the last flush to `writer` (stdout in Lambda), one EMF line per
/// set of dimensions; nothing when nothing was recorded or no recorder is installed.
pub fn flush_to(writer: impl std::io::Write) {
    if let Some(collector) = COLLECTOR.get() {
        if let Err(error) = collector.flush(writer) {
            tracing::warn!(%error, "could not write metrics");
        }
    }
}

/// `flush_to` stdout, where Lambda's log picks the lines up.
pub fn flush() {
    flush_to(std::io::stdout().lock());
}

pub fn orders_created(count: usize) {
    metrics::counter!(ORDERS_CREATED).increment(count as u64);
}

pub fn order_paid(channel: PaymentChannel, amount: Money) {
    metrics::counter!(ORDERS_PAID, "channel" => channel.as_str()).increment(1);
    metrics::counter!(PAID_AMOUNT_FEN, "channel" => channel.as_str()).increment(amount.0.max(0) as u64);
}

pub fn order_refunded(channel: PaymentChannel, amount: Money) {
    metrics::counter!(ORDERS_REFUNDED, "channel" => channel.as_str()).increment(1);
    metrics::counter!(REFUNDED_AMOUNT_FEN, "channel" => channel.as_str()).increment(amount.0.max(0) as u64);
}

pub fn orders_closed_by_timeout(count: usize) {
    metrics::counter!(ORDERS_CLOSED_BY_TIMEOUT).increment(count as u64);
}

pub fn orders_auto_confirmed(count: usize) {
    metrics::counter!(ORDERS_AUTO_CONFIRMED).increment(count as u64);
}

pub fn notify_rejected(provider: &'static str, reason: Rejection) {
    metrics::counter!(NOTIFY_REJECTED, "provider" => provider, "reason" => reason.as_str()).increment(1);
}

pub fn store_retry(cause: &'static str) {
    metrics::counter!(STORE_RETRIES, "cause" => cause).increment(1);
}

pub fn unavailable() {
    metrics::counter!(UNAVAILABLE).increment(1);
}

pub fn event_published(kind: &'static str) {
    metrics::counter!(EVENTS_PUBLISHED, "type" => kind).increment(1);
}

pub fn webhook_delivery(outcome: &'static str) {
    metrics::counter!(WEBHOOK_DELIVERIES, "outcome" => outcome).increment(1);
}

pub fn webhook_delivery_latency(milliseconds: i64) {
    metrics::histogram!(WEBHOOK_DELIVERY_LATENCY_MS).record(milliseconds.max(0) as f64);
}

/// Counts the SDK's own retries of DynamoDB calls (every attempt after the first).
#[derive(Debug)]
pub struct CountRetries;

impl Intercept for CountRetries {
    fn name(&self) -> &'static str {
        "CountRetries"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<RequestAttempts>().is_some_and(|attempts| attempts.attempts() > 1) {
            store_retry("sdk");
        }
        Ok(())
    }
}
