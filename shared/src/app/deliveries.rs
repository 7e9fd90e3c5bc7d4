//! Delivering events to a shop's endpoints: record one delivery per event and endpoint with its
//! first attempt already claimed (due again after a lease, should this process die before the
//! outcome is written), attempt it at once with the endpoint in hand, sign (Standard Webhooks,
//! with the previous secret too for a day after a rotation), POST, and record the outcome;
//! failures are tried again on the retry schedule from the due index (each attempt claimed before
//! it is sent), and an endpoint that has failed everything for too long is disabled.

use crate::adapters::metrics;
use crate::adapters::webhooks::{signing, target};
use crate::app::App;
use crate::domain::events::PublishedEvent;
use crate::domain::time::Timestamp;
use crate::domain::webhooks::{AttemptOutcome, Delivery, DeliveryStatus, WebhookEndpoint};
use crate::error::ApiError;
use std::collections::HashMap;

/// A delivery recorded with its first attempt claimed, and the endpoint it goes to.
pub type ClaimedDelivery = (WebhookEndpoint, Delivery);

/// Records the deliveries `events` make (one per event and endpoint that takes it); returns
/// those this call recorded (an event recorded before is not delivered again).
pub async fn record_deliveries(app: &App, events: &[PublishedEvent]) -> Result<Vec<ClaimedDelivery>, ApiError> {
    let mut endpoints: HashMap<&str, Vec<WebhookEndpoint>> = HashMap::new();
    let mut recorded = Vec::new();
    let now = Timestamp::now();
    for published in events {
        let event = &published.event;
        if !endpoints.contains_key(event.seller_id.as_str()) {
            endpoints.insert(&event.seller_id, app.store.list_webhooks(&event.seller_id).await?);
        }
        let takers = endpoints[event.seller_id.as_str()]
            .iter()
            .filter(|endpoint| endpoint.enabled() && endpoint.event_types.matches(event.event_type));
        for endpoint in takers {
            let delivery =
                claimed_delivery(app, endpoint, &event.id, event.event_type.as_str(), &published.body, event.at, now);
            if app.store.record_delivery(&delivery).await? {
                recorded.push((endpoint.clone(), delivery));
            }
        }
    }
    Ok(recorded)
}

/// A new delivery whose first attempt is claimed: counted, and due again only after the lease.
pub(crate) fn claimed_delivery(
    app: &App,
    endpoint: &WebhookEndpoint,
    event_id: &str,
    event_type: &str,
    body: &str,
    event_at: Timestamp,
    now: Timestamp,
) -> Delivery {
    Delivery {
        delivery_id: Delivery::id_of(event_at, event_id),
        endpoint_id: endpoint.endpoint_id.clone(),
        seller_id: endpoint.seller_id.clone(),
        event_id: event_id.to_string(),
        event_type: event_type.to_string(),
        body: body.to_string(),
        status: DeliveryStatus::Pending,
        attempts: 1,
        last_status: None,
        last_error: None,
        next_attempt_at: Some(lease(app, now)),
        event_at,
        created_at: now,
    }
}

/// How long a claimed attempt may take before the schedule tries the delivery again.
fn lease(app: &App, now: Timestamp) -> Timestamp {
    now.plus_seconds(app.config.webhooks.timeout.as_secs() as i64 + 30)
}

/// Attempts the claimed deliveries at once: endpoints side by side, each endpoint's in the order
/// given (so a receiver that answers gets one order's events in sequence); what fails waits for
/// its next attempt.
pub async fn attempt_all(app: &App, deliveries: Vec<ClaimedDelivery>) {
    let mut by_endpoint: HashMap<String, Vec<ClaimedDelivery>> = HashMap::new();
    for (endpoint, delivery) in deliveries {
        by_endpoint.entry(delivery.endpoint_id.clone()).or_default().push((endpoint, delivery));
    }
    let mut running = tokio::task::JoinSet::new();
    for (_, deliveries) in by_endpoint {
        let app = app.clone();
        running.spawn(async move {
            for (endpoint, delivery) in deliveries {
                if let Err(error) = run_attempt(&app, Some(&endpoint), delivery).await {
                    tracing::warn!(%error, "delivery attempt not recorded");
                }
            }
        });
    }
    while running.join_next().await.is_some() {}
}

/// One attempt of `read` (as last read): the delivery afterwards, or None when another worker
/// claimed this attempt first.
pub async fn attempt(app: &App, read: &Delivery) -> Result<Option<Delivery>, ApiError> {
    let endpoint = app.store.get_webhook(&read.seller_id, &read.endpoint_id).await?;
    let lease = lease(app, Timestamp::now());
    let Some(claimed) = app.store.claim_delivery_attempt(read, lease).await? else { return Ok(None) };
    run_attempt(app, endpoint.as_ref(), claimed).await.map(Some)
}

