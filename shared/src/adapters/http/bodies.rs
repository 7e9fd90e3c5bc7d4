//! Every JSON request body, and how each becomes domain values. Field rules live in the domain
//! types these convert into (`Address::validate`, `Sku::validate`) or here where a body is the
//! only place a value comes from.

#[cfg(feature = "openapi")]
use crate::adapters::http::openapi::rules;
use crate::domain::address::Address;
use crate::domain::cart::{MAX_CART_ITEMS, MAX_CART_QUANTITY};
use crate::domain::catalog::{validate_stock, Listing, MAX_STOCK};
use crate::domain::freight::{FreightTemplate, RegionFee};
use crate::domain::member::{discount_percent, validate_level_id, Benefit, MemberLevel};
use crate::domain::money::Money;
use crate::domain::order::{OrderType, RefundKind, ReturnShipment, Shipment, TrackingEvent};
use crate::domain::pay_password::{validate as validate_pay_password, GivenPassword};
use crate::domain::payment::PaymentChannel;
use crate::domain::pricing::{check_pay_channel, AddressSource, Checkout, MAX_DISTINCT_SKUS, MAX_POINTS, MAX_QUANTITY};
use crate::domain::state::{Action, AfterSalesPolicy, LineRef, RefundApplication, MAX_VOUCHERS};
use crate::domain::text::{validate_id, validate_multiline_text, validate_text, validate_user_id};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use lambda_http::http::header::CONTENT_TYPE;
use lambda_http::{Body, Request};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Bodies above this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(request: &Request) -> bool {
    let Some(value) = request.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let media_type = value.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case("application/json")
}

/// Parses a JSON body into `T`, naming the offending field on failure. A body sent as anything
/// but `application/json` is 415.
pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    if !request.body().is_empty() && !is_json(request) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes: &[u8] = match request.body() {
        Body::Empty => b"",
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => b"",
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::invalid("body", format!("must be at most {MAX_BODY_BYTES} bytes")));
    }
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid("body", format!("malformed JSON: {inner}"))
        } else {
            let field = if path == "." { "body".to_string() } else { path };
            ApiError::invalid(field, strip_position(&inner.to_string()))
        }
    })?;
    deserializer.end().map_err(|error| ApiError::invalid("body", format!("malformed JSON: {error}")))?;
    Ok(value)
}

/// An optional JSON body: empty, or JSON `null`, means the default.
pub fn optional_body<T: Default + DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let is_null = || match request.body() {
        Body::Text(text) => text.trim() == "null",
        Body::Binary(bytes) => bytes.trim_ascii() == b"null",
        _ => false,
    };
    if request.body().is_empty() || (is_null() && is_json(request)) {
        Ok(T::default())
    } else {
        json_body(request)
    }
}

/// serde_json appends " at line 1 column 20"; the field name already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// An address as a caller sends it: inline in an order (`address`), or into the address book,
/// where `is_default` makes it the default. (Not `Address` flattened: serde's flatten would lose
/// the field names in error messages.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Li Lei", "phone": "13800000000", "province": "Sichuan", "city": "Chengdu", "district": "Wuhou", "detail": "1 Renmin Rd", "is_default": true}))))]
pub struct AddressBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::phone))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub province: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub city: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 50>))]
    pub district: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 200>))]
    pub detail: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_default: bool,
}

impl AddressBody {
    /// The checked address and its default flag; `prefix` names where it sits (`address.`).
    pub fn into_address(self, prefix: &str) -> Result<(Address, bool), ApiError> {
        let AddressBody { name, phone, province, city, district, detail, is_default } = self;
        let address = Address { name, phone, province, city, district, detail };
        address.validate(prefix)?;
        Ok((address, is_default))
    }
}

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
    /// Start paying in the same call (seed 004's `pay_type`): `alipay` answers each order's
    /// signed order string; `points` (or `sccb`) pays a points order as it is placed.
    #[serde(default, alias = "pay_type")]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::pay_channel))]
    pub pay_channel: Option<String>,
    /// The points password (6 digits), when the buyer has set one and the order spends points.
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
    pub pay_password: Option<String>,
}

