//! How an order is paid.

use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// A payment channel; stored in the order's `payment` and named in `POST /orders/{id}/payments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaymentChannel {
    /// Alipay's app payment: an RSA2-signed order string, then Alipay's notification.
    Alipay,
    /// The buyer's points: a points order is paid in full when it is placed.
    Points,
}

impl PaymentChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentChannel::Alipay => "alipay",
            PaymentChannel::Points => "points",
        }
    }

    /// Reads a channel name from a body field.
    pub fn parse(field: &str, name: &str) -> Result<PaymentChannel, ApiError> {
        match name {
            "alipay" => Ok(PaymentChannel::Alipay),
            "points" => Ok(PaymentChannel::Points),
            other => Err(ApiError::invalid(field, format!("unknown channel {other:?}; use alipay or points"))),
        }
    }
}
