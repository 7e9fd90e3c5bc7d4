//! What an order costs: the DynamoDB capacity each step of an order's life consumes, read from
//! `ReturnConsumedCapacity` (DynamoDB Local computes it by DynamoDB's rules, indexes included,
//! except for transactions, which `meter` prices from the stream per item as DynamoDB does),
//! priced at on-demand rates, with Lambda's price at 128 MB for the measured durations, beside
//! the floor: the fewest item writes each step needs.

mod meter;

use crate::{BUYER, SHOP, SKU};
use aws_sdk_dynamodb::config::SharedInterceptor;
pub use meter::{CapacityMeter, Metering};
use orders_dev::alipay_gateway::{self, StandInGateway};
use orders_dev::local_db;
use orders_shared::adapters::alipay::AlipayConfig;
use orders_shared::adapters::config::Config;
use orders_shared::adapters::crypto::SigningKey;
use orders_shared::app::after_sales;
use orders_shared::app::checkout::{place, Placed};
use orders_shared::app::orders::transition;
use orders_shared::app::payment::{record_notification, start};
use orders_shared::domain::idempotency::IdempotencyKey;
use orders_shared::domain::member::Benefit;
use orders_shared::domain::order::{OrderType, Shipment};
use orders_shared::domain::party::Actor;
use orders_shared::domain::payment::Callback;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::domain::pricing::{AddressSource, Checkout};
use orders_shared::domain::refund::{RefundKind, RefundState, ReturnShipment};
use orders_shared::domain::state::{Action, RefundApplication};
use orders_shared::domain::time::Timestamp;
use orders_shared::App;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Instant;

/// On-demand prices in us-east-1 (USD, from November 2024): per million write and read request
/// units; Lambda on arm64: per GB-second and per million requests.
pub const PRICE_PER_MILLION_WRU: f64 = 0.625;
pub const PRICE_PER_MILLION_RRU: f64 = 0.125;
pub const LAMBDA_ARM_PER_GB_SECOND: f64 = 0.000_013_333_4;
pub const LAMBDA_PER_MILLION_REQUESTS: f64 = 0.20;
pub const LAMBDA_MEMORY_GB: f64 = 0.125;

/// One step of an order's life, and the fewest item writes it needs: the order itself, and the
/// SKU whose stock it reserves, consumes or releases (no counters, no indexes, no idempotency
/// record, items under 1 KB, no transaction).
struct Step {
    name: &'static str,
    floor_writes: u32,
}

const LIFE: [Step; 6] = [
    Step { name: "create (1 SKU, address from the book, Idempotency-Key)", floor_writes: 2 },
    Step { name: "start payment (alipay)", floor_writes: 0 },
    Step { name: "Alipay notification (paid)", floor_writes: 1 },
    Step { name: "ship", floor_writes: 2 },
    Step { name: "confirm receipt", floor_writes: 1 },
    Step { name: "review", floor_writes: 1 },
];
const REFUNDED: [Step; 4] = [
    Step { name: "create (1 SKU, address from the book, Idempotency-Key)", floor_writes: 2 },
    Step { name: "Alipay notification (paid)", floor_writes: 1 },
    Step { name: "apply for a refund (money only, whole order)", floor_writes: 1 },
    Step {
        name: "approve: refunding written, alipay.trade.refund (stand-in gateway), refunded with stock released",
        floor_writes: 3,
    },
];
const RETURNED: [Step; 7] = [
    Step { name: "create (1 SKU, address from the book, Idempotency-Key)", floor_writes: 2 },
    Step { name: "Alipay notification (paid)", floor_writes: 1 },
    Step { name: "ship", floor_writes: 2 },
    Step { name: "apply for a return (goods and money)", floor_writes: 1 },
    Step { name: "approve (the shop's return address)", floor_writes: 1 },
    Step { name: "the buyer sends the goods back", floor_writes: 1 },
    Step { name: "confirm the return: restocked, alipay.trade.refund (stand-in gateway), refunded", floor_writes: 3 },
];
const CANCELLED: [Step; 2] = [
    Step { name: "create (1 SKU, address from the book, Idempotency-Key)", floor_writes: 2 },
    Step { name: "cancel (stock released)", floor_writes: 2 },
];

/// Per step: the sums of `lives` runs, to be divided.
#[derive(Default, Clone)]
struct Tally {
    reads: f64,
    writes: f64,
    index_writes: f64,
    requests: usize,
    operations: BTreeMap<String, usize>,
    micros: Vec<f64>,
}

