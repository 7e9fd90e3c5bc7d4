//! A demo shop for local work: two sellers, a few SKUs with stock, a buyer with two addresses,
//! and the orders the `events/` samples name.

use orders_shared::adapters::store::{CreateOutcome, Store};
use orders_shared::adapters::webhooks::signing;
use orders_shared::app::orders::transition;
use orders_shared::domain::address::{Address, AddressEntry};
use orders_shared::domain::cart::CartItem;
use orders_shared::domain::events::EventType;
use orders_shared::domain::freight::{FreightTemplate, RegionFee};
use orders_shared::domain::member::Benefit;
use orders_shared::domain::member::MemberLevel;
use orders_shared::domain::money::Money;
use orders_shared::domain::order::{OrderType, Payment, Shipment};
use orders_shared::domain::party::Actor;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::domain::pricing::{build_orders, AddressSource, Checkout, PriceBook};
use orders_shared::domain::refund::{RefundKind, ReturnShipment};
use orders_shared::domain::state::{Action, PayoutOf, PayoutOutcome, RefundApplication};
use orders_shared::domain::time::Timestamp;
use orders_shared::domain::webhooks::{
    Delivery, DeliveryStatus, EndpointDraft, EventFilter, RetrySchedule, WebhookEndpoint,
};
use orders_shared::samples;
use orders_shared::{ApiError, App};
use std::collections::BTreeMap;

pub const DEMO_BUYER: &str = "buyer-demo";
pub const DEMO_SELLER_USER: &str = "seller-demo-user";
pub const DEMO_ADMIN: &str = "admin-demo";
pub const DEMO_SELLER: &str = "shop-demo";
pub const OTHER_SELLER: &str = "shop-clay";

/// (sku_id, seller, name, properties, price in fen, stock)
const DEMO_SKUS: [(&str, &str, &str, &str, i64, i64); 4] = [
    ("tea-longjing-250g", DEMO_SELLER, "West Lake Longjing tea 250g", "grade:AA", 12800, 100),
    ("cup-celadon", DEMO_SELLER, "Celadon tea cup", "colour:green", 3990, 50),
    ("tray-bamboo", DEMO_SELLER, "Bamboo tea tray", "size:M", 8900, 20),
    ("pot-yixing", OTHER_SELLER, "Yixing clay teapot", "volume:200ml", 26800, 10),
];

/// The demo shop's freight templates: `standard` (the demo SKUs of `shop-demo` use it) and
/// `old-rates` (used by none, for the delete sample).
pub fn demo_freight_templates() -> Vec<FreightTemplate> {
    let standard = FreightTemplate {
        template_id: DEMO_FREIGHT_TEMPLATE.into(),
        name: "Standard parcel".into(),
        from_province: "Zhejiang".into(),
        first_units: 1,
        first_fee: Money(1000),
        additional_units: 1,
        additional_fee: Money(500),
        free_over: Some(29_900),
        regions: vec![RegionFee {
            provinces: vec!["Xinjiang".into(), "Tibet".into()],
            first_fee: Money(2500),
            additional_fee: Money(1200),
        }],
        excluded_provinces: vec!["Hong Kong".into()],
    };
    let old = FreightTemplate {
        template_id: "old-rates".into(),
        name: "Last year's rates".into(),
        first_fee: Money(1200),
        regions: Vec::new(),
        excluded_provinces: Vec::new(),
        free_over: None,
        ..standard.clone()
    };
    vec![standard, old]
}

/// The freight template the demo shop's SKUs name.
pub const DEMO_FREIGHT_TEMPLATE: &str = "standard";
/// The demo member level and the demo buyer's.
pub const DEMO_LEVEL: &str = "gold";

