//! Load through the dev server (wrk) against the same operations sent straight to DynamoDB
//! Local with the SDK (the ceiling), and the scale check (10 orders against many).

use crate::stats::Latency;
use crate::{address, orders_for, BUYER, SKU};
use orders_dev::{auth, routes, server};
use orders_shared::checkout::{build_orders, AddressSource, ValidCheckout};
use orders_shared::order::OrderType;
use orders_shared::runtime::App;
use orders_shared::store::{OrderQuery, Partition};
use orders_shared::time::Timestamp;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 16;
const SECRET: &str = "bench-secret";
const BUYERS: usize = 50;
/// Creates spread over this many SKUs, as a shop's orders would be.
pub const SKUS: usize = 16;

pub fn sku(index: usize) -> String {
    format!("{SKU}-{index}")
}

fn lua_string(text: &str) -> String {
    format!("{text:?}")
}

/// wrk's summary: requests/s, latency percentiles, non-2xx and socket errors.
fn parse_wrk(output: &str) -> Value {
    let mut requests_per_second = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut non_2xx = 0u64;
    let mut socket_errors = 0u64;
    let mut total = None;
    let to_ms = |text: &str| -> Option<f64> {
        let (number, factor) = if let Some(v) = text.strip_suffix("us") {
            (v, 0.001)
        } else if let Some(v) = text.strip_suffix("ms") {
            (v, 1.0)
        } else if let Some(v) = text.strip_suffix('s') {
            (v, 1000.0)
        } else {
            (text, 1.0)
        };
        number.parse::<f64>().ok().map(|n| (n * factor * 1000.0).round() / 1000.0)
    };
    for line in output.lines().map(str::trim) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["Requests/sec:", value] => requests_per_second = value.parse::<f64>().ok(),
            ["50%", value] => p50 = to_ms(value),
            ["99%", value] => p99 = to_ms(value),
            ["Non-2xx", "or", "3xx", "responses:", value] => non_2xx = value.parse().unwrap_or(0),
            [count, "requests", "in", ..] => total = count.parse::<u64>().ok(),
            ["Socket", "errors:", rest @ ..] => {
                socket_errors = rest.iter().filter_map(|p| p.trim_end_matches(',').parse::<u64>().ok()).sum()
            }
            _ => {}
        }
    }
    json!({"requests_per_second": requests_per_second, "p50_ms": p50, "p99_ms": p99, "requests": total,
           "errors": non_2xx + socket_errors, "non_2xx": non_2xx, "socket_errors": socket_errors})
}

