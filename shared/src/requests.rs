//! Bodies of the payment, fulfilment and points routes, validated into state-machine actions.

use crate::catalog::{validate_id, validate_text};
use crate::checkout::MAX_POINTS;
use crate::error::ApiError;
use crate::order::{Shipment, TrackingEvent};
use crate::state::Action;
use crate::time::Timestamp;
use serde::Deserialize;

/// `POST /orders/{id}/payments`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    pub channel: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentChannel {
    Alipay,
    Points,
}

impl PaymentRequest {
    pub fn channel(&self) -> Result<PaymentChannel, ApiError> {
        match self.channel.as_str() {
            "alipay" => Ok(PaymentChannel::Alipay),
            "points" => Ok(PaymentChannel::Points),
            other => Err(ApiError::invalid("channel", format!("unknown channel {other:?}; use alipay or points"))),
        }
    }
}

/// `POST /seller/orders/{id}/ship`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipRequest {
    pub carrier_code: String,
    pub carrier_name: String,
    pub tracking_no: String,
}

impl ShipRequest {
    pub fn into_action(self, now: Timestamp, auto_confirm_days: i64) -> Result<Action, ApiError> {
        validate_id("carrier_code", &self.carrier_code)?;
        validate_text("carrier_name", &self.carrier_name, 1, 50)?;
        validate_id("tracking_no", &self.tracking_no)?;
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
pub struct TrackingEventRequest {
    #[serde(default)]
    pub at: Option<String>,
    pub description: String,
    #[serde(default)]
    pub location: String,
}

impl TrackingEventRequest {
    pub fn into_action(self, now: Timestamp) -> Result<Action, ApiError> {
        let at = match &self.at {
            Some(text) => Timestamp::parse(text).map_err(|rule| ApiError::invalid("at", rule))?,
            None => now,
        };
        if at > now.plus_seconds(300) {
            return Err(ApiError::invalid("at", "must not be in the future"));
        }
        validate_text("description", &self.description, 1, 200)?;
        validate_text("location", &self.location, 0, 100)?;
        Ok(Action::AddTrackingEvent(TrackingEvent { at, description: self.description, location: self.location }))
    }
}

/// A body with an optional free-text `reason` (cancel, seller close).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[serde(default)]
    pub reason: String,
}

impl ReasonRequest {
    pub fn reason(self) -> Result<String, ApiError> {
        validate_text("reason", &self.reason, 0, 200)?;
        Ok(self.reason)
    }
}

/// `POST /orders/{id}/review`: an optional comment, kept in the timeline.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    #[serde(default)]
    pub comment: String,
}

impl ReviewRequest {
    pub fn into_action(self) -> Result<Action, ApiError> {
        validate_text("comment", &self.comment, 0, 500)?;
        Ok(Action::Review { comment: self.comment })
    }
}

/// `POST /admin/points`: grant (or, negative, take back) a buyer's points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantPointsRequest {
    pub buyer_id: String,
    pub points: i64,
    #[serde(default)]
    pub reason: String,
}

impl GrantPointsRequest {
    pub fn validate(&self) -> Result<(), ApiError> {
        validate_id("buyer_id", &self.buyer_id)?;
        if self.points == 0 || self.points.abs() > MAX_POINTS {
            return Err(ApiError::invalid("points", format!("must be non-zero and at most {MAX_POINTS} either way")));
        }
        validate_text("reason", &self.reason, 0, 200)
    }
}

/// An optional JSON body: empty means the default.
pub fn optional_body<T: Default + serde::de::DeserializeOwned>(request: &lambda_http::Request) -> Result<T, ApiError> {
    if request.body().is_empty() {
        Ok(T::default())
    } else {
        crate::http::json_body(request)
    }
}