/// Adds the demo SKUs, freight templates and member level that are missing; existing ones (and
/// their stock) are left alone.
pub async fn seed_demo_shop(store: &Store) -> Result<usize, ApiError> {
    let mut added = 0;
    if store.shop_freight(DEMO_SELLER).await?.templates.is_empty() {
        for template in demo_freight_templates() {
            store
                .put_freight_template(DEMO_SELLER, &template)
                .await?
                .map_err(|_| ApiError::Internal("freight".into()))?;
            added += 1;
        }
    }
    for (sku_id, seller_id, name, properties, price, stock) in DEMO_SKUS {
        if store.get_sku(sku_id).await?.is_some() {
            continue;
        }
        let mut listing = samples::listing(sku_id, seller_id, price);
        listing.name = name.into();
        listing.properties = properties.into();
        listing.pic = format!("https://example.com/img/{sku_id}.jpg");
        let template = (seller_id == DEMO_SELLER).then(|| DEMO_FREIGHT_TEMPLATE.to_string());
        listing.freight_template_id = template.clone();
        store
            .put_sku_changing_template(&listing, stock, Some(0), Timestamp::now(), template.map(|_| None))
            .await?
            .map_err(|refusal| refusal.into_error(sku_id))?;
        added += 1;
    }
    if store.member_levels().await?.is_empty() {
        let gold = MemberLevel { level_id: DEMO_LEVEL.into(), name: "Gold".into(), discount_percent: 5 };
        store.put_member_level(&gold).await?;
        store.set_membership(DEMO_BUYER, DEMO_LEVEL).await?;
        added += 1;
    }
    Ok(added)
}

/// What a demo order has been through before the samples in `events/` act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoStage {
    Unpaid,
    Paid,
    Shipped,
    Completed,
    Cancelled,
    /// Paid, with a money-only case waiting for the shop.
    RefundRequested,
    /// Shipped, with a return approved and the goods not sent back yet.
    AwaitingReturn,
    /// Shipped, with the goods of an approved return on their way back.
    Returning,
    /// Paid, with an approved case whose payout the provider refused.
    PayoutRefused,
}

/// The demo orders the `events/` samples name: one per function that acts on an order, in the
/// state that function needs, each `DEMO_LINE` of the demo buyer from the demo shop (128.00, plus 10.00 shipping).
/// Their numbers are fixed (`demo_order_no`) and their payment deadline a year away, so a sample
/// answers 2xx on a fresh `.data/` whenever it is sent first (a second cancel is a 409).
pub const DEMO_ORDERS: [(&str, DemoStage); 20] = [
    ("get-order", DemoStage::Unpaid),
    ("cancel-order", DemoStage::Unpaid),
    ("seller-close-order", DemoStage::Unpaid),
    ("start-payment", DemoStage::Unpaid),
    ("alipay-notify", DemoStage::Unpaid),
    ("get-payment", DemoStage::Paid),
    ("ship-order", DemoStage::Paid),
    ("add-tracking-event", DemoStage::Shipped),
    ("get-logistics", DemoStage::Shipped),
    ("confirm-receipt", DemoStage::Shipped),
    ("review-order", DemoStage::Completed),
    ("delete-order", DemoStage::Cancelled),
    ("apply-refund", DemoStage::Paid),
    ("withdraw-refund", DemoStage::RefundRequested),
    ("approve-refund", DemoStage::RefundRequested),
    ("reject-refund", DemoStage::RefundRequested),
    ("ship-return", DemoStage::AwaitingReturn),
    ("confirm-return", DemoStage::Returning),
    ("retry-payout", DemoStage::PayoutRefused),
    ("lianlian-notify", DemoStage::Unpaid),
];

/// The demo shop's return address.
pub fn demo_return_address() -> Address {
    Address {
        name: "Demo tea shop returns".into(),
        phone: "02800000000".into(),
        province: "Sichuan".into(),
        city: "Chengdu".into(),
        district: "Jinjiang".into(),
        detail: "8 Warehouse Rd, dock 3".into(),
    }
}

/// The one line of every demo order.
pub const DEMO_LINE: (&str, u32) = ("tea-longjing-250g", 1);

/// The demo buyer's addresses: the default one the samples read and change, and one to delete.
pub const DEMO_ADDRESS: &str = "addr-demo-home";
pub const DEMO_ADDRESS_TO_DELETE: &str = "addr-demo-old";

/// The number of the demo order `function`'s sample acts on.
pub fn demo_order_no(function: &str) -> Option<String> {
    let index = DEMO_ORDERS.iter().position(|(name, _)| *name == function)?;
    Some(format!("1764000000000{:05}", index + 1))
}