async fn wrk(url: &str, script: &str, seconds: u64) -> Result<Value, String> {
    let path = std::env::temp_dir().join(format!("orders-bench-{}-{}.lua", std::process::id(), rand::random::<u32>()));
    let script = format!(
        "{script}\nlocal reported = false\nresponse = function(status, headers, body)\n  \
         if status >= 300 and not reported then reported = true; print(\"FIRST_ERROR \" .. status .. \" \" .. body) end\nend\n"
    );
    std::fs::write(&path, script).map_err(|e| e.to_string())?;
    let output = tokio::process::Command::new("wrk")
        .args(["-t2", &format!("-c{CONNECTIONS}"), &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(&path)
        .arg(url)
        .output()
        .await
        .map_err(|e| format!("wrk is needed for the load run (apt-get install wrk): {e}"))?;
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let mut parsed = parse_wrk(&text);
    if let Some(first) = text.lines().find_map(|line| line.strip_prefix("FIRST_ERROR ")) {
        parsed["first_error"] = json!(first.chars().take(300).collect::<String>());
    }
    parsed["tool"] = json!(format!("wrk -t2 -c{CONNECTIONS} -d{seconds}s"));
    Ok(parsed)
}

fn checkout(sku_id: &str) -> ValidCheckout {
    ValidCheckout {
        items: vec![(sku_id.to_string(), 1)],
        order_type: OrderType::Standard,
        points_to_use: 0,
        address: AddressSource::Inline(address()),
        remark: String::new(),
        fingerprint: String::new(),
    }
}

/// The create route's store work without HTTP, JSON or the envelope: one BatchGetItem, one
/// TransactWriteItems.
async fn direct_create(app: &App, buyer: &str, sku_id: &str) -> Result<(), String> {
    let checkout = checkout(sku_id);
    let reads = app.store.checkout_reads(buyer, &[sku_id], None, None, false).await.map_err(|e| e.to_string())?;
    let now = Timestamp::now();
    let orders = build_orders(buyer, &checkout, &reads.skus, &address(), now, 1800).map_err(|e| e.to_string())?;
    app.store.create_orders(&orders, None, now).await.map_err(|e| e.to_string())?;
    Ok(())
}

async fn ceiling<F, Fut>(seconds: u64, operation: F) -> Value
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let operation = Arc::new(operation);
    let errors = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CONNECTIONS {
        let (operation, errors) = (operation.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut index = worker;
            while Instant::now() < deadline {
                let at = Instant::now();
                if operation(index).await.is_err() {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                samples.push(at.elapsed());
                index += CONNECTIONS;
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let latency = Latency::of(&samples);
    json!({"requests_per_second": (samples.len() as f64 / elapsed * 10.0).round() / 10.0,
           "p50_ms": latency.p50_ms, "p99_ms": latency.p99_ms, "requests": samples.len(),
           "errors": errors.load(Ordering::Relaxed), "tool": format!("{CONNECTIONS} SDK tasks, {seconds} s")})
}

pub async fn run(app: &App, order_no: &str, seconds: u64) -> Result<Value, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, server::DevState::new(app.clone(), SECRET), async move {
        let _ = stopped.await;
    }));
    let tokens: Vec<String> = (0..BUYERS).map(|i| auth::mint(SECRET, &format!("load-{i}"), "buyer", None, 1)).collect();
    let token_list = tokens.iter().map(|t| lua_string(t)).collect::<Vec<_>>().join(", ");
    let bodies = (0..SKUS)
        .map(|i| lua_string(&json!({"items": [{"sku_id": sku(i), "quantity": 1}], "address": address()}).to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    let create_script = format!(
        "local tokens = {{{token_list}}}\nlocal bodies = {{{bodies}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  \
         return wrk.format(\"POST\", \"/api/v1/orders\", {{[\"Authorization\"] = \"Bearer \" .. tokens[(i % #tokens) + 1], \
         [\"Content-Type\"] = \"application/json\"}}, bodies[(i % #bodies) + 1])\nend\n"
    );
    let buyer_token = auth::mint(SECRET, BUYER, "buyer", None, 1);
    let get_script = format!(
        "wrk.method = \"GET\"\nwrk.headers[\"Authorization\"] = \"Bearer {buyer_token}\"\nwrk.path = \"/api/v1/orders/{order_no}\"\n"
    );
    eprintln!("[bench] load: creates through the dev server for {seconds} s...");
    let create_http = wrk(&format!("{base}/api/v1/orders"), &create_script, seconds).await?;
    eprintln!("[bench]   {create_http}");
    eprintln!("[bench] load: reads through the dev server for {seconds} s...");
    let get_http = wrk(&format!("{base}/api/v1/orders/{order_no}"), &get_script, seconds).await?;
    eprintln!("[bench]   {get_http}");
    let _ = stop.send(());

    eprintln!("[bench] load: creates straight to DynamoDB Local for {seconds} s...");
    let app_create = app.clone();
    let create_sdk = ceiling(seconds, move |i| {
        let app = app_create.clone();
        async move { direct_create(&app, &format!("load-{}", i % BUYERS), &sku(i % SKUS)).await }
    })
    .await;
    eprintln!("[bench]   {create_sdk}");
    eprintln!("[bench] load: reads straight to DynamoDB Local for {seconds} s...");
    let app_get = app.clone();
    let order = order_no.to_string();
    let get_sdk = ceiling(seconds, move |_| {
        let (app, order) = (app_get.clone(), order.clone());
        async move { app.store.get_order(BUYER, &order).await.map(|_| ()).map_err(|e| e.to_string()) }
    })
    .await;
    eprintln!("[bench]   {get_sdk}");
    let ratio =
        |http: &Value, sdk: &Value| match (http["requests_per_second"].as_f64(), sdk["requests_per_second"].as_f64()) {
            (Some(http), Some(sdk)) if sdk > 0.0 => json!((http / sdk * 1000.0).round() / 1000.0),
            _ => Value::Null,
        };
    Ok(json!({
        "create": {"dev_server": create_http, "direct_sdk": create_sdk, "ratio": ratio(&create_http, &create_sdk)},
        "get_order": {"dev_server": get_http, "direct_sdk": get_sdk, "ratio": ratio(&get_http, &get_sdk)},
    }))
}

async fn timed_route(app: &App, function: &str, event: &Value, runs: usize) -> Result<Latency, String> {
    let route = routes::table().into_iter().find(|r| r.function == function).ok_or("no such route")?;
    let text = event.to_string();
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let request = orders_shared::lambda_http::request::from_str(&text).map_err(|e| e.to_string())?;
        let at = Instant::now();
        let response = (route.handler)(app.clone(), request).await;
        samples.push(at.elapsed());
        if !response.status().is_success() {
            return Err(format!("{function} answered {}", response.status()));
        }
    }
    Ok(Latency::of(&samples))
}

fn event(method: &str, route_path: &str, path: &str, buyer: &str, params: Value, query: Value) -> Value {
    json!({
        "version": "2.0", "routeKey": format!("{method} {route_path}"), "rawPath": path, "rawQueryString": "",
        "headers": {}, "pathParameters": params, "queryStringParameters": query,
        "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
                           "requestId": "bench", "routeKey": format!("{method} {route_path}"), "stage": "$default", "timeEpoch": 0,
                           "authorizer": {"jwt": {"claims": {"sub": buyer, "role": "buyer"}, "scopes": null}}},
        "isBase64Encoded": false
    })
}

/// Times `runs` calls of `call`.
async fn timed<F, Fut, T>(runs: usize, mut call: F) -> Result<Latency, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, orders_shared::ApiError>>,
{
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let at = Instant::now();
        call().await.map_err(|e| e.to_string())?;
        samples.push(at.elapsed());
    }
    Ok(Latency::of(&samples))
}

/// get, list-first-page and counts through the handlers for buyers with 10, `many / 10` and
/// `many` orders, each next to the same DynamoDB call made straight from the SDK, so growth in
/// DynamoDB Local's own time can be told from growth in ours.
pub async fn scale(app: &App, many: usize) -> Result<Value, String> {
    let mut out = Vec::new();
    let sizes = [("scale-small", 10usize), ("scale-middle", many / 10), ("scale-large", many)];
    for (buyer, count) in sizes.into_iter().filter(|(_, count)| *count > 0) {
        eprintln!("[bench] scale: importing {count} orders for {buyer}...");
        let started = Instant::now();
        let orders = orders_for(buyer, count);
        for (index, chunk) in orders.chunks(2000).enumerate() {
            app.store.import_orders(chunk).await.map_err(|e| e.to_string())?;
            if count > 2000 {
                eprintln!("[bench]   {} / {count}", ((index + 1) * 2000).min(count));
            }
        }
        let import_seconds = started.elapsed().as_secs_f64();
        let newest = orders.last().map(|o| o.order_no.clone()).unwrap_or_default();
        let get = event(
            "GET",
            "/api/v1/orders/{id}",
            &format!("/api/v1/orders/{newest}"),
            buyer,
            json!({"id": newest}),
            json!(null),
        );
        let list = event("GET", "/api/v1/orders", "/api/v1/orders", buyer, json!(null), json!({"limit": "20"}));
        let counts = event("GET", "/api/v1/order-counts", "/api/v1/order-counts", buyer, json!(null), json!(null));
        let runs = 300;
        let store = &app.store;
        let page = || {
            let query = OrderQuery::new(Partition::Buyer(buyer.to_string()), 20);
            async move { store.query_orders(&query).await }
        };
        let row = json!({
            "buyer_orders": count,
            "import_seconds": (import_seconds * 10.0).round() / 10.0,
            "get_order": timed_route(app, "get-order", &get, runs).await?,
            "get_item_direct": timed(runs, || store.get_order(buyer, &newest)).await?,
            "list_first_page": timed_route(app, "list-orders", &list, runs).await?,
            "list_query_direct": timed(runs, page).await?,
            "order_counts": timed_route(app, "get-order-counts", &counts, runs).await?,
            "counts_direct": timed(runs, || store.buyer_counts(buyer)).await?,
        });
        eprintln!(
            "[bench]   p50 ms: get {} (SDK {}), list {} (SDK query {}), counts {} (SDK {})",
            row["get_order"]["p50_ms"],
            row["get_item_direct"]["p50_ms"],
            row["list_first_page"]["p50_ms"],
            row["list_query_direct"]["p50_ms"],
            row["order_counts"]["p50_ms"],
            row["counts_direct"]["p50_ms"]
        );
        out.push(row);
    }
    Ok(Value::Array(out))
}
