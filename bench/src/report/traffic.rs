//! The report's sections on traffic: load through the dev server against the direct SDK, and the
//! same reads for buyers with few and with many orders.

use super::f;
use serde_json::Value;
use std::fmt::Write as _;

/// The load table: each path's throughput, latency and CPU per request, and what the difference is.
pub fn load_section(load: &Value) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "\n## Load\n\n![load](bench-load.svg)\n\n\
         Each path runs in four slices, in turns (dev server, SDK, SDK, dev server, ...), so a drift in DynamoDB \
         Local or in the machine falls on both. p50 is the median slice's, p99 the worst slice's. CPU is per \
         request, from /proc: ours (the bench process: dev server, handler and SDK, or the SDK alone), DynamoDB \
         Local's JVM, and wrk's.\n\n\
         | operation | path | req/s | p50 ms | p99 ms | requests | errors | our CPU µs | DynamoDB Local CPU µs | wrk CPU µs | slices req/s |\n\
         |---|---|---|---|---|---|---|---|---|---|---|"
    );
    for (name, key) in [("create", "create"), ("get-order", "get_order")] {
        for (path, sub) in [("dev server (HTTP)", "dev_server"), ("direct SDK (ceiling)", "direct_sdk")] {
            let row = &load[key][sub];
            let cpu = &row["cpu_us_per_request"];
            let slices: Vec<String> = row["slices"]
                .as_array()
                .map(|slices| {
                    slices.iter().map(|s| format!("{:.0}", s["requests_per_second"].as_f64().unwrap_or(0.0))).collect()
                })
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "| {name} | {path} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                f(&row["requests_per_second"]),
                f(&row["p50_ms"]),
                f(&row["p99_ms"]),
                row["requests"],
                row["errors"],
                f(&cpu["ours"]),
                f(&cpu["dynamodb_local"]),
                if sub == "dev_server" { f(&cpu["load_generator"]) } else { "–".into() },
                slices.join(" / ")
            );
        }
    }
    let reads = &load["get_order"];
    if let (Some(http), Some(sdk)) = (
        reads["dev_server"]["cpu_us_per_request"]["ours"].as_f64(),
        reads["direct_sdk"]["cpu_us_per_request"]["ours"].as_f64(),
    ) {
        let _ = writeln!(
            md,
            "\nThe two cores are shared by DynamoDB Local, the bench process and wrk, so throughput follows the CPU \
             each request costs them all. A read through the dev server cost us {http:.0} µs of CPU against {sdk:.0} µs \
             for the GetItem alone: the difference is the HTTP server, the bearer token's check, the API Gateway event \
             (serialized and parsed as Lambda would), the handler's view and the JSON envelope, plus a second loopback \
             TCP hop for every request."
        );
    }
    md
}

/// The scale table: get, list and counts for each buyer size, beside the same calls from the SDK.
pub fn scale_section(scale_results: &Value) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "\n## Scale: the same reads for a buyer with few and with many orders\n\n\
         Each cell is p50 / p99 ms through the handler, then the same DynamoDB call straight from the SDK.\n\n\
         The list handler sends the page's Query and the counters' GetItem at the same time; the column beside \
         it does the same straight from the SDK. Every list reads a first page of 10 orders (the smallest buyer's \
         whole history), so each size renders the same number of orders.\n\n\
         | buyer's orders | get | GetItem (SDK) | list first page | Query (SDK) | Query + counts GetItem at once (SDK) | counts | GetItem counts (SDK) |\n\
         |---|---|---|---|---|---|---|---|"
    );
    for s in scale_results.as_array().cloned().unwrap_or_default() {
        let cell = |v: &Value| format!("{} / {}", f(&v["p50_ms"]), f(&v["p99_ms"]));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            s["buyer_orders"],
            cell(&s["get_order"]),
            cell(&s["get_item_direct"]),
            cell(&s["list_first_page"]),
            cell(&s["list_query_direct"]),
            cell(&s["list_query_and_counts_direct"]),
            cell(&s["order_counts"]),
            cell(&s["counts_direct"])
        );
    }
    let scale = scale_results.as_array().cloned().unwrap_or_default();
    if let (Some(few), Some(many)) = (scale.first(), scale.last()) {
        let p50 = |row: &Value, key: &str| row[key]["p50_ms"].as_f64().unwrap_or(0.0);
        let (list_few, list_many) = (p50(few, "list_first_page"), p50(many, "list_first_page"));
        let (both_few, both_many) =
            (p50(few, "list_query_and_counts_direct"), p50(many, "list_query_and_counts_direct"));
        let (query_few, query_many) = (p50(few, "list_query_direct"), p50(many, "list_query_direct"));
        let _ = writeln!(
            md,
            "\nFrom {} to {} orders the first list page went from {list_few:.2} to {list_many:.2} ms (p50) through the \
             handler. The same Query straight from the SDK went from {query_few:.2} to {query_many:.2} ms, and the Query \
             with the counters' GetItem beside it, as the handler sends them, from {both_few:.2} to {both_many:.2} ms. \
             Every route reads one page by key (`Limit`), never the partition; the handler's own share (list minus \
             the two calls made the same way) went from {:.2} to {:.2} ms, so {:.2} of the {:.2} ms of growth is \
             DynamoDB Local's.",
            few["buyer_orders"],
            many["buyer_orders"],
            list_few - both_few,
            list_many - both_many,
            both_many - both_few,
            list_many - list_few,
        );
    }
    md
}
