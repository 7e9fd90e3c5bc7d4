//! Alipay's asynchronous notification: verified (RSA2 over every parameter, the app id) before
//! anything is read; and signed as Alipay signs it, for the stand-in gateway and the tools.

use super::config::AlipayConfig;
use super::sign::{buyer_of_passback, parse_alipay_time, rsa2_sign, signing_content, url_encode};
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::domain::money::Money;
use crate::domain::payment::{TradeFacts, TradeStatus};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, Rejection};
use std::collections::BTreeMap;

/// A verified notification's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub out_trade_no: String,
    pub trade_no: String,
    pub total_amount: Money,
    pub trade_status: String,
    /// `gmt_payment`: when the buyer paid, if Alipay says.
    pub paid_at: Option<Timestamp>,
    /// The buyer, from the `passback_params` the order string carried.
    pub buyer_id: Option<String>,
}

impl Notification {
    /// `TRADE_SUCCESS` and `TRADE_FINISHED` mean the money arrived.
    pub fn is_paid(&self) -> bool {
        matches!(self.trade_status.as_str(), "TRADE_SUCCESS" | "TRADE_FINISHED")
    }

    /// What it says about the order's trade.
    pub fn facts(&self) -> TradeFacts {
        let status = match self.trade_status.as_str() {
            "TRADE_SUCCESS" | "TRADE_FINISHED" => {
                TradeStatus::Paid { trade_no: self.trade_no.clone(), amount: self.total_amount, paid_at: self.paid_at }
            }
            "TRADE_CLOSED" => TradeStatus::Closed,
            _ => TradeStatus::NotPaid,
        };
        TradeFacts { out_trade_no: self.out_trade_no.clone(), status, buyer_id: self.buyer_id.clone() }
    }
}

/// Verifies the RSA2 signature of a form-encoded notification (over every parameter but `sign`
/// and `sign_type`) and that it is for this merchant. Anything wrong is SignatureInvalid.
pub fn verify_notification(config: &AlipayConfig, key: &VerifyingKey, body: &[u8]) -> Result<Notification, ApiError> {
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(ApiError::rejected(Rejection::Malformed, format!("parameter {name} repeated")));
        }
    }
    let refuse = |reason: Rejection, why: &str| ApiError::rejected(reason, why);
    let signature = params.get("sign").ok_or_else(|| refuse(Rejection::Signature, "no sign"))?;
    if params.get("sign_type").is_some_and(|kind| kind != "RSA2") {
        return Err(refuse(Rejection::Signature, "sign_type is not RSA2"));
    }
    if !key.verify_base64(signing_content(&params, &["sign", "sign_type"]).as_bytes(), signature) {
        return Err(refuse(Rejection::Signature, "signature does not verify"));
    }
    if params.get("app_id") != Some(&config.app_id) {
        return Err(refuse(Rejection::Merchant, "app_id is not ours"));
    }
    let field = |name: &str| {
        params.get(name).cloned().ok_or_else(|| ApiError::rejected(Rejection::Malformed, format!("no {name}")))
    };
    Ok(Notification {
        out_trade_no: field("out_trade_no")?,
        trade_no: field("trade_no")?,
        total_amount: Money::parse(&field("total_amount")?)
            .map_err(|_| refuse(Rejection::Malformed, "total_amount is not an amount"))?,
        trade_status: field("trade_status")?,
        paid_at: params.get("gmt_payment").and_then(|time| parse_alipay_time(time)),
        buyer_id: params.get("passback_params").and_then(|text| buyer_of_passback(text)),
    })
}

/// Signs notification parameters the way Alipay does (for tests and the dev tools: the dev
/// server's "Alipay" key pair stands in for Alipay's).
pub fn sign_notification(
    alipay_private_key: &SigningKey,
    mut params: BTreeMap<String, String>,
) -> Result<String, ApiError> {
    params.insert("sign_type".to_string(), "RSA2".to_string());
    let sign = rsa2_sign(alipay_private_key, &signing_content(&params, &["sign", "sign_type"]))?;
    params.insert("sign".to_string(), sign);
    Ok(url_encode(&params))
}
