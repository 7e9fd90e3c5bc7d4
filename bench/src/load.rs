//! Load through the dev server (wrk) against the same operations sent straight to DynamoDB
//! Local with the SDK (the ceiling), and the scale check (10 orders against many).

use crate::stats::Latency;
use crate::{checkout_of, orders_for, BUYER, SKU};
use orders_dev::handlers::{self, Handler};
use orders_dev::{auth, server};
use orders_shared::adapters::store::{OrderQuery, Partition};
use orders_shared::domain::pricing::build_orders;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::event::EventBuilder;
use orders_shared::lambda_http::http::Method;
use orders_shared::samples::address;
use orders_shared::App;
use serde_json::{json, Value};
use std::collections::HashMap;
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

/// The create route's store work without HTTP, JSON or the envelope: one BatchGetItem, one
/// TransactWriteItems.
async fn direct_create(app: &App, buyer: &str, sku_id: &str) -> Result<(), String> {
    let checkout = checkout_of(sku_id);
    let reads = app.store.checkout_reads(buyer, &[sku_id], &Default::default()).await.map_err(|e| e.to_string())?;
    let now = Timestamp::now();
    let orders = build_orders(buyer, &checkout, &reads.skus, &Default::default(), &address(), now, 1800)
        .map_err(|e| e.to_string())?;
    app.store.create_orders(&orders, None, &[], now).await.map_err(|e| e.to_string())?;
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

/// CPU seconds (user + system) from /proc: a process's own (ours when `pid` is `None`), or, with
/// `reaped_children`, that of our children already waited for (wrk's). /proc counts in USER_HZ
/// ticks, which are 1/100 s.
fn cpu_seconds(pid: Option<u32>, reaped_children: bool) -> Option<f64> {
    let path = pid.map_or_else(|| "/proc/self/stat".to_string(), |pid| format!("/proc/{pid}/stat"));
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime
    // are the 12th and 13th, cutime and cstime the 14th and 15th.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|v| v.parse::<f64>().ok());
    let first = if reaped_children { 13 } else { 11 };
    Some((ticks(first)? + ticks(first + 1)?) / 100.0)
}

/// CPU seconds so far of every party in a load run: ours, DynamoDB Local's, the load generator's.
fn cpu_now(db_pid: Option<u32>) -> [Option<f64>; 3] {
    [cpu_seconds(None, false), db_pid.and_then(|pid| cpu_seconds(Some(pid), false)), cpu_seconds(None, true)]
}

/// Runs `slice` with the CPU probe around it and adds the CPU figures to its result.
async fn probed<Fut>(db_pid: Option<u32>, slice: Fut) -> Result<Value, String>
where
    Fut: std::future::Future<Output = Result<Value, String>>,
{
    let before = cpu_now(db_pid);
    let mut result = slice.await?;
    let after = cpu_now(db_pid);
    let [ours, db, client] = [0, 1, 2].map(|party| Some(after[party]? - before[party]?));
    result["cpu_seconds"] = json!({"ours": ours, "dynamodb_local": db, "load_generator": client});
    Ok(result)
}

/// One path's slices as a whole: throughput over all of them, the median slice's p50 and the
/// worst slice's p99 (percentiles of separate runs cannot be merged exactly), errors, and the CPU
/// each party spent per request.
fn combine(slices: &[Value]) -> Value {
    let sum = |field: &str| slices.iter().filter_map(|s| s[field].as_f64()).sum::<f64>();
    let requests = sum("requests");
    let seconds: f64 = slices
        .iter()
        .filter_map(|s| Some(s["requests"].as_f64()? / s["requests_per_second"].as_f64().filter(|r| *r > 0.0)?))
        .sum();
    let mut p50s: Vec<f64> = slices.iter().filter_map(|s| s["p50_ms"].as_f64()).collect();
    p50s.sort_by(f64::total_cmp);
    let p99 = slices
        .iter()
        .filter_map(|s| s["p99_ms"].as_f64())
        .fold(None, |worst: Option<f64>, p| Some(worst.map_or(p, |w| w.max(p))));
    let cpu_per_request = |party: &str| {
        let total: Option<f64> = slices.iter().map(|s| s["cpu_seconds"][party].as_f64()).sum();
        total.filter(|_| requests > 0.0).map(|t| (t / requests * 1e7).round() / 10.0)
    };
    let first_error = slices.iter().find_map(|s| s.get("first_error").cloned());
    let mut combined = json!({
        "requests_per_second": if seconds > 0.0 { (requests / seconds * 10.0).round() / 10.0 } else { 0.0 },
        "p50_ms": p50s.get(p50s.len() / 2),
        "p99_ms": p99,
        "requests": requests as u64,
        "errors": sum("errors") as u64,
        "cpu_us_per_request": {
            "ours": cpu_per_request("ours"),
            "dynamodb_local": cpu_per_request("dynamodb_local"),
            "load_generator": cpu_per_request("load_generator"),
        },
        "tool": slices.first().map(|s| s["tool"].clone()).unwrap_or(Value::Null),
        "slices": slices.iter().map(|s| json!({"requests_per_second": s["requests_per_second"], "p50_ms": s["p50_ms"], "p99_ms": s["p99_ms"]})).collect::<Vec<_>>(),
    });
    if let Some(first_error) = first_error {
        combined["first_error"] = first_error;
    }
    combined
}

/// Both paths of one operation in turns, A B B A A B B A, each slice a quarter of `seconds`, so a
/// drift in DynamoDB Local (its JIT, its heap, the table growing) or in the machine falls on both.
async fn in_turns<H, HF, S, SF>(
    name: &str,
    seconds: u64,
    mut http: H,
    mut sdk: S,
    db_pid: Option<u32>,
) -> Result<Value, String>
where
    H: FnMut(u64) -> HF,
    HF: std::future::Future<Output = Result<Value, String>>,
    S: FnMut(u64) -> SF,
    SF: std::future::Future<Output = Value>,
{
    let slice_seconds = (seconds / 4).max(1);
    let (mut http_slices, mut sdk_slices) = (Vec::new(), Vec::new());
    for http_first in [true, false, true, false] {
        for through_http in [http_first, !http_first] {
            if through_http {
                let slice = probed(db_pid, http(slice_seconds)).await?;
                eprintln!("[bench]   {name} dev server {slice_seconds} s: {} req/s", slice["requests_per_second"]);
                http_slices.push(slice);
            } else {
                let slice = probed(db_pid, async { Ok(sdk(slice_seconds).await) }).await?;
                eprintln!("[bench]   {name} direct SDK {slice_seconds} s: {} req/s", slice["requests_per_second"]);
                sdk_slices.push(slice);
            }
        }
    }
    let (dev_server, direct_sdk) = (combine(&http_slices), combine(&sdk_slices));
    let ratio = match (dev_server["requests_per_second"].as_f64(), direct_sdk["requests_per_second"].as_f64()) {
        (Some(http), Some(sdk)) if sdk > 0.0 => json!((http / sdk * 1000.0).round() / 1000.0),
        _ => Value::Null,
    };
    eprintln!(
        "[bench]   {name}: dev server {} req/s, direct SDK {} req/s, ratio {ratio}; our CPU per request {} vs {} µs",
        dev_server["requests_per_second"],
        direct_sdk["requests_per_second"],
        dev_server["cpu_us_per_request"]["ours"],
        direct_sdk["cpu_us_per_request"]["ours"]
    );
    Ok(json!({"dev_server": dev_server, "direct_sdk": direct_sdk, "ratio": ratio}))
}

/// Creates and reads for `seconds` each way: through the dev server (wrk) and straight to
/// DynamoDB Local with the SDK, in turns.
pub async fn run(app: &App, order_no: &str, seconds: u64, db_pid: Option<u32>) -> Result<Value, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(
        listener,
        server::DevState::new(app.clone(), SECRET),
        axum::Router::new(),
        async move {
            let _ = stopped.await;
        },
    ));
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

    eprintln!("[bench] load: creates for {seconds} s through the dev server and {seconds} s straight to DynamoDB Local, in turns...");
    let create_url = format!("{base}/api/v1/orders");
    let create = in_turns(
        "create",
        seconds,
        |slice| wrk(&create_url, &create_script, slice),
        |slice| {
            let app = app.clone();
            ceiling(slice, move |i| {
                let app = app.clone();
                async move { direct_create(&app, &format!("load-{}", i % BUYERS), &sku(i % SKUS)).await }
            })
        },
        db_pid,
    )
    .await?;
    eprintln!("[bench] load: reads for {seconds} s through the dev server and {seconds} s straight to DynamoDB Local, in turns...");
    let get_url = format!("{base}/api/v1/orders/{order_no}");
    let get_order = in_turns(
        "get-order",
        seconds,
        |slice| wrk(&get_url, &get_script, slice),
        |slice| {
            let (app, order) = (app.clone(), order_no.to_string());
            ceiling(slice, move |_| {
                let (app, order) = (app.clone(), order.clone());
                async move { app.store.get_order(BUYER, &order).await.map(|_| ()).map_err(|e| e.to_string()) }
            })
        },
        db_pid,
    )
    .await?;
    let _ = stop.send(());
    Ok(
        json!({"create": create, "get_order": get_order, "method": "each path in four slices, in turns A B B A A B B A"}),
    )
}

