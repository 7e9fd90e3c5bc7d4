//! Pricing a checkout: one order per seller, priced from the catalog (never from the client),
//! points spread over the orders. Pure; the store makes the orders durable in one transaction.

use crate::domain::address::Address;
use crate::domain::catalog::Sku;
use crate::domain::freight::FreightTemplate;
use crate::domain::member::{Benefit, DiscountType, MemberLevel};
use crate::domain::money::Money;
use crate::domain::order::{Amounts, Order, OrderLine, OrderStatus, OrderType, Payment, TimelineEntry};
use crate::domain::order_no;
use crate::domain::party::Role;
use crate::domain::pay_password::GivenPassword;
use crate::domain::payment::{PaymentChannel, PaymentChoice};
use crate::domain::state::{self, Action};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use std::collections::BTreeMap;

pub const MAX_QUANTITY: i64 = 9999;
/// Points per order request, an upper bound that catches typos.
pub const MAX_POINTS: i64 = 1_000_000_000;
/// Points are worth a fen each when they offset a standard order.
pub const FEN_PER_POINT: i64 = 1;
/// One checkout is one DynamoDB transaction (at most 100 actions): one per SKU, three per
/// order (order, order-number claim, seller counter), the buyer counter and the idempotency
/// record. 24 SKUs from 24 shops use 98.
pub const MAX_DISTINCT_SKUS: usize = 24;

/// Where the delivery address comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressSource {
    Book(String),
    Inline(Address),
}

/// A checkout that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// (sku_id, quantity), each SKU once. From the cart: filled in from it when it is read.
    pub items: Vec<(String, u32)>,
    /// Buy from the cart: these SKUs of it, or (empty) the selected ones.
    pub from_cart: Option<Vec<String>>,
    pub order_type: OrderType,
    /// The member discount, points (1 point = 0.01 CNY off a standard order), or neither.
    pub benefit: Benefit,
    pub address: AddressSource,
    pub remark: String,
    /// Fingerprint of the request, for Idempotency-Key replays.
    pub fingerprint: String,
    /// The points password, for a checkout that spends points.
    pub pay_password: Option<GivenPassword>,
    /// Start paying in the same call (a points order is paid in points as it is placed).
    pub pay_channel: Option<PaymentChoice>,
}

/// Which channel may pay which kind of order: points pay points orders, money the others.
pub fn check_pay_channel(order_type: OrderType, channel: Option<PaymentChannel>) -> Result<(), ApiError> {
    match (channel, order_type) {
        (Some(channel), OrderType::Standard) if !channel.takes_money() => {
            Err(ApiError::invalid("pay_channel", "points pays points orders: send order_type points"))
        }
        (Some(channel), OrderType::Points) if channel.takes_money() => {
            Err(ApiError::invalid("pay_channel", "a points order is paid in points"))
        }
        _ => Ok(()),
    }
}

impl Checkout {
    /// Whether placing it reads the buyer's points balance.
    pub fn spends_points(&self) -> bool {
        matches!(self.benefit, Benefit::Points(points) if points > 0) || self.order_type == OrderType::Points
    }

    /// Points offsetting part of a standard order.
    pub fn points_to_use(&self) -> i64 {
        match self.benefit {
            Benefit::Points(points) => points,
            _ => 0,
        }
    }
}

/// What prices a checkout besides the SKUs: the shops' freight templates (by shop and template
/// id) and the buyer's member level.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    pub templates: BTreeMap<(String, String), FreightTemplate>,
    pub level: Option<MemberLevel>,
}

