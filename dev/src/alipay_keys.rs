//! Alipay keys for local work: when `ALIPAY_APP_ID` is unset the dev server makes (once) an app
//! key pair under `.data/alipay/`, and trusts the committed stand-in "Alipay" key
//! (`dev/keys/`, public on purpose), which signs test notifications (`sign-alipay-notify`) and the
//! `events/alipay-notify.json` sample.

use orders_shared::adapters::alipay::AlipayConfig;
use orders_shared::adapters::crypto::SigningKey;
use std::path::Path;

pub const DEV_APP_ID: &str = "2021000000000000";

/// The stand-in for Alipay's private key: committed and public, so never a real key.
const STAND_IN_ALIPAY_KEY: &str = include_str!("../keys/stand-in-alipay-private-key.pem");

/// The key that plays Alipay locally (`dev/keys/README.md`).
pub fn stand_in_alipay_key() -> Result<SigningKey, String> {
    SigningKey::from_text(STAND_IN_ALIPAY_KEY)
        .map_err(|error| format!("dev/keys/stand-in-alipay-private-key.pem: {error}"))
}

/// A fresh merchant configuration and the private key that plays Alipay's part.
pub fn generate(notify_url: Option<String>) -> Result<(AlipayConfig, SigningKey), String> {
    let app_key = SigningKey::generate()?;
    let alipay_key = SigningKey::generate()?;
    let config = AlipayConfig::with_keys(DEV_APP_ID, app_key, alipay_key.verifying_key()?, notify_url);
    Ok((config, alipay_key))
}

/// The key in `path`, made (and written as PKCS#8 PEM, with its public half beside it) on first use.
fn key_file(path: &Path) -> Result<SigningKey, String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return SigningKey::from_text(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let key = SigningKey::generate()?;
    std::fs::write(path, key.to_pem()?).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let public =
        path.with_file_name(path.file_name().and_then(|n| n.to_str()).unwrap_or("key").replace("private", "public"));
    std::fs::write(&public, key.verifying_key()?.to_pem())
        .map_err(|e| format!("cannot write {}: {e}", public.display()))?;
    Ok(key)
}

/// The dev app key pair under `dir` (made on first use), and the stand-in Alipay key.
pub fn load_or_create(dir: &Path) -> Result<(AlipayConfig, SigningKey), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let app_key = key_file(&dir.join("app_private_key.pem"))?;
    let alipay_key = stand_in_alipay_key()?;
    let config = AlipayConfig::with_keys(DEV_APP_ID, app_key, alipay_key.verifying_key()?, None);
    Ok((config, alipay_key))
}
