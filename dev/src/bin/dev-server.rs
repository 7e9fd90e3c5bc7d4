//! `make dev`: DynamoDB Local with data under `.data/`, the table from template.yaml, a demo
//! shop, and every function on 127.0.0.1:3000. Ctrl-C stops all of it.

use orders_dev::event_stream::StreamPump;
use orders_dev::local_db::{self, LocalDynamo};
use orders_dev::local_providers::{local_provider, Local};
use orders_dev::{auth, console, data_dir, seed, server, template, template_path, webhook_inbox};
use orders_shared::adapters::config::Config;
use orders_shared::adapters::config::NOTIFY_BASE_VARIABLE;
use orders_shared::adapters::cursor::CursorKey;
use orders_shared::adapters::runtime::init_tracing;
use orders_shared::adapters::secrets::Secret;
use orders_shared::app::after_sales::{retry_refund_payouts, run_timers};
use orders_shared::app::deliveries::deliver_due;

const LOOPBACK_VARIABLE: &str = "WEBHOOK_ALLOW_LOOPBACK";
use orders_shared::app::sweep::{auto_confirm_receipts, close_expired_orders};
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::domain::time::Timestamp;
use orders_shared::App;
use std::process::ExitCode;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|value| !value.is_empty()).unwrap_or_else(|| default.to_string())
}