/// Adds the demo buyer's addresses and orders that are missing (a changed one is left as it is).
pub async fn seed_demo_orders(app: &App) -> Result<usize, ApiError> {
    let now = Timestamp::now();
    let store = &app.store;
    let mut added = 0;
    for (address_id, is_default) in [(DEMO_ADDRESS, true), (DEMO_ADDRESS_TO_DELETE, false)] {
        if store.get_address(DEMO_BUYER, address_id).await?.is_none() {
            let entry = AddressEntry { address_id: address_id.to_string(), address: samples::address(), is_default };
            store.create_address(DEMO_BUYER, &entry, now).await?;
            added += 1;
        }
    }
    if store.return_address(DEMO_SELLER).await?.is_none() {
        store.put_return_address(DEMO_SELLER, &demo_return_address()).await?;
        added += 1;
    }
    if store.cart(DEMO_BUYER).await?.is_empty() {
        for (sku_id, quantity) in [("tray-bamboo", 1), ("cup-celadon", 2)] {
            let sku = store.get_sku(sku_id).await?.ok_or_else(|| ApiError::not_found("SKU", sku_id))?;
            let item = CartItem {
                sku_id: sku_id.into(),
                seller_id: sku.listing.seller_id.clone(),
                quantity,
                selected: true,
                price_when_added: sku.listing.price,
                added_at: now,
            };
            store.put_cart_item(DEMO_BUYER, &item).await?;
            added += 1;
        }
    }
    let sku = store.get_sku(DEMO_LINE.0).await?.ok_or_else(|| ApiError::not_found("SKU", DEMO_LINE.0))?;
    let skus = BTreeMap::from([(DEMO_LINE.0.to_string(), sku)]);
    // The demo orders are priced like any other: with the shop's freight templates.
    let mut book = PriceBook::default();
    for (template_id, template) in store.shop_freight(DEMO_SELLER).await?.templates {
        book.templates.insert((DEMO_SELLER.to_string(), template_id), template);
    }
    let checkout = Checkout {
        items: vec![(DEMO_LINE.0.to_string(), DEMO_LINE.1)],
        order_type: OrderType::Standard,
        from_cart: None,
        benefit: Benefit::None,
        address: AddressSource::Inline(samples::address()),
        remark: String::new(),
        fingerprint: "demo".into(),
        pay_password: None,
        pay_channel: None,
    };
    let a_year = 365 * 86_400;
    for (function, stage) in DEMO_ORDERS {
        let order_no = demo_order_no(function).unwrap_or_default();
        let mut orders = build_orders(DEMO_BUYER, &checkout, &skus, &book, &samples::address(), now, a_year)?;
        let Some(order) = orders.first_mut() else { continue };
        order.order_no = order_no.clone();
        match store.create_orders(&orders, None, &[], now).await? {
            CreateOutcome::Created => added += 1,
            // Seeded by an earlier start.
            CreateOutcome::OrderNoTaken => continue,
            other => return Err(ApiError::Internal(format!("seeding demo order {order_no}: {other:?}"))),
        }
        let payment = Payment { channel: PaymentChannel::Alipay, trade_no: format!("demo-{order_no}"), paid_at: now };
        let shipment = Shipment {
            carrier_code: "SF".into(),
            carrier_name: "SF Express".into(),
            tracking_no: "SF0000000001".into(),
            shipped_at: now,
        };
        let policy = app.config.after_sales;
        let case = |kind: RefundKind, return_shipment: Option<ReturnShipment>| {
            Action::ApplyRefund(RefundApplication {
                kind,
                amount: None,
                reason: "The tin arrived dented".into(),
                remark: String::new(),
                lines: Vec::new(),
                vouchers: vec!["https://example.com/img/dented-tin.jpg".into()],
                return_shipment,
                policy,
            })
        };
        let sent_back = ReturnShipment {
            carrier_code: "SF".into(),
            carrier_name: "SF Express".into(),
            tracking_no: "SF0000000002".into(),
            vouchers: Vec::new(),
            shipped_at: now,
        };
        let approve = Action::ApproveRefund { return_address: Some(demo_return_address()), policy };
        let buyer = || Actor::Buyer(DEMO_BUYER);
        let shop = || Actor::Seller(DEMO_SELLER);
        let auto_confirm_at = now.plus_seconds(app.config.auto_confirm_days * 86_400);
        let ship = Action::Ship { shipment, auto_confirm_at };
        let mut steps: Vec<(Actor, Action)> = match stage {
            DemoStage::Unpaid => vec![],
            DemoStage::Cancelled => vec![(buyer(), Action::Cancel { reason: String::new() })],
            _ => vec![(Actor::PaymentProvider, Action::Pay(payment))],
        };
        match stage {
            DemoStage::Shipped => steps.push((shop(), ship)),
            DemoStage::Completed => steps.extend([(shop(), ship), (buyer(), Action::ConfirmReceipt)]),
            DemoStage::RefundRequested => steps.push((buyer(), case(RefundKind::RefundOnly, None))),
            DemoStage::AwaitingReturn => {
                steps.extend([(shop(), ship), (buyer(), case(RefundKind::ReturnAndRefund, None)), (shop(), approve)])
            }
            DemoStage::Returning => steps.extend([
                (shop(), ship),
                (buyer(), case(RefundKind::ReturnAndRefund, Some(sent_back))),
                (shop(), approve),
            ]),
            DemoStage::PayoutRefused => steps.extend([
                (buyer(), case(RefundKind::RefundOnly, None)),
                (shop(), approve),
                // As if Alipay had refused it: the shop's retry is what the sample shows.
                (
                    Actor::PaymentProvider,
                    Action::RecordPayout {
                        of: PayoutOf::Case,
                        outcome: PayoutOutcome::Refused(
                            "40004 ACQ.SELLER_BALANCE_NOT_ENOUGH: the merchant's balance is too low".into(),
                        ),
                    },
                ),
            ]),
            DemoStage::Unpaid | DemoStage::Cancelled | DemoStage::Paid => {}
        }
        for (actor, action) in steps {
            transition(app, actor, &order_no, action).await?;
        }
    }
    Ok(added)
}

