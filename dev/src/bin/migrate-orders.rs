//! Rewrites the orders of a table written before orders were stored as one document (every field
//! an attribute, and the `buyer-status` index's keys) as documents. Run it once after deploying
//! this version, against the table of `TABLE_NAME`, with the AWS credentials and region of your
//! shell (`AWS_ENDPOINT_URL_DYNAMODB` for DynamoDB Local). The service reads both layouts, so it
//! can run beside live traffic; it scans the table a page at a time and prints a progress line
//! per page with where to resume (`--from`), and rewrites an order only if it is still what was
//! read, so it is safe to run again.
//!
//! `TABLE_NAME=<table> cargo run -p orders-dev --bin migrate-orders [-- --from '<position>'] [--page <items>]`

use orders_shared::adapters::aws::dynamodb_client;
use orders_shared::adapters::store::Store;
use std::collections::BTreeMap;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("migrate-orders: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let table = std::env::var("TABLE_NAME").map_err(|_| "set TABLE_NAME to the orders table".to_string())?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| args.iter().position(|arg| arg == name).and_then(|at| args.get(at + 1)).cloned();
    let mut from: Option<BTreeMap<String, String>> = match option("--from") {
        Some(text) => Some(serde_json::from_str(&text).map_err(|error| format!("--from is not a position: {error}"))?),
        None => None,
    };
    let page: i32 = match option("--page") {
        Some(text) => text.parse().ok().filter(|page| (1..=1000).contains(page)).ok_or("--page is 1 to 1000 items")?,
        None => 200,
    };
    let store = Store::new(dynamodb_client().await?, table.clone());
    let (mut scanned, mut converted, mut changed) = (0, 0, 0);
    loop {
        let report = store.migrate_order_documents(from.clone(), page).await.map_err(|error| {
            let resume = from.as_ref().map(|key| serde_json::to_string(key).unwrap_or_default());
            format!("{error} (resume with --from '{}')", resume.unwrap_or_default())
        })?;
        scanned += report.scanned;
        converted += report.converted;
        changed += report.changed_meanwhile;
        let next = report.next.as_ref().map(|key| serde_json::to_string(key).unwrap_or_default());
        eprintln!(
            "[migrate-orders] {table}: {scanned} items read, {converted} orders rewritten, {changed} changed meanwhile{}",
            next.as_ref().map(|next| format!("; next page --from '{next}'")).unwrap_or_default()
        );
        match report.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    println!("{table}: {converted} orders rewritten as documents ({changed} changed meanwhile: run again to check)");
    Ok(())
}