impl CreateOrderBody {
    /// The payment to start with the create, if any.
    fn pay_channel(&self) -> Result<Option<PaymentChannel>, ApiError> {
        match self.pay_channel.as_deref() {
            None => Ok(None),
            Some("sccb") => Ok(Some(PaymentChannel::Points)),
            Some(name) => PaymentChannel::parse("pay_channel", name).map(Some),
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
        check_pay_channel(self.order_type, pay_channel)?;
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

/// `PUT /seller/skus/{sku_id}`: the listing, and `stock`, the units on hand.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Longjing tea 250 g", "properties": "250 g tin", "price": "128.00", "points_price": 12800, "stock": 500}))))]
pub struct PutSkuBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 120>))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 500>))]
    pub properties: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<0, 1000>))]
    pub pic: String,
    pub price: Money,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, MAX_STOCK>))]
    pub points_price: Option<i64>,
    /// Units on hand, those held for open orders included.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000))]
    pub stock: i64,
    /// Set on hand only if it is still this (two screens must not overwrite each other).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000))]
    pub expected_on_hand: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::id))]
    pub freight_template_id: Option<String>,
}

/// A seller's SKU as the body gives it: the listing, on hand, and the on hand it expects.
pub struct SkuPut {
    pub listing: Listing,
    pub on_hand: i64,
    pub expected_on_hand: Option<i64>,
}

impl PutSkuBody {
    /// The listing and stock figures (the listing is checked by the use case).
    pub fn into_put(self, sku_id: &str, seller_id: &str) -> Result<SkuPut, ApiError> {
        validate_stock("stock", self.stock)?;
        if let Some(expected) = self.expected_on_hand {
            validate_stock("expected_on_hand", expected)?;
        }
        let listing = Listing {
            sku_id: sku_id.to_string(),
            seller_id: seller_id.to_string(),
            name: self.name,
            properties: self.properties,
            pic: self.pic,
            price: self.price,
            points_price: self.points_price,
            freight_template_id: self.freight_template_id,
        };
        Ok(SkuPut { listing, on_hand: self.stock, expected_on_hand: self.expected_on_hand })
    }
}

/// `POST /seller/skus/{sku_id}/stock-adjustments`: goods received or lost.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"delta": 120, "reason": "Delivery from the farm"}))))]
pub struct StockAdjustmentBody {
    /// Units to add to on hand (negative takes away; never 0).
    #[cfg_attr(feature = "openapi", schema(minimum = -100_000_000, maximum = 100_000_000))]
    pub delta: i64,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<1, 200>))]
    pub reason: String,
}

impl StockAdjustmentBody {
    pub fn validated(self) -> Result<StockAdjustmentBody, ApiError> {
        if self.delta == 0 || !(-MAX_STOCK..=MAX_STOCK).contains(&self.delta) {
            return Err(ApiError::invalid("delta", format!("must be non-zero and at most {MAX_STOCK} either way")));
        }
        validate_multiline_text("reason", &self.reason, 1, 200)?;
        Ok(self)
    }
}

/// `POST /orders/{id}/payments`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"channel": "alipay"}))))]
pub struct PaymentBody {
    #[cfg_attr(feature = "openapi", schema(value_type = PaymentChannel))]
    pub channel: String,
}

impl PaymentBody {
    pub fn channel(&self) -> Result<PaymentChannel, ApiError> {
        PaymentChannel::parse("channel", &self.channel)
    }
}

/// A parcel's carrier and tracking number (a shipment, or goods sent back); `prefix` names where
/// they sit in the body.
fn validate_carrier(prefix: &str, code: &str, name: &str, tracking_no: &str) -> Result<(), ApiError> {
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

/// `POST /admin/points`: grant (or, negative, take back) a buyer's points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"buyer_id": "buyer-1", "points": 500, "reason": "Welcome gift"}))))]
pub struct GrantPointsBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::user_id))]
    pub buyer_id: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::change::<MAX_POINTS>))]
    pub points: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<0, 200>))]
    pub reason: String,
}

impl GrantPointsBody {
    pub fn validated(self) -> Result<GrantPointsBody, ApiError> {
        validate_user_id("buyer_id", &self.buyer_id)?;
        if self.points == 0 || !(-MAX_POINTS..=MAX_POINTS).contains(&self.points) {
            return Err(ApiError::invalid("points", format!("must be non-zero and at most {MAX_POINTS} either way")));
        }
        validate_multiline_text("reason", &self.reason, 0, 200)?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::http::event::EventBuilder;
    use lambda_http::http::Method;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        count: u32,
    }

