//! Webhook endpoints and their deliveries as the shop sees them. The secret is shown when the
//! endpoint is made and when it is rotated, never when it is read.

use crate::domain::time::Timestamp;
use crate::domain::webhooks::{Delivery, DeliveryStatus, WebhookEndpoint};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView<'a> {
    pub endpoint_id: &'a str,
    pub url: &'a str,
    /// Empty: every event.
    pub event_types: &'a [String],
    pub description: &'a str,
    pub enabled: bool,
    /// Why deliveries stopped (an endpoint that failed everything for 5 days); PUT turns it on.
    pub disabled_reason: Option<&'a str>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Only in the answers of create and rotate-secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<&'a str>,
}

impl<'a> WebhookView<'a> {
    pub fn new(endpoint: &'a WebhookEndpoint) -> WebhookView<'a> {
        WebhookView {
            endpoint_id: &endpoint.endpoint_id,
            url: &endpoint.url,
            event_types: endpoint.event_types.patterns(),
            description: &endpoint.description,
            enabled: endpoint.enabled(),
            disabled_reason: endpoint.disabled_reason.as_deref(),
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
            secret: None,
        }
    }

    pub fn with_secret(endpoint: &'a WebhookEndpoint) -> WebhookView<'a> {
        WebhookView { secret: Some(&endpoint.secret), ..WebhookView::new(endpoint) }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookListView<'a> {
    pub items: Vec<WebhookView<'a>>,
}

impl<'a> WebhookListView<'a> {
    pub fn new(endpoints: &'a [WebhookEndpoint]) -> WebhookListView<'a> {
        WebhookListView { items: endpoints.iter().map(WebhookView::new).collect() }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView<'a> {
    pub delivery_id: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<&'a str>,
    /// While pending.
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl<'a> DeliveryView<'a> {
    pub fn new(delivery: &'a Delivery) -> DeliveryView<'a> {
        DeliveryView {
            delivery_id: &delivery.delivery_id,
            event_id: &delivery.event_id,
            event_type: &delivery.event_type,
            status: delivery.status,
            attempts: delivery.attempts,
            last_status: delivery.last_status,
            last_error: delivery.last_error.as_deref(),
            next_attempt_at: delivery.next_attempt_at,
            created_at: delivery.created_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryListView<'a> {
    pub items: Vec<DeliveryView<'a>>,
    /// Give it as `cursor` for the next page; none on the last.
    pub next_cursor: Option<&'a str>,
}

impl<'a> DeliveryListView<'a> {
    pub fn new(deliveries: &'a [Delivery], next_cursor: Option<&'a str>) -> DeliveryListView<'a> {
        DeliveryListView { items: deliveries.iter().map(DeliveryView::new).collect(), next_cursor }
    }
}
