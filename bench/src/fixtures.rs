//! What every part of the bench starts from: the bench's shop, buyer and SKUs, orders to import,
//! and each function's sample event pointing at an order of its own in the state it acts on,
//! with payment notifications signed as the providers (stand-ins) sign them.

use crate::{load, BUYER, NOTIFY_BASE, SHOP, SKU};
use orders_dev::alipay_keys;
use orders_dev::seed;
use orders_shared::adapters::crypto::SigningKey;
use orders_shared::domain::address::AddressEntry;
use orders_shared::domain::catalog::Sku;
use orders_shared::domain::member::Benefit;
use orders_shared::domain::order::OrderType;
use orders_shared::domain::pricing::{build_orders, AddressSource, Checkout, PriceBook};
use orders_shared::domain::time::Timestamp;
use orders_shared::samples::{self, address};
use orders_shared::App;
use serde_json::Value;

/// A bench SKU: 10.00 or 100 points, `stock` units.
fn bench_sku(sku_id: &str, stock: i64) -> Sku {
    let mut sku = samples::sku(sku_id, SHOP, 1000, stock, Timestamp::now());
    sku.listing.points_price = Some(100);
    sku
}

/// One unit of `sku_id` to the sample address.
pub fn checkout_of(sku_id: &str) -> Checkout {
    Checkout {
        items: vec![(sku_id.to_string(), 1)],
        order_type: OrderType::Standard,
        from_cart: None,
        benefit: Benefit::None,
        address: AddressSource::Inline(address()),
        remark: String::new(),
        fingerprint: String::new(),
        pay_password: None,
        pay_channel: None,
    }
}

/// Orders of `buyer`, priced from the bench SKU, pending payment.
pub fn orders_for(buyer: &str, count: usize) -> Vec<orders_shared::domain::order::Order> {
    let skus = std::collections::BTreeMap::from([(SKU.to_string(), bench_sku(SKU, 0))]);
    let checkout = checkout_of(SKU);
    let start = Timestamp::now().millis() - count as i64 * 10;
    (0..count)
        .filter_map(|index| {
            let at = Timestamp::from_millis(start + index as i64 * 10);
            build_orders(buyer, &checkout, &skus, &PriceBook::default(), &address(), at, 365 * 86_400 * 10).ok()?.pop()
        })
        .map(|mut order| {
            order.expires_at = Some(Timestamp::now().plus_seconds(3600 * 24 * 365));
            order
        })
        .collect()
}

/// Replaces the demo ids of events/*.json (`orders_dev::seed`) with the seeded ones.
fn patch_event(text: &str, order_no: &str, address_id: &str) -> String {
    let mut text = text.to_string();
    for (function, _) in seed::DEMO_ORDERS {
        if let Some(demo) = seed::demo_order_no(function) {
            text = text.replace(&demo, order_no);
        }
    }
    text.replace(seed::DEMO_ADDRESS_TO_DELETE, address_id)
        .replace(seed::DEMO_ADDRESS, address_id)
        .replace(seed::DEMO_BUYER, BUYER)
        .replace("tea-longjing-250g", SKU)
        .replace(seed::DEMO_SELLER, SHOP)
}

/// The bench SKUs: the one the samples name, and one per load connection.
pub async fn put_skus(app: &App) -> Result<(), String> {
    let names: Vec<String> = std::iter::once(SKU.to_string()).chain((0..load::SKUS).map(load::sku)).collect();
    for name in names {
        let listing = bench_sku(&name, 0).listing;
        orders_shared::app::catalog::put_sku(app, &listing, 100_000_000, None, 1).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The `events/` samples, by function.
pub fn read_events(root: &std::path::Path) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut events = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(root.join("events")).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if name.contains("--") {
            // A sample named for the error it shows (`get-order--not-found`), not a function.
            continue;
        }
        events.insert(name, std::fs::read_to_string(&path).map_err(|e| e.to_string())?);
    }
    Ok(events)
}

/// The sample event with a LianLian notification that `order_no` (10.00) is paid, signed with the
/// stand-in LianLian key.
fn lianlian_notification_event(template: &str, order_no: &str) -> Result<String, String> {
    use orders_dev::lianlian_keys::{paid_notification, stand_in_lianlian_key};
    use orders_shared::adapters::lianlian::{info_order, lianlian_time, sign_notification};
    let now = Timestamp::now();
    // As the payment's parameters described it: the order is read without its number claim.
    let params = paid_notification(
        order_no,
        &info_order(order_no, Some(BUYER)),
        &lianlian_time(now),
        orders_shared::domain::money::Money(1000),
        &format!("2026{}", &order_no[6..]),
        now,
    );
    let body = sign_notification(&stand_in_lianlian_key()?, params).map_err(|e| e.to_string())?;
    let mut value: Value = serde_json::from_str(template).map_err(|e| e.to_string())?;
    value["body"] = Value::String(body);
    Ok(value.to_string())
}

