//! Signs an Alipay payment notification with the dev server's stand-in Alipay key
//! (`.data/alipay/alipay_private_key.pem`) and prints the curl line that delivers it.
//!
//! `cargo run -q -p orders-dev --bin sign-alipay-notify -- <order_no> <amount> [trade_status]`

use orders_dev::{alipay_keys, repo_root};
use orders_shared::adapters::alipay::sign_notification;
use std::collections::BTreeMap;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [order_no, amount, rest @ ..] = args.as_slice() else {
        eprintln!("usage: sign-alipay-notify <order_no> <amount, like 128.00> [trade_status, default TRADE_SUCCESS]");
        return ExitCode::FAILURE;
    };
    let status = rest.first().cloned().unwrap_or_else(|| "TRADE_SUCCESS".to_string());
    let (config, alipay_key) = match alipay_keys::load_or_create(&repo_root().join(".data/alipay")) {
        Ok(keys) => keys,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let trade_no = format!("2026{:024}", rand::random::<u64>());
    let params = BTreeMap::from([
        ("app_id".to_string(), config.app_id.clone()),
        ("out_trade_no".to_string(), order_no.clone()),
        ("trade_no".to_string(), trade_no),
        ("total_amount".to_string(), amount.clone()),
        ("trade_status".to_string(), status),
        ("notify_type".to_string(), "trade_status_sync".to_string()),
        ("charset".to_string(), "utf-8".to_string()),
        ("version".to_string(), "1.0".to_string()),
    ]);
    match sign_notification(&alipay_key, params) {
        Ok(body) => {
            let port = std::env::var("ORDERS_DEV_PORT").unwrap_or_else(|_| "3000".to_string());
            println!(
                "curl -s -X POST http://127.0.0.1:{port}/api/v1/payments/alipay/notify \
                 -H 'Content-Type: application/x-www-form-urlencoded' --data '{body}'"
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