fn checkout(key_suffix: &str) -> Checkout {
    Checkout {
        items: vec![(SKU.to_string(), 1)],
        order_type: OrderType::Standard,
        from_cart: None,
        benefit: Benefit::None,
        address: AddressSource::Book("benchaddress0001".into()),
        remark: String::new(),
        fingerprint: format!("cost-{key_suffix}"),
        pay_password: None,
        pay_channel: None,
    }
}

async fn measure<F, Fut, T>(meter: &Metering, tally: &mut Tally, step: F) -> Result<T, String>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, orders_shared::ApiError>>,
{
    meter.take().await?;
    let started = Instant::now();
    let value = step().await.map_err(|error| error.to_string())?;
    tally.micros.push(started.elapsed().as_secs_f64() * 1e6);
    for consumed in meter.take().await? {
        tally.requests += 1;
        *tally.operations.entry(consumed.operation.clone()).or_default() += 1;
        if consumed.is_write() {
            tally.writes += consumed.table + consumed.indexes;
            tally.index_writes += consumed.indexes;
        } else {
            tally.reads += consumed.table + consumed.indexes;
        }
    }
    Ok(value)
}

fn shipment(now: Timestamp) -> Shipment {
    Shipment {
        carrier_code: "SF".into(),
        carrier_name: "SF Express".into(),
        tracking_no: "SF1234567890".into(),
        shipped_at: now,
    }
}

/// create → pay → ship → apply for a return → approve → the goods go back → confirm: restocked and
/// refunded.
async fn returned_life(
    app: &App,
    meter: &Metering,
    alipay_key: &SigningKey,
    tallies: &mut [Tally],
    run: usize,
) -> Result<(), String> {
    let key = IdempotencyKey::parse(format!("cost-t-{run}-{}", rand::random::<u32>()).as_bytes())
        .map_err(|e| e.to_string())?;
    let order_no = measure(meter, &mut tallies[0], || async {
        created(place(app, BUYER, &checkout(&format!("t{run}")), Some(&key)).await?)
    })
    .await?;
    let form = paid_notification(alipay_key, &order_no)?;
    measure(meter, &mut tallies[1], || {
        record_notification(app, PaymentChannel::Alipay, Callback::body(form.as_bytes()))
    })
    .await?;
    let now = Timestamp::now();
    let ship = Action::Ship { shipment: shipment(now), auto_confirm_at: now.plus_seconds(10 * 86_400) };
    measure(meter, &mut tallies[2], || transition(app, Actor::Seller(SHOP), &order_no, ship)).await?;
    let application = RefundApplication {
        kind: RefundKind::ReturnAndRefund,
        amount: None,
        reason: "The wrong size".into(),
        remark: String::new(),
        lines: Vec::new(),
        vouchers: Vec::new(),
        return_shipment: None,
        policy: app.config.after_sales,
    };
    measure(meter, &mut tallies[3], || after_sales::apply(app, BUYER, &order_no, application)).await?;
    let address = Some(orders_shared::samples::address());
    measure(meter, &mut tallies[4], || after_sales::approve(app, SHOP, &order_no, address)).await?;
    let back = ReturnShipment {
        carrier_code: "SF".into(),
        carrier_name: "SF Express".into(),
        tracking_no: "SF2".into(),
        vouchers: Vec::new(),
        shipped_at: Timestamp::now(),
    };
    measure(meter, &mut tallies[5], || after_sales::ship_back(app, BUYER, &order_no, back)).await?;
    let done = measure(meter, &mut tallies[6], || after_sales::confirm_return(app, SHOP, &order_no, true)).await?;
    if done.refund.as_ref().map(|case| case.state) != Some(RefundState::Refunded) {
        return Err(format!("order {order_no} was not refunded: {:?}", done.refund));
    }
    Ok(())
}

fn created(placed: Placed) -> Result<String, orders_shared::ApiError> {
    match placed {
        Placed::Created(orders) | Placed::Replayed(orders) => orders
            .first()
            .map(|order| order.order_no.clone())
            .ok_or_else(|| orders_shared::ApiError::Internal("no order".into())),
    }
}

