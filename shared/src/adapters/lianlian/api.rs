//! The mobile payment's parameters (what LianLian's app SDK takes), and the server APIs: order
//! query, refund and refund query. Each call is JSON signed with the merchant key; each answer
//! counts only when LianLian's signature verifies (one that does not, a timeout or a non-200 is
//! an unknown outcome, asked again under the same numbers).

use super::config::{LianlianConfig, ORDER_QUERY_URL, REFUND_QUERY_URL, REFUND_URL};
use super::sign::{check_signature, lianlian_time, params_of, signed, to_json, Params};
use crate::adapters::outbound::{send, CallError};
use crate::domain::money::Money;
use crate::domain::order::Order;
use crate::domain::payment::{PaymentMethod, PayoutRequest, RefundStatus, TradeFacts, TradeStatus};
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use serde_json::json;

/// `busi_partner` for physical goods (LianLian's `109001`; `101001` is virtual goods).
const PHYSICAL_GOODS: &str = "109001";
/// The query API's version.
const QUERY_VERSION: &str = "1.0";
/// Fields of a query answer LianLian leaves out of its signature.
const UNSIGNED_QUERY_FIELDS: [&str; 2] = ["bank_name", "card_no"];

/// The longest `info_order` LianLian takes.
const INFO_ORDER_MAX_CHARS: usize = 255;

/// `info_order`, the order's description, which LianLian's payment notification passes back:
/// `order <order_no> buyer=<buyer>`, so that the notification reads the order without its number
/// claim; `order <order_no>` alone when no buyer is known or it would not fit.
pub fn info_order(order_no: &str, buyer_id: Option<&str>) -> String {
    let plain = format!("order {order_no}");
    match buyer_id {
        Some(buyer) => {
            let with_buyer = format!("{plain} buyer={buyer}");
            if with_buyer.chars().count() <= INFO_ORDER_MAX_CHARS {
                with_buyer
            } else {
                plain
            }
        }
        None => plain,
    }
}

/// The buyer an `info_order` of `order_no` names (what `info_order` wrote).
pub fn buyer_of_info_order(text: &str, order_no: &str) -> Option<String> {
    let buyer = text.strip_prefix(&format!("order {order_no} buyer="))?;
    (!buyer.is_empty()).then(|| buyer.to_string())
}

fn text(params: &Params, name: &str) -> String {
    params.get(name).cloned().unwrap_or_default()
}

/// The parameters LianLian's mobile SDK takes to pay `order` (quick pay, or Apple Pay with the
/// shop's Apple merchant id), every value a string, signed. `dt_order` is the order's creation
/// time, so that queries and refunds name the same bill; `valid_order` is the whole minutes left
/// in the payment window (at least one), after which LianLian no longer takes the payment.
pub fn client_params(
    config: &LianlianConfig,
    order: &Order,
    method: PaymentMethod,
    notify_url: &str,
    key: &crate::adapters::crypto::Md5RsaSigningKey,
    now: Timestamp,
) -> Result<Params, ApiError> {
    let goods = order.lines.first().map(|line| line.product_name.as_str()).unwrap_or(&order.order_no);
    let name_goods: String = goods.chars().take(40).collect();
    // Rounded down, so that LianLian stops taking the payment no later than the order's deadline.
    let minutes_left = order.expires_at.map_or(30, |expires_at| (expires_at.millis() - now.millis()) / 60_000);
    let risk_item = json!({
        "frms_ware_category": config.ware_category,
        "user_info_mercht_userno": order.buyer_id,
        "goods_name": name_goods,
        "delivery_addr_province": order.address.province,
        "delivery_addr_city": order.address.city,
        "delivery_full_name": order.address.name,
        "delivery_phone": order.address.phone,
    });
    let mut params = Params::from([
        ("oid_partner".into(), config.oid_partner.clone()),
        ("busi_partner".into(), PHYSICAL_GOODS.into()),
        ("no_order".into(), order.order_no.clone()),
        ("dt_order".into(), lianlian_time(order.created_at)),
        ("name_goods".into(), name_goods.clone()),
        ("info_order".into(), info_order(&order.order_no, Some(&order.buyer_id))),
        ("money_order".into(), order.amounts.payable.to_string()),
        ("notify_url".into(), notify_url.to_string()),
        ("valid_order".into(), minutes_left.max(1).to_string()),
        ("risk_item".into(), risk_item.to_string()),
        ("user_id".into(), order.buyer_id.clone()),
    ]);
    if method == PaymentMethod::Apple {
        let ap_merchant_id = config.ap_merchant_id.clone().ok_or_else(|| {
            ApiError::Internal(format!(
                "{} is not set: Apple Pay with LianLian needs the shop's Apple merchant id",
                super::config::AP_MERCHANT_ID_VARIABLE
            ))
        })?;
        params.insert("ap_merchant_id".into(), ap_merchant_id);
    }
    signed(key, params)
}

