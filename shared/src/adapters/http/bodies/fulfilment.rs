//! Bodies of shipping: the shipment and its tracking events.

#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::order::{Shipment, TrackingEvent};
use crate::domain::state::Action;
use crate::domain::text::{validate_id, validate_text};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::Deserialize;

/// A parcel's carrier and tracking number (a shipment, or goods sent back); `prefix` names where
/// they sit in the body.
pub(super) fn validate_carrier(prefix: &str, code: &str, name: &str, tracking_no: &str) -> Result<(), ApiError> {
    validate_id(&format!("{prefix}carrier_code"), code)?;
    validate_text(&format!("{prefix}carrier_name"), name, 1, 50)?;
    validate_id(&format!("{prefix}tracking_no"), tracking_no)
}

/// `POST /seller/orders/{id}/ship`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF1234567890"}))))]
pub struct ShipBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub carrier_code: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub carrier_name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub tracking_no: String,
}

impl ShipBody {
    /// Shipped now; the order completes by itself `auto_confirm_days` later.
    pub fn into_action(self, now: Timestamp, auto_confirm_days: i64) -> Result<Action, ApiError> {
        validate_carrier("", &self.carrier_code, &self.carrier_name, &self.tracking_no)?;
        Ok(Action::Ship {
            shipment: Shipment {
                carrier_code: self.carrier_code,
                carrier_name: self.carrier_name,
                tracking_no: self.tracking_no,
                shipped_at: now,
            },
            auto_confirm_at: now.plus_seconds(auto_confirm_days * 86_400),
        })
    }
}

/// `POST /seller/orders/{id}/tracking-events`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"description": "Arrived at Chengdu hub", "location": "Chengdu"}))))]
pub struct TrackingEventBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Timestamp>))]
    pub at: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 200>))]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 100>))]
    pub location: String,
}

impl TrackingEventBody {
    pub fn into_event(self, now: Timestamp) -> Result<TrackingEvent, ApiError> {
        let at = match &self.at {
            Some(text) => Timestamp::parse(text).map_err(|rule| ApiError::invalid("at", rule))?,
            None => now,
        };
        if at > now.plus_seconds(300) {
            return Err(ApiError::invalid("at", "must not be in the future"));
        }
        validate_text("description", &self.description, 1, 200)?;
        validate_text("location", &self.location, 0, 100)?;
        Ok(TrackingEvent { at, description: self.description, location: self.location })
    }
}
