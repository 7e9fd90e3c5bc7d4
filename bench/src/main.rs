//! `make bench`: measures what a serverless order service is paid for, side by side with a
//! hello-world floor and a Python peer, and writes `bench/results.json` and `docs/benchmarks.md`
//! (with SVG charts). Figures are printed, never asserted.

mod coldstart;
mod cost;
mod emulator;
mod events;
mod fixtures;
mod flash_sale;
mod load;
mod report;
mod stats;

use coldstart::Subject;
pub use fixtures::{checkout_of, orders_for, put_skus};
use fixtures::{lianlian, read_events, seed_events, wxpay_notification_event};
use orders_dev::alipay_gateway::{self, StandInGateway};
use orders_dev::{alipay_keys, handlers, local_db, template, template_path};
use orders_shared::adapters::config::{Config, NOTIFY_BASE_VARIABLE};
use orders_shared::adapters::crypto::SigningKey;
use orders_shared::adapters::store::CallCounter;
use orders_shared::adapters::{alipay, wxpay};
use orders_shared::domain::address::AddressEntry;
use orders_shared::domain::time::Timestamp;
use orders_shared::samples::address;
use orders_shared::App;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

/// Where the benchmark's functions say providers call back (nothing calls back here).
const NOTIFY_BASE: &str = "https://shop.example.com";

pub const BUYER: &str = "bench-buyer";
pub const SHOP: &str = "bench-shop";
pub const SKU: &str = "bench-tea";

struct Options {
    cold_runs: usize,
    warm: usize,
    /// `BENCH_WARM_UP`: reads that warm DynamoDB Local's JIT before anything is timed.
    warm_up: usize,
    load_seconds: u64,
    callgrind: bool,
    scale_orders: usize,
    /// `BENCH_FUNCTIONS`: only these functions' cold starts (comma list); the report is then
    /// not written, the figures are only printed.
    functions: Option<Vec<String>>,
    /// `BENCH_PARTS`: only these parts (`cold`, `instructions`, `load`, `scale`, `cost`, `events`,
    /// `flash-sale`, `big-shop`); likewise.
    parts: Option<Vec<String>>,
    /// `BENCH_COST_LIVES`: whole order lives (and cancelled ones) the cost part runs.
    cost_lives: usize,
    /// `BENCH_EVENT_ORDERS`: orders created and cancelled by the events part.
    event_orders: usize,
    /// `BENCH_ITEM_WCU`, `BENCH_SALE_BUYERS`, `BENCH_SALE_UNITS`, `BENCH_SALE_IN_FLIGHT`,
    /// `BENCH_SHOP_ORDERS`: the `flash-sale` and `big-shop` parts.
    sale: flash_sale::Sizes,
}

impl Options {
    fn wants_function(&self, name: &str) -> bool {
        self.functions.as_ref().is_none_or(|names| names.iter().any(|n| n == name))
    }

    fn wants(&self, part: &str) -> bool {
        self.parts.as_ref().is_none_or(|parts| parts.iter().any(|p| p == part))
    }

    /// A full run writes the report; a partial one only prints.
    fn is_full(&self) -> bool {
        self.functions.is_none() && self.parts.is_none()
    }
}