/// The demo shop's webhook endpoints (both deliver to the dev server's inbox): one the samples
/// read, change and test, one to delete; and a failed delivery of the first to retry.
pub const DEMO_WEBHOOK: &str = "we_demo";
pub const DEMO_WEBHOOK_TO_DELETE: &str = "we_demo_old";
pub const DEMO_DELIVERY: &str = "1764000000000.evt_demo_1";

/// Adds the demo webhooks that are missing, pointed at `inbox_url` (moved there if the dev
/// server's port changed).
pub async fn seed_demo_webhooks(app: &App, inbox_url: &str) -> Result<usize, ApiError> {
    let store = &app.store;
    let now = Timestamp::now();
    let mut added = 0;
    for endpoint_id in [DEMO_WEBHOOK, DEMO_WEBHOOK_TO_DELETE] {
        match store.get_webhook(DEMO_SELLER, endpoint_id).await? {
            Some(endpoint) if endpoint.url == inbox_url => {}
            Some(endpoint) => {
                let moved = WebhookEndpoint { url: inbox_url.to_string(), updated_at: now, ..endpoint.clone() };
                store.replace_webhook(&moved, endpoint.updated_at).await?;
            }
            None => {
                let secret = signing::generate_secret().map_err(ApiError::Internal)?;
                let draft = EndpointDraft {
                    url: inbox_url.to_string(),
                    event_types: EventFilter::default(),
                    description: "The dev server's inbox".into(),
                };
                let endpoint = WebhookEndpoint::new(endpoint_id, DEMO_SELLER, draft, secret, now);
                store.create_webhook(&endpoint).await?;
                added += 1;
            }
        }
    }
    let (at, event_id) = DEMO_DELIVERY.split_once('.').unwrap_or_default();
    let event_at = Timestamp::from_millis(at.parse().unwrap_or_default());
    let delivery = Delivery {
        delivery_id: DEMO_DELIVERY.to_string(),
        endpoint_id: DEMO_WEBHOOK.to_string(),
        seller_id: DEMO_SELLER.to_string(),
        event_id: event_id.to_string(),
        event_type: EventType::WebhookTest.as_str().to_string(),
        body: serde_json::json!({"id": event_id, "type": EventType::WebhookTest.as_str(), "timestamp": event_at.to_string(),
            "seller_id": DEMO_SELLER, "data": {"endpoint_id": DEMO_WEBHOOK}})
        .to_string(),
        status: DeliveryStatus::Failed,
        attempts: RetrySchedule::ATTEMPTS,
        last_status: Some(503),
        last_error: Some("answered HTTP 503".into()),
        next_attempt_at: None,
        event_at,
        created_at: event_at,
    };
    if store.record_delivery(&delivery).await? {
        added += 1;
    }
    Ok(added)
}
