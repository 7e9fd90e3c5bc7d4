//! Turning a create-order request into orders: validation, pricing from the catalog, splitting by
//! seller. Pure; the store makes it durable in one transaction.

use crate::address::AddressInput;
use crate::catalog::{validate_id, validate_text, Sku};
use crate::error::ApiError;
use crate::money::Money;
use crate::order::Payment;
use crate::order::{Actor, Address, Amounts, Order, OrderLine, OrderStatus, OrderType, TimelineEntry};
use crate::order_no;
use crate::state::{self, Action};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

pub const MAX_QUANTITY: i64 = 9999;
/// Points per order request, an upper bound that catches typos.
pub const MAX_POINTS: i64 = 1_000_000_000;
/// Points are worth a fen each when they offset a standard order.
pub const FEN_PER_POINT: i64 = 1;
/// One checkout is one DynamoDB transaction (at most 100 actions): one per SKU, three per
/// order (order, order-number claim, seller counter), the buyer counter and the idempotency
/// record. 24 SKUs from 24 shops use 98.
pub const MAX_DISTINCT_SKUS: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRequest {
    pub sku_id: String,
    pub quantity: i64,
}

/// Body of `POST /api/v1/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderRequest {
    #[serde(default)]
    pub items: Vec<ItemRequest>,
    #[serde(default)]
    pub from_cart: bool,
    #[serde(default)]
    pub address_id: Option<String>,
    #[serde(default)]
    pub address: Option<AddressInput>,
    #[serde(default)]
    pub remark: String,
    #[serde(default)]
    pub order_type: OrderType,
    #[serde(default)]
    pub points_to_use: i64,
}

/// Where the delivery address comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressSource {
    Book(String),
    Inline(Address),
}

/// A request that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCheckout {
    pub items: Vec<(String, u32)>,
    pub order_type: OrderType,
    /// Points offsetting part of a standard order (1 point = 0.01 CNY).
    pub points_to_use: i64,
    pub address: AddressSource,
    pub remark: String,
    /// Fingerprint of the request, for Idempotency-Key replays.
    pub fingerprint: String,
}

impl CreateOrderRequest {
    pub fn validate(self) -> Result<ValidCheckout, ApiError> {
        let fingerprint = hex::encode(Sha256::digest(serde_json::to_vec(&self).unwrap_or_default()));
        if self.from_cart {
            return Err(ApiError::invalid("from_cart", "the cart is not available yet; send items"));
        }
        if !(0..=MAX_POINTS).contains(&self.points_to_use) {
            return Err(ApiError::invalid("points_to_use", format!("must be 0..={MAX_POINTS}")));
        }
        if self.order_type == OrderType::Points && self.points_to_use != 0 {
            return Err(ApiError::invalid("points_to_use", "a points order is paid in points already; leave it out"));
        }
        if self.items.is_empty() {
            return Err(ApiError::invalid("items", "must list at least one item"));
        }
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
            (None, Some(address)) => AddressSource::Inline(address.validate("address.")?),
        };
        validate_text("remark", &self.remark, 0, 200)?;
        Ok(ValidCheckout {
            items,
            order_type: self.order_type,
            points_to_use: self.points_to_use,
            address,
            remark: self.remark,
            fingerprint,
        })
    }
}

/// Builds one order per seller, priced from the catalog. Standard orders wait for payment, with
/// `points_to_use` spread over them in seller order (each keeps at least 0.01 to pay); points
/// orders are paid in full with the SKUs' points prices. `skus` must hold every SKU of the
/// checkout (the caller answers 404 for missing ones first). Returns the orders and the points
/// they spend.
pub fn build_orders(
    buyer_id: &str,
    checkout: &ValidCheckout,
    skus: &BTreeMap<String, Sku>,
    address: &Address,
    now: Timestamp,
    payment_window_seconds: i64,
) -> Result<Vec<Order>, ApiError> {
    let points_order = checkout.order_type == OrderType::Points;
    let mut by_seller: BTreeMap<&str, Vec<OrderLine>> = BTreeMap::new();
    for (index, (sku_id, quantity)) in checkout.items.iter().enumerate() {
        let sku = skus.get(sku_id).ok_or_else(|| ApiError::not_found("SKU", sku_id.clone()))?;
        let unit_points = match (points_order, sku.points_price) {
            (true, Some(points)) => points,
            (true, None) => {
                return Err(ApiError::invalid(
                    format!("items[{index}].sku_id"),
                    format!("SKU {sku_id} cannot be bought with points"),
                ))
            }
            (false, _) => 0,
        };
        let too_large = || ApiError::invalid("items", "order total is too large");
        let line_total = sku.price.checked_mul(i64::from(*quantity)).ok_or_else(too_large)?;
        by_seller.entry(&sku.seller_id).or_default().push(OrderLine {
            sku_id: sku.sku_id.clone(),
            product_name: sku.name.clone(),
            properties: sku.properties.clone(),
            pic: sku.pic.clone(),
            unit_price: sku.price,
            unit_points,
            quantity: *quantity,
            line_total,
            refunded_quantity: 0,
            refunded_amount: Money::ZERO,
        });
    }
    let mut points_left = checkout.points_to_use;
    let mut orders = Vec::with_capacity(by_seller.len());
    for (seller_id, lines) in by_seller {
        let goods = lines
            .iter()
            .try_fold(Money::ZERO, |sum, line| sum.checked_add(line.line_total))
            .ok_or_else(|| ApiError::invalid("items", "order total is too large"))?;
        let (points_used, payable) = if points_order {
            let points: i64 = lines.iter().map(|line| line.unit_points * i64::from(line.quantity)).sum();
            (points, Money::ZERO)
        } else {
            let usable = (goods.0 - 1).max(0) / FEN_PER_POINT;
            let used = points_left.min(usable);
            points_left -= used;
            (used, Money(goods.0 - used * FEN_PER_POINT))
        };
        let order = Order {
            order_no: order_no::generate(now),
            buyer_id: buyer_id.to_string(),
            seller_id: seller_id.to_string(),
            order_type: checkout.order_type,
            status: OrderStatus::PendingPayment,
            close_reason: None,
            refund: None,
            lines,
            address: address.clone(),
            remark: checkout.remark.clone(),
            amounts: Amounts { goods, points_used, payable, ..Amounts::default() },
            payment: None,
            shipment: None,
            tracking_events: Vec::new(),
            timeline: vec![TimelineEntry {
                at: now,
                status: OrderStatus::PendingPayment.as_str().to_string(),
                actor: Actor::Buyer,
                comment: String::new(),
            }],
            reviewed: false,
            deleted: false,
            version: 1,
            created_at: now,
            updated_at: now,
            expires_at: Some(now.plus_seconds(payment_window_seconds)),
            auto_confirm_at: None,
            completed_at: None,
        };
        let order = if points_order {
            let payment = Payment { channel: "points".into(), trade_no: format!("P{}", order.order_no), paid_at: now };
            state::apply(&order, Action::Pay(payment), Actor::Buyer, now)?.0
        } else {
            order
        };
        orders.push(order);
    }
    if points_left > 0 {
        return Err(ApiError::invalid(
            "points_to_use",
            format!(
                "at most {} points can be used here (each order keeps 0.01 to pay)",
                checkout.points_to_use - points_left
            ),
        ));
    }
    Ok(orders)
}

/// Points a set of orders spends.
pub fn points_spent(orders: &[Order]) -> i64 {
    orders.iter().map(|order| order.amounts.points_used).sum()
}
