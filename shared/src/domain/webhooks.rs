//! A shop's webhook endpoints and the deliveries of its events to them: which events an endpoint
//! takes, how often a failed delivery is tried again, when a failing endpoint is turned off.

use crate::domain::events::EventType;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// Endpoints one shop may have.
pub const MAX_ENDPOINTS: usize = 10;
/// How long a rotated-out secret still signs deliveries beside the new one.
pub const PREVIOUS_SECRET_SECONDS: i64 = 24 * 3600;
/// An endpoint whose deliveries have all failed for this long is disabled (at the default
/// `WEBHOOK_RETRY_SECONDS`; the whole schedule scales with it).
pub const DISABLE_AFTER_SECONDS: i64 = 5 * 86_400;
/// The delays between attempts at the default first delay of 5 s: 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 10 h (about a day in all), then the delivery has failed.
const SCHEDULE_SECONDS: [i64; 7] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
/// The first delay the schedule above is written for.
const SCHEDULE_BASE_SECONDS: i64 = 5;
pub const MAX_DESCRIPTION_CHARS: usize = 200;
pub const MAX_URL_CHARS: usize = 2000;

/// The retry schedule for a first delay of `first_delay_seconds` (`WEBHOOK_RETRY_SECONDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    pub first_delay_seconds: i64,
}

impl RetrySchedule {
    /// How many attempts a delivery gets in all.
    pub const ATTEMPTS: u32 = SCHEDULE_SECONDS.len() as u32 + 1;

    fn scaled(self, seconds: i64) -> i64 {
        (seconds * self.first_delay_seconds / SCHEDULE_BASE_SECONDS).max(1)
    }

    /// When to try again after `attempts` failed attempts; None when that was the last.
    pub fn next_attempt(self, attempts: u32, now: Timestamp) -> Option<Timestamp> {
        let delay = SCHEDULE_SECONDS.get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
        Some(now.plus_seconds(self.scaled(*delay)))
    }

    /// How long an endpoint may fail everything before it is disabled.
    pub fn disable_after_seconds(self) -> i64 {
        self.scaled(DISABLE_AFTER_SECONDS)
    }
}

/// Which events an endpoint takes: exact types, `order.*`-style families, or `*`. Empty means
/// every event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventFilter(Vec<String>);

const FAMILIES: [&str; 3] = ["order", "refund", "payment"];

impl EventFilter {
    pub fn parse(patterns: Vec<String>) -> Result<EventFilter, ApiError> {
        if patterns.len() > EventType::ALL.len() {
            return Err(ApiError::invalid("event_types", format!("at most {} entries", EventType::ALL.len())));
        }
        for pattern in &patterns {
            let family = pattern.strip_suffix(".*");
            let known = pattern == "*"
                || family.is_some_and(|family| FAMILIES.contains(&family))
                || EventType::parse(pattern).is_some_and(|kind| kind != EventType::WebhookTest);
            if !known {
                return Err(ApiError::invalid(
                    "event_types",
                    format!("{pattern:?} is not an event type, a family (order.*, refund.*, payment.*) or *"),
                ));
            }
        }
        let mut patterns = patterns;
        patterns.sort();
        patterns.dedup();
        Ok(EventFilter(patterns))
    }

    pub fn patterns(&self) -> &[String] {
        &self.0
    }

    /// Whether an endpoint with this filter receives events of `kind`.
    pub fn matches(&self, kind: EventType) -> bool {
        let name = kind.as_str();
        self.0.is_empty()
            || self.0.iter().any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => pattern == name,
            })
    }
}

/// What a shop says about an endpoint (create and replace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointDraft {
    pub url: String,
    pub event_types: EventFilter,
    pub description: String,
}

