//! Beyond one item's write limit, measured. DynamoDB Local has no per-item limit, so every client
//! here carries the tests' fault injector with a per-item write budget (scaled down from
//! DynamoDB's ~1,000 units a second so two cores can exceed it), and buyers race:
//! - `flash-sale`: buyers race for one SKU with a few hundred units, its stock in 1, 4 and 8 shards;
//! - `big-shop`: buyers place one order each at one shop with many SKUs, its counters in 1, 4 and
//!   8 shards.
//!
//! A buyer answered 503 tries again after a pause, as an app would; one answered 409 (sold out)
//! goes away. Figures are printed and reported, never asserted.

use crate::{checkout_of, BUYER, SHOP};
use aws_sdk_dynamodb::config::SharedInterceptor;
use orders_dev::{local_db, template, template_path};
use orders_integration_tests::faults::{Fault, FaultInjector};
use orders_shared::adapters::config::Config;
use orders_shared::app::checkout::{place, Placed};
use orders_shared::app::{catalog, shops};
use orders_shared::domain::counters::Bucket;
use orders_shared::{samples, ApiError, App};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The scenarios' sizes and the per-item budget.
pub struct Sizes {
    /// `BENCH_ITEM_WCU`: write units a second one item takes.
    pub budget_wcu_per_item: u32,
    /// `BENCH_SALE_BUYERS`: buyers racing.
    pub buyers: usize,
    /// `BENCH_SALE_UNITS`: units of the flash-sale SKU.
    pub units: i64,
    /// `BENCH_SALE_IN_FLIGHT`: buyers whose request is under way at once (a fleet of functions).
    pub in_flight: usize,
    /// `BENCH_SHOP_ORDERS`: buyers of the big shop, one order each.
    pub shop_orders: usize,
}

/// SKUs of the big shop, so that no SKU item is its bottleneck.
const BIG_SHOP_SKUS: usize = 64;
/// The flash-sale shop's counters: spread wide, so that the SKU's stock is what is measured.
const SALE_COUNTER_SHARDS: u32 = 32;
/// Shard counts compared.
const SHARDS: [u32; 3] = [1, 4, 8];

/// A fresh table whose client throttles what goes over the budget (set once the data is in).
async fn budgeted_app(endpoint: &str, name: &str) -> Result<(App, FaultInjector), String> {
    let faults = FaultInjector::seeded(20261205);
    let client = local_db::client_with(endpoint, vec![SharedInterceptor::new(faults.clone())]);
    template::create_table(&client, name, &template_path()?).await?;
    Ok((App::new(client, Config::for_table(name)), faults))
}

/// A DynamoDB Local of each run's own, its JIT warmed before anything is timed: one DynamoDB
/// Local slows down run after run (its stream records and dropped tables stay in its memory),
/// which would fall on whichever run comes last.
async fn own_dynamo() -> Result<local_db::LocalDynamo, String> {
    let dynamo = local_db::LocalDynamo::start(local_db::free_port(), None)?;
    let (app, _) = budgeted_app(&dynamo.endpoint(), "warm-up").await?;
    let listing = samples::listing("warm-up", SHOP, 1000);
    catalog::put_sku(&app, &listing, 1_000_000, None, 4).await.map_err(|e| e.to_string())?;
    for _ in 0..3000 {
        app.store.sku_stock("warm-up", true).await.map_err(|e| e.to_string())?;
    }
    for index in 0..300 {
        place(&app, &format!("warm-up-{index}"), &checkout_of("warm-up"), None).await.map_err(|e| e.to_string())?;
    }
    Ok(dynamo)
}

/// What racing buyers got.
#[derive(Default)]
struct Race {
    accepted: AtomicUsize,
    refused: AtomicUsize,
    rejected_503: AtomicUsize,
    /// Milliseconds from the start to the last accepted order.
    last_accept_ms: AtomicI64,
}