/// One invocation of `handler` with the request `event` makes, timed from the request to the
/// response.
async fn route_once(app: &App, handler: Handler, event: &EventBuilder) -> Result<Duration, String> {
    let request = event.clone().into_request();
    let at = Instant::now();
    let response = handler(app.clone(), request).await;
    let elapsed = at.elapsed();
    if !response.status().is_success() {
        return Err(format!("{} answered {}", event.clone().build().raw_path.unwrap_or_default(), response.status()));
    }
    Ok(elapsed)
}

/// One store call, timed.
async fn call_once<Fut, T>(call: Fut) -> Result<Duration, String>
where
    Fut: std::future::Future<Output = Result<T, orders_shared::ApiError>>,
{
    let at = Instant::now();
    call.await.map_err(|e| e.to_string())?;
    Ok(at.elapsed())
}

/// A buyer's GET of `path` (route `route_path`), as API Gateway would pass it.
fn event(route_path: &str, path: &str, buyer: &str, params: &[(&str, &str)], query: &str) -> EventBuilder {
    let claims = HashMap::from([("sub".to_string(), buyer.to_string()), ("role".to_string(), "buyer".to_string())]);
    EventBuilder::new(Method::GET, route_path, path)
        .query(query)
        .path_params(params.iter().copied())
        .claims(claims)
        .request_id("bench")
}