/// One of a shop's endpoints, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub endpoint_id: String,
    pub seller_id: String,
    pub url: String,
    #[serde(default)]
    pub event_types: EventFilter,
    #[serde(default)]
    pub description: String,
    /// `whsec_` + base64 of the key bytes.
    pub secret: String,
    /// The secret before the last rotation, still signing until `previous_secret_until`.
    #[serde(default)]
    pub previous_secret: Option<String>,
    #[serde(default)]
    pub previous_secret_until: Option<Timestamp>,
    /// Why deliveries stopped (none while it is enabled).
    #[serde(default)]
    pub disabled_reason: Option<String>,
    /// Since when every attempt has failed (none after a success).
    #[serde(default)]
    pub failing_since: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl WebhookEndpoint {
    /// A new, enabled endpoint of `seller_id` signing with `secret`.
    pub fn new(endpoint_id: &str, seller_id: &str, draft: EndpointDraft, secret: String, now: Timestamp) -> Self {
        WebhookEndpoint {
            endpoint_id: endpoint_id.to_string(),
            seller_id: seller_id.to_string(),
            url: draft.url,
            event_types: draft.event_types,
            description: draft.description,
            secret,
            previous_secret: None,
            previous_secret_until: None,
            disabled_reason: None,
            failing_since: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn enabled(&self) -> bool {
        self.disabled_reason.is_none()
    }

    /// The secrets that sign a delivery at `now`: the current one, and the previous one for a
    /// day after a rotation.
    pub fn signing_secrets(&self, now: Timestamp) -> Vec<&str> {
        let previous =
            self.previous_secret.as_deref().filter(|_| self.previous_secret_until.is_some_and(|until| now < until));
        std::iter::once(self.secret.as_str()).chain(previous).collect()
    }

    /// Whether an endpoint that has failed since `failing_since` is disabled by one more failure.
    pub fn failed_too_long(&self, schedule: RetrySchedule, now: Timestamp) -> bool {
        self.failing_since.is_some_and(|since| now.millis() - since.millis() >= schedule.disable_after_seconds() * 1000)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeliveryStatus {
    /// Not delivered yet; tried again at `next_attempt_at`.
    Pending,
    Succeeded,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Result<DeliveryStatus, ApiError> {
        match text {
            "pending" => Ok(DeliveryStatus::Pending),
            "succeeded" => Ok(DeliveryStatus::Succeeded),
            "failed" => Ok(DeliveryStatus::Failed),
            _ => Err(ApiError::invalid("status", "one of pending, succeeded, failed")),
        }
    }
}

/// One event for one endpoint: its body is fixed when recorded, so every attempt sends the
/// same id and bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `<event time in ms>.<event id>`: newest first in the log, the same for the same event.
    pub delivery_id: String,
    pub endpoint_id: String,
    pub seller_id: String,
    pub event_id: String,
    pub event_type: String,
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    #[serde(default)]
    pub last_status: Option<u16>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub next_attempt_at: Option<Timestamp>,
    /// When the change happened: the delivery's latency runs from here.
    pub event_at: Timestamp,
    pub created_at: Timestamp,
}

impl Delivery {
    pub fn id_of(event_at: Timestamp, event_id: &str) -> String {
        format!("{:013}.{event_id}", event_at.millis().max(0))
    }

    /// Whether `text` has the shape of a delivery id (the log's cursor is one).
    pub fn is_id(text: &str) -> bool {
        let Some((millis, event)) = text.split_once('.') else { return false };
        millis.len() == 13
            && millis.bytes().all(|byte| byte.is_ascii_digit())
            && event.starts_with("evt_")
            && event.len() <= 100
            && event.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A 2xx.
    Delivered { status: u16 },
    /// Another status, a timeout, a refused connection or a refused address.
    Failed { status: Option<u16>, error: String },
}

impl Delivery {
    /// The delivery after an attempt ended with `outcome` (its attempt already counted).
    pub fn after_attempt(&self, outcome: &AttemptOutcome, schedule: RetrySchedule, now: Timestamp) -> Delivery {
        let mut next = self.clone();
        match outcome {
            AttemptOutcome::Delivered { status } => {
                next.status = DeliveryStatus::Succeeded;
                next.last_status = Some(*status);
                next.last_error = None;
                next.next_attempt_at = None;
            }
            AttemptOutcome::Failed { status, error } => {
                next.last_status = *status;
                next.last_error = Some(error.clone());
                next.next_attempt_at = schedule.next_attempt(self.attempts, now);
                next.status =
                    if next.next_attempt_at.is_some() { DeliveryStatus::Pending } else { DeliveryStatus::Failed };
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_about_a_day_and_scales_with_the_first_delay() {
        let now = Timestamp::from_millis(0);
        let standard = RetrySchedule { first_delay_seconds: 5 };
        let delays: Vec<i64> =
            (1..=8).map_while(|attempts| standard.next_attempt(attempts, now)).map(|at| at.millis() / 1000).collect();
        assert_eq!(delays, vec![5, 300, 1800, 7200, 18_000, 36_000, 36_000]);
        assert_eq!(RetrySchedule::ATTEMPTS, 8);
        assert!(standard.next_attempt(0, now).is_none(), "no attempt yet, nothing to retry");
        let fast = RetrySchedule { first_delay_seconds: 1 };
        assert_eq!(fast.next_attempt(1, now).map(|at| at.millis()), Some(1000));
        assert_eq!(fast.next_attempt(2, now).map(|at| at.millis()), Some(60_000));
        assert_eq!(fast.disable_after_seconds(), 86_400);
    }

    #[test]
    fn filters_take_types_families_and_everything() {
        let filter = EventFilter::parse(vec!["order.*".into(), "refund.refunded".into()]).unwrap();
        assert!(filter.matches(EventType::OrderPaid));
        assert!(filter.matches(EventType::RefundRefunded));
        assert!(!filter.matches(EventType::RefundRequested));
        assert!(!filter.matches(EventType::PaymentLate));
        assert!(EventFilter::default().matches(EventType::PaymentLate));
        assert!(EventFilter::parse(vec!["*".into()]).unwrap().matches(EventType::RefundClosed));
        for refused in ["order", "shipping.*", "order.unknown", "webhook.test", ""] {
            assert!(EventFilter::parse(vec![refused.into()]).is_err(), "{refused}");
        }
    }

    #[test]
    fn an_attempt_moves_the_delivery_on_the_schedule_then_fails_it() {
        let now = Timestamp::from_millis(1_000_000);
        let schedule = RetrySchedule { first_delay_seconds: 5 };
        let mut delivery = Delivery {
            delivery_id: Delivery::id_of(now, "evt_1_1"),
            endpoint_id: "we_1".into(),
            seller_id: "s".into(),
            event_id: "evt_1_1".into(),
            event_type: "order.paid".into(),
            body: "{}".into(),
            status: DeliveryStatus::Pending,
            attempts: 1,
            last_status: None,
            last_error: None,
            next_attempt_at: Some(now),
            event_at: now,
            created_at: now,
        };
        assert!(Delivery::is_id(&delivery.delivery_id), "{}", delivery.delivery_id);
        let failed = AttemptOutcome::Failed { status: Some(500), error: "HTTP 500".into() };
        let after = delivery.after_attempt(&failed, schedule, now);
        assert_eq!((after.status, after.next_attempt_at), (DeliveryStatus::Pending, Some(now.plus_seconds(5))));
        delivery.attempts = RetrySchedule::ATTEMPTS;
        assert_eq!(delivery.after_attempt(&failed, schedule, now).status, DeliveryStatus::Failed);
        let delivered = delivery.after_attempt(&AttemptOutcome::Delivered { status: 204 }, schedule, now);
        assert_eq!((delivered.status, delivered.next_attempt_at), (DeliveryStatus::Succeeded, None));
    }
}
