//! The custom EventBridge bus order events are put on: `source` is the service's name,
//! `detail-type` the event type, `detail` the envelope; PutEvents takes ten entries a call, and
//! entries it refuses are sent again (three rounds) before the batch fails.

use aws_sdk_eventbridge::types::PutEventsRequestEntry;

/// The `source` of every event this service puts on its bus.
pub const EVENT_SOURCE: &str = "order-service";
/// The variable naming the bus; unset, no event is put on a bus.
pub const BUS_VARIABLE: &str = "EVENT_BUS_NAME";
const ENTRIES_PER_CALL: usize = 10;
const ROUNDS: usize = 3;

#[derive(Debug, Clone)]
pub struct EventBus {
    client: aws_sdk_eventbridge::Client,
    name: String,
}

impl EventBus {
    /// The bus `EVENT_BUS_NAME` names (`AWS_ENDPOINT_URL_EVENTBRIDGE` may point the client
    /// elsewhere), or none.
    pub async fn from_env() -> Option<EventBus> {
        let name = crate::adapters::config::var(BUS_VARIABLE)?;
        let client = aws_sdk_eventbridge::Client::new(&crate::adapters::aws::sdk_config().await);
        Some(EventBus { client, name })
    }

    /// Puts `(detail-type, detail)` entries on the bus; the positions of those still refused
    /// after the retries.
    pub async fn put<'a>(&self, entries: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<usize> {
        let entries: Vec<PutEventsRequestEntry> = entries
            .map(|(detail_type, detail)| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(&self.name)
                    .source(EVENT_SOURCE)
                    .detail_type(detail_type)
                    .detail(detail)
                    .build()
            })
            .collect();
        let mut pending: Vec<usize> = (0..entries.len()).collect();
        for round in 0..ROUNDS {
            let mut refused = Vec::new();
            for chunk in pending.chunks(ENTRIES_PER_CALL) {
                let request = chunk.iter().map(|index| entries[*index].clone()).collect();
                match self.client.put_events().set_entries(Some(request)).send().await {
                    Ok(output) => {
                        let results = output.entries();
                        for (position, index) in chunk.iter().enumerate() {
                            if results.get(position).is_none_or(|result| result.error_code().is_some()) {
                                refused.push(*index);
                            }
                        }
                    }
                    Err(error) => {
                        tracing::warn!(error = %aws_sdk_eventbridge::error::DisplayErrorContext(&error), round, "PutEvents failed");
                        refused.extend_from_slice(chunk);
                    }
                }
            }
            pending = refused;
            if pending.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100 << round)).await;
        }
        pending
    }
}
