//! WeChat Pay settings for local work: when `WXPAY_MCH_ID` is unset the dev server makes (once) a
//! merchant key pair under `.data/wxpay/` and trusts the committed stand-in "WeChat Pay" key
//! (`dev/keys/`, public on purpose), which signs the stand-in gateway's answers and
//! notifications and `sign-wxpay-notify`'s.

use orders_shared::adapters::crypto::SigningKey;
use orders_shared::adapters::wxpay::{
    beijing_rfc3339, build_notification_with_nonce, nonce, ApiV3Key, MerchantIds, Notification, SignedHeaders,
    WxpayConfig,
};
use orders_shared::domain::time::Timestamp;
use serde_json::{json, Value};
use std::path::Path;

pub const DEV_APP_ID: &str = "wx0000000000000dev";
pub const DEV_MCH_ID: &str = "1900000000";
pub const DEV_MCH_SERIAL_NO: &str = "5157F09EFDC096DE15EBE81A47057A72STANDIN";
pub const DEV_PUBLIC_KEY_ID: &str = "PUB_KEY_ID_0000000000000000000000000000STANDIN";
/// The stand-in APIv3 key (32 bytes): committed, so never a merchant's.
pub const DEV_APIV3_KEY: &str = "standin0apiv3key0for0local0work0";

const STAND_IN_WXPAY_KEY: &str = include_str!("../keys/stand-in-wxpay-private-key.pem");

/// The key that plays WeChat Pay locally.
pub fn stand_in_wxpay_key() -> Result<SigningKey, String> {
    SigningKey::from_text(STAND_IN_WXPAY_KEY)
        .map_err(|error| format!("dev/keys/stand-in-wxpay-private-key.pem: {error}"))
}

pub fn dev_ids() -> MerchantIds {
    MerchantIds {
        app_id: DEV_APP_ID.into(),
        mch_id: DEV_MCH_ID.into(),
        mch_serial_no: DEV_MCH_SERIAL_NO.into(),
        wxpay_public_key_id: DEV_PUBLIC_KEY_ID.into(),
    }
}

/// Settings around a merchant key, trusting `wxpay_key` as WeChat Pay's.
pub fn config(mch_key: SigningKey, wxpay_key: &SigningKey, notify_url: Option<String>) -> Result<WxpayConfig, String> {
    let apiv3 = ApiV3Key::from_text(DEV_APIV3_KEY)?;
    Ok(WxpayConfig::with_keys(dev_ids(), mch_key, apiv3, wxpay_key.verifying_key()?, notify_url))
}

/// The merchant key under `dir` (made on first use, PKCS#8 PEM).
pub fn merchant_key(dir: &Path) -> Result<SigningKey, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("mch_private_key.pem");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return SigningKey::from_text(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let key = SigningKey::generate()?;
    std::fs::write(&path, key.to_pem()?).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

/// The `transaction` resource WeChat Pay sends (and answers a query with) for a trade of the
/// stand-in merchant that the buyer paid at `at`: `total` in fen.
pub fn paid_transaction(order_no: &str, total: i64, transaction_id: &str, at: Timestamp) -> Value {
    json!({
        "appid": DEV_APP_ID,
        "mchid": DEV_MCH_ID,
        "out_trade_no": order_no,
        "transaction_id": transaction_id,
        "trade_type": "APP",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "success_time": beijing_rfc3339(at),
        "payer": {"openid": "stand-in-openid"},
        "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"},
    })
}

/// A notification as WeChat Pay sends it, sealed and signed with the stand-in keys: its headers
/// and body. `nonce` fixes the nonce (deterministic samples); none draws one.
pub fn stand_in_notification(
    event_type: &str,
    original_type: &str,
    resource: &Value,
    at: Timestamp,
    nonce_text: Option<&str>,
) -> Result<(SignedHeaders, String), String> {
    let apiv3 = ApiV3Key::from_text(DEV_APIV3_KEY)?;
    let key = stand_in_wxpay_key()?;
    let notice = Notification { event_type, original_type, resource, at };
    let drawn = nonce();
    build_notification_with_nonce(&apiv3, &key, DEV_PUBLIC_KEY_ID, &notice, nonce_text.unwrap_or(&drawn))
}