fn port_var(name: &str, default: u16) -> Result<u16, String> {
    env_or(name, &default.to_string()).parse().map_err(|_| format!("{name} must be a port number"))
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dev server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let port = port_var("ORDERS_DEV_PORT", 3000)?;
    let dynamo_port = port_var("ORDERS_DEV_DYNAMODB_PORT", 8000)?;
    let secret = env_or("ORDERS_DEV_JWT_SECRET", auth::DEFAULT_DEV_SECRET);
    let table = env_or("TABLE_NAME", "orders");
    // Every setting a function reads, checked now: a bad value stops here with its name.
    let mut config = Config::from_env_for_table(&table)?;
    // A receiver on this laptop is the point of webhooks under make dev.
    if orders_shared::adapters::config::var(LOOPBACK_VARIABLE).is_none() {
        config.webhooks.allow_loopback = true;
    }
    let data = data_dir()?;
    let data_dir = data.join("dynamodb");
    let sweep_seconds: u64 = env_or("ORDERS_DEV_SWEEP_SECONDS", "5")
        .parse()
        .map_err(|_| "ORDERS_DEV_SWEEP_SECONDS must be a whole number".to_string())?;

    // Bind first so a busy port fails before anything is started.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|error| format!("cannot listen on 127.0.0.1:{port}: {error} (set ORDERS_DEV_PORT)"))?;

    eprintln!("starting DynamoDB Local on port {dynamo_port} (data in {})...", data_dir.display());
    let dynamo = LocalDynamo::start(dynamo_port, Some(&data_dir))?;
    let client = local_db::client(&dynamo.endpoint());
    if template::create_table(&client, &table, &template_path()?).await? {
        eprintln!("created table {table} from template.yaml");
    }
    if config.cursor_key.is_none() {
        config.cursor_key = Some(Secret::ready("ORDERS_CURSOR_KEY", cursor_key(&data.join("cursor.key"))?));
    }
    let mut app = App::new(client, config);
    let mut lambda_env = vec![
        ("TABLE_NAME".to_string(), table.clone()),
        ("AWS_ENDPOINT_URL_DYNAMODB".to_string(), dynamo.endpoint()),
        ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ("AWS_ACCESS_KEY_ID".to_string(), "local".to_string()),
        ("AWS_SECRET_ACCESS_KEY".to_string(), "local".to_string()),
        ("PAYMENT_WINDOW_SECONDS".to_string(), app.config.payment_window_seconds.to_string()),
        ("AUTO_CONFIRM_DAYS".to_string(), app.config.auto_confirm_days.to_string()),
        ("AFTER_SALES_DAYS".to_string(), (app.config.after_sales.window_seconds / 86_400).to_string()),
        ("REFUND_AUTO_APPROVE_HOURS".to_string(), (app.config.after_sales.auto_approve_seconds / 3600).to_string()),
        ("RETURN_SHIP_DAYS".to_string(), (app.config.after_sales.return_ship_seconds / 86_400).to_string()),
        ("RETURN_CONFIRM_DAYS".to_string(), (app.config.after_sales.return_confirm_seconds / 86_400).to_string()),
        ("REFUND_PAYOUT_RETRY_SECONDS".to_string(), app.config.after_sales.payout_retry_seconds.to_string()),
        ("ORDERS_CURSOR_KEY".to_string(), cursor_key_text(&data.join("cursor.key"))?),
        ("WEBHOOK_ALLOW_LOOPBACK".to_string(), app.config.webhooks.allow_loopback.to_string()),
        ("WEBHOOK_RETRY_SECONDS".to_string(), app.config.webhooks.retry.first_delay_seconds.to_string()),
        ("WEBHOOK_TIMEOUT_MS".to_string(), app.config.webhooks.timeout.as_millis().to_string()),
        ("COUNTER_SHARDS".to_string(), app.config.counter_shards.to_string()),
        ("RUST_LOG".to_string(), env_or("RUST_LOG", "info")),
    ];
    // Providers call back here unless the environment names another place (a tunnel to this
    // laptop, say); never where a request says it came from.
    let notify_base = env_or(NOTIFY_BASE_VARIABLE, &format!("http://127.0.0.1:{port}"));
    lambda_env.push((NOTIFY_BASE_VARIABLE.to_string(), notify_base.clone()));
    let local = Local { data: &data, port, notify_base: &notify_base };
    let mut stand_ins = Vec::new();
    let mut notes = Vec::new();
    for channel in PaymentChannel::ALL {
        let Some(provider) = local_provider(channel, &local).await? else { continue };
        app = app.with_provider(provider.channel, provider.provider);
        lambda_env.extend(provider.lambda_env);
        stand_ins.extend(provider.stand_in);
        notes.extend(provider.notes);
    }
    for note in &notes {
        eprintln!("{note}");
    }
    write_lambda_env(&data.join("lambda.env"), &lambda_env)?;
    let added = seed::seed_demo_shop(&app.store).await.map_err(|error| format!("seeding failed: {error}"))?;
    let demo = seed::seed_demo_orders(&app).await.map_err(|error| format!("seeding failed: {error}"))?;
    let inbox_url = format!("http://127.0.0.1:{port}{}", webhook_inbox::PATH);
    let hooks = seed::seed_demo_webhooks(&app, &inbox_url).await.map_err(|error| format!("seeding failed: {error}"))?;
    let demo = demo + hooks;
    if added + demo > 0 {
        eprintln!("seeded the demo shop ({added} SKUs, {demo} addresses and orders the events/ samples name)");
    }

    let buyer = auth::mint(&secret, seed::DEMO_BUYER, "buyer", None, 30);
    let seller = auth::mint(&secret, seed::DEMO_SELLER_USER, "seller", Some(seed::DEMO_SELLER), 30);
    let admin = auth::mint(&secret, seed::DEMO_ADMIN, "admin", None, 30);
    println!();
    println!("Order service on http://127.0.0.1:{port}  (DynamoDB Local: {}, table {table})", dynamo.endpoint());
    println!("The base URL and tokens (HS256, ORDERS_DEV_JWT_SECRET, 30 days) docs/walkthrough.md uses:");
    println!("  export API=http://127.0.0.1:{port}");
    println!("  export BUYER_TOKEN={buyer}");
    println!("  export SELLER_TOKEN={seller}");
    println!("  export ADMIN_TOKEN={admin}");
    println!("Try:");
    println!("  curl -s \"$API/api/v1/orders?status=pending_payment\" -H \"Authorization: Bearer $BUYER_TOKEN\"");
    println!("Docs: http://127.0.0.1:{port}/api/v1/docs (OpenAPI: /api/v1/openapi.json)");
    println!("Unpaid orders close after PAYMENT_WINDOW_SECONDS, shipped ones complete after AUTO_CONFIRM_DAYS;");
    println!(
        "the dev server runs the schedules (those two, after-sales timers, payout retries) every {sweep_seconds} s"
    );
    println!("(ORDERS_DEV_SWEEP_SECONDS); order events go to the shop's webhooks as they happen, and failed");
    println!("deliveries are retried every second (WEBHOOK_RETRY_SECONDS scales the schedule).");
    println!("Ctrl-C stops the server and DynamoDB Local.");
    println!();

    tokio::spawn(run_schedules(app.clone(), sweep_seconds));
    let pump = StreamPump::open(&dynamo.endpoint(), &table).await?;
    tokio::spawn(publish_events(app.clone(), pump));
    let extra = stand_ins.into_iter().fold(axum::Router::new(), |routes, stand_in| routes.merge(stand_in(&app)));
    let extra = extra.merge(webhook_inbox::Inbox::new().router()).merge(console::Console::new(&secret).router());
    let state = server::DevState::new(app, secret);
    let shutdown = async {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate => {}
        }
        eprintln!("stopping...");
    };
    let served = server::serve(listener, state, extra, shutdown).await;
    drop(dynamo);
    served.map_err(|error| format!("server failed: {error}"))
}

