//! Alipay keys for local work: when `ALIPAY_APP_ID` is unset the dev server makes (once) an app
//! key pair and a stand-in "Alipay" key pair under `.data/alipay/`, so a developer can sign a
//! test notification with `alipay_private_key.pem`.

use orders_shared::adapters::alipay::{parse_private_key, AlipayConfig};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{Generate, PrivateKey};
use std::path::Path;

pub const DEV_APP_ID: &str = "2021000000000000";

/// A fresh merchant configuration and the private key that plays Alipay's part.
pub fn generate(notify_url: Option<String>) -> (AlipayConfig, PrivateKey) {
    let app_key = PrivateKey::generate();
    let alipay_key = PrivateKey::generate();
    let config = AlipayConfig {
        app_id: DEV_APP_ID.to_string(),
        app_private_key: Some(app_key),
        alipay_public_key: Some(alipay_key.to_public_key()),
        notify_url,
    };
    (config, alipay_key)
}

fn read_or_create(path: &Path, create: impl FnOnce() -> Result<String, String>) -> Result<String, String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(text);
    }
    let text = create()?;
    std::fs::write(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(text)
}

fn private_pem(key: &PrivateKey) -> Result<String, String> {
    key.to_pkcs8_pem(LineEnding::LF).map(|pem| pem.to_string()).map_err(|e| e.to_string())
}

fn public_pem(key: &PrivateKey) -> Result<String, String> {
    key.to_public_key().to_public_key_pem(LineEnding::LF).map_err(|e| e.to_string())
}

/// The dev key pairs under `dir`, made on first use.
pub fn load_or_create(dir: &Path) -> Result<(AlipayConfig, PrivateKey), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let app_private = read_or_create(&dir.join("app_private_key.pem"), || private_pem(&PrivateKey::generate()))?;
    let app_key = parse_private_key(&app_private)?;
    read_or_create(&dir.join("app_public_key.pem"), || public_pem(&app_key))?;
    let alipay_private = read_or_create(&dir.join("alipay_private_key.pem"), || private_pem(&PrivateKey::generate()))?;
    let alipay_key = parse_private_key(&alipay_private)?;
    read_or_create(&dir.join("alipay_public_key.pem"), || public_pem(&alipay_key))?;
    let config = AlipayConfig {
        app_id: DEV_APP_ID.to_string(),
        app_private_key: Some(app_key),
        alipay_public_key: Some(alipay_key.to_public_key()),
        notify_url: None,
    };
    Ok((config, alipay_key))
}