/// Alipay's notification that the bench order `order_no` (10.00) is paid, with the
/// `passback_params` the order string carried (Alipay sends it back as given).
fn paid_notification(alipay_key: &SigningKey, order_no: &str) -> Result<String, String> {
    let passback = orders_shared::adapters::alipay::passback(BUYER);
    let params = BTreeMap::from([
        ("app_id".to_string(), orders_dev::alipay_keys::DEV_APP_ID.to_string()),
        ("out_trade_no".to_string(), order_no.to_string()),
        ("trade_no".to_string(), format!("T{order_no}")),
        ("total_amount".to_string(), "10.00".to_string()),
        ("trade_status".to_string(), "TRADE_SUCCESS".to_string()),
        ("passback_params".to_string(), passback),
    ]);
    orders_shared::adapters::alipay::sign_notification(alipay_key, params).map_err(|e| e.to_string())
}

/// Runs `lives` whole lives (and as many refunded and cancelled ones) on `table` and prices them.
pub async fn run(
    endpoint: &str,
    table: &str,
    alipay: AlipayConfig,
    alipay_key: &SigningKey,
    lives: usize,
) -> Result<Value, String> {
    let capacity = CapacityMeter::default();
    let client = local_db::client_with(endpoint, vec![SharedInterceptor::new(capacity.clone())]);
    let meter = Metering::new(capacity, endpoint, table).await?;
    // Refunds go to a stand-in Alipay gateway on a local port; its own reads are not counted.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let gateway_url = format!("http://{}{}", listener.local_addr().map_err(|e| e.to_string())?, alipay_gateway::PATH);
    let app_public = alipay.signing_key().await.map_err(|e| e.to_string())?.verifying_key()?;
    let gateway_key = SigningKey::from_text(&alipay_key.to_pem()?)?;
    let gateway_app = App::new(local_db::client(endpoint), Config::for_table(table));
    let gateway = StandInGateway::new(gateway_app, app_public, gateway_key);
    tokio::spawn(async move { axum::serve(listener, gateway.router()).await });
    let alipay = alipay.with_gateway(&gateway_url, std::time::Duration::from_secs(5));
    let app =
        App::new(client, Config::for_table(table)).with_provider(PaymentChannel::Alipay, std::sync::Arc::new(alipay));
    let mut life = vec![Tally::default(); LIFE.len()];
    let mut refunded = vec![Tally::default(); REFUNDED.len()];
    let mut cancelled = vec![Tally::default(); CANCELLED.len()];
    let mut returned = vec![Tally::default(); RETURNED.len()];
    for run in 0..lives {
        let key = IdempotencyKey::parse(format!("cost-{run}-{}", rand::random::<u32>()).as_bytes())
            .map_err(|e| e.to_string())?;
        let order_no = measure(&meter, &mut life[0], || async {
            created(place(&app, BUYER, &checkout(&format!("{run}")), Some(&key)).await?)
        })
        .await?;
        measure(&meter, &mut life[1], || start(&app, BUYER, &order_no, PaymentChannel::Alipay.into())).await?;
        let form = paid_notification(alipay_key, &order_no)?;
        measure(&meter, &mut life[2], || {
            record_notification(&app, PaymentChannel::Alipay, Callback::body(form.as_bytes()))
        })
        .await?;
        let now = Timestamp::now();
        let ship = Action::Ship { shipment: shipment(now), auto_confirm_at: now.plus_seconds(10 * 86_400) };
        measure(&meter, &mut life[3], || transition(&app, Actor::Seller(SHOP), &order_no, ship)).await?;
        measure(&meter, &mut life[4], || transition(&app, Actor::Buyer(BUYER), &order_no, Action::ConfirmReceipt))
            .await?;
        let review = Action::Review { comment: "Fresh and fragrant".into() };
        measure(&meter, &mut life[5], || transition(&app, Actor::Buyer(BUYER), &order_no, review)).await?;

        let key = IdempotencyKey::parse(format!("cost-r-{run}-{}", rand::random::<u32>()).as_bytes())
            .map_err(|e| e.to_string())?;
        let order_no = measure(&meter, &mut refunded[0], || async {
            created(place(&app, BUYER, &checkout(&format!("r{run}")), Some(&key)).await?)
        })
        .await?;
        let form = paid_notification(alipay_key, &order_no)?;
        measure(&meter, &mut refunded[1], || {
            record_notification(&app, PaymentChannel::Alipay, Callback::body(form.as_bytes()))
        })
        .await?;
        let application = RefundApplication {
            kind: RefundKind::RefundOnly,
            amount: None,
            reason: "Changed my mind".into(),
            remark: String::new(),
            lines: Vec::new(),
            vouchers: Vec::new(),
            return_shipment: None,
            policy: app.config.after_sales,
        };
        measure(&meter, &mut refunded[2], || after_sales::apply(&app, BUYER, &order_no, application)).await?;
        let done = measure(&meter, &mut refunded[3], || after_sales::approve(&app, SHOP, &order_no, None)).await?;
        if done.refund.as_ref().map(|case| case.state) != Some(RefundState::Refunded) {
            return Err(format!("order {order_no} was not refunded: {:?}", done.refund));
        }

        let key = IdempotencyKey::parse(format!("cost-c-{run}-{}", rand::random::<u32>()).as_bytes())
            .map_err(|e| e.to_string())?;
        let order_no = measure(&meter, &mut cancelled[0], || async {
            created(place(&app, BUYER, &checkout(&format!("c{run}")), Some(&key)).await?)
        })
        .await?;
        let cancel = Action::Cancel { reason: String::new() };
        measure(&meter, &mut cancelled[1], || transition(&app, Actor::Buyer(BUYER), &order_no, cancel)).await?;

        returned_life(&app, &meter, alipay_key, &mut returned, run).await?;
    }
    let steps = |steps: &[Step], tallies: &[Tally]| -> Vec<Value> {
        steps
            .iter()
            .zip(tallies)
            .map(|(step, tally)| {
                let n = lives as f64;
                let mut micros = tally.micros.clone();
                micros.sort_by(f64::total_cmp);
                let median_ms = micros.get(micros.len() / 2).copied().unwrap_or(0.0) / 1000.0;
                json!({
                    "step": step.name,
                    "requests": tally.requests as f64 / n,
                    "operations": tally.operations.iter().map(|(op, count)| format!("{op} × {}", *count as f64 / n)).collect::<Vec<_>>(),
                    "read_units": tally.reads / n,
                    "write_units": tally.writes / n,
                    "index_write_units": tally.index_writes / n,
                    "floor_item_writes": step.floor_writes,
                    "median_ms": median_ms,
                })
            })
            .collect()
    };
    let life_steps = steps(&LIFE, &life);
    let cancelled_steps = steps(&CANCELLED, &cancelled);
    let refunded_steps = steps(&REFUNDED, &refunded);
    let returned_steps = steps(&RETURNED, &returned);
    let total = |steps: &[Value]| -> Value {
        let sum = |field: &str| steps.iter().map(|s| s[field].as_f64().unwrap_or(0.0)).sum::<f64>();
        let (reads, writes, floor) = (sum("read_units"), sum("write_units"), sum("floor_item_writes"));
        let invocations = steps.len() as f64;
        // Lambda bills each invocation's duration rounded up to the millisecond.
        let billed_seconds: f64 = steps.iter().map(|s| s["median_ms"].as_f64().unwrap_or(0.0).ceil() / 1000.0).sum();
        let dynamodb = writes * PRICE_PER_MILLION_WRU + reads * PRICE_PER_MILLION_RRU;
        let lambda = billed_seconds * LAMBDA_MEMORY_GB * LAMBDA_ARM_PER_GB_SECOND * 1e6
            + invocations * LAMBDA_PER_MILLION_REQUESTS;
        json!({
            "read_units": reads,
            "write_units": writes,
            "floor_item_writes": floor,
            "floor_usd_per_million": floor * PRICE_PER_MILLION_WRU,
            "dynamodb_usd_per_million": dynamodb,
            "lambda_usd_per_million": lambda,
            "invocations": invocations,
            "billed_ms": billed_seconds * 1000.0,
        })
    };
    Ok(json!({
        "lives": lives,
        "prices": {"wru_per_million": PRICE_PER_MILLION_WRU, "rru_per_million": PRICE_PER_MILLION_RRU,
                   "lambda_arm_gb_second": LAMBDA_ARM_PER_GB_SECOND, "lambda_per_million_requests": LAMBDA_PER_MILLION_REQUESTS,
                   "lambda_memory_gb": LAMBDA_MEMORY_GB},
        "life": {"steps": life_steps, "total": total(&life_steps)},
        "cancelled": {"steps": cancelled_steps, "total": total(&cancelled_steps)},
        "refunded": {"steps": refunded_steps, "total": total(&refunded_steps)},
        "returned": {"steps": returned_steps, "total": total(&returned_steps)},
    }))
}
