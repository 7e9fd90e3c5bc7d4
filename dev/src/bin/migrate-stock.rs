//! One-time conversion of SKUs stored with a single `stock` figure (before on hand, reserved and
//! available) to the three figures: available = stock, reserved = what open orders hold, on hand
//! = both. Run once after deploying this version, against the table of `TABLE_NAME`, with the
//! AWS credentials and region of your shell (`AWS_ENDPOINT_URL_DYNAMODB` for DynamoDB Local). It
//! scans the table (orders and SKUs); each SKU is converted only if its stock is still what was
//! read, so it is safe to run again.
//!
//! `TABLE_NAME=<table> cargo run -p orders-dev --bin migrate-stock`

use orders_shared::adapters::aws::dynamodb_client;
use orders_shared::adapters::store::Store;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("migrate-stock: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let table = std::env::var("TABLE_NAME").map_err(|_| "set TABLE_NAME to the orders table".to_string())?;
    let store = Store::new(dynamodb_client().await?, table.clone());
    let report = store.migrate_legacy_stock().await.map_err(|error| error.to_string())?;
    for (sku_id, available, reserved, on_hand) in &report.converted {
        println!("{sku_id}: available {available}, reserved {reserved}, on hand {on_hand}");
    }
    println!("{table}: {} SKUs converted", report.converted.len());
    if !report.changed_meanwhile.is_empty() {
        println!("changed while converting, run again: {}", report.changed_meanwhile.join(", "));
    }
    Ok(())
}
