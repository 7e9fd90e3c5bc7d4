//! Builds a WeChat Pay payment notification the way WeChat Pay does (the transaction encrypted
//! with the stand-in APIv3 key, the body signed with the stand-in WeChat Pay key the dev server
//! trusts, `dev/keys/`) and prints the curl line that delivers it to the dev server's notify URL,
//! `http://127.0.0.1:<ORDERS_DEV_PORT, default 3000>/api/v1/payments/wxpay/notify`.
//!
//! `cargo run -q -p orders-dev --bin sign-wxpay-notify -- <order_no> <total in fen> [trade_state]`

use orders_dev::wxpay_keys;
use orders_shared::domain::time::Timestamp;
use serde_json::json;
use std::process::ExitCode;

fn main() -> ExitCode {
    orders_dev::tool_main("sign-wxpay-notify", run)
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [order_no, total, rest @ ..] = args.as_slice() else {
        return Err(
            "usage: sign-wxpay-notify <order_no> <total in fen, like 12800> [trade_state, default SUCCESS]".into()
        );
    };
    let total: i64 = total.parse().map_err(|_| format!("the total is in fen, a whole number (got {total:?})"))?;
    let trade_state = rest.first().cloned().unwrap_or_else(|| "SUCCESS".to_string());
    let now = Timestamp::now();
    let transaction_id = format!("42000{:023}", rand::random::<u64>());
    let mut transaction = wxpay_keys::paid_transaction(order_no, total, &transaction_id, now);
    transaction["trade_state"] = json!(trade_state);
    let (headers, body) =
        wxpay_keys::stand_in_notification("TRANSACTION.SUCCESS", "transaction", &transaction, now, None)?;
    let port = orders_dev::dev_port();
    let headers: Vec<String> = headers.pairs().iter().map(|(name, value)| format!("-H '{name}: {value}'")).collect();
    Ok(format!(
        "curl -s -o /dev/null -w '%{{http_code}}\\n' -X POST http://127.0.0.1:{port}/api/v1/payments/wxpay/notify -H 'Content-Type: application/json' {} --data '{body}'",
        headers.join(" ")
    ))
}
