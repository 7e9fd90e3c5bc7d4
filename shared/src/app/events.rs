//! Publishing order events: each change the table's stream reports becomes its events, put on
//! the event bus (when one is configured) and recorded as a delivery to each of the shop's
//! endpoints that takes it; the deliveries are then tried at once. Records are taken in stream
//! order; the first that cannot be published stops the batch there, and it and every record
//! after it are reported failed, so the stream gives them again (nothing published twice is
//! delivered twice: a delivery is recorded once per event and endpoint).

use crate::app::deliveries::{attempt_all, record_deliveries};
use crate::app::App;
use crate::domain::events::PublishedEvent;

/// One record of the stream: its id, and its events or why they could not be read.
#[derive(Debug, Clone)]
pub struct ChangeRecord {
    pub id: String,
    pub events: Result<Vec<PublishedEvent>, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishOutcome {
    pub events: usize,
    pub deliveries: usize,
    /// The first record not published (it and the rest are to be given again).
    pub failed_from: Option<String>,
}

/// Publishes the events of `records`, in order.
pub async fn publish(app: &App, records: Vec<ChangeRecord>) -> PublishOutcome {
    let mut outcome = PublishOutcome::default();
    let mut ready = Vec::new();
    for record in &records {
        match &record.events {
            Ok(events) => ready.push((record.id.as_str(), events.as_slice())),
            Err(why) => {
                tracing::error!(record = %record.id, error = %why, "a stream record could not be read");
                outcome.failed_from = Some(record.id.clone());
                break;
            }
        }
    }
    if let Some(bus) = &app.bus {
        let entries: Vec<(usize, &PublishedEvent)> = ready
            .iter()
            .enumerate()
            .flat_map(|(at, (_, events))| events.iter().map(move |event| (at, event)))
            .collect();
        let failed =
            bus.put(entries.iter().map(|(_, event)| (event.event.event_type.as_str(), event.body.as_str()))).await;
        if let Some(first) = failed.iter().map(|index| entries[*index].0).min() {
            tracing::error!(failed = failed.len(), "events the bus did not take");
            outcome.failed_from = Some(ready[first].0.to_string());
            ready.truncate(first);
        }
    }
    let mut recorded = Vec::new();
    for (at, (id, events)) in ready.iter().enumerate() {
        match record_deliveries(app, events).await {
            Ok(deliveries) => {
                outcome.events += events.len();
                events
                    .iter()
                    .for_each(|event| crate::adapters::metrics::event_published(event.event.event_type.as_str()));
                recorded.extend(deliveries);
            }
            Err(error) => {
                tracing::error!(record = %id, %error, "deliveries could not be recorded");
                outcome.failed_from = Some(ready[at].0.to_string());
                break;
            }
        }
    }
    outcome.deliveries = recorded.len();
    // Published already: an attempt that fails is tried again on the schedule.
    attempt_all(app, recorded).await;
    outcome
}