/// Builds one order per seller, priced from the catalog. Standard orders wait for payment, with
/// `points_to_use` spread over them in seller order (each keeps at least 0.01 to pay); points
/// orders are paid in full with the SKUs' points prices. `skus` must hold every SKU of the
/// checkout (the caller answers 404 for missing ones first). Returns the orders and the points
/// they spend.
pub fn build_orders(
    buyer_id: &str,
    checkout: &Checkout,
    skus: &BTreeMap<String, Sku>,
    book: &PriceBook,
    address: &Address,
    now: Timestamp,
    payment_window_seconds: i64,
) -> Result<Vec<Order>, ApiError> {
    let points_order = checkout.order_type == OrderType::Points;
    let level = match (checkout.benefit, points_order) {
        (Benefit::Discount, false) => book.level.as_ref(),
        _ => None,
    };
    let mut by_seller: BTreeMap<&str, Vec<(OrderLine, Option<String>)>> = BTreeMap::new();
    for (index, (sku_id, quantity)) in checkout.items.iter().enumerate() {
        let sku = &skus.get(sku_id).ok_or_else(|| ApiError::not_found("SKU", sku_id.clone()))?.listing;
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
        let line = OrderLine {
            sku_id: sku.sku_id.clone(),
            product_name: sku.name.clone(),
            properties: sku.properties.clone(),
            pic: sku.pic.clone(),
            unit_price: sku.price,
            unit_points,
            quantity: *quantity,
            line_total,
            discount: level.map(|level| level.line_discount(line_total)).unwrap_or(Money::ZERO),
            refunded_quantity: 0,
            refunded_amount: Money::ZERO,
            stock_shards: Vec::new(),
        };
        by_seller.entry(&sku.seller_id).or_default().push((line, sku.freight_template_id.clone()));
    }
    let mut points_left = checkout.points_to_use();
    let mut orders = Vec::with_capacity(by_seller.len());
    for (seller_id, priced) in by_seller {
        let shipping = if points_order { Money::ZERO } else { shipping_fee(seller_id, &priced, book, address)? };
        let lines: Vec<OrderLine> = priced.into_iter().map(|(line, _)| line).collect();
        let sum = |of: fn(&OrderLine) -> Money| {
            lines
                .iter()
                .try_fold(Money::ZERO, |sum, line| sum.checked_add(of(line)))
                .ok_or_else(|| ApiError::invalid("items", "order total is too large"))
        };
        let goods = sum(|line| line.line_total)?;
        let discount = sum(|line| line.discount)?;
        let due = Money(goods.0 + shipping.0 - discount.0);
        let (points_used, payable) = if points_order {
            let points = lines
                .iter()
                .try_fold(0i64, |sum, line| sum.checked_add(line.unit_points.checked_mul(i64::from(line.quantity))?))
                .ok_or_else(|| ApiError::invalid("items", "the points total is too large"))?;
            (points, Money::ZERO)
        } else {
            // Each order keeps at least 0.01 to pay.
            let usable = (due.0 - 1).max(0) / FEN_PER_POINT;
            let used = points_left.min(usable);
            points_left -= used;
            (used, Money(due.0 - used * FEN_PER_POINT))
        };
        let discount_type = match (level, points_used > 0 && !points_order) {
            (Some(_), _) => Some(DiscountType::Member),
            (None, true) => Some(DiscountType::Points),
            (None, false) => None,
        };
        let amounts = Amounts {
            goods,
            shipping,
            discount,
            points_used,
            points_deduction: if points_order { Money::ZERO } else { Money(points_used * FEN_PER_POINT) },
            discount_type,
            payable,
            ..Amounts::default()
        };
        let order = Order {
            order_no: order_no::generate(now),
            buyer_id: buyer_id.to_string(),
            seller_id: seller_id.to_string(),
            order_type: checkout.order_type,
            status: OrderStatus::PendingPayment,
            close_reason: None,
            refund: None,
            refunds: Vec::new(),
            lines,
            address: address.clone(),
            remark: checkout.remark.clone(),
            amounts,
            payment: None,
            late_payments: Vec::new(),
            payment_starts: Vec::new(),
            shipment: None,
            tracking_events: Vec::new(),
            timeline: vec![TimelineEntry {
                at: now,
                status: OrderStatus::PendingPayment.as_str().to_string(),
                actor: Role::Buyer,
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
            counter_shard: None,
        };
        // A points order is paid as it is placed; a payment started in the same call is written
        // with the order, so the start costs no second write.
        let order = match (points_order, checkout.pay_channel) {
            (true, _) => {
                let trade_no = format!("P{}", order.order_no);
                let payment = Payment { channel: PaymentChannel::Points, trade_no, paid_at: now };
                state::apply(&order, Action::Pay(payment), Role::Buyer, now)?.0
            }
            (false, Some(choice)) if choice.channel.takes_money() => {
                state::apply(&order, Action::StartPayment(choice.channel), Role::Buyer, now)?.0
            }
            (false, _) => order,
        };
        orders.push(order);
    }
    if points_left > 0 {
        return Err(ApiError::invalid(
            "points_to_use",
            format!(
                "at most {} points can be used here (each order keeps 0.01 to pay)",
                checkout.points_to_use() - points_left
            ),
        ));
    }
    Ok(orders)
}

/// One shop's shipping: its lines grouped by freight template, each group priced on its own
/// units and goods, summed. Lines without a template ship free.
fn shipping_fee(
    seller_id: &str,
    lines: &[(OrderLine, Option<String>)],
    book: &PriceBook,
    address: &Address,
) -> Result<Money, ApiError> {
    let mut groups: BTreeMap<&str, (u32, Money)> = BTreeMap::new();
    for (line, template_id) in lines {
        if let Some(template_id) = template_id {
            let group = groups.entry(template_id.as_str()).or_insert((0, Money::ZERO));
            group.0 = group.0.saturating_add(line.quantity);
            group.1 = Money(group.1 .0 + line.line_total.0);
        }
    }
    let mut total = Money::ZERO;
    for (template_id, (units, goods)) in groups {
        let template = book.templates.get(&(seller_id.to_string(), template_id.to_string())).ok_or_else(|| {
            ApiError::Internal(format!("shop {seller_id} has no freight template {template_id} (a SKU names it)"))
        })?;
        let fee = template.group_fee(units, goods, &address.province).map_err(|refused| {
            ApiError::invalid(
                "address.province",
                format!("shop {seller_id} does not deliver to {} (freight template {template_id})", refused.province),
            )
        })?;
        total = Money(total.0 + fee.0);
    }
    Ok(total)
}

/// Points a set of orders spends.
pub fn points_spent(orders: &[Order]) -> i64 {
    orders.iter().map(|order| order.amounts.points_used).sum()
}
