//! A merchant's Alipay settings: the app id, its keys (from the environment, or one Secrets Manager
//! secret read at first use), where Alipay notifies, which gateway to call.

use crate::adapters::config::{self, Gateway};
use crate::adapters::crypto::{SigningKey, VerifyingKey};
use crate::adapters::secrets::{configured, Secret};
use crate::error::ApiError;
use std::time::Duration;

const APP_KEY_VARIABLE: &str = "ALIPAY_APP_PRIVATE_KEY_PEM";
const ALIPAY_KEY_VARIABLE: &str = "ALIPAY_PUBLIC_KEY_PEM";
const SECRET_VARIABLE: &str = "ALIPAY_SECRET_ARN";

/// The field of the Alipay secret (`ALIPAY_SECRET_ARN`) that holds the app's private key.
pub const SECRET_APP_KEY_FIELD: &str = "app_private_key";
/// The field of the Alipay secret that holds Alipay's public key.
pub const SECRET_ALIPAY_KEY_FIELD: &str = "alipay_public_key";

/// Merchant settings, from `ALIPAY_APP_ID` and the notify URL (`ALIPAY_NOTIFY_URL`, else
/// `PAYMENT_NOTIFY_BASE_URL` and the notify route); the keys from
/// `ALIPAY_APP_PRIVATE_KEY_PEM` and `ALIPAY_PUBLIC_KEY_PEM` (local), or from the Secrets Manager
/// secret `ALIPAY_SECRET_ARN` (deployed; fields `app_private_key`, `alipay_public_key`), read and
/// parsed when first used. Keys may be PEM (PKCS#8, PKCS#1, SubjectPublicKeyInfo) or the bare
/// base64 Alipay's console shows.
pub struct AlipayConfig {
    pub app_id: String,
    /// Signs order strings.
    app_private_key: Option<Secret<SigningKey>>,
    /// Verifies notifications.
    alipay_public_key: Option<Secret<VerifyingKey>>,
    /// Where Alipay notifies; payments refuse to start without it.
    pub notify_url: Option<String>,
    /// `ALIPAY_GATEWAY_URL` (where open API calls go) and `ALIPAY_TIMEOUT_MS` (default 10,000).
    pub gateway: Gateway,
}

/// Where this API receives Alipay's notifications, and the variable that names another URL.
pub const NOTIFY_PATH: &str = "/api/v1/payments/alipay/notify";
pub const NOTIFY_URL_VARIABLE: &str = "ALIPAY_NOTIFY_URL";

/// Alipay's production gateway.
pub const DEFAULT_GATEWAY_URL: &str = "https://openapi.alipay.com/gateway.do";
/// The variables that point the calls elsewhere (a sandbox, the stand-in) and bound them.
pub const GATEWAY_URL_VARIABLE: &str = "ALIPAY_GATEWAY_URL";
pub const TIMEOUT_VARIABLE: &str = "ALIPAY_TIMEOUT_MS";

impl std::fmt::Debug for AlipayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print keys.
        f.debug_struct("AlipayConfig").field("app_id", &self.app_id).finish_non_exhaustive()
    }
}

impl AlipayConfig {
    /// Settings with keys already in hand (the local stand-ins and tests).
    pub fn with_keys(
        app_id: impl Into<String>,
        app_private_key: SigningKey,
        alipay_public_key: VerifyingKey,
        notify_url: Option<String>,
    ) -> AlipayConfig {
        AlipayConfig {
            app_id: app_id.into(),
            app_private_key: Some(Secret::ready(APP_KEY_VARIABLE, app_private_key)),
            alipay_public_key: Some(Secret::ready(ALIPAY_KEY_VARIABLE, alipay_public_key)),
            notify_url,
            gateway: Gateway::new(DEFAULT_GATEWAY_URL, Gateway::DEFAULT_TIMEOUT),
        }
    }

    /// The same settings calling another gateway (a sandbox, a stand-in).
    pub fn with_gateway(mut self, gateway_url: &str, timeout: Duration) -> AlipayConfig {
        self.gateway = Gateway::new(gateway_url, timeout);
        self
    }

    /// None when `ALIPAY_APP_ID` is unset; an error when it is set without any key. A bad or
    /// unreadable key is reported when first used.
    pub fn from_env() -> Result<Option<AlipayConfig>, String> {
        let Some(app_id) = config::var("ALIPAY_APP_ID") else { return Ok(None) };
        let app_private_key = Secret::from_env(
            APP_KEY_VARIABLE,
            APP_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_APP_KEY_FIELD),
            SigningKey::from_text,
        );
        let alipay_public_key = Secret::from_env(
            ALIPAY_KEY_VARIABLE,
            ALIPAY_KEY_VARIABLE,
            SECRET_VARIABLE,
            Some(SECRET_ALIPAY_KEY_FIELD),
            VerifyingKey::from_text,
        );
        if app_private_key.is_none() && alipay_public_key.is_none() {
            return Err(format!(
                "ALIPAY_APP_ID is set but neither {SECRET_VARIABLE} nor {APP_KEY_VARIABLE} / {ALIPAY_KEY_VARIABLE}"
            ));
        }
        let notify_url = config::notify_url(NOTIFY_URL_VARIABLE, NOTIFY_PATH)?;
        let gateway = Gateway::from_env(GATEWAY_URL_VARIABLE, TIMEOUT_VARIABLE, DEFAULT_GATEWAY_URL)?;
        Ok(Some(AlipayConfig { app_id, app_private_key, alipay_public_key, notify_url, gateway }))
    }

    /// The app's signing key; a 500 naming it when this function lacks it or it is bad.
    pub async fn signing_key(&self) -> Result<&SigningKey, ApiError> {
        configured(&self.app_private_key, APP_KEY_VARIABLE).await
    }

    /// Alipay's public key; a 500 naming it when this function lacks it or it is bad.
    pub async fn verifying_key(&self) -> Result<&VerifyingKey, ApiError> {
        configured(&self.alipay_public_key, ALIPAY_KEY_VARIABLE).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bad_key_is_reported_when_first_used_naming_its_variable() {
        let config = AlipayConfig {
            app_id: "2021".into(),
            app_private_key: Some(Secret::text(APP_KEY_VARIABLE, "not a key".into(), SigningKey::from_text)),
            alipay_public_key: None,
            notify_url: None,
            gateway: Gateway::new(DEFAULT_GATEWAY_URL, Gateway::DEFAULT_TIMEOUT),
        };
        let error = config.signing_key().await.err().expect("a bad key");
        assert!(matches!(&error, ApiError::Internal(why) if why.contains(APP_KEY_VARIABLE)), "{error:?}");
    }

    #[tokio::test]
    async fn a_function_without_the_public_key_cannot_verify_and_says_which_key() {
        let config = AlipayConfig {
            app_id: "2021".into(),
            app_private_key: None,
            alipay_public_key: None,
            notify_url: None,
            gateway: Gateway::new(DEFAULT_GATEWAY_URL, Gateway::DEFAULT_TIMEOUT),
        };
        let error = config.verifying_key().await.err().expect("no key to verify with");
        assert!(matches!(&error, ApiError::Internal(why) if why.contains("ALIPAY_PUBLIC_KEY_PEM")), "{error:?}");
    }
}