/// The list page the scale check reads: the smallest buyer's whole history, so every size renders
/// the same number of orders and only the partition's size differs.
const PAGE: usize = 10;
/// Rounds of the scale check, each one call of every kind.
const SCALE_ROUNDS: usize = 300;

/// get, list-first-page and counts through the handlers for buyers with 10, `many / 10` and
/// `many` orders, each next to the same DynamoDB call made straight from the SDK, so growth in
/// DynamoDB Local's own time can be told from growth in ours.
pub async fn scale(app: &App, many: usize) -> Result<Value, String> {
    let mut out = Vec::new();
    let sizes = [("scale-small", PAGE), ("scale-middle", many / 10), ("scale-large", many)];
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
        let get = event("/api/v1/orders/{id}", &format!("/api/v1/orders/{newest}"), buyer, &[("id", &newest)], "");
        let list = event("/api/v1/orders", "/api/v1/orders", buyer, &[], &format!("limit={PAGE}"));
        let counts = event("/api/v1/order-counts", "/api/v1/order-counts", buyer, &[], "");
        let route = |function: &str| handlers::handler(function).ok_or("no such function");
        let (get_route, list_route, counts_route) =
            (route("get-order")?, route("list-orders")?, route("get-order-counts")?);
        let store = &app.store;
        let query = OrderQuery::new(Partition::Buyer(buyer.to_string()), PAGE);
        let page = || store.query_orders(&query);
        // In turns, one of each per round, so DynamoDB Local's state (its caches after the import, its
        // heap, its JIT) falls on the handlers and the direct calls alike.
        let mut samples: [Vec<Duration>; 7] = Default::default();
        for _ in 0..SCALE_ROUNDS {
            samples[0].push(route_once(app, get_route, &get).await?);
            samples[1].push(call_once(store.get_order(buyer, &newest)).await?);
            samples[2].push(route_once(app, list_route, &list).await?);
            samples[3].push(call_once(page()).await?);
            // What the list handler sends: the page's Query and the counters' GetItem, side by side.
            samples[4].push(call_once(async { tokio::join!(page(), store.buyer_counts(buyer)).0 }).await?);
            samples[5].push(route_once(app, counts_route, &counts).await?);
            samples[6].push(call_once(store.buyer_counts(buyer)).await?);
        }
        let [get_order, get_item, list_page, query, query_and_counts, order_counts, counts_direct] =
            samples.map(|s| Latency::of(&s));
        let row = json!({
            "buyer_orders": count,
            "import_seconds": (import_seconds * 10.0).round() / 10.0,
            "get_order": get_order,
            "get_item_direct": get_item,
            "list_first_page": list_page,
            "list_query_direct": query,
            "list_query_and_counts_direct": query_and_counts,
            "order_counts": order_counts,
            "counts_direct": counts_direct,
        });
        eprintln!(
            "[bench]   p50 ms: get {} (SDK {}), list {} (SDK query {}, with the counter GetItem beside it {}), counts {} (SDK {})",
            row["get_order"]["p50_ms"],
            row["get_item_direct"]["p50_ms"],
            row["list_first_page"]["p50_ms"],
            row["list_query_direct"]["p50_ms"],
            row["list_query_and_counts_direct"]["p50_ms"],
            row["order_counts"]["p50_ms"],
            row["counts_direct"]["p50_ms"]
        );
        out.push(row);
    }
    Ok(Value::Array(out))
}
