//! LianLian Pay settings for local work: when `LIANLIAN_OID_PARTNER` is unset the dev server makes
//! (once) a merchant key under `.data/lianlian/` and trusts the committed stand-in "LianLian" key
//! (`dev/keys/`, RSA-1024 like LianLian's, public on purpose), which signs the stand-in gateway's
//! answers and notifications and `sign-lianlian-notify`'s.

use orders_shared::adapters::crypto::{Md5RsaSigningKey, Md5RsaVerifyingKey, SigningKey};
use orders_shared::adapters::lianlian::{lianlian_time, Params};
use orders_shared::domain::money::Money;
use orders_shared::domain::time::Timestamp;
use std::path::Path;

pub const DEV_OID_PARTNER: &str = "209900000000000001";
/// A stand-in goods category (LianLian assigns a shop its own).
pub const DEV_WARE_CATEGORY: &str = "4999";
pub const DEV_AP_MERCHANT_ID: &str = "merchant.com.example.orders.standin";

const STAND_IN_LIANLIAN_KEY: &str = include_str!("../keys/stand-in-lianlian-private-key.pem");
/// Its public half (PEM), which the dev server trusts as LianLian's.
pub const STAND_IN_LIANLIAN_PUBLIC_KEY: &str = include_str!("../keys/stand-in-lianlian-public-key.pem");

/// The key that plays LianLian locally.
pub fn stand_in_lianlian_key() -> Result<Md5RsaSigningKey, String> {
    Md5RsaSigningKey::from_text(STAND_IN_LIANLIAN_KEY)
        .map_err(|error| format!("dev/keys/stand-in-lianlian-private-key.pem: {error}"))
}

/// The stand-in's public key.
pub fn stand_in_lianlian_public_key() -> Result<Md5RsaVerifyingKey, String> {
    Md5RsaVerifyingKey::from_text(STAND_IN_LIANLIAN_PUBLIC_KEY)
        .map_err(|error| format!("dev/keys/stand-in-lianlian-public-key.pem: {error}"))
}

/// A merchant key pair: the private key as `MD5withRSA` takes it, and its public half as PEM.
pub struct MerchantKey {
    pub private_pem: String,
    pub public_pem: String,
}

impl MerchantKey {
    /// A fresh 2048-bit key.
    pub fn generate() -> Result<MerchantKey, String> {
        let key = SigningKey::generate()?;
        Ok(MerchantKey { private_pem: key.to_pem()?, public_pem: key.verifying_key()?.to_pem() })
    }

    /// The key under `dir` (made on first use, PKCS#8 PEM, its public half beside it).
    pub fn load_or_create(dir: &Path) -> Result<MerchantKey, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join("merchant_private_key.pem");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let key = SigningKey::from_text(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok(MerchantKey { private_pem: text, public_pem: key.verifying_key()?.to_pem() });
        }
        let key = MerchantKey::generate()?;
        std::fs::write(&path, &key.private_pem).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let public = dir.join("merchant_public_key.pem");
        std::fs::write(&public, &key.public_pem).map_err(|e| format!("cannot write {}: {e}", public.display()))?;
        Ok(key)
    }

    pub fn signing_key(&self) -> Result<Md5RsaSigningKey, String> {
        Md5RsaSigningKey::from_text(&self.private_pem)
    }

    pub fn verifying_key(&self) -> Result<Md5RsaVerifyingKey, String> {
        Md5RsaVerifyingKey::from_text(&self.public_pem)
    }
}

/// A payment notification's parameters, as LianLian sends them for a paid bill of the stand-in
/// partner (before signing); `info_order` is passed back as the payment's parameters gave it.
pub fn paid_notification(
    order_no: &str,
    info_order: &str,
    dt_order: &str,
    amount: Money,
    oid_paybill: &str,
    at: Timestamp,
) -> Params {
    let settle_date = lianlian_time(at)[..8].to_string();
    Params::from([
        ("oid_partner".into(), DEV_OID_PARTNER.into()),
        ("dt_order".into(), dt_order.into()),
        ("no_order".into(), order_no.into()),
        ("oid_paybill".into(), oid_paybill.into()),
        ("money_order".into(), amount.to_string()),
        ("result_pay".into(), "SUCCESS".into()),
        ("settle_date".into(), settle_date),
        ("info_order".into(), info_order.into()),
        ("pay_type".into(), "2".into()),
        ("bank_code".into(), "01020000".into()),
    ])
}

/// A LianLian bill number (`oid_paybill`).
pub fn new_paybill() -> String {
    format!("2026{:012}", rand::random::<u64>() % 1_000_000_000_000)
}