    fn request(body: &str) -> Request {
        EventBuilder::new(Method::POST, "/x", "/x")
            .header("content-type", "application/json")
            .body(body.as_bytes())
            .into_request()
    }

    #[test]
    fn a_body_that_is_not_json_is_refused_with_415() {
        let plain = EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "text/plain").body(b"{}");
        let missing = EventBuilder::new(Method::POST, "/x", "/x").body(b"{\"count\": 1}");
        for builder in [plain, missing] {
            let error = json_body::<Sample>(&builder.into_request()).unwrap_err();
            assert_eq!((error.status().as_u16(), error.code()), (415, 10005));
        }
        let charset = EventBuilder::new(Method::POST, "/x", "/x")
            .header("content-type", "Application/JSON; charset=utf-8")
            .body(b"{\"count\": 1}");
        assert!(json_body::<Sample>(&charset.into_request()).is_ok());
        let empty = EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "text/plain");
        assert!(optional_body::<ReasonBody>(&empty.into_request()).is_ok(), "no body, nothing to refuse");
        let null =
            EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "application/json").body(b" null ");
        assert!(optional_body::<ReasonBody>(&null.into_request()).is_ok(), "an optional body may be null");
        let null_as_text =
            EventBuilder::new(Method::POST, "/x", "/x").header("content-type", "text/plain").body(b"null");
        let error = optional_body::<ReasonBody>(&null_as_text.into_request()).unwrap_err();
        assert_eq!(error.status().as_u16(), 415);
    }

    #[test]
    fn points_are_bounded_when_the_body_is_read() {
        for points in [0, i64::MIN, i64::MAX, -MAX_POINTS - 1, MAX_POINTS + 1] {
            let body = GrantPointsBody { buyer_id: "b".into(), points, reason: String::new() };
            assert!(matches!(body.validated(), Err(ApiError::Invalid { field, .. }) if field == "points"), "{points}");
        }
        let body = GrantPointsBody { buyer_id: "b".into(), points: -MAX_POINTS, reason: String::new() };
        assert!(body.validated().is_ok());
    }

    #[test]
    fn body_errors_name_the_field() {
        let field_of = |body: &str| match json_body::<Sample>(&request(body)) {
            Err(ApiError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        };
        assert_eq!(field_of(r#"{"count": "x"}"#), "count");
        assert_eq!(field_of(r#"{"count": 1"#), "body");
        assert_eq!(field_of("[1]"), "body");
        assert_eq!(field_of(""), "body");
        assert_eq!(field_of(r#"{"count": 1} trailing"#), "body");
        assert!(json_body::<Sample>(&request(r#"{"count": 3}"#)).is_ok());
    }

    #[test]
    fn an_address_follows_one_rule_inline_and_in_the_book() {
        let body = |district: Option<&str>| {
            let mut value = serde_json::json!({"name": "Li", "phone": "13800000000", "province": "Guangdong",
                "city": "Dongguan", "detail": "1 Rd"});
            if let Some(district) = district {
                value["district"] = district.into();
            }
            serde_json::from_value::<AddressBody>(value).expect("an address body")
        };
        // A city without districts: the district may be left out, in an order and in the book.
        let (address, is_default) = body(None).into_address("address.").expect("no district is fine");
        assert_eq!((address.district.as_str(), is_default), ("", false));
        assert!(body(Some("Nancheng")).into_address("").is_ok());
        let inline = serde_json::json!({"items": [{"sku_id": "tea", "quantity": 1}],
            "address": {"name": "Li", "phone": "13800000000", "province": "G", "city": "D", "detail": "1 Rd", "is_default": true}});
        let checkout = serde_json::from_value::<CreateOrderBody>(inline).expect("a body").into_checkout();
        assert!(matches!(checkout, Err(ApiError::Invalid { field, .. }) if field == "address.is_default"));
    }
}

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

impl AddressBody {
    /// An address that is not an address-book entry (a shop's return address): `is_default`
    /// means nothing there and is refused.
    pub fn into_plain_address(self, prefix: &str) -> Result<Address, ApiError> {
        match self.into_address(prefix)? {
            (_, true) => Err(ApiError::invalid(format!("{prefix}is_default"), "only the address book has a default")),
            (address, false) => Ok(address),
        }
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

fn yes() -> bool {
    true
}

/// `PUT /cart/items/{sku_id}`: sets the quantity (1–999) and whether it is selected (default yes).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"quantity": 2, "selected": true}))))]
pub struct CartItemBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, 999>))]
    pub quantity: i64,
    #[serde(default = "yes")]
    pub selected: bool,
}

impl CartItemBody {
    pub fn quantity(&self) -> Result<u32, ApiError> {
        u32::try_from(self.quantity)
            .ok()
            .filter(|quantity| (1..=MAX_CART_QUANTITY).contains(quantity))
            .ok_or_else(|| ApiError::invalid("quantity", format!("must be 1..={MAX_CART_QUANTITY}")))
    }
}

/// A region's own fees in a freight template.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionFeeBody {
    #[cfg_attr(feature = "openapi", schema(max_items = 40))]
    pub provinces: Vec<String>,
    pub first_fee: Money,
    pub additional_fee: Money,
}

/// `PUT /seller/freight-templates/{template_id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Standard parcel", "from_province": "Zhejiang", "first_units": 1, "first_fee": "10.00", "additional_units": 1, "additional_fee": "5.00", "free_over": "299.00", "regions": [{"provinces": ["Xinjiang", "Tibet"], "first_fee": "25.00", "additional_fee": "12.00"}], "excluded_provinces": ["Hong Kong"]}))))]
pub struct FreightTemplateBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub from_province: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, 9999>))]
    pub first_units: i64,
    pub first_fee: Money,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, 9999>))]
    pub additional_units: i64,
    pub additional_fee: Money,
    /// Lines using this template ship free when their goods total reaches it.
    #[serde(default)]
    pub free_over: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub regions: Vec<RegionFeeBody>,
    /// Not delivered there: a checkout to one is 400 naming the address.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 40))]
    pub excluded_provinces: Vec<String>,
}