/// Signs and posts one call; the verified answer, or why its outcome is unknown.
async fn call(
    config: &LianlianConfig,
    official_url: &str,
    params: Params,
    unsigned: &[&str],
) -> Result<Result<Params, String>, ApiError> {
    let request = signed(config.signing_key().await?, params)?;
    let verifying_key = config.verifying_key().await?;
    let url = config.api_url(official_url);
    let headers = [("content-type", "application/json;charset=utf-8".to_string())];
    let answer = match send("POST", &url, &headers, to_json(&request).into_bytes(), config.timeout).await {
        Ok(answer) => answer,
        Err(CallError::Timeout) => return Ok(Err(format!("no answer within {} ms", config.timeout.as_millis()))),
        Err(CallError::Transport(why)) => return Ok(Err(format!("gateway unreachable: {why}"))),
    };
    if answer.status != 200 {
        return Ok(Err(format!("gateway answered HTTP {}", answer.status)));
    }
    let Some(params) = params_of(&answer.body) else {
        return Ok(Err("the answer is not a JSON object".into()));
    };
    if let Err(why) = check_signature(verifying_key, &params, unsigned) {
        return Ok(Err(format!(
            "answer not trusted ({} {}): {why}",
            text(&params, "ret_code"),
            text(&params, "ret_msg")
        )));
    }
    if params.get("oid_partner").is_some_and(|partner| *partner != config.oid_partner) {
        return Ok(Err("the answer is for another oid_partner".into()));
    }
    Ok(Ok(params))
}

fn detail(params: &Params) -> String {
    format!("{} {}", text(params, "ret_code"), text(params, "ret_msg"))
}

/// `ret_code`s after which the outcome is not known: a system error, a busy network, a request
/// to repeat. Any other non-`0000` code is LianLian's refusal.
fn outcome_unknown(ret_code: &str) -> bool {
    matches!(ret_code, "9999" | "1007" | "5005")
}

/// `ret_code` for "no such record" (a bill never opened, a refund never received).
const NO_RECORD: &str = "8901";

/// Order query (`orderquery.htm`): LianLian's verified answer about the order's bill.
async fn ask(config: &LianlianConfig, order: &Order) -> Result<Params, ApiError> {
    let params = Params::from([
        ("oid_partner".into(), config.oid_partner.clone()),
        ("no_order".into(), order.order_no.clone()),
        ("dt_order".into(), lianlian_time(order.created_at)),
        ("query_version".into(), QUERY_VERSION.into()),
    ]);
    let answer = call(config, ORDER_QUERY_URL, params, &UNSIGNED_QUERY_FIELDS).await?.map_err(query_unavailable)?;
    if text(&answer, "ret_code") == "0000" && text(&answer, "no_order") != order.order_no {
        return Err(query_unavailable(format!("the answer is about no_order {}", text(&answer, "no_order"))));
    }
    Ok(answer)
}

fn query_unavailable(why: String) -> ApiError {
    ApiError::Unavailable(format!("LianLian order query: {why}"))
}

/// What an order query's answer says of the bill: `SUCCESS` (or `REFUND`: refunded since, so paid
/// first) is paid; `WAITING`, `PROCESSING`, `FAILURE` and no record are not (yet).
fn trade_status(answer: &Params) -> Result<TradeStatus, ApiError> {
    Ok(match (text(answer, "ret_code").as_str(), text(answer, "result_pay").as_str()) {
        (NO_RECORD, _) => TradeStatus::NotPaid,
        ("0000", "SUCCESS" | "REFUND") => TradeStatus::Paid {
            trade_no: text(answer, "oid_paybill"),
            amount: Money::parse(&text(answer, "money_order"))
                .map_err(|_| query_unavailable("money_order is not an amount".into()))?,
            paid_at: None,
        },
        ("0000", _) => TradeStatus::NotPaid,
        _ => return Err(query_unavailable(detail(answer))),
    })
}

/// What LianLian knows of the order's bill (503 when it cannot say now).
pub async fn query(config: &LianlianConfig, order: &Order) -> Result<TradeFacts, ApiError> {
    let status = trade_status(&ask(config, order).await?)?;
    Ok(TradeFacts { out_trade_no: order.order_no.clone(), status, buyer_id: None })
}

/// LianLian has no close: a bill stops taking payment when its `valid_order` runs out, which is
/// the order's payment deadline. So closing asks: a paid bill is reported as such (the caller
/// settles it); one the bank is still processing is 503, so that the schedule asks again later.
pub async fn close(config: &LianlianConfig, order: &Order) -> Result<TradeStatus, ApiError> {
    let answer = ask(config, order).await?;
    if text(&answer, "ret_code") == "0000" && text(&answer, "result_pay") == "PROCESSING" {
        return Err(query_unavailable("the bank is still processing a payment".into()));
    }
    Ok(match trade_status(&answer)? {
        paid @ TradeStatus::Paid { .. } => paid,
        TradeStatus::NotPaid | TradeStatus::Closed => TradeStatus::Closed,
    })
}