/// A WeChat Pay notification that the bench order `order_no` (10.00) is paid, signed now with the
/// stand-in keys (WeChat Pay refuses one more than five minutes old, so it is made just before
/// it is measured).
pub fn wxpay_notification_event(template: &str, order_no: &str) -> Result<String, String> {
    use orders_dev::wxpay_keys::{paid_transaction, stand_in_notification};
    let now = Timestamp::now();
    let mut transaction = paid_transaction(order_no, 1000, &format!("4200{order_no}"), now);
    // As the prepay attached it: the order is read without its number claim.
    if let Some(attach) = orders_shared::adapters::wxpay::attach_of_buyer(BUYER) {
        transaction["attach"] = Value::String(attach);
    }
    let (headers, body) = stand_in_notification("TRANSACTION.SUCCESS", "transaction", &transaction, now, None)?;
    let mut value: Value = serde_json::from_str(template).map_err(|e| e.to_string())?;
    for (name, header) in headers.pairs() {
        value["headers"][name.to_ascii_lowercase()] = Value::String(header);
    }
    value["body"] = Value::String(body);
    Ok(value.to_string())
}

/// LianLian Pay as the functions run here: the stand-in partner, verifying with the stand-in
/// LianLian key (its notifications are signed with it); a fresh merchant key (nothing is sent).
pub fn lianlian() -> Result<orders_shared::adapters::lianlian::LianlianConfig, String> {
    use orders_dev::lianlian_keys::{self, MerchantKey};
    use orders_shared::adapters::lianlian::{LianlianConfig, LianlianSettings};
    let settings = LianlianSettings {
        oid_partner: lianlian_keys::DEV_OID_PARTNER.into(),
        ware_category: lianlian_keys::DEV_WARE_CATEGORY.into(),
        ap_merchant_id: Some(lianlian_keys::DEV_AP_MERCHANT_ID.into()),
        notify_url: Some(format!("{NOTIFY_BASE}{}", orders_shared::adapters::lianlian::NOTIFY_PATH)),
        refund_notify_url: Some(format!("{NOTIFY_BASE}{}", orders_shared::adapters::lianlian::REFUND_NOTIFY_PATH)),
    };
    Ok(LianlianConfig::with_keys(
        settings,
        MerchantKey::generate()?.signing_key()?,
        lianlian_keys::stand_in_lianlian_public_key()?,
    ))
}

