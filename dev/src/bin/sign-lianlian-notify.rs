//! Signs a LianLian Pay payment notification with the stand-in LianLian key the dev server trusts
//! (`dev/keys/`) and prints the curl line that delivers it to the dev server's notify URL,
//! `http://127.0.0.1:<ORDERS_DEV_PORT, default 3000>/api/v1/payments/lianlian/notify`.
//!
//! `cargo run -q -p orders-dev --bin sign-lianlian-notify -- <order_no> <amount> [result_pay]`

use orders_dev::lianlian_keys::{self, new_paybill, paid_notification};
use orders_shared::adapters::lianlian::{info_order, lianlian_time, sign_notification};
use orders_shared::domain::money::Money;
use orders_shared::domain::order_no;
use orders_shared::domain::time::Timestamp;
use std::process::ExitCode;

fn main() -> ExitCode {
    orders_dev::tool_main("sign-lianlian-notify", run)
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [order_no, amount, rest @ ..] = args.as_slice() else {
        return Err("usage: sign-lianlian-notify <order_no> <amount, like 128.00> [result_pay, default SUCCESS]".into());
    };
    if !order_no::is_valid(order_no) {
        return Err(format!("{order_no:?} is not an order number (18 digits)"));
    }
    let amount = Money::parse(amount).map_err(|_| format!("{amount:?} is not an amount like 128.00"))?;
    // The order number begins with its creation time in milliseconds: the bill's `dt_order`.
    let created_ms: i64 = order_no[..13].parse().map_err(|_| "the order number does not begin with a time")?;
    let dt_order = lianlian_time(Timestamp::from_millis(created_ms));
    // Without the buyer our payment start puts in `info_order`: the order is found by its number.
    let info_order = info_order(order_no, None);
    let mut params = paid_notification(order_no, &info_order, &dt_order, amount, &new_paybill(), Timestamp::now());
    if let Some(result_pay) = rest.first() {
        params.insert("result_pay".into(), result_pay.clone());
    }
    let body =
        sign_notification(&lianlian_keys::stand_in_lianlian_key()?, params).map_err(|error| error.to_string())?;
    let port = orders_dev::dev_port();
    Ok(format!(
        "curl -s -X POST http://127.0.0.1:{port}/api/v1/payments/lianlian/notify \
         -H 'Content-Type: application/json' --data '{body}'"
    ))
}
