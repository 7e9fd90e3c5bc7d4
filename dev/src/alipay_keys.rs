//! Alipay keys for local work: when `ALIPAY_APP_ID` is unset the dev server makes (once) an app
//! key pair and a stand-in "Alipay" key pair under `.data/alipay/`, so a developer can sign a
//! test notification with `alipay_private_key.pem`.

use orders_shared::adapters::alipay::AlipayConfig;
use orders_shared::adapters::crypto::SigningKey;
use std::path::Path;

pub const DEV_APP_ID: &str = "2021000000000000";

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

/// The dev key pairs under `dir`, made on first use.
pub fn load_or_create(dir: &Path) -> Result<(AlipayConfig, SigningKey), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let app_key = key_file(&dir.join("app_private_key.pem"))?;
    let alipay_key = key_file(&dir.join("alipay_private_key.pem"))?;
    let config = AlipayConfig::with_keys(DEV_APP_ID, app_key, alipay_key.verifying_key()?, None);
    Ok((config, alipay_key))
}
