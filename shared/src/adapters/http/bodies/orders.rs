//! Bodies of a buyer's orders: placing one (`POST /orders`, also what `/orders/quote` prices),
//! starting its payment, cancelling or closing with a reason, reviewing.

use super::address::AddressBody;
#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::cart::MAX_CART_ITEMS;
use crate::domain::member::Benefit;
use crate::domain::order::OrderType;
use crate::domain::pay_password::{validate as validate_pay_password, GivenPassword};
use crate::domain::payment::{PaymentChoice, PaymentMethod};
use crate::domain::pricing::{check_pay_channel, AddressSource, Checkout, MAX_DISTINCT_SKUS, MAX_POINTS, MAX_QUANTITY};
use crate::domain::state::Action;
use crate::domain::text::{validate_id, validate_multiline_text};
use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"sku_id": "tea-longjing-250g", "quantity": 2}))))]
pub struct ItemBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub sku_id: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, MAX_QUANTITY>))]
    pub quantity: i64,
}

/// `POST /orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"items": [{"sku_id": "tea-longjing-250g", "quantity": 2}], "address_id": "a1b2c3", "remark": "Please ring twice"}))))]
pub struct CreateOrderBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::items::<MAX_DISTINCT_SKUS>))]
    pub items: Vec<ItemBody>,
    /// Buy from the cart (instead of `items`): the `sku_ids` given, or the selected items.
    #[serde(default)]
    pub from_cart: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub sku_ids: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub address_id: Option<String>,
    #[serde(default)]
    pub address: Option<AddressBody>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<0, 200>))]
    pub remark: String,
    #[serde(default)]
    pub order_type: OrderType,
    /// `discount` (the member discount) or `points` (with `points_to_use`); never both.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::benefit))]
    pub benefit: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<0, MAX_POINTS>))]
    pub points_to_use: i64,
    /// Start paying in the same call (alias `pay_type`): `alipay`, `wxpay` or `lianlian` answer
    /// each order's signed parameters as `start-payment` does; `points` (or `sccb`) pays a points
    /// order as it is placed; `llQuickPay` and `llApplePay` are LianLian with that method.
    #[serde(default, alias = "pay_type")]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::pay_channel))]
    pub pay_channel: Option<String>,
    /// With a channel that offers several (`lianlian`: `quick`, the default, or `apple`).
    #[serde(default)]
    pub pay_method: Option<PaymentMethod>,
    /// The points password (6 digits), when the buyer has set one and the order spends points.
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
    pub pay_password: Option<String>,
}

impl CreateOrderBody {
    /// The payment to start with the create, if any.
    fn pay_channel(&self) -> Result<Option<PaymentChoice>, ApiError> {
        let method = self.pay_method.map(PaymentMethod::as_str);
        let parse = |name: &str| PaymentChoice::parse("pay_channel", name, "pay_method", method);
        match (self.pay_channel.as_deref(), &self.pay_method) {
            (Some(name), _) => parse(name).map(Some),
            (None, Some(_)) => Err(ApiError::invalid("pay_method", "goes with pay_channel")),
            (None, None) => Ok(None),
        }
    }

    /// The benefit asked for: `benefit` with `points_to_use` (points alone still mean points).
    fn benefit(&self) -> Result<Benefit, ApiError> {
        if !(0..=MAX_POINTS).contains(&self.points_to_use) {
            return Err(ApiError::invalid("points_to_use", format!("must be 0..={MAX_POINTS}")));
        }
        let benefit = match (self.benefit.as_deref(), self.points_to_use) {
            (None, 0) => Benefit::None,
            (None | Some("points"), points) if points > 0 => Benefit::Points(points),
            (Some("points"), _) => {
                return Err(ApiError::invalid("points_to_use", "must be more than 0 with benefit points"))
            }
            (Some("discount"), 0) => Benefit::Discount,
            (Some("discount"), _) => {
                return Err(ApiError::invalid(
                    "benefit",
                    "the member discount or points, never both: leave points_to_use out",
                ))
            }
            (Some(other), _) => {
                return Err(ApiError::invalid("benefit", format!("unknown benefit {other:?}; use discount or points")))
            }
            (None, _) => Benefit::None,
        };
        if self.order_type == OrderType::Points && benefit != Benefit::None {
            return Err(ApiError::invalid("benefit", "a points order is paid in points already; leave it out"));
        }
        Ok(benefit)
    }

