//! A merchant's LianLian Pay settings: the partner id, its keys (from the environment, or one
//! Secrets Manager secret read at first use), where LianLian notifies, the risk category LianLian
//! assigned, the Apple Pay merchant id, and where its APIs are called.

use crate::adapters::config::{self, timeout_var, url_var, Gateway};
use crate::adapters::crypto::{Md5RsaSigningKey, Md5RsaVerifyingKey};
use crate::adapters::secrets::{configured, Secret};
use crate::error::ApiError;
use std::time::Duration;

pub const OID_PARTNER_VARIABLE: &str = "LIANLIAN_OID_PARTNER";
const PRIVATE_KEY_VARIABLE: &str = "LIANLIAN_PRIVATE_KEY_PEM";
const PUBLIC_KEY_VARIABLE: &str = "LIANLIAN_PUBLIC_KEY_PEM";
const SECRET_VARIABLE: &str = "LIANLIAN_SECRET_ARN";
pub const WARE_CATEGORY_VARIABLE: &str = "LIANLIAN_WARE_CATEGORY";
pub const AP_MERCHANT_ID_VARIABLE: &str = "LIANLIAN_AP_MERCHANT_ID";
pub const GATEWAY_URL_VARIABLE: &str = "LIANLIAN_GATEWAY_URL";
pub const TIMEOUT_VARIABLE: &str = "LIANLIAN_TIMEOUT_MS";

/// Fields of the LianLian secret (`LIANLIAN_SECRET_ARN`).
pub const SECRET_PRIVATE_KEY_FIELD: &str = "private_key";
pub const SECRET_PUBLIC_KEY_FIELD: &str = "lianlian_public_key";

/// Where this API receives LianLian's notifications, and the variables that name other URLs.
pub const NOTIFY_PATH: &str = "/api/v1/payments/lianlian/notify";
pub const REFUND_NOTIFY_PATH: &str = "/api/v1/payments/lianlian/refund-notify";
pub const NOTIFY_URL_VARIABLE: &str = "LIANLIAN_NOTIFY_URL";
pub const REFUND_NOTIFY_URL_VARIABLE: &str = "LIANLIAN_REFUND_NOTIFY_URL";

/// LianLian's APIs, each on its own host.
pub const ORDER_QUERY_URL: &str = "https://queryapi.lianlianpay.com/orderquery.htm";
pub const REFUND_URL: &str = "https://traderapi.lianlianpay.com/refund.htm";
pub const REFUND_QUERY_URL: &str = "https://queryapi.lianlianpay.com/refundquery.htm";

/// Merchant settings: `LIANLIAN_OID_PARTNER` (unset: LianLian is off), the merchant's private key
/// and LianLian's public key from `LIANLIAN_PRIVATE_KEY_PEM` and `LIANLIAN_PUBLIC_KEY_PEM` (local)
/// or the Secrets Manager secret `LIANLIAN_SECRET_ARN` (deployed; fields `private_key`,
/// `lianlian_public_key`), PEM or the bare base64 LianLian's console shows.
pub struct LianlianConfig {
    pub oid_partner: String,
    private_key: Option<Secret<Md5RsaSigningKey>>,
    lianlian_public_key: Option<Secret<Md5RsaVerifyingKey>>,
    /// `LIANLIAN_NOTIFY_URL` (else `PAYMENT_NOTIFY_BASE_URL` and the notify route); payments
    /// refuse to start without it.
    pub notify_url: Option<String>,
    /// `LIANLIAN_REFUND_NOTIFY_URL` (else the base and the refund route).
    pub refund_notify_url: Option<String>,
    /// `LIANLIAN_WARE_CATEGORY`: the goods category (`frms_ware_category`) LianLian's risk control
    /// assigned the shop; it goes in every payment's `risk_item`.
    pub ware_category: String,
    /// `LIANLIAN_AP_MERCHANT_ID`: the shop's Apple Pay merchant id (`merchant.…`); Apple Pay
    /// refuses to start without it.
    pub ap_merchant_id: Option<String>,
    /// `LIANLIAN_GATEWAY_URL`: when set, it replaces the scheme and host of every API URL (each
    /// keeps its path), so that one stand-in serves them all.
    pub gateway_url: Option<String>,
    /// `LIANLIAN_TIMEOUT_MS` (default 10,000).
    pub timeout: Duration,
}

impl std::fmt::Debug for LianlianConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print keys.
        f.debug_struct("LianlianConfig").field("oid_partner", &self.oid_partner).finish_non_exhaustive()
    }
}

/// What settings with keys in hand need (the local stand-ins and tests).
pub struct LianlianSettings {
    pub oid_partner: String,
    pub ware_category: String,
    pub ap_merchant_id: Option<String>,
    pub notify_url: Option<String>,
    pub refund_notify_url: Option<String>,
}

