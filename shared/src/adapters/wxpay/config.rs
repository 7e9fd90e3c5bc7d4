//! A merchant's WeChat Pay settings: ids, keys (from the environment, or one Secrets Manager secret
//! read at first use), where WeChat Pay notifies, which gateway to call.

use crate::adapters::config::{self, Gateway};
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::adapters::secrets::{configured, Secret};
use crate::error::ApiError;
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::time::Duration;

/// WeChat Pay's production gateway.
pub const DEFAULT_GATEWAY_URL: &str = "https://api.mch.weixin.qq.com";
pub const GATEWAY_URL_VARIABLE: &str = "WXPAY_GATEWAY_URL";
pub const TIMEOUT_VARIABLE: &str = "WXPAY_TIMEOUT_MS";

/// Where this API receives WeChat Pay's notifications, and the variables that name other URLs.
pub const NOTIFY_PATH: &str = "/api/v1/payments/wxpay/notify";
pub const REFUND_NOTIFY_PATH: &str = "/api/v1/payments/wxpay/refund-notify";
pub const NOTIFY_URL_VARIABLE: &str = "WXPAY_NOTIFY_URL";
pub const REFUND_NOTIFY_URL_VARIABLE: &str = "WXPAY_REFUND_NOTIFY_URL";
const MCH_KEY_VARIABLE: &str = "WXPAY_MCH_PRIVATE_KEY_PEM";
const APIV3_KEY_VARIABLE: &str = "WXPAY_APIV3_KEY";
const PUBLIC_KEY_VARIABLE: &str = "WXPAY_PUBLIC_KEY_PEM";
const SECRET_VARIABLE: &str = "WXPAY_SECRET_ARN";

/// Fields of the WeChat Pay secret (`WXPAY_SECRET_ARN`).
pub const SECRET_MCH_KEY_FIELD: &str = "mch_private_key";
pub const SECRET_APIV3_KEY_FIELD: &str = "apiv3_key";
pub const SECRET_PUBLIC_KEY_FIELD: &str = "wxpay_public_key";

/// The APIv3 key: 32 bytes that decrypt notification resources.
pub struct ApiV3Key(LessSafeKey);

impl ApiV3Key {
    pub fn from_text(text: &str) -> Result<ApiV3Key, String> {
        let bytes = text.trim().as_bytes();
        if bytes.len() != 32 {
            return Err(format!("the APIv3 key must be 32 bytes, got {}", bytes.len()));
        }
        let key =
            UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| "the APIv3 key is not an AES-256 key".to_string())?;
        Ok(ApiV3Key(LessSafeKey::new(key)))
    }

    /// Decrypts a resource: `ciphertext` is base64 of the ciphertext and its 16-byte tag.
    pub fn decrypt(&self, nonce: &str, associated_data: &str, ciphertext: &str) -> Result<Vec<u8>, String> {
        let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes()).map_err(|_| "the nonce is not 12 bytes")?;
        let mut data = STANDARD.decode(ciphertext).map_err(|_| "the ciphertext is not base64")?;
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(associated_data.as_bytes()), &mut data)
            .map_err(|_| "the resource does not decrypt with the APIv3 key")?;
        Ok(plain.to_vec())
    }

    /// Encrypts a resource as WeChat Pay does (the stand-in gateway and the dev tool).
    pub fn encrypt(&self, nonce: &str, associated_data: &str, plain: &[u8]) -> Result<String, String> {
        let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes()).map_err(|_| "the nonce is not 12 bytes")?;
        let mut data = plain.to_vec();
        self.0
            .seal_in_place_append_tag(nonce, Aad::from(associated_data.as_bytes()), &mut data)
            .map_err(|_| "encryption failed")?;
        Ok(STANDARD.encode(data))
    }
}