    pub fn into_checkout(self) -> Result<Checkout, ApiError> {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let fingerprint = hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &body));
        let benefit = self.benefit()?;
        let pay_channel = self.pay_channel()?;
        check_pay_channel(self.order_type, pay_channel.map(|choice| choice.channel))?;
        let from_cart = if self.from_cart {
            if !self.items.is_empty() {
                return Err(ApiError::invalid("items", "send items or from_cart, not both"));
            }
            if self.sku_ids.len() > MAX_CART_ITEMS {
                return Err(ApiError::invalid("sku_ids", format!("at most {MAX_CART_ITEMS}")));
            }
            for (index, sku_id) in self.sku_ids.iter().enumerate() {
                validate_id(&format!("sku_ids[{index}]"), sku_id)?;
            }
            Some(self.sku_ids.clone())
        } else {
            if !self.sku_ids.is_empty() {
                return Err(ApiError::invalid("sku_ids", "picks items of the cart: only with from_cart"));
            }
            if self.items.is_empty() {
                return Err(ApiError::invalid("items", "must list at least one item (or send from_cart)"));
            }
            None
        };
        if self.items.len() > MAX_DISTINCT_SKUS {
            return Err(ApiError::invalid(
                "items",
                format!("at most {MAX_DISTINCT_SKUS} distinct SKUs fit in one order transaction"),
            ));
        }
        let mut seen = HashSet::new();
        let mut items = Vec::with_capacity(self.items.len());
        for (index, item) in self.items.into_iter().enumerate() {
            validate_id(&format!("items[{index}].sku_id"), &item.sku_id)?;
            if !(1..=MAX_QUANTITY).contains(&item.quantity) {
                return Err(ApiError::invalid(
                    format!("items[{index}].quantity"),
                    format!("must be 1..={MAX_QUANTITY}"),
                ));
            }
            if !seen.insert(item.sku_id.clone()) {
                return Err(ApiError::invalid(
                    format!("items[{index}].sku_id"),
                    "appears twice; send one item per SKU with the total quantity",
                ));
            }
            items.push((item.sku_id, item.quantity as u32));
        }
        let address = match (self.address_id, self.address) {
            (Some(_), Some(_)) => return Err(ApiError::invalid("address", "send address_id or address, not both")),
            (None, None) => return Err(ApiError::invalid("address_id", "address_id or address is required")),
            (Some(id), None) => {
                validate_id("address_id", &id)?;
                AddressSource::Book(id)
            }
            (None, Some(body)) => AddressSource::Inline(body.into_plain_address("address.")?),
        };
        validate_multiline_text("remark", &self.remark, 0, 200)?;
        let pay_password = match self.pay_password {
            Some(password) => {
                validate_pay_password("pay_password", &password)?;
                Some(GivenPassword(password))
            }
            None => None,
        };
        Ok(Checkout {
            items,
            from_cart,
            order_type: self.order_type,
            benefit,
            pay_password,
            address,
            remark: self.remark,
            fingerprint,
            pay_channel,
        })
    }
}

/// `POST /orders/{id}/payments`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"channel": "alipay"}), json!({"channel": "lianlian", "method": "apple"}))))]
pub struct PaymentBody {
    /// The channel (alias `pay_type`; `llQuickPay` and `llApplePay` are LianLian with that method).
    #[serde(alias = "pay_type")]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::pay_channel))]
    pub channel: String,
    /// With a channel that offers several (`lianlian`: `quick`, the default, or `apple`).
    #[serde(default)]
    pub method: Option<PaymentMethod>,
}

impl PaymentBody {
    pub fn choice(&self) -> Result<PaymentChoice, ApiError> {
        PaymentChoice::parse("channel", &self.channel, "method", self.method.map(PaymentMethod::as_str))
    }
}

/// A body with an optional free-text `reason` (the buyer's cancel, the shop's close).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"reason": "Ordered the wrong size"}))))]
pub struct ReasonBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<0, 200>))]
    pub reason: String,
}

impl ReasonBody {
    pub fn reason(self) -> Result<String, ApiError> {
        validate_multiline_text("reason", &self.reason, 0, 200)?;
        Ok(self.reason)
    }
}

/// `POST /orders/{id}/review`: an optional comment, kept in the timeline.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"comment": "Fresh and fragrant"}))))]
pub struct ReviewBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<0, 500>))]
    pub comment: String,
}

impl ReviewBody {
    pub fn into_action(self) -> Result<Action, ApiError> {
        validate_multiline_text("comment", &self.comment, 0, 500)?;
        Ok(Action::Review { comment: self.comment })
    }
}