/// A refund's state (`sta_refund`): 2 paid back, 3 failed, 0 and 1 still being paid.
fn refund_state(answer: &Params) -> RefundStatus {
    match text(answer, "sta_refund").as_str() {
        "2" => RefundStatus::Refunded,
        "3" => RefundStatus::Refused(format!("sta_refund 3 (refund failed): {}", detail(answer))),
        "0" | "1" => RefundStatus::Processing,
        other => RefundStatus::Unknown(format!("sta_refund {other:?}")),
    }
}

/// What a refund call's (or a refund query's) verified answer says; `None` for no record.
fn refund_answer(answer: Result<Params, String>) -> Option<RefundStatus> {
    let answer = match answer {
        Ok(answer) => answer,
        Err(why) => return Some(RefundStatus::Unknown(why)),
    };
    Some(match text(&answer, "ret_code").as_str() {
        "0000" => refund_state(&answer),
        NO_RECORD => return None,
        code if outcome_unknown(code) => RefundStatus::Unknown(detail(&answer)),
        _ => RefundStatus::Refused(detail(&answer)),
    })
}

/// Refund query (`refundquery.htm`) by our request number and its time: what became of it, or
/// `None` when LianLian has no such refund.
async fn ask_refund(config: &LianlianConfig, payout: &PayoutRequest<'_>) -> Result<Option<RefundStatus>, ApiError> {
    let params = Params::from([
        ("oid_partner".into(), config.oid_partner.clone()),
        ("no_refund".into(), payout.out_request_no.to_string()),
        ("dt_refund".into(), lianlian_time(payout.started_at)),
    ]);
    Ok(refund_answer(call(config, REFUND_QUERY_URL, params, &[]).await?))
}

/// Refund (`refund.htm`) under the payout's request number (`no_refund`) and the time it was first
/// written (`dt_refund`), both the same on every retry. A retry asks first, so that a refund
/// LianLian took is never sent twice.
pub async fn refund(
    config: &LianlianConfig,
    payout: &PayoutRequest<'_>,
    notify_url: &str,
) -> Result<RefundStatus, ApiError> {
    if payout.attempts > 0 {
        if let Some(known) = ask_refund(config, payout).await? {
            return Ok(known);
        }
    }
    let mut params = Params::from([
        ("oid_partner".into(), config.oid_partner.clone()),
        ("no_refund".into(), payout.out_request_no.to_string()),
        ("dt_refund".into(), lianlian_time(payout.started_at)),
        ("money_refund".into(), payout.amount.to_string()),
        ("no_order".into(), payout.out_trade_no.to_string()),
        ("dt_order".into(), lianlian_time(payout.trade_started_at)),
        ("notify_url".into(), notify_url.to_string()),
    ]);
    if let Some(oid_paybill) = payout.trade_no {
        params.insert("oid_paybill".into(), oid_paybill.to_string());
    }
    Ok(refund_answer(call(config, REFUND_URL, params, &[]).await?)
        .unwrap_or_else(|| RefundStatus::Refused(format!("{NO_RECORD}: LianLian has no such payment"))))
}

/// What became of a refund LianLian took (no record yet: unknown, asked again later).
pub async fn query_refund(config: &LianlianConfig, payout: &PayoutRequest<'_>) -> Result<RefundStatus, ApiError> {
    Ok(ask_refund(config, payout)
        .await?
        .unwrap_or_else(|| RefundStatus::Unknown(format!("{NO_RECORD}: no such refund yet"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buyer_rides_in_the_description_when_it_fits() {
        let order_no = "176400000000012345";
        let text = info_order(order_no, Some("u-8f3a 2c19"));
        assert_eq!(text, "order 176400000000012345 buyer=u-8f3a 2c19");
        assert_eq!(buyer_of_info_order(&text, order_no).as_deref(), Some("u-8f3a 2c19"));
        // Another order's description, or one without a buyer, names none.
        assert_eq!(buyer_of_info_order(&text, "176400000000054321"), None);
        assert_eq!(buyer_of_info_order(&info_order(order_no, None), order_no), None);
        // At most 255 characters: a longer one leaves the buyer out.
        let longest = "b".repeat(INFO_ORDER_MAX_CHARS - "order  buyer=".len() - order_no.len());
        assert_eq!(info_order(order_no, Some(&longest)).chars().count(), INFO_ORDER_MAX_CHARS);
        assert_eq!(info_order(order_no, Some(&format!("{longest}b"))), format!("order {order_no}"));
    }
}
