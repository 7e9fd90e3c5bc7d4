//! RSA signatures with SHA-256 (PKCS#1 v1.5) through aws-lc-rs, as Alipay's RSA2 and WeChat Pay
//! use them.

use super::pem::{bare_der, pem, pem_der, strip_whitespace};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// An RSA private key that signs (SHA256withRSA).
pub struct SigningKey(KeyPair);

impl SigningKey {
    /// PKCS#8 or PKCS#1 PEM, or the bare base64 of either's DER.
    pub fn from_text(text: &str) -> Result<SigningKey, String> {
        let text = text.trim();
        let key = if let Some(der) = pem_der(text, "PRIVATE KEY") {
            KeyPair::from_pkcs8(&der?).map_err(|e| format!("PKCS#8 private key: {e}"))?
        } else if let Some(der) = pem_der(text, "RSA PRIVATE KEY") {
            KeyPair::from_der(&der?).map_err(|e| format!("PKCS#1 private key: {e}"))?
        } else {
            let der = bare_der(text, "the private key")?;
            KeyPair::from_pkcs8(&der).or_else(|_| KeyPair::from_der(&der)).map_err(|e| format!("private key: {e}"))?
        };
        Ok(SigningKey(key))
    }

    /// A new 2048-bit key (local stand-ins and tests).
    pub fn generate() -> Result<SigningKey, String> {
        KeyPair::generate(KeySize::Rsa2048).map(SigningKey).map_err(|e| format!("RSA key generation: {e}"))
    }

    /// The base64 signature of `content`.
    pub fn sign_base64(&self, content: &[u8]) -> Result<String, String> {
        let mut signature = vec![0; self.0.public_modulus_len()];
        self.0
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), content, &mut signature)
            .map_err(|e| format!("RSA signing failed: {e}"))?;
        Ok(STANDARD.encode(signature))
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey, String> {
        let der: PublicKeyX509Der = self.0.public_key().as_der().map_err(|e| format!("public key: {e}"))?;
        VerifyingKey::from_der(der.as_ref())
    }

    /// PKCS#8 PEM.
    pub fn to_pem(&self) -> Result<String, String> {
        let der: Pkcs8V1Der = self.0.as_der().map_err(|e| format!("private key: {e}"))?;
        Ok(pem("PRIVATE KEY", der.as_ref()))
    }
}

/// An RSA public key that verifies (SHA256withRSA), parsed once.
#[derive(Clone)]
pub struct VerifyingKey {
    parsed: ParsedPublicKey,
}

impl VerifyingKey {
    /// SubjectPublicKeyInfo or PKCS#1 PEM, or the bare base64 of either's DER.
    pub fn from_text(text: &str) -> Result<VerifyingKey, String> {
        let text = text.trim();
        let der = match (pem_der(text, "PUBLIC KEY"), pem_der(text, "RSA PUBLIC KEY")) {
            (Some(der), _) | (None, Some(der)) => der?,
            (None, None) => bare_der(text, "the public key")?,
        };
        VerifyingKey::from_der(&der)
    }

    fn from_der(der: &[u8]) -> Result<VerifyingKey, String> {
        let parsed = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der).map_err(|e| format!("public key: {e}"))?;
        Ok(VerifyingKey { parsed })
    }

    /// Whether `signature_base64` is this key's signature of `content`.
    pub fn verify_base64(&self, content: &[u8], signature_base64: &str) -> bool {
        let Ok(signature) = STANDARD.decode(strip_whitespace(signature_base64)) else { return false };
        self.parsed.verify_sig(content, &signature).is_ok()
    }

    /// SubjectPublicKeyInfo PEM.
    pub fn to_pem(&self) -> String {
        pem("PUBLIC KEY", self.parsed.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_the_public_key_in_every_accepted_form() {
        let key = SigningKey::generate().expect("a key");
        let signature = key.sign_base64(b"a=1&b=2").expect("signs");
        let public = key.verifying_key().expect("public key");
        assert!(public.verify_base64(b"a=1&b=2", &signature));
        assert!(!public.verify_base64(b"a=1&b=3", &signature), "another content");
        assert!(!public.verify_base64(b"a=1&b=2", "bm90IGEgc2lnbmF0dXJl"), "another signature");
        assert!(!public.verify_base64(b"a=1&b=2", "%%%"), "not base64");

        // PEM and the bare base64 a console shows read the same key.
        let private_pem = key.to_pem().expect("PEM");
        let public_pem = public.to_pem();
        let bare_private: String = private_pem.lines().filter(|line| !line.starts_with("-----")).collect();
        let bare_public: String = public_pem.lines().filter(|line| !line.starts_with("-----")).collect();
        for text in [private_pem.as_str(), bare_private.as_str()] {
            let again = SigningKey::from_text(text).expect("reads back");
            assert!(public.verify_base64(b"x", &again.sign_base64(b"x").expect("signs")));
        }
        for text in [public_pem.as_str(), bare_public.as_str()] {
            assert!(VerifyingKey::from_text(text).expect("reads back").verify_base64(b"a=1&b=2", &signature));
        }
        assert!(SigningKey::from_text("not a key").is_err());
        assert!(VerifyingKey::from_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    }
}