impl FreightTemplateBody {
    pub fn into_template(self, template_id: &str) -> Result<FreightTemplate, ApiError> {
        let units = |field: &str, value: i64| {
            u32::try_from(value)
                .ok()
                .filter(|units| (1..=9999).contains(units))
                .ok_or_else(|| ApiError::invalid(field, "must be 1..=9999"))
        };
        let template = FreightTemplate {
            template_id: template_id.to_string(),
            name: self.name,
            from_province: self.from_province,
            first_units: units("first_units", self.first_units)?,
            first_fee: self.first_fee,
            additional_units: units("additional_units", self.additional_units)?,
            additional_fee: self.additional_fee,
            free_over: self.free_over.map(|money| money.0),
            regions: self
                .regions
                .into_iter()
                .map(|region| RegionFee {
                    provinces: region.provinces,
                    first_fee: region.first_fee,
                    additional_fee: region.additional_fee,
                })
                .collect(),
            excluded_provinces: self.excluded_provinces,
        };
        template.validate()?;
        Ok(template)
    }
}

/// `PUT /admin/member-levels/{level}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Gold", "discount_percent": 5}))))]
pub struct MemberLevelBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub name: String,
    /// Percent off goods (at most 99: every order keeps 0.01 to pay).
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<0, 99>))]
    pub discount_percent: i64,
}

impl MemberLevelBody {
    pub fn into_level(self, level_id: &str) -> Result<MemberLevel, ApiError> {
        validate_level_id("level", level_id)?;
        let percent = discount_percent(self.discount_percent)?;
        let level = MemberLevel { level_id: level_id.to_string(), name: self.name, discount_percent: percent };
        level.validate()?;
        Ok(level)
    }
}

/// `PUT /admin/members/{buyer_id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"level": "gold"}))))]
pub struct MembershipBody {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,32}$"))]
    pub level: String,
}

impl MembershipBody {
    pub fn level(self) -> Result<String, ApiError> {
        validate_level_id("level", &self.level)?;
        Ok(self.level)
    }
}

/// `PUT /points/password`: six digits; `old_password` to change one already set.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"password": "246810"}))))]
pub struct PointsPasswordBody {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
    pub password: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
    pub old_password: Option<String>,
}

impl PointsPasswordBody {
    /// (new, old), checked.
    pub fn passwords(self) -> Result<(GivenPassword, Option<GivenPassword>), ApiError> {
        validate_pay_password("password", &self.password)?;
        if let Some(old) = &self.old_password {
            validate_pay_password("old_password", old)?;
        }
        Ok((GivenPassword(self.password), self.old_password.map(GivenPassword)))
    }
}
