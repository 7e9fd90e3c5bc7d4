//! LianLian's notifications, JSON posted to our notify URLs: a payment's (`no_order`,
//! `result_pay`) and a refund's (`no_refund`, `sta_refund`). Verified with LianLian's public key
//! and the partner id before anything is read; and signed as LianLian signs them, for the
//! stand-in gateway and the tools.

use super::api::buyer_of_info_order;
use super::config::LianlianConfig;
use super::sign::{check_signature, params_of, signed, to_json, Params};
use crate::adapters::crypto::{Md5RsaSigningKey, Md5RsaVerifyingKey};
use crate::domain::money::Money;
use crate::domain::payment::{Notice, RefundStatus, TradeFacts, TradeStatus};
use crate::error::{ApiError, Rejection};

/// Verifies and reads a notification.
pub fn read_notification(config: &LianlianConfig, key: &Md5RsaVerifyingKey, body: &[u8]) -> Result<Notice, ApiError> {
    let params =
        params_of(body).ok_or_else(|| ApiError::rejected(Rejection::Malformed, "the body is not a JSON object"))?;
    check_signature(key, &params, &[]).map_err(|why| ApiError::rejected(Rejection::Signature, why))?;
    if params.get("oid_partner") != Some(&config.oid_partner) {
        return Err(ApiError::rejected(Rejection::Merchant, "oid_partner is not ours"));
    }
    let field = |name: &str| {
        params
            .get(name)
            .filter(|value| !value.is_empty())
            .cloned()
            .ok_or_else(|| ApiError::rejected(Rejection::Malformed, format!("no {name}")))
    };
    let amount = |name: &str| {
        Money::parse(&field(name)?)
            .map_err(|_| ApiError::rejected(Rejection::Malformed, format!("{name} is not an amount")))
    };
    if params.contains_key("no_refund") {
        let out_request_no = field("no_refund")?;
        let status = match field("sta_refund")?.as_str() {
            "2" => RefundStatus::Refunded,
            "3" => RefundStatus::Refused("sta_refund 3 (refund failed)".into()),
            _ => RefundStatus::Processing,
        };
        amount("money_refund")?;
        // Our request numbers begin with the order number (`<order_no>-…`).
        let out_trade_no = out_request_no.split('-').next().unwrap_or_default().to_string();
        return Ok(Notice::Refund { out_trade_no, out_request_no, status });
    }
    let out_trade_no = field("no_order")?;
    let status = match field("result_pay")?.as_str() {
        "SUCCESS" => {
            TradeStatus::Paid { trade_no: field("oid_paybill")?, amount: amount("money_order")?, paid_at: None }
        }
        _ => TradeStatus::NotPaid,
    };
    // The buyer, from the description our payment parameters gave (LianLian passes it back).
    let buyer_id = params.get("info_order").and_then(|text| buyer_of_info_order(text, &out_trade_no));
    Ok(Notice::Trade(TradeFacts { out_trade_no, status, buyer_id }))
}

/// A notification's parameters signed as LianLian signs them (`lianlian_key` plays LianLian): the
/// JSON body to post.
pub fn sign_notification(lianlian_key: &Md5RsaSigningKey, params: Params) -> Result<String, ApiError> {
    Ok(to_json(&signed(lianlian_key, params)?))
}
