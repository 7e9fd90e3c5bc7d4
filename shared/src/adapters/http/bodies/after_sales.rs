//! Bodies of after-sales: the buyer's application and return shipment, the shop's answers.

use super::address::AddressBody;
use super::fulfilment::validate_carrier;
#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::address::Address;
use crate::domain::money::Money;
use crate::domain::pricing::MAX_QUANTITY;
use crate::domain::refund::{RefundKind, ReturnShipment};
use crate::domain::state::{AfterSalesPolicy, LineRef, RefundApplication, MAX_VOUCHERS};
use crate::domain::text::{validate_id, validate_multiline_text, validate_text};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde::Deserialize;

/// Image URLs that show a problem or a parcel: up to 9, each an http(s) URL of at most 500
/// characters.
fn validate_vouchers(field: &str, vouchers: &[String]) -> Result<(), ApiError> {
    if vouchers.len() > MAX_VOUCHERS {
        return Err(ApiError::invalid(field, format!("at most {MAX_VOUCHERS} image URLs")));
    }
    for (index, url) in vouchers.iter().enumerate() {
        let field = format!("{field}[{index}]");
        validate_text(&field, url, 1, 500)?;
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        if rest.is_none_or(str::is_empty) || url.contains(char::is_whitespace) {
            return Err(ApiError::invalid(field, "must be an http(s) URL"));
        }
    }
    Ok(())
}

/// One line of an after-sales application: `line_id` (as the order shows it) or `sku_id`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"line_id": "1", "quantity": 1}))))]
pub struct RefundLineBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub line_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub sku_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, MAX_QUANTITY>))]
    pub quantity: i64,
}

/// The goods a buyer sent back.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF9876543210", "vouchers": ["https://example.com/img/parcel.jpg"]}))))]
pub struct ReturnShipmentBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub carrier_code: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub carrier_name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub tracking_no: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::urls::<9>))]
    pub vouchers: Vec<String>,
}

impl ReturnShipmentBody {
    /// `prefix` names where it sits in the body (`return_shipment.`).
    pub fn into_shipment(self, prefix: &str, now: Timestamp) -> Result<ReturnShipment, ApiError> {
        validate_carrier(prefix, &self.carrier_code, &self.carrier_name, &self.tracking_no)?;
        validate_vouchers(&format!("{prefix}vouchers"), &self.vouchers)?;
        Ok(ReturnShipment {
            carrier_code: self.carrier_code,
            carrier_name: self.carrier_name,
            tracking_no: self.tracking_no,
            vouchers: self.vouchers,
            shipped_at: now,
        })
    }
}

/// `POST /orders/{id}/refund`: a buyer's after-sales application.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"type": "refund_only", "reason": "Arrived damaged", "remark": "The lid is cracked", "amount": "64.00", "lines": [{"line_id": "1", "quantity": 1}], "vouchers": ["https://example.com/img/lid.jpg"]}))))]
pub struct ApplyRefundBody {
    /// `refund_only` or `return_and_refund` (only once shipped).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::refund_type))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<1, 200>))]
    pub reason: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<0, 500>))]
    pub remark: String,
    /// Defaults to what the chosen lines can still refund (a points order refunds points: omit it).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub amount: Option<String>,
    /// Omitted: every unit not yet refunded.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub lines: Vec<RefundLineBody>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::urls::<9>))]
    pub vouchers: Vec<String>,
    /// The goods, when already sent back (approval then waits for them to arrive).
    #[serde(default)]
    pub return_shipment: Option<ReturnShipmentBody>,
}

impl ApplyRefundBody {
    pub fn into_application(self, policy: AfterSalesPolicy, now: Timestamp) -> Result<RefundApplication, ApiError> {
        let kind = match self.kind.as_str() {
            "refund_only" => RefundKind::RefundOnly,
            "return_and_refund" => RefundKind::ReturnAndRefund,
            other => {
                return Err(ApiError::invalid(
                    "type",
                    format!("unknown type {other:?}; use refund_only or return_and_refund"),
                ))
            }
        };
        validate_multiline_text("reason", &self.reason, 1, 200)?;
        validate_multiline_text("remark", &self.remark, 0, 500)?;
        let amount = match &self.amount {
            Some(text) => Some(Money::parse(text).map_err(|rule| ApiError::invalid("amount", rule))?),
            None => None,
        };
        if self.lines.len() > 100 {
            return Err(ApiError::invalid("lines", "at most 100 lines"));
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for (index, line) in self.lines.into_iter().enumerate() {
            let field = |name: &str| format!("lines[{index}].{name}");
            let reference = match (line.line_id, line.sku_id) {
                (Some(id), None) => {
                    validate_id(&field("line_id"), &id)?;
                    LineRef::LineId(id)
                }
                (None, Some(sku_id)) => {
                    validate_id(&field("sku_id"), &sku_id)?;
                    LineRef::Sku(sku_id)
                }
                _ => return Err(ApiError::invalid(field("line_id"), "give line_id or sku_id, one of them")),
            };
            let quantity = u32::try_from(line.quantity)
                .ok()
                .filter(|quantity| (1..=MAX_QUANTITY as u32).contains(quantity))
                .ok_or_else(|| ApiError::invalid(field("quantity"), format!("must be 1..={MAX_QUANTITY}")))?;
            lines.push((reference, quantity));
        }
        validate_vouchers("vouchers", &self.vouchers)?;
        if kind == RefundKind::RefundOnly && self.return_shipment.is_some() {
            return Err(ApiError::invalid("return_shipment", "only a return_and_refund sends goods back"));
        }
        let return_shipment =
            self.return_shipment.map(|shipment| shipment.into_shipment("return_shipment.", now)).transpose()?;
        Ok(RefundApplication {
            kind,
            amount,
            reason: self.reason,
            remark: self.remark,
            lines,
            vouchers: self.vouchers,
            return_shipment,
            policy,
        })
    }
}

/// `POST /seller/orders/{id}/refund/reject`: the reason is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"reason": "The seal is broken: opened goods are not returnable"}))))]
pub struct RejectRefundBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<1, 200>))]
    pub reason: String,
}

impl RejectRefundBody {
    pub fn into_reason(self) -> Result<String, ApiError> {
        validate_multiline_text("reason", &self.reason, 1, 200)?;
        Ok(self.reason)
    }
}

/// `POST /seller/orders/{id}/refund/approve`: for a return, where the goods go (default: the
/// shop's saved return address).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({}))))]
pub struct ApproveRefundBody {
    #[serde(default)]
    pub return_address: Option<AddressBody>,
}

impl ApproveRefundBody {
    pub fn return_address(self) -> Result<Option<Address>, ApiError> {
        self.return_address.map(|body| body.into_plain_address("return_address.")).transpose()
    }
}

/// `POST /seller/orders/{id}/refund/confirm-return`: whether the goods go back on the shelf.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"restock": true}))))]
pub struct ConfirmReturnBody {
    /// Default true: the returned units are added to on_hand (and available).
    #[serde(default)]
    pub restock: Option<bool>,
}
