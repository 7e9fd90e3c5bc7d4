//! Signs an Alipay payment notification with the stand-in Alipay key the dev server trusts
//! (`dev/keys/`) and prints the curl line that delivers it to the dev server's notify URL,
//! `http://127.0.0.1:<ORDERS_DEV_PORT, default 3000>/api/v1/payments/alipay/notify`.
//!
//! `cargo run -q -p orders-dev --bin sign-alipay-notify -- <order_no> <amount> [trade_status]`

use orders_dev::{alipay_keys, data_dir};
use orders_shared::adapters::alipay::sign_notification;
use std::collections::BTreeMap;
use std::process::ExitCode;

fn main() -> ExitCode {
    orders_dev::tool_main("sign-alipay-notify", run)
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [order_no, amount, rest @ ..] = args.as_slice() else {
        return Err(
            "usage: sign-alipay-notify <order_no> <amount, like 128.00> [trade_status, default TRADE_SUCCESS]".into()
        );
    };
    let status = rest.first().cloned().unwrap_or_else(|| "TRADE_SUCCESS".to_string());
    let (config, alipay_key) = alipay_keys::load_or_create(&data_dir()?.join("alipay"))?;
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
    let body = sign_notification(&alipay_key, params).map_err(|error| error.to_string())?;
    let port = orders_dev::dev_port();
    Ok(format!(
        "curl -s -X POST http://127.0.0.1:{port}/api/v1/payments/alipay/notify \
         -H 'Content-Type: application/x-www-form-urlencoded' --data '{body}'"
    ))
}