/// Merchant settings: ids from `WXPAY_APP_ID`, `WXPAY_MCH_ID`, `WXPAY_MCH_SERIAL_NO`,
/// `WXPAY_PUBLIC_KEY_ID`; the merchant key, APIv3 key and WeChat Pay public key from
/// `WXPAY_MCH_PRIVATE_KEY_PEM`, `WXPAY_APIV3_KEY`, `WXPAY_PUBLIC_KEY_PEM` (local) or the Secrets
/// Manager secret `WXPAY_SECRET_ARN` (deployed; fields `mch_private_key`, `apiv3_key`,
/// `wxpay_public_key`), read when first used.
pub struct WxpayConfig {
    pub app_id: String,
    pub mch_id: String,
    /// The serial number of the merchant's API certificate (`serial_no` in requests).
    pub mch_serial_no: String,
    mch_private_key: Option<Secret<SigningKey>>,
    apiv3_key: Option<Secret<ApiV3Key>>,
    wxpay_public_key: Option<Secret<VerifyingKey>>,
    /// The id WeChat Pay puts in `Wechatpay-Serial` when it signs with that public key.
    pub wxpay_public_key_id: String,
    /// `WXPAY_NOTIFY_URL` (else `PAYMENT_NOTIFY_BASE_URL` and the notify route): where payment
    /// notifications go; payments refuse to start without it.
    pub notify_url: Option<String>,
    /// `WXPAY_REFUND_NOTIFY_URL` (else the base and the refund route, else beside `notify_url`).
    pub refund_notify_url: Option<String>,
    /// `WXPAY_GATEWAY_URL` and `WXPAY_TIMEOUT_MS` (default 10,000).
    pub gateway: Gateway,
}

impl std::fmt::Debug for WxpayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print keys.
        f.debug_struct("WxpayConfig")
            .field("app_id", &self.app_id)
            .field("mch_id", &self.mch_id)
            .finish_non_exhaustive()
    }
}

/// The ids of a merchant (the local stand-ins and tests build one from these).
#[derive(Debug, Clone)]
pub struct MerchantIds {
    pub app_id: String,
    pub mch_id: String,
    pub mch_serial_no: String,
    pub wxpay_public_key_id: String,
}

impl WxpayConfig {
    /// Settings with keys in hand (the local stand-ins and tests).
    pub fn with_keys(
        ids: MerchantIds,
        mch_private_key: SigningKey,
        apiv3_key: ApiV3Key,
        wxpay_public_key: VerifyingKey,
        notify_url: Option<String>,
    ) -> WxpayConfig {
        WxpayConfig {
            app_id: ids.app_id,
            mch_id: ids.mch_id,
            mch_serial_no: ids.mch_serial_no,
            mch_private_key: Some(Secret::ready(MCH_KEY_VARIABLE, mch_private_key)),
            apiv3_key: Some(Secret::ready(APIV3_KEY_VARIABLE, apiv3_key)),
            wxpay_public_key: Some(Secret::ready(PUBLIC_KEY_VARIABLE, wxpay_public_key)),
            wxpay_public_key_id: ids.wxpay_public_key_id,
            refund_notify_url: notify_url.as_deref().map(refund_notify_beside),
            notify_url,
            gateway: Gateway::new(DEFAULT_GATEWAY_URL, Gateway::DEFAULT_TIMEOUT),
        }
    }

    /// The same settings calling another gateway (a stand-in).
    pub fn with_gateway(mut self, gateway_url: &str, timeout: Duration) -> WxpayConfig {
        self.gateway = Gateway::new(gateway_url, timeout);
        self
    }