impl LianlianConfig {
    pub fn with_keys(
        settings: LianlianSettings,
        private_key: Md5RsaSigningKey,
        lianlian_public_key: Md5RsaVerifyingKey,
    ) -> LianlianConfig {
        LianlianConfig {
            oid_partner: settings.oid_partner,
            private_key: Some(Secret::ready(PRIVATE_KEY_VARIABLE, private_key)),
            lianlian_public_key: Some(Secret::ready(PUBLIC_KEY_VARIABLE, lianlian_public_key)),
            notify_url: settings.notify_url,
            refund_notify_url: settings.refund_notify_url,
            ware_category: settings.ware_category,
            ap_merchant_id: settings.ap_merchant_id,
            gateway_url: None,
            timeout: Gateway::DEFAULT_TIMEOUT,
        }
    }

    /// The same settings calling another gateway (a stand-in): its scheme and host, a base path.
    pub fn with_gateway(mut self, gateway_url: &str, timeout: Duration) -> LianlianConfig {
        self.gateway_url = Some(gateway_url.trim_end_matches('/').to_string());
        self.timeout = timeout;
        self
    }

    /// None when `LIANLIAN_OID_PARTNER` is unset or empty; an error naming what is missing or
    /// malformed otherwise.
    pub fn from_env() -> Result<Option<LianlianConfig>, String> {
        let Some(oid_partner) = config::var(OID_PARTNER_VARIABLE) else { return Ok(None) };
        let private_key = Secret::from_env(
            PRIVATE_KEY_VARIABLE,
            PRIVATE_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_PRIVATE_KEY_FIELD),
            Md5RsaSigningKey::from_text,
        );
        let lianlian_public_key = Secret::from_env(
            PUBLIC_KEY_VARIABLE,
            PUBLIC_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_PUBLIC_KEY_FIELD),
            Md5RsaVerifyingKey::from_text,
        );
        if private_key.is_none() && lianlian_public_key.is_none() {
            return Err(format!(
                "{OID_PARTNER_VARIABLE} is set but neither {SECRET_VARIABLE} nor {PRIVATE_KEY_VARIABLE} / {PUBLIC_KEY_VARIABLE}"
            ));
        }
        let ware_category = config::var(WARE_CATEGORY_VARIABLE).ok_or_else(|| {
            format!(
                "{OID_PARTNER_VARIABLE} is set but {WARE_CATEGORY_VARIABLE} (the category LianLian assigned) is not"
            )
        })?;
        let ap_merchant_id = config::var(AP_MERCHANT_ID_VARIABLE);
        if let Some(id) = &ap_merchant_id {
            if !id.starts_with("merchant.") {
                return Err(format!("{AP_MERCHANT_ID_VARIABLE} must be an Apple merchant id (merchant.…), got {id:?}"));
            }
        }
        Ok(Some(LianlianConfig {
            oid_partner,
            private_key,
            lianlian_public_key,
            notify_url: config::notify_url(NOTIFY_URL_VARIABLE, NOTIFY_PATH)?,
            refund_notify_url: config::notify_url(REFUND_NOTIFY_URL_VARIABLE, REFUND_NOTIFY_PATH)?,
            ware_category,
            ap_merchant_id,
            gateway_url: url_var(GATEWAY_URL_VARIABLE)?.map(|url| url.trim_end_matches('/').to_string()),
            timeout: timeout_var(TIMEOUT_VARIABLE)?,
        }))
    }

    /// The merchant's signing key; a 500 naming it when this function lacks it or it is bad.
    pub async fn signing_key(&self) -> Result<&Md5RsaSigningKey, ApiError> {
        configured(&self.private_key, PRIVATE_KEY_VARIABLE).await
    }

    /// LianLian's public key; a 500 naming it when this function lacks it or it is bad.
    pub async fn verifying_key(&self) -> Result<&Md5RsaVerifyingKey, ApiError> {
        configured(&self.lianlian_public_key, PUBLIC_KEY_VARIABLE).await
    }

    /// Where to call one of LianLian's APIs: the official URL, or its path on the configured
    /// gateway.
    pub fn api_url(&self, official: &str) -> String {
        match &self.gateway_url {
            Some(gateway) => format!("{gateway}{}", api_path(official)),
            None => official.to_string(),
        }
    }
}

/// The path of an absolute URL (`https://host/path` -> `/path`).
fn api_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/", |slash| &after_scheme[slash..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_gateway_keeps_each_api_path() {
        assert_eq!(api_path(ORDER_QUERY_URL), "/orderquery.htm");
        assert_eq!(api_path(REFUND_URL), "/refund.htm");
        assert_eq!(api_path("https://host"), "/");
    }
}
