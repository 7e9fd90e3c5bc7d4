//! `POST /seller/webhooks` and `PUT /seller/webhooks/{endpoint_id}`: an endpoint's URL, the
//! event types it takes and a description.

#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::text::validate_text;
use crate::domain::webhooks::{EndpointDraft, EventFilter, MAX_DESCRIPTION_CHARS, MAX_URL_CHARS};
use crate::error::ApiError;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({
    "url": "https://erp.example.com/hooks/orders",
    "event_types": ["order.*", "refund.refunded"],
    "description": "ERP"
}))))]
pub struct WebhookBody {
    /// `https`, its host resolving to public addresses only.
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 2000>))]
    pub url: String,
    /// Event types (`order.paid`), families (`order.*`, `refund.*`, `payment.*`) or `*`; omitted
    /// or empty: every event.
    #[serde(default)]
    pub event_types: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 200>))]
    pub description: String,
}

impl WebhookBody {
    pub fn into_draft(self) -> Result<EndpointDraft, ApiError> {
        validate_text("url", &self.url, 1, MAX_URL_CHARS)?;
        validate_text("description", &self.description, 0, MAX_DESCRIPTION_CHARS)?;
        Ok(EndpointDraft {
            url: self.url,
            event_types: EventFilter::parse(self.event_types)?,
            description: self.description,
        })
    }
}
