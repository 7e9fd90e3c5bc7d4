//! The report's sections on orders' lives: what each costs in DynamoDB and Lambda, and what its
//! events cost to deliver.

use super::f;
use serde_json::Value;
use std::fmt::Write as _;

/// The cost tables: per step, then per order with the prices per million orders.
pub fn cost_section(cost: &Value) -> String {
    let mut md = String::new();
    if cost.is_null() {
        return md;
    }
    let _ = writeln!(
        md,
        "\n## What an order costs\n\nCapacity read from `ReturnConsumedCapacity: INDEXES` (DynamoDB Local applies DynamoDB's \
         rules to single requests: 1 KB per write unit, 4 KB per strongly consistent read unit, and every index the \
         write changes), except for TransactWriteItems, which DynamoDB Local under-reports (it prices a transaction \
         of several items about as one): each item a transaction changed is priced here from its images in the \
         table's stream by the same rules, the table's units twice and the indexes' once, as DynamoDB charges a \
         transaction (`tests/src/capacity.rs`, checked against DynamoDB Local's single writes by \
         `integration::capacity`). Averaged over {} lives; durations are the median of the use case's wall time here \
         against DynamoDB Local (not Lambda at 128 MB, where the CPU share is smaller and DynamoDB further away). The \
         floor is the fewest item writes a step needs (the order, and the SKU whose stock moves), at 1 write unit each.\n",
        cost["lives"]
    );
    md.push_str("\n![write units per step](bench-cost.svg)\n");
    for (title, key) in [
        ("A whole life", "life"),
        ("Paid, then refunded", "refunded"),
        ("Shipped, returned and refunded", "returned"),
        ("Created, then cancelled", "cancelled"),
    ] {
        if cost[key].is_null() {
            continue;
        }
        let _ = writeln!(
            md,
            "\n### {title}\n\n| step | requests | read units | write units (of which indexes) | floor writes | median ms |\n|---|---|---|---|---|---|"
        );
        for step in cost[key]["steps"].as_array().cloned().unwrap_or_default() {
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {:.1} ({:.1}) | {} | {:.2} |",
                step["step"].as_str().unwrap_or(""),
                step["operations"]
                    .as_array()
                    .map(|ops| ops.iter().filter_map(|o| o.as_str()).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
                step["read_units"].as_f64().unwrap_or(0.0),
                step["write_units"].as_f64().unwrap_or(0.0),
                step["index_write_units"].as_f64().unwrap_or(0.0),
                step["floor_item_writes"],
                step["median_ms"].as_f64().unwrap_or(0.0),
            );
        }
        let total = &cost[key]["total"];
        let _ = writeln!(
            md,
            "| **per order** | | **{:.1}** | **{:.1}** | **{}** | |\n\nPer million orders: DynamoDB **${:.2}** (floor ${:.2}), \
             Lambda at 128 MB **${:.2}** ({} invocations, {:.0} ms billed per order).",
            total["read_units"].as_f64().unwrap_or(0.0),
            total["write_units"].as_f64().unwrap_or(0.0),
            total["floor_item_writes"],
            total["dynamodb_usd_per_million"].as_f64().unwrap_or(0.0),
            total["floor_usd_per_million"].as_f64().unwrap_or(0.0),
            total["lambda_usd_per_million"].as_f64().unwrap_or(0.0),
            total["invocations"],
            total["billed_ms"].as_f64().unwrap_or(0.0),
        );
    }
    let prices = &cost["prices"];
    let _ = writeln!(
        md,
        "\nPrices (us-east-1, on demand): ${} per million write units, ${} per million read units; Lambda arm64 ${} per \
         GB-second and ${} per million requests. The refund's approval includes the call to a stand-in Alipay gateway \
         on a local port (Alipay itself answers in tens to hundreds of milliseconds, which Lambda would bill).",
        prices["wru_per_million"], prices["rru_per_million"], prices["lambda_arm_gb_second"], prices["lambda_per_million_requests"]
    );
    md
}

/// The cost tables on stderr (a partial run prints them).
pub fn print_cost(cost: &Value) {
    eprintln!("{}", cost_section(cost));
}

/// The order events section: a change to the webhook's 2xx, and what publishing costs.
pub fn events_section(events: &Value) -> String {
    if events.is_null() {
        return String::new();
    }
    let latency = &events["change_to_2xx_ms"];
    format!(
        "\n## Order events\n\nFrom an order's change (the write answered) to the 2xx of the shop's webhook, under \
         `make dev`'s setup: the stream read every {} ms, the same publishing code as `publish-order-events`, a \
         receiver on loopback; {} orders created and cancelled ({} events, one at a time).\n\n\
         | p50 | p99 | max |\n|---|---|---|\n| {} ms | {} ms | {} ms |\n\n\
         Publishing with one endpoint that takes every event, per event: {} read units, {} write units, {} requests \
         (a Query of the shop's endpoints, the delivery written under a condition with its first attempt claimed, \
         the outcome). \
         A whole life (create, start payment, paid, shipped, completed, reviewed: {} events) adds {} write units \
         and {} read units to the table figures above; a shop with no endpoint adds one Query per change.\n",
        events["pump_every_ms"],
        events["orders"],
        events["events"],
        f(&latency["p50_ms"]),
        f(&latency["p99_ms"]),
        f(&latency["max_ms"]),
        f(&events["per_event"]["read_units"]),
        f(&events["per_event"]["write_units"]),
        f(&events["per_event"]["requests"]),
        events["per_life"]["events"],
        f(&events["per_life"]["write_units"]),
        f(&events["per_life"]["read_units"]),
    )
}

pub fn print_events(events: &Value) {
    eprintln!("{}", events_section(events));
}
