//! `make dev`: DynamoDB Local with data under `.data/`, the table from template.yaml, a demo
//! shop, and every function on 127.0.0.1:3000. Ctrl-C stops all of it.

use orders_dev::alipay_keys;
use orders_dev::local_db::{self, LocalDynamo};
use orders_dev::{auth, data_dir, seed, server, template, template_path};
use orders_shared::adapters::alipay::AlipayConfig;
use orders_shared::adapters::config::Config;
use orders_shared::adapters::http::cursor::CursorKey;
use orders_shared::adapters::runtime::init_tracing;
use orders_shared::adapters::secrets::Secret;
use orders_shared::app::sweep::{auto_confirm_receipts, close_expired_orders};
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
    match AlipayConfig::from_env()? {
        Some(alipay) => app = app.with_alipay(alipay),
        None => {
            let dir = data.join("alipay");
            let (alipay, _) = alipay_keys::load_or_create(&dir)?;
            eprintln!(
                "Alipay: ALIPAY_APP_ID is unset, so dev keys are in {} (app id {}); sign a test notification with\n  \
                 cargo run -q -p orders-dev --bin sign-alipay-notify -- <order_no> <amount>",
                dir.display(),
                alipay_keys::DEV_APP_ID
            );
            app = app.with_alipay(alipay);
        }
    }
    let added = seed::seed_demo_shop(&app.store).await.map_err(|error| format!("seeding failed: {error}"))?;
    if added > 0 {
        eprintln!("seeded the demo shop ({added} SKUs)");
    }

    let buyer = auth::mint(&secret, seed::DEMO_BUYER, "buyer", None, 30);
    let seller = auth::mint(&secret, seed::DEMO_SELLER_USER, "seller", Some(seed::DEMO_SELLER), 30);
    let admin = auth::mint(&secret, seed::DEMO_ADMIN, "admin", None, 30);
    println!();
    println!("Order service on http://127.0.0.1:{port}  (DynamoDB Local: {}, table {table})", dynamo.endpoint());
    println!("Tokens (HS256, ORDERS_DEV_JWT_SECRET, 30 days):");
    println!("  export BUYER_TOKEN={buyer}");
    println!("  export SELLER_TOKEN={seller}");
    println!("  export ADMIN_TOKEN={admin}");
    println!("Try:");
    println!(
        "  curl -s -X POST http://127.0.0.1:{port}/api/v1/orders -H \"Authorization: Bearer $BUYER_TOKEN\" \
         -H 'Content-Type: application/json' -d '{{\"items\":[{{\"sku_id\":\"tea-longjing-250g\",\"quantity\":1}}],\
         \"address\":{{\"name\":\"Li Lei\",\"phone\":\"13800000000\",\"province\":\"Sichuan\",\"city\":\"Chengdu\",\
         \"district\":\"Wuhou\",\"detail\":\"1 Renmin Rd\"}}}}'"
    );
    println!("Unpaid orders close after PAYMENT_WINDOW_SECONDS, shipped ones complete after AUTO_CONFIRM_DAYS;");
    println!("the dev server runs both schedules every {sweep_seconds} s (ORDERS_DEV_SWEEP_SECONDS).");
    println!("Ctrl-C stops the server and DynamoDB Local.");
    println!();

    tokio::spawn(run_schedules(app.clone(), sweep_seconds));
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
    let served = server::serve(listener, state, shutdown).await;
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

/// The two EventBridge schedules, every few seconds so the whole flow can be watched locally.
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
    }
}