/// `buyers` buyers, `in_flight` at a time, each placing one order of one unit of `sku_of(buyer)`.
async fn race(
    app: &App,
    sizes: &Sizes,
    buyers: usize,
    sku_of: impl Fn(usize) -> String,
) -> Result<(Arc<Race>, f64), String> {
    let race = Arc::new(Race::default());
    let gate = Arc::new(tokio::sync::Semaphore::new(sizes.in_flight));
    let started = Instant::now();
    let mut racing = tokio::task::JoinSet::new();
    for index in 0..buyers {
        let (app, race, gate, sku) = (app.clone(), race.clone(), gate.clone(), sku_of(index));
        racing.spawn(async move {
            let buyer = format!("{BUYER}-{index}");
            let wanted = checkout_of(&sku);
            for attempt in 0u32.. {
                let permit = gate.acquire().await.map_err(|e| e.to_string())?;
                let placed = place(&app, &buyer, &wanted, None).await;
                drop(permit);
                match placed {
                    Ok(Placed::Created(_)) | Ok(Placed::Replayed(_)) => {
                        race.accepted.fetch_add(1, Ordering::Relaxed);
                        race.last_accept_ms.fetch_max(started.elapsed().as_millis() as i64, Ordering::Relaxed);
                        return Ok(());
                    }
                    Err(ApiError::OutOfStock { .. }) => {
                        race.refused.fetch_add(1, Ordering::Relaxed);
                        return Ok(());
                    }
                    Err(ApiError::Unavailable(_)) => {
                        race.rejected_503.fetch_add(1, Ordering::Relaxed);
                        // Backs off as an app would: up to a second, with jitter.
                        let ceiling = 50u64 << attempt.min(4);
                        tokio::time::sleep(Duration::from_millis(rand::random_range(ceiling / 2..=ceiling))).await;
                    }
                    Err(other) => return Err(format!("buyer {index}: {other}")),
                }
            }
            Ok(())
        });
    }
    while let Some(done) = racing.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    Ok((race, started.elapsed().as_secs_f64()))
}

/// Whether the shop's counters equal a recount of what was accepted (every order is unpaid).
async fn counts_exact(app: &App, orders: usize) -> Result<bool, String> {
    let counts = app.store.seller_counts(SHOP).await.map_err(|e| e.to_string())?;
    Ok(counts.get(Bucket::All) == orders as i64 && counts.get(Bucket::WaitPay) == orders as i64)
}

fn throttled(faults: &FaultInjector) -> usize {
    faults.injected().iter().filter(|((_, fault), _)| *fault == Fault::Throttle).map(|(_, count)| count).sum()
}

/// The flash sale: one SKU, its stock in 1, 4 and 8 shards.
pub async fn flash_sale(sizes: &Sizes) -> Result<Value, String> {
    let mut runs = Vec::new();
    for shards in SHARDS {
        let dynamo = own_dynamo().await?;
        let (app, faults) = budgeted_app(&dynamo.endpoint(), "flash-sale").await?;
        let sku_id = "flash-mooncake";
        let listing = samples::listing(sku_id, SHOP, 1000);
        catalog::put_sku(&app, &listing, sizes.units, None, shards).await.map_err(|e| e.to_string())?;
        shops::set_counter_shards(&app, SHOP, SALE_COUNTER_SHARDS).await.map_err(|e| e.to_string())?;
        faults.limit_writes_per_item(sizes.budget_wcu_per_item);
        eprintln!("[bench] flash sale: {} buyers, {} units, {shards} shard(s)...", sizes.buyers, sizes.units);
        let (race, took) = race(&app, sizes, sizes.buyers, |_| sku_id.to_string()).await?;
        faults.stop();
        let (sku, figures) =
            app.store.sku_stock(sku_id, true).await.map_err(|e| e.to_string())?.ok_or("the sale's SKU is gone")?;
        let accepted = race.accepted.load(Ordering::Relaxed);
        let refused = race.refused.load(Ordering::Relaxed);
        let sold_out_s = race.last_accept_ms.load(Ordering::Relaxed) as f64 / 1000.0;
        // Oversold: more accepted than there were units, or a shard below zero.
        let negative: i64 = figures.iter().map(|shard| (-shard.available).max(0) + (-shard.reserved).max(0)).sum();
        let oversold = (accepted as i64 - sizes.units).max(0) + negative;
        let stranded = if refused > 0 { sku.available } else { 0 };
        let run = json!({
            "shards": shards,
            "accepted": accepted,
            "accepted_per_s": round(accepted as f64 / sold_out_s.max(0.001)),
            "rejected_503": race.rejected_503.load(Ordering::Relaxed),
            "refused_sold_out": refused,
            "throttled_requests": throttled(&faults),
            "oversold": oversold,
            "stranded": stranded,
            "sold_out_s": round(sold_out_s),
            "took_s": round(took),
            "reserved_after": sku.reserved,
            "counts_exact": counts_exact(&app, accepted).await?,
        });
        eprintln!("[bench]   {run}");
        runs.push(run);
        drop(dynamo);
    }
    Ok(json!({
        "budget_wcu_per_item": sizes.budget_wcu_per_item,
        "buyers": sizes.buyers,
        "units": sizes.units,
        "in_flight": sizes.in_flight,
        "counter_shards": SALE_COUNTER_SHARDS,
        "runs": runs,
    }))
}