/// The key that signs list cursors when `ORDERS_CURSOR_KEY` is unset: made once, kept in `path`.
fn cursor_key(path: &std::path::Path) -> Result<CursorKey, String> {
    let secret = match std::fs::read_to_string(path) {
        Ok(secret) => secret,
        Err(_) => {
            let secret = CursorKey::generate_secret();
            std::fs::write(path, &secret).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            secret
        }
    };
    CursorKey::from_secret(&secret).map_err(|error| format!("{}: {error}", path.display()))
}

/// The EventBridge schedules, every few seconds so the whole flow can be watched locally.
async fn run_schedules(app: App, every_seconds: u64) {
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(every_seconds.max(1)));
    loop {
        ticker.tick().await;
        let now = Timestamp::now();
        if let Err(error) = close_expired_orders(&app, now).await {
            eprintln!("close-expired-orders: {error}");
        }
        if let Err(error) = auto_confirm_receipts(&app, now).await {
            eprintln!("auto-confirm-receipt: {error}");
        }
        if let Err(error) = run_timers(&app, now).await {
            eprintln!("after-sales-timers: {error}");
        }
        if let Err(error) = retry_refund_payouts(&app, now).await {
            eprintln!("retry-refund-payouts: {error}");
        }
    }
}

/// The table's stream, read as the event source mapping does in AWS, and due webhook retries,
/// every quarter second and every second.
async fn publish_events(app: App, mut pump: StreamPump) {
    let mut ticker = tokio::time::interval(std::time::Duration::from_millis(250));
    let mut ticks: u64 = 0;
    loop {
        ticker.tick().await;
        ticks += 1;
        if let Err(error) = pump.pump(&app).await {
            eprintln!("publish-order-events: {error}");
        }
        if ticks.is_multiple_of(4) {
            if let Err(error) = deliver_due(&app, Timestamp::now()).await {
                eprintln!("deliver-webhooks: {error}");
            }
        }
    }
}

/// The cursor key's text: `ORDERS_CURSOR_KEY`, else the dev server's key file.
fn cursor_key_text(path: &std::path::Path) -> Result<String, String> {
    match std::env::var("ORDERS_CURSOR_KEY") {
        Ok(key) if !key.trim().is_empty() => Ok(key),
        _ => std::fs::read_to_string(path)
            .map(|text| text.trim().to_string())
            .map_err(|error| format!("cannot read {}: {error}", path.display())),
    }
}

/// The environment `cargo lambda watch` gives the functions (Cargo.toml's
/// `workspace.metadata.lambda.watch` reads this file): the same table, DynamoDB Local, keys and
/// settings as this server, so `cargo lambda invoke --data-file events/<function>.json` works
/// without exporting anything.
fn write_lambda_env(path: &std::path::Path, variables: &[(String, String)]) -> Result<(), String> {
    let text: String = variables.iter().map(|(name, value)| format!("{name}={value}\n")).collect();
    std::fs::write(path, format!("# Written by the dev server at start; read by cargo lambda watch.\n{text}"))
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}
