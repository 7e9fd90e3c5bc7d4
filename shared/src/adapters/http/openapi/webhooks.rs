//! A shop's webhook endpoints and their delivery logs, and the events they receive (the
//! description's `webhooks` section).

use super::answers::*;
use crate::adapters::http::bodies::WebhookBody;
use crate::adapters::http::views::{DeliveryListView, DeliveryView, OrderView, WebhookListView, WebhookView};
use crate::domain::events::EventType;
use utoipa::{IntoParams, ToSchema};

/// The endpoint a route's path names.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EndpointPath {
    /// The endpoint's id (`we_...`)
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub endpoint_id: String,
}

/// The endpoint and the delivery a route's path names.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeliveryPath {
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub endpoint_id: String,
    /// The delivery's id, from the log
    pub delivery_id: String,
}

/// A page of the delivery log.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryLogQuery {
    /// pending, succeeded or failed
    #[param(pattern = "^(pending|succeeded|failed)?$")]
    pub status: Option<String>,
    /// 1 to 100 (default 20)
    #[param(pattern = "^(0*(100|[1-9][0-9]?))?$", example = "20")]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page
    pub cursor: Option<String>,
}

/// What each delivery POSTs (signed: `webhook-id`, `webhook-timestamp`, `webhook-signature`).
#[derive(ToSchema)]
pub struct EventEnvelope<'a> {
    /// The same for the same event, however often it is delivered (`evt_<order_no>_<sequence>`)
    pub id: String,
    /// The event type (`order.paid`, ...)
    #[schema(rename = "type")]
    pub event_type: String,
    /// When the change happened (RFC 3339, UTC)
    pub timestamp: String,
    pub order_no: String,
    pub seller_id: String,
    pub buyer_id: String,
    /// The order's own event number: 1, 2, 3, ... without gaps
    pub sequence: u64,
    pub data: EventData<'a>,
}

#[derive(ToSchema)]
pub struct EventData<'a> {
    /// The order as the shop sees it after the change
    pub order: OrderView<'a>,
}

/// The shop's webhook endpoints (without their secrets)
#[utoipa::path(get, path = "/api/v1/seller/webhooks", operation_id = "list-webhooks", tag = "webhooks",
    responses(
        (status = 200, description = "The endpoints", body = Envelope<WebhookListView>),
        TokenErrors, Faults,
    ))]
fn list_webhooks() {}

/// Register an endpoint (at most 10 per shop); the answer carries its secret, shown only here
#[utoipa::path(post, path = "/api/v1/seller/webhooks", operation_id = "create-webhook", tag = "webhooks",
    request_body = WebhookBody,
    responses(
        (status = 201, description = "The endpoint with its `secret`", body = Envelope<WebhookView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn create_webhook() {}

/// One of the shop's endpoints
#[utoipa::path(get, path = "/api/v1/seller/webhooks/{endpoint_id}", operation_id = "get-webhook", tag = "webhooks",
    params(EndpointPath),
    responses(
        (status = 200, description = "The endpoint", body = Envelope<WebhookView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_webhook() {}

/// Replace an endpoint's URL, event types and description (a disabled endpoint is enabled again)
#[utoipa::path(put, path = "/api/v1/seller/webhooks/{endpoint_id}", operation_id = "update-webhook", tag = "webhooks",
    params(EndpointPath),
    request_body = WebhookBody,
    responses(
        (status = 200, description = "The endpoint", body = Envelope<WebhookView>),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn update_webhook() {}

/// Remove an endpoint
#[utoipa::path(delete, path = "/api/v1/seller/webhooks/{endpoint_id}", operation_id = "delete-webhook", tag = "webhooks",
    params(EndpointPath),
    responses(
        (status = 200, description = "`{endpoint_id, deleted: true}`", body = Envelope<Object>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn delete_webhook() {}

/// A new secret; for 24 hours deliveries are signed with the old and the new one
#[utoipa::path(post, path = "/api/v1/seller/webhooks/{endpoint_id}/rotate-secret", operation_id = "rotate-webhook-secret", tag = "webhooks",
    params(EndpointPath),
    responses(
        (status = 200, description = "The endpoint with its new `secret`", body = Envelope<WebhookView>),
        TokenErrors, ParamErrors, NotFound, StateConflict, Faults,
    ))]
fn rotate_webhook_secret() {}

/// Send a `webhook.test` event to the endpoint now
#[utoipa::path(post, path = "/api/v1/seller/webhooks/{endpoint_id}/test", operation_id = "test-webhook", tag = "webhooks",
    params(EndpointPath),
    responses(
        (status = 200, description = "Its delivery after the attempt", body = Envelope<DeliveryView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn test_webhook() {}

/// The endpoint's deliveries, newest first
#[utoipa::path(get, path = "/api/v1/seller/webhooks/{endpoint_id}/deliveries", operation_id = "list-webhook-deliveries", tag = "webhooks",
    params(EndpointPath, DeliveryLogQuery),
    responses(
        (status = 200, description = "One page", body = Envelope<DeliveryListView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn list_webhook_deliveries() {}

/// Attempt a delivery again now (same event id and body, a fresh signature)
#[utoipa::path(post, path = "/api/v1/seller/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry", operation_id = "retry-webhook-delivery", tag = "webhooks",
    params(DeliveryPath),
    responses(
        (status = 200, description = "The delivery after the attempt", body = Envelope<DeliveryView>),
        TokenErrors, ParamErrors, NotFound, StateConflict, Faults,
    ))]
fn retry_webhook_delivery() {}

/// The description's `webhooks` section: one entry per event type, each a POST of the envelope.
pub fn webhooks_section() -> serde_json::Value {
    let mut section = serde_json::Map::new();
    for kind in EventType::ALL {
        let summary = match kind {
            EventType::WebhookTest => {
                "Sent by POST /seller/webhooks/{endpoint_id}/test; data holds endpoint_id".to_string()
            }
            kind => format!("An order's timeline recorded a change of type {}", kind.as_str()),
        };
        section.insert(
            kind.as_str().to_string(),
            serde_json::json!({"post": {
                "summary": summary,
                "operationId": format!("event-{}", kind.as_str().replace('.', "-")),
                "parameters": [
                    {"name": "webhook-id", "in": "header", "required": true, "schema": {"type": "string"}, "description": "The event id"},
                    {"name": "webhook-timestamp", "in": "header", "required": true, "schema": {"type": "string"}, "description": "Unix seconds of this attempt"},
                    {"name": "webhook-signature", "in": "header", "required": true, "schema": {"type": "string"},
                     "description": "v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\" with the secret's bytes>, one per secret, space-separated"}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventEnvelope"}}}},
                "responses": {"2XX": {"description": "Delivered; anything else (or no answer within WEBHOOK_TIMEOUT_MS) is retried"}}
            }}),
        );
    }
    serde_json::Value::Object(section)
}