    /// None when `WXPAY_MCH_ID` is unset; an error naming what is missing or malformed otherwise.
    pub fn from_env() -> Result<Option<WxpayConfig>, String> {
        let Some(mch_id) = config::var("WXPAY_MCH_ID") else { return Ok(None) };
        let required = |name: &str| config::var(name).ok_or_else(|| format!("WXPAY_MCH_ID is set but {name} is not"));
        let app_id = required("WXPAY_APP_ID")?;
        let mch_serial_no = required("WXPAY_MCH_SERIAL_NO")?;
        let wxpay_public_key_id = required("WXPAY_PUBLIC_KEY_ID")?;
        let mch_private_key = Secret::from_env(
            MCH_KEY_VARIABLE,
            MCH_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_MCH_KEY_FIELD),
            SigningKey::from_text,
        );
        let apiv3_key = Secret::from_env(
            APIV3_KEY_VARIABLE,
            APIV3_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_APIV3_KEY_FIELD),
            ApiV3Key::from_text,
        );
        let wxpay_public_key = Secret::from_env(
            PUBLIC_KEY_VARIABLE,
            PUBLIC_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_PUBLIC_KEY_FIELD),
            VerifyingKey::from_text,
        );
        if mch_private_key.is_none() && apiv3_key.is_none() && wxpay_public_key.is_none() {
            return Err(format!("WXPAY_MCH_ID is set but neither {SECRET_VARIABLE} nor {MCH_KEY_VARIABLE}, {APIV3_KEY_VARIABLE} and {PUBLIC_KEY_VARIABLE}"));
        }
        let notify_url = config::notify_url(NOTIFY_URL_VARIABLE, NOTIFY_PATH)?;
        let refund_notify_url = match config::notify_url(REFUND_NOTIFY_URL_VARIABLE, REFUND_NOTIFY_PATH)? {
            Some(url) => Some(url),
            None => notify_url.as_deref().map(refund_notify_beside),
        };
        let gateway = Gateway::from_env(GATEWAY_URL_VARIABLE, TIMEOUT_VARIABLE, DEFAULT_GATEWAY_URL)?;
        Ok(Some(WxpayConfig {
            app_id,
            mch_id,
            mch_serial_no,
            mch_private_key,
            apiv3_key,
            wxpay_public_key,
            wxpay_public_key_id,
            notify_url,
            refund_notify_url,
            gateway,
        }))
    }

    pub async fn signing_key(&self) -> Result<&SigningKey, ApiError> {
        configured(&self.mch_private_key, MCH_KEY_VARIABLE).await
    }

    pub async fn apiv3_key(&self) -> Result<&ApiV3Key, ApiError> {
        configured(&self.apiv3_key, APIV3_KEY_VARIABLE).await
    }

    pub async fn verifying_key(&self) -> Result<&VerifyingKey, ApiError> {
        configured(&self.wxpay_public_key, PUBLIC_KEY_VARIABLE).await
    }
}

/// `.../notify` -> `.../refund-notify`; another URL gets `refund-notify` appended as a sibling.
fn refund_notify_beside(notify_url: &str) -> String {
    match notify_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/refund-notify"),
        None => format!("{notify_url}/refund-notify"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_decrypts_only_with_its_key_nonce_and_associated_data() {
        let key = ApiV3Key::from_text("0123456789abcdef0123456789abcdef").expect("32 bytes");
        let sealed = key.encrypt("abcdefghijkl", "transaction", b"{\"a\":1}").expect("encrypts");
        assert_eq!(key.decrypt("abcdefghijkl", "transaction", &sealed).expect("opens"), b"{\"a\":1}");
        assert!(key.decrypt("abcdefghijkm", "transaction", &sealed).is_err(), "another nonce");
        assert!(key.decrypt("abcdefghijkl", "refund", &sealed).is_err(), "other associated data");
        let other = ApiV3Key::from_text("fedcba9876543210fedcba9876543210").expect("32 bytes");
        assert!(other.decrypt("abcdefghijkl", "transaction", &sealed).is_err(), "another key");
        assert!(ApiV3Key::from_text("short").is_err());
    }

    #[test]
    fn refund_notifications_go_beside_payment_notifications() {
        assert_eq!(
            refund_notify_beside("https://shop.example.com/api/v1/payments/wxpay/notify"),
            "https://shop.example.com/api/v1/payments/wxpay/refund-notify"
        );
    }
}