/// The big shop: many SKUs with plenty of stock, its counters in 1, 4 and 8 shards.
pub async fn big_shop(sizes: &Sizes) -> Result<Value, String> {
    let mut runs = Vec::new();
    for shards in SHARDS {
        let dynamo = own_dynamo().await?;
        let (app, faults) = budgeted_app(&dynamo.endpoint(), "big-shop").await?;
        for index in 0..BIG_SHOP_SKUS {
            let listing = samples::listing(&format!("big-{index}"), SHOP, 1000);
            catalog::put_sku(&app, &listing, 1_000_000, None, 1).await.map_err(|e| e.to_string())?;
        }
        shops::set_counter_shards(&app, SHOP, shards).await.map_err(|e| e.to_string())?;
        faults.limit_writes_per_item(sizes.budget_wcu_per_item);
        eprintln!(
            "[bench] big shop: {} buyers over {BIG_SHOP_SKUS} SKUs, {shards} counter shard(s)...",
            sizes.shop_orders
        );
        let (race, took) =
            race(&app, sizes, sizes.shop_orders, |index| format!("big-{}", index % BIG_SHOP_SKUS)).await?;
        faults.stop();
        let accepted = race.accepted.load(Ordering::Relaxed);
        let run = json!({
            "shards": shards,
            "accepted": accepted,
            "accepted_per_s": round(accepted as f64 / took.max(0.001)),
            "rejected_503": race.rejected_503.load(Ordering::Relaxed),
            "throttled_requests": throttled(&faults),
            "took_s": round(took),
            "counts_exact": counts_exact(&app, accepted).await?,
        });
        eprintln!("[bench]   {run}");
        runs.push(run);
        drop(dynamo);
    }
    Ok(json!({
        "budget_wcu_per_item": sizes.budget_wcu_per_item,
        "buyers": sizes.shop_orders,
        "skus": BIG_SHOP_SKUS,
        "in_flight": sizes.in_flight,
        "runs": runs,
    }))
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The report's section: both scenarios, with the ratio of 8 shards to 1.
pub fn section(flash_sale: &Value, big_shop: &Value) -> String {
    if flash_sale.is_null() && big_shop.is_null() {
        return String::new();
    }
    let ratio = |scenario: &Value| {
        let runs = scenario["runs"].as_array().cloned().unwrap_or_default();
        let rate = |shards: u64| {
            runs.iter()
                .find(|run| run["shards"].as_u64() == Some(shards))
                .and_then(|run| run["accepted_per_s"].as_f64())
        };
        match (rate(1), rate(8)) {
            (Some(one), Some(eight)) if one > 0.0 => format!("{:.1}", eight / one),
            _ => "n/a".into(),
        }
    };
    let mut md = format!(
        "\n## Beyond one item's write limit\n\nDynamoDB takes about 1,000 write units a second on one item. DynamoDB \
         Local has no such limit, so the clients here carry the tests' fault injector with a budget of **{} write \
         units a second per item** (a write is 1 unit, 2 inside a transaction), scaled down so that two cores can \
         exceed it; what goes over is throttled as DynamoDB throttles (`ThrottlingError` in a transaction). Buyers \
         answered 503 try again after a pause; at most {} requests are under way at once. docs/scaling.md explains \
         when a SKU or a shop needs shards.\n\n\
         **Flash sale**: {} buyers race for one SKU with {} units (its shop's counters in {} shards). 8 stock shards \
         accept **{}×** the orders a second of 1.\n\n\
         | stock shards | accepted / s | 503s | sold out after | oversold | stranded | counts exact |\n\
         |---|---|---|---|---|---|---|\n",
        flash_sale["budget_wcu_per_item"],
        flash_sale["in_flight"],
        flash_sale["buyers"],
        flash_sale["units"],
        flash_sale["counter_shards"],
        ratio(flash_sale),
    );
    for run in flash_sale["runs"].as_array().cloned().unwrap_or_default() {
        md.push_str(&format!(
            "| {} | {} | {} | {} s | {} | {} | {} |\n",
            run["shards"],
            run["accepted_per_s"],
            run["rejected_503"],
            run["sold_out_s"],
            run["oversold"],
            run["stranded"],
            run["counts_exact"]
        ));
    }
    md.push_str(&format!(
        "\n**Big shop**: {} buyers each place one order at one shop across {} SKUs. 8 counter shards accept **{}×** \
         the orders a second of 1.\n\n\
         | counter shards | accepted / s | 503s | took | counts exact |\n|---|---|---|---|---|\n",
        big_shop["buyers"],
        big_shop["skus"],
        ratio(big_shop),
    ));
    for run in big_shop["runs"].as_array().cloned().unwrap_or_default() {
        md.push_str(&format!(
            "| {} | {} | {} | {} s | {} |\n",
            run["shards"], run["accepted_per_s"], run["rejected_503"], run["took_s"], run["counts_exact"]
        ));
    }
    md
}