/// The attempt `claimed` holds: the POST (unless the endpoint is gone or disabled) and its
/// outcome written; the delivery afterwards.
pub(crate) async fn run_attempt(
    app: &App,
    endpoint: Option<&WebhookEndpoint>,
    claimed: Delivery,
) -> Result<Delivery, ApiError> {
    let settings = app.config.webhooks;
    let outcome = match endpoint {
        None => AttemptOutcome::Failed { status: None, error: "the endpoint was deleted".into() },
        Some(endpoint) if !endpoint.enabled() => {
            AttemptOutcome::Failed { status: None, error: "the endpoint is disabled".into() }
        }
        Some(endpoint) => send(app, endpoint, &claimed).await,
    };
    let finished = Timestamp::now();
    let mut after = claimed.after_attempt(&outcome, settings.retry, finished);
    if endpoint.is_none_or(|endpoint| !endpoint.enabled()) {
        // Nothing to wait for: a gone or disabled endpoint takes nothing until it is enabled again.
        after.status = DeliveryStatus::Failed;
        after.next_attempt_at = None;
    }
    app.store.finish_delivery_attempt(&after).await?;
    match (&outcome, endpoint) {
        (AttemptOutcome::Delivered { .. }, Some(endpoint)) => {
            metrics::webhook_delivery("succeeded");
            metrics::webhook_delivery_latency(finished.millis() - claimed.event_at.millis());
            if endpoint.failing_since.is_some() {
                app.store.note_webhook_success(endpoint).await?;
            }
        }
        (AttemptOutcome::Failed { .. }, Some(endpoint)) if endpoint.enabled() => {
            metrics::webhook_delivery(if after.status == DeliveryStatus::Failed { "failed" } else { "retrying" });
            let disable = endpoint
                .failed_too_long(settings.retry, finished)
                .then_some("every delivery failed for 5 days (at the standard retry schedule)");
            app.store.note_webhook_failure(endpoint, finished, disable).await?;
        }
        _ => metrics::webhook_delivery("failed"),
    }
    Ok(after)
}

/// The POST itself: signed at this moment, with every secret that signs now.
async fn send(app: &App, endpoint: &WebhookEndpoint, delivery: &Delivery) -> AttemptOutcome {
    let settings = app.config.webhooks;
    let now = Timestamp::now();
    let timestamp = now.millis() / 1000;
    let signature = match signing::signature_header(
        &endpoint.signing_secrets(now),
        &delivery.event_id,
        timestamp,
        &delivery.body,
    ) {
        Ok(signature) => signature,
        Err(error) => return AttemptOutcome::Failed { status: None, error },
    };
    let headers = [
        ("content-type", "application/json".to_string()),
        ("user-agent", "order-service-webhooks/1".to_string()),
        ("webhook-id", delivery.event_id.clone()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", signature),
    ];
    match target::post(&endpoint.url, &headers, delivery.body.clone(), settings.timeout, settings.allow_loopback).await
    {
        Ok(status) if (200..300).contains(&status) => AttemptOutcome::Delivered { status },
        Ok(status) => AttemptOutcome::Failed { status: Some(status), error: format!("answered HTTP {status}") },
        Err(error) => AttemptOutcome::Failed { status: None, error },
    }
}

/// What a run of the retry schedule did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetryReport {
    pub due: usize,
    pub succeeded: usize,
    pub failed: usize,
}

/// Deliveries due at `now` are attempted (the schedule runs this every minute; the dev server
/// more often).
pub async fn deliver_due(app: &App, now: Timestamp) -> Result<RetryReport, ApiError> {
    let due = app.store.due_deliveries(now, 100).await?;
    let mut report = RetryReport { due: due.len(), ..RetryReport::default() };
    let mut running = tokio::task::JoinSet::new();
    for (endpoint_id, delivery_id) in due {
        let app = app.clone();
        running.spawn(async move {
            let Some(delivery) = app.store.get_delivery(&endpoint_id, &delivery_id).await? else { return Ok(None) };
            let due =
                delivery.status == DeliveryStatus::Pending && delivery.next_attempt_at.is_some_and(|at| at <= now);
            if !due {
                return Ok(None);
            }
            attempt(&app, &delivery).await
        });
    }
    while let Some(done) = running.join_next().await {
        match done {
            Ok(Ok(Some(after))) if after.status == DeliveryStatus::Succeeded => report.succeeded += 1,
            Ok(Ok(Some(_))) => report.failed += 1,
            Ok(Ok(None)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "a due delivery could not be attempted"),
            Err(error) => tracing::error!(%error, "a delivery attempt panicked"),
        }
    }
    Ok(report)
}