/// Seeds one order per function in the state that function acts on, and returns each
/// function's event pointing at its own order (plus `order_no:<function>` entries).
pub async fn seed_events(
    app: &App,
    templates: &std::collections::BTreeMap<String, String>,
    alipay_key: &SigningKey,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    use orders_shared::domain::order::{Payment, Shipment};
    use orders_shared::domain::party::Role;
    use orders_shared::domain::payment::PaymentChannel;
    use orders_shared::domain::refund::{RefundKind, ReturnShipment};
    use orders_shared::domain::state::{apply, Action, AfterSalesPolicy, PayoutOf, PayoutOutcome, RefundApplication};
    let now = Timestamp::now();
    let pay = Action::Pay(Payment { channel: PaymentChannel::Alipay, trade_no: "seed".into(), paid_at: now });
    let ship = Action::Ship {
        shipment: Shipment {
            carrier_code: "SF".into(),
            carrier_name: "SF".into(),
            tracking_no: "SF1".into(),
            shipped_at: now,
        },
        auto_confirm_at: now.plus_seconds(10 * 86_400),
    };
    let policy = AfterSalesPolicy::default();
    let case = |kind: RefundKind| {
        Action::ApplyRefund(RefundApplication {
            kind,
            amount: None,
            reason: "bench".into(),
            remark: String::new(),
            lines: Vec::new(),
            vouchers: Vec::new(),
            return_shipment: None,
            policy,
        })
    };
    let (refund_only, goods_back) = (case(RefundKind::RefundOnly), case(RefundKind::ReturnAndRefund));
    let approve = Action::ApproveRefund { return_address: Some(address()), policy };
    let sent_back = Action::ShipReturn {
        shipment: ReturnShipment {
            carrier_code: "SF".into(),
            carrier_name: "SF".into(),
            tracking_no: "SF2".into(),
            vouchers: Vec::new(),
            shipped_at: now,
        },
        policy,
    };
    let refused = Action::RecordPayout {
        of: PayoutOf::Case,
        outcome: PayoutOutcome::Refused("40004 ACQ.SELLER_BALANCE_NOT_ENOUGH".into()),
    };
    let plans: Vec<(&str, Vec<Action>)> = vec![
        ("get-order", vec![]),
        ("cancel-order", vec![]),
        ("seller-close-order", vec![]),
        ("alipay-notify", vec![]),
        ("wxpay-notify", vec![]),
        ("lianlian-notify", vec![]),
        ("delete-order", vec![Action::Cancel { reason: String::new() }]),
        ("ship-order", vec![pay.clone()]),
        ("add-tracking-event", vec![pay.clone(), ship.clone()]),
        ("confirm-receipt", vec![pay.clone(), ship.clone()]),
        ("review-order", vec![pay.clone(), ship.clone(), Action::ConfirmReceipt]),
        ("apply-refund", vec![pay.clone()]),
        ("withdraw-refund", vec![pay.clone(), refund_only.clone()]),
        ("reject-refund", vec![pay.clone(), refund_only.clone()]),
        ("approve-refund", vec![pay.clone(), refund_only.clone()]),
        ("ship-return", vec![pay.clone(), ship.clone(), goods_back.clone(), approve.clone()]),
        ("confirm-return", vec![pay.clone(), ship.clone(), goods_back.clone(), approve.clone(), sent_back]),
        ("retry-payout", vec![pay.clone(), refund_only.clone(), approve.clone(), refused]),
    ];
    let mut orders = orders_for(BUYER, plans.len());
    let mut numbers = std::collections::BTreeMap::new();
    for (order, (function, actions)) in orders.iter_mut().zip(&plans) {
        for action in actions {
            *order = apply(order, action.clone(), Role::System, now).map_err(|e| e.to_string())?.0;
        }
        numbers.insert(function.to_string(), order.order_no.clone());
    }
    app.store.import_orders(&orders).await.map_err(|e| e.to_string())?;
    app.store.reserve_held_units(&orders).await.map_err(|e| e.to_string())?;
    let read_order = numbers["get-order"].clone();
    // An address of its own for delete-address, so every run deletes a real one.
    let doomed_address = format!("bench{}", &read_order[8..]);
    let entry = AddressEntry { address_id: doomed_address.clone(), address: address(), is_default: false };
    app.store.create_address(BUYER, &entry, now).await.map_err(|e| e.to_string())?;
    let mut events = std::collections::BTreeMap::new();
    for (name, text) in templates {
        let order_no = match name.as_str() {
            "get-logistics" => numbers["add-tracking-event"].clone(),
            other => numbers.get(other).cloned().unwrap_or_else(|| read_order.clone()),
        };
        let address_id = if name == "delete-address" { doomed_address.as_str() } else { "benchaddress0001" };
        let mut event = patch_event(text, &order_no, address_id);
        if name == "alipay-notify" {
            let params = std::collections::BTreeMap::from([
                ("app_id".to_string(), alipay_keys::DEV_APP_ID.to_string()),
                ("out_trade_no".to_string(), order_no.clone()),
                ("trade_no".to_string(), format!("T{order_no}")),
                ("total_amount".to_string(), "10.00".to_string()),
                ("trade_status".to_string(), "TRADE_SUCCESS".to_string()),
                // As the order string carried it: the order is read without its number claim.
                ("passback_params".to_string(), orders_shared::adapters::alipay::passback(BUYER)),
            ]);
            let form =
                orders_shared::adapters::alipay::sign_notification(alipay_key, params).map_err(|e| e.to_string())?;
            let mut value: Value = serde_json::from_str(&event).map_err(|e| e.to_string())?;
            value["body"] = Value::String(form);
            event = value.to_string();
        }
        if name == "wxpay-notify" {
            event = wxpay_notification_event(&event, &order_no)?;
        }
        if name == "lianlian-notify" {
            event = lianlian_notification_event(&event, &order_no)?;
        }
        events.insert(format!("order_no:{name}"), order_no);
        events.insert(name.clone(), event);
    }
    Ok(events)
}