fn options() -> Options {
    let var = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let list = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
    };
    Options {
        cold_runs: var("BENCH_COLD_RUNS", 20) as usize,
        warm: var("BENCH_WARM", 1000) as usize,
        warm_up: var("BENCH_WARM_UP", 20_000) as usize,
        load_seconds: var("BENCH_LOAD_SECONDS", 60),
        callgrind: var("BENCH_CALLGRIND", 1) == 1,
        scale_orders: var("BENCH_SCALE_ORDERS", 100_000) as usize,
        functions: list("BENCH_FUNCTIONS"),
        parts: list("BENCH_PARTS"),
        cost_lives: var("BENCH_COST_LIVES", 50) as usize,
        event_orders: var("BENCH_EVENT_ORDERS", 100) as usize,
        sale: flash_sale::Sizes {
            budget_wcu_per_item: var("BENCH_ITEM_WCU", 12) as u32,
            buyers: var("BENCH_SALE_BUYERS", 2000) as usize,
            units: var("BENCH_SALE_UNITS", 500) as i64,
            in_flight: var("BENCH_SALE_IN_FLIGHT", 64) as usize,
            shop_orders: var("BENCH_SHOP_ORDERS", 500) as usize,
        },
    }
}

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("bench: {error}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let options = options();
    let root = orders_dev::repo_root()?;
    if std::env::args().any(|arg| arg == "--report-only") {
        let text = std::fs::read_to_string(root.join("bench/results.json")).map_err(|e| e.to_string())?;
        let results: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        return report::write(&root, &results);
    }
    let started = Instant::now();
    eprintln!("[bench] starting DynamoDB Local...");
    let dynamo = local_db::LocalDynamo::start(local_db::free_port(), None)?;
    let endpoint = dynamo.endpoint();
    let table = "bench";
    let counter = CallCounter::default();
    let client = local_db::client_counting(&endpoint, Some(counter.clone()));
    template::create_table(&client, table, &template_path()?).await?;
    let (alipay, alipay_key) = alipay_keys::generate(Some(format!("{NOTIFY_BASE}{}", alipay::NOTIFY_PATH)))?;
    let app_private_pem = alipay.signing_key().await.map_err(|e| e.to_string())?.to_pem()?;
    let alipay_public_pem = alipay.verifying_key().await.map_err(|e| e.to_string())?.to_pem();
    // Refunds go to a stand-in Alipay gateway on a local port (never to the internet).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let gateway_url = format!("http://{}{}", listener.local_addr().map_err(|e| e.to_string())?, alipay_gateway::PATH);
    let app_public = alipay.signing_key().await.map_err(|e| e.to_string())?.verifying_key()?;
    let gateway_app = App::new(local_db::client(&endpoint), Config::for_table(table));
    let gateway = StandInGateway::new(gateway_app, app_public, SigningKey::from_text(&alipay_key.to_pem()?)?);
    tokio::spawn(async move { axum::serve(listener, gateway.router()).await });
    let alipay = alipay.with_gateway(&gateway_url, std::time::Duration::from_secs(5));
    let wxpay_key = orders_dev::wxpay_keys::stand_in_wxpay_key()?;
    let wxpay_notify = Some(format!("{NOTIFY_BASE}{}", wxpay::NOTIFY_PATH));
    let wxpay = orders_dev::wxpay_keys::config(SigningKey::generate()?, &wxpay_key, wxpay_notify)?;
    let app = App::new(client, Config::for_table(table))
        .with_provider(orders_shared::domain::payment::PaymentChannel::Alipay, std::sync::Arc::new(alipay))
        .with_provider(orders_shared::domain::payment::PaymentChannel::Wxpay, std::sync::Arc::new(wxpay))
        .with_provider(orders_shared::domain::payment::PaymentChannel::Lianlian, std::sync::Arc::new(lianlian()?));

    // The data every run reads: SKUs with plenty of stock, an address, points.
    put_skus(&app).await?;
    let address_id = "benchaddress0001";
    let entry = AddressEntry { address_id: address_id.to_string(), address: address(), is_default: true };
    app.store.create_address(BUYER, &entry, Timestamp::now()).await.map_err(|e| e.to_string())?;
    app.store.grant_points(BUYER, 1_000_000).await.map_err(|e| e.to_string())?;
    let templates = read_events(&root)?;

    // 1. Round trips per route, counted by the SDK interceptor (on orders of their own).
    eprintln!("[bench] round trips per route...");
    let events = seed_events(&app, &templates, &alipay_key).await?;
    let mut round_trips = Vec::new();
    for route in template::routes(&template::load(&template_path()?)?) {
        let (Some(event), Some(handler)) = (events.get(&route.function), handlers::handler(&route.function)) else {
            continue;
        };
        let request = orders_shared::lambda_http::request::from_str(event).map_err(|e| e.to_string())?;
        counter.take();
        let response = handler(app.clone(), request).await;
        let calls = counter.take();
        round_trips.push(json!({
            "function": route.function,
            "route": format!("{} {}", route.method, route.path),
            "status": response.status().as_u16(),
            "calls": calls.len(),
            "operations": calls,
        }));
    }
    counter.take();
    orders_shared::app::sweep::close_expired_orders(&app, Timestamp::now()).await.map_err(|e| e.to_string())?;
    round_trips.push(json!({"function": "close-expired-orders", "route": "schedule (nothing due)", "status": 200,
        "calls": counter.take().len(), "operations": ["Query per due shard"]}));

    // 2. Cold start, first invocation, warm invocations, peak RSS (on fresh orders again).
    put_skus(&app).await?;
    let events = seed_events(&app, &templates, &alipay_key).await?;
    let order_no = events.get("order_no:get-order").cloned().unwrap_or_default();
    // DynamoDB Local is a JVM: its first thousands of requests run while the JIT compiles them,
    // which would land in whichever measurement comes first.
    let warm_up = Instant::now();
    for _ in 0..options.warm_up {
        app.store.get_order(BUYER, &order_no).await.map_err(|e| e.to_string())?;
    }
    eprintln!("[bench] warmed DynamoDB Local with {} reads in {:.1?}", options.warm_up, warm_up.elapsed());
    let bin_dir = root.join("target/release");
    // Each function starts with only what Lambda would give it (the emulator's spawn clears the
    // rest): this machine's SSL_CERT_FILE/SSL_CERT_DIR, for one, would pick the system trust store.
    let base_env = vec![
        ("TABLE_NAME".to_string(), table.to_string()),
        ("AWS_ENDPOINT_URL_DYNAMODB".to_string(), endpoint.clone()),
        ("AWS_ACCESS_KEY_ID".to_string(), "local".to_string()),
        ("AWS_SECRET_ACCESS_KEY".to_string(), "local".to_string()),
        ("AWS_SESSION_TOKEN".to_string(), "local".to_string()),
        ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ("AWS_DEFAULT_REGION".to_string(), "us-east-1".to_string()),
        ("RUST_LOG".to_string(), "info".to_string()),
        ("ORDERS_CURSOR_KEY".to_string(), "bench-cursor-key-of-at-least-32-bytes".to_string()),
    ];
    // Only the payment functions get Alipay settings, each only the key it uses, as in template.yaml.
    let alipay_env = |key: (&str, &String)| {
        [
            ("ALIPAY_APP_ID".to_string(), alipay_keys::DEV_APP_ID.to_string()),
            (key.0.to_string(), key.1.clone()),
            (NOTIFY_BASE_VARIABLE.to_string(), NOTIFY_BASE.to_string()),
        ]
    };
    let wxpay_public_pem = wxpay_key.verifying_key()?.to_pem();
    let wxpay_env: Vec<(String, String)> = [
        ("WXPAY_MCH_ID", orders_dev::wxpay_keys::DEV_MCH_ID),
        ("WXPAY_APP_ID", orders_dev::wxpay_keys::DEV_APP_ID),
        ("WXPAY_MCH_SERIAL_NO", orders_dev::wxpay_keys::DEV_MCH_SERIAL_NO),
        ("WXPAY_PUBLIC_KEY_ID", orders_dev::wxpay_keys::DEV_PUBLIC_KEY_ID),
        ("WXPAY_APIV3_KEY", orders_dev::wxpay_keys::DEV_APIV3_KEY),
        ("WXPAY_PUBLIC_KEY_PEM", wxpay_public_pem.as_str()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect();
    let lianlian_env: Vec<(String, String)> = [
        ("LIANLIAN_OID_PARTNER", orders_dev::lianlian_keys::DEV_OID_PARTNER),
        ("LIANLIAN_WARE_CATEGORY", orders_dev::lianlian_keys::DEV_WARE_CATEGORY),
        ("LIANLIAN_PUBLIC_KEY_PEM", orders_dev::lianlian_keys::STAND_IN_LIANLIAN_PUBLIC_KEY),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect();
    let subject = |name: &str, program: PathBuf, event: &str| {
        let mut env = base_env.clone();
        match name {
            "start-payment" => env.extend(alipay_env(("ALIPAY_APP_PRIVATE_KEY_PEM", &app_private_pem))),
            "alipay-notify" => env.extend(alipay_env(("ALIPAY_PUBLIC_KEY_PEM", &alipay_public_pem))),
            // As template.yaml gives them (the keys are text here instead of a secret).
            "wxpay-notify" | "wxpay-refund-notify" => env.extend(wxpay_env.iter().cloned()),
            "lianlian-notify" | "lianlian-refund-notify" => env.extend(lianlian_env.iter().cloned()),
            // Refunds sign their calls and verify the answers.
            "approve-refund" | "confirm-return" | "retry-payout" => {
                env.extend(alipay_env(("ALIPAY_APP_PRIVATE_KEY_PEM", &app_private_pem)));
                env.push(("ALIPAY_PUBLIC_KEY_PEM".to_string(), alipay_public_pem.clone()));
                env.push(("ALIPAY_GATEWAY_URL".to_string(), gateway_url.clone()));
            }
            _ => {}
        }
        Subject {
            name: name.to_string(),
            program: program.display().to_string(),
            args: Vec::new(),
            cwd: None,
            env,
            event: event.to_string(),
        }
    };
    let get_event = events.get("get-order").cloned().unwrap_or_default();
    let mut subjects = vec![subject("hello-floor", bin_dir.join("hello-floor"), &get_event)];
    for (name, event) in events.iter().filter(|(name, _)| !name.starts_with("order_no:")) {
        if options.wants_function(name) {
            subjects.push(subject(name, bin_dir.join(name), event));
        }
    }
    if options.wants_function("python-peer-get-order") {
        let peer_python = root.join(".tools/bench-venv/bin/python");
        subjects.push(Subject {
            name: "python-peer-get-order".into(),
            program: peer_python.display().to_string(),
            args: vec!["-m".into(), "awslambdaric".into(), "get_order.handler".into()],
            cwd: Some(root.join("bench/peer").display().to_string()),
            env: base_env.clone(),
            event: get_event.clone(),
        });
    }
    // A create's warm invocations each place a new order (one BatchGetItem, one transaction); with
    // an Idempotency-Key every one after the first is a replay (one BatchGetItem), which is what
    // the figures before 25 November measured.
    if let Some(create) = subjects.iter().find(|s| s.name == "create-order").cloned() {
        let mut replay = create;
        replay.name = "create-order (Idempotency-Key replay)".into();
        let mut event: Value = serde_json::from_str(&replay.event).map_err(|e| e.to_string())?;
        event["headers"]["idempotency-key"] = json!("bench-replay-1");
        replay.event = event.to_string();
        subjects.push(replay);
    }
    // What the trust store costs: the same get-order with the operating system's store, which is
    // what it would read outside the standard partition (shared/src/tls.rs).
    if let Some(get_order) = subjects.iter().find(|s| s.name == "get-order").cloned() {
        let mut variant = get_order;
        variant.name = "get-order (ORDERS_TLS_ROOTS=system)".into();
        variant.env.push((orders_shared::adapters::tls::TRUST_ROOTS_VAR.into(), "system".into()));
        subjects.push(variant);
    }
    let mut cold = Vec::new();
    let mut warm_overhead = None;
    if options.wants("cold") {
        let floor = subjects.first().filter(|s| s.name == "hello-floor").cloned();
        for subject in &subjects {
            let fresh;
            let subject = if subject.name == "wxpay-notify" {
                let order_no = events.get("order_no:wxpay-notify").cloned().unwrap_or_default();
                fresh = Subject { event: wxpay_notification_event(&subject.event, &order_no)?, ..subject.clone() };
                &fresh
            } else {
                subject
            };
            eprintln!("[bench] cold start and {} warm invocations: {}", options.warm, subject.name);
            // Every function's cold starts take turns with the floor's.
            let turns = floor.as_ref().filter(|floor| floor.name != subject.name);
            let result = coldstart::measure(subject, turns, options.cold_runs, options.warm).await;
            if let Some(error) = &result.error {
                eprintln!("[bench]   {}: {error}", subject.name);
            }
            eprintln!(
                "[bench]   init {:.2} ms ({} × the floor in turns), first {:.2} ms (HTTP {}), warm p50 {:.3} ms (store {} / own {}) p99 {:.3} ms, peak RSS {:.1} MiB",
                result.init_ms,
                result.init_ratio_to_floor.map(|r| format!("{r:.2}")).unwrap_or_else(|| "–".into()), result.first_invocation_ms,
                result.first_status.map(|status| status.to_string()).unwrap_or_else(|| "–".into()), result.warm.p50_ms,
                result.warm_store_p50_ms.map(|ms| format!("{ms:.3}")).unwrap_or_else(|| "–".into()),
                result.warm_own_p50_ms.map(|ms| format!("{ms:.3}")).unwrap_or_else(|| "–".into()),
                result.warm.p99_ms, result.peak_rss_mib
            );
            for operation in &result.warm_store_ops {
                eprintln!(
                    "[bench]     {} p50 {:.3} ms, {:.2} per request",
                    operation.operation, operation.p50_ms, operation.per_request
                );
            }
            cold.push(result);
        }

        // Handler overhead: get-order's warm invocations in turns with the same GetItem from this
        // process (DynamoDB's own time, to subtract).
        if let Some(get_order) = subjects.iter().find(|s| s.name == "get-order") {
            eprintln!(
                "[bench] warm overhead: {} get-order invocations in turns with the same GetItem",
                options.warm * 2
            );
            let store = app.store.clone();
            let order_no = order_no.clone();
            let measured = coldstart::interleaved(get_order, options.warm * 2, || {
                let store = store.clone();
                let order_no = order_no.clone();
                async move {
                    let at = Instant::now();
                    store.get_order(BUYER, &order_no).await.map_err(|e| e.to_string())?;
                    Ok(at.elapsed())
                }
            })
            .await?;
            eprintln!(
                "[bench]   get-order p50 {:.3} p99 {:.3} ms; GetItem p50 {:.3} p99 {:.3} ms; overhead p50 {:.3} p99 {:.3} ms",
                measured.function.p50_ms,
                measured.function.p99_ms,
                measured.direct.p50_ms,
                measured.direct.p99_ms,
                measured.overhead_p50_ms,
                measured.overhead_p99_ms
            );
            warm_overhead = Some(measured);
        }
    }

    // 3. Instruction counts.
    let mut instructions = Vec::new();
    if options.callgrind && options.wants("instructions") {
        let scratch = std::env::temp_dir().join(format!("orders-bench-{}", std::process::id()));
        std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
        for name in ["hello-floor", "get-order", "create-order"] {
            if let Some(subject) = subjects.iter().find(|s| s.name == name) {
                eprintln!("[bench] callgrind: {name}");
                let result = coldstart::instructions(subject, &scratch, name != "hello-floor").await;
                if let Some(error) = &result.error {
                    eprintln!("[bench]   {name}: {error}");
                }
                eprintln!("[bench]   init {} instructions, warm invocation {:?}", result.init, result.warm_invocation);
                instructions.push(result);
            }
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }

    // 4. Package sizes (zips from cargo lambda build --release --arm64 --output-format zip).
    let mut sizes = Vec::new();
    for name in templates.keys() {
        let zip = root.join(format!("target/lambda/{name}/bootstrap.zip"));
        let bytes = std::fs::metadata(&zip).map(|m| m.len()).ok();
        sizes.push(json!({"function": name, "zip_bytes": bytes}));
    }

    put_skus(&app).await?;
    // 5. Load through the dev server, and the same operations straight to DynamoDB Local.
    let load = if options.wants("load") {
        load::run(&app, &order_no, options.load_seconds, dynamo.pid()).await?
    } else {
        json!(null)
    };

    // 6. What an order costs: capacity per step, priced.
    let cost = if options.wants("cost") {
        eprintln!("[bench] capacity of {} order lives...", options.cost_lives);
        let (cost_alipay, cost_key) = alipay_keys::generate(Some(format!("{NOTIFY_BASE}{}", alipay::NOTIFY_PATH)))?;
        let cost = cost::run(&endpoint, table, cost_alipay, &cost_key, options.cost_lives).await?;
        report::print_cost(&cost);
        cost
    } else {
        json!(null)
    };

    // 7. Order events: a change to the webhook's 2xx, and what publishing costs.
    let events = if options.wants("events") {
        eprintln!("[bench] order events: {} orders created and cancelled...", options.event_orders);
        let events = events::run(&endpoint, options.event_orders).await?;
        report::print_events(&events);
        events
    } else {
        json!(null)
    };

    // 8. Beyond one item's write limit: a flash sale and a big shop under a per-item budget.
    let flash_sale =
        if options.wants("flash-sale") { flash_sale::flash_sale(&options.sale).await? } else { json!(null) };
    let big_shop = if options.wants("big-shop") { flash_sale::big_shop(&options.sale).await? } else { json!(null) };
    if !flash_sale.is_null() || !big_shop.is_null() {
        eprintln!("{}", flash_sale::section(&flash_sale, &big_shop));
    }

    // 9. Scale: 10 orders against many.
    let scale = if options.wants("scale") { load::scale(&app, options.scale_orders).await? } else { json!(null) };

    if !options.is_full() {
        eprintln!("[bench] partial run (BENCH_FUNCTIONS/BENCH_PARTS): figures printed above, report not written");
        drop(dynamo);
        return Ok(());
    }

    let results = json!({
        "generated_at": Timestamp::now(),
        "machine": report::machine(),
        "settings": {"cold_runs": options.cold_runs, "warm_invocations": options.warm,
                      "load_seconds": options.load_seconds, "scale_orders": options.scale_orders},
        "cold_start": cold,
        "warm_overhead": warm_overhead,
        "instructions": instructions,
        "package_sizes": sizes,
        "round_trips": round_trips,
        "order_cost": cost,
        "order_events": events,
        "flash_sale": flash_sale,
        "big_shop": big_shop,
        "load": load,
        "scale": scale,
        "took_seconds": started.elapsed().as_secs(),
    });
    std::fs::write(root.join("bench/results.json"), serde_json::to_string_pretty(&results).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    report::write(&root, &results)?;
    eprintln!("[bench] wrote bench/results.json and docs/benchmarks.md in {:?}", started.elapsed());
    drop(dynamo);
    Ok(())
}
