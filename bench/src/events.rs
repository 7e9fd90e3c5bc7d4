//! Order events, measured: how long from a change of an order to the 2xx of the shop's webhook
//! under `make dev`'s setup (the dev server reads the stream every 250 ms, as `publish_events`
//! there does), and what publishing adds to the DynamoDB capacity of an order's life with one
//! endpoint (read from `ReturnConsumedCapacity` on the publisher's client only).

use crate::cost::CapacityMeter;
use crate::stats::Latency;
use crate::{put_skus, BUYER, SHOP, SKU};
use aws_sdk_dynamodb::config::SharedInterceptor;
use axum::http::{HeaderMap, StatusCode};
use orders_dev::event_stream::StreamPump;
use orders_dev::{local_db, template, template_path};
use orders_shared::adapters::config::Config;
use orders_shared::app::checkout::{place, Placed};
use orders_shared::app::orders::transition;
use orders_shared::app::webhooks::create_webhook;
use orders_shared::domain::member::Benefit;
use orders_shared::domain::order::OrderType;
use orders_shared::domain::party::Actor;
use orders_shared::domain::pricing::{AddressSource, Checkout};
use orders_shared::domain::state::Action;
use orders_shared::domain::webhooks::{EndpointDraft, EventFilter};
use orders_shared::{samples, App};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the dev server reads the stream.
const PUMP_EVERY: Duration = Duration::from_millis(250);
/// Events of a whole life (create, start payment, paid, shipped, completed, reviewed).
const EVENTS_PER_LIFE: f64 = 6.0;

type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

fn config(table: &str) -> Config {
    let mut config = Config::for_table(table);
    config.webhooks.allow_loopback = true;
    config
}

/// A receiver that notes when each event id first arrived and answers 204.
async fn receiver(arrivals: Arrivals) -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let url = format!("http://{}/hook", listener.local_addr().map_err(|e| e.to_string())?);
    let take = move |headers: HeaderMap| {
        let arrivals = arrivals.clone();
        async move {
            let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            if let Ok(mut arrivals) = arrivals.lock() {
                arrivals.entry(id).or_insert_with(Instant::now);
            }
            StatusCode::NO_CONTENT
        }
    };
    let app = axum::Router::new().route("/hook", axum::routing::post(take));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

async fn arrival(arrivals: &Arrivals, id: &str) -> Result<Instant, String> {
    let waited = Instant::now();
    loop {
        if let Some(at) = arrivals.lock().ok().and_then(|arrivals| arrivals.get(id).copied()) {
            return Ok(at);
        }
        if waited.elapsed() > Duration::from_secs(20) {
            return Err(format!("event {id} never reached the webhook"));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn checkout(run: usize) -> Checkout {
    Checkout {
        items: vec![(SKU.to_string(), 1)],
        order_type: OrderType::Standard,
        from_cart: None,
        benefit: Benefit::None,
        address: AddressSource::Inline(samples::address()),
        remark: String::new(),
        fingerprint: format!("events-{run}"),
        pay_password: None,
        pay_channel: None,
    }
}

/// `orders` orders created and cancelled (two events each) on a fresh table of DynamoDB Local
/// at `endpoint`.
pub async fn run(endpoint: &str, orders: usize) -> Result<Value, String> {
    let table = format!("bench-events-{}", rand::random::<u32>());
    template::create_table(&local_db::client(endpoint), &table, &template_path()?).await?;
    let routes = App::new(local_db::client(endpoint), config(&table));
    let meter = CapacityMeter::default();
    let metered = local_db::client_with(endpoint, vec![SharedInterceptor::new(meter.clone())]);
    let publisher = App::new(metered, config(&table));
    put_skus(&routes).await?;
    let arrivals = Arrivals::default();
    let url = receiver(arrivals.clone()).await?;
    let draft = EndpointDraft { url, event_types: EventFilter::default(), description: "bench".into() };
    create_webhook(&routes, SHOP, draft).await.map_err(|e| e.to_string())?;

    let mut pump = StreamPump::open(endpoint, &table).await?;
    pump.pump(&publisher).await?;
    meter.take();
    let stop = Arc::new(AtomicBool::new(false));
    let pumping = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(PUMP_EVERY);
            while !stop.load(Ordering::Relaxed) {
                ticker.tick().await;
                if let Err(error) = pump.pump(&publisher).await {
                    eprintln!("[bench] events: {error}");
                }
            }
        })
    };
    let mut latencies = Vec::new();
    // Each change at a random moment of the stream reader's cycle, as a shop's would be.
    let pause = || tokio::time::sleep(Duration::from_millis(rand::random_range(0..PUMP_EVERY.as_millis() as u64)));
    for run in 0..orders {
        pause().await;
        let placed = place(&routes, BUYER, &checkout(run), None).await.map_err(|e| e.to_string())?;
        let changed = Instant::now();
        let Placed::Created(orders) = placed else { return Err("the order was a replay".into()) };
        let order_no = orders.first().map(|order| order.order_no.clone()).ok_or("no order")?;
        latencies.push(arrival(&arrivals, &format!("evt_{order_no}_1")).await?.saturating_duration_since(changed));
        pause().await;
        let cancel = Action::Cancel { reason: "bench".into() };
        transition(&routes, Actor::Buyer(BUYER), &order_no, cancel).await.map_err(|e| e.to_string())?;
        let changed = Instant::now();
        latencies.push(arrival(&arrivals, &format!("evt_{order_no}_2")).await?.saturating_duration_since(changed));
    }
    stop.store(true, Ordering::Relaxed);
    let _ = pumping.await;
    let (reads, writes, requests) = meter.totals();
    let events = (2 * orders) as f64;
    let per_event = |units: f64| (units / events * 100.0).round() / 100.0;
    Ok(json!({
        "orders": orders,
        "events": 2 * orders,
        "pump_every_ms": PUMP_EVERY.as_millis() as u64,
        "change_to_2xx_ms": Latency::of(&latencies),
        "per_event": {"read_units": per_event(reads), "write_units": per_event(writes),
                      "requests": per_event(requests as f64)},
        "per_life": {"events": EVENTS_PER_LIFE, "read_units": per_event(reads) * EVENTS_PER_LIFE,
                     "write_units": per_event(writes) * EVENTS_PER_LIFE},
    }))
}
