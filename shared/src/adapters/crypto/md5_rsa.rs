//! RSA PKCS#1 v1.5 signatures over an MD5 digest (Java's `MD5withRSA`), as LianLian Pay signs:
//! aws-lc-rs offers no MD5 scheme, so this wraps AWS-LC's `RSA_sign`/`RSA_verify` with `NID_md5`
//! (the same library every binary links for TLS; never RustCrypto's `rsa`, which has an open
//! timing side channel on private keys). Keys of 1024 bits are accepted: LianLian publishes one.
//!
//! The unsafe code is confined to this file: each key owns one `RSA*`, freed on drop; AWS-LC's
//! RSA objects are safe to use from several threads at once for signing and verifying.

use super::pem::{bare_der, pem_der, strip_whitespace};
use aws_lc_rs::digest::{digest, SHA256};
use aws_lc_sys as ffi;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::ptr::NonNull;

/// MD5 digests are 16 bytes.
const MD5_LENGTH: usize = 16;
/// Keys below this are refused even for verifying.
const MIN_BITS: u32 = 1024;

/// One owned AWS-LC `RSA` object.
struct Rsa(NonNull<ffi::RSA>);

// SAFETY: the pointer is owned (freed once, on drop) and AWS-LC's RSA operations used here
// (`RSA_sign`, `RSA_verify`, `RSA_size`, `RSA_bits`) are thread-safe on a shared key.
unsafe impl Send for Rsa {}
unsafe impl Sync for Rsa {}

impl Drop for Rsa {
    fn drop(&mut self) {
        // SAFETY: the pointer came from AWS-LC's parser and is freed only here.
        unsafe { ffi::RSA_free(self.0.as_ptr()) }
    }
}

impl Rsa {
    /// An RSA key from PKCS#8 or SubjectPublicKeyInfo DER (`EVP_parse_*`), or PKCS#1 DER.
    fn parse(der: &[u8], private: bool) -> Result<Rsa, String> {
        let from_envelope = {
            // SAFETY: `cbs` reads `der`, which outlives the call; the EVP_PKEY is freed here and
            // `EVP_PKEY_get1_RSA` returns a reference of its own.
            unsafe {
                let mut cbs = std::mem::zeroed::<ffi::CBS>();
                ffi::CBS_init(&mut cbs, der.as_ptr(), der.len());
                let key =
                    if private { ffi::EVP_parse_private_key(&mut cbs) } else { ffi::EVP_parse_public_key(&mut cbs) };
                let rsa = if key.is_null() { std::ptr::null_mut() } else { ffi::EVP_PKEY_get1_RSA(key) };
                if !key.is_null() {
                    ffi::EVP_PKEY_free(key);
                }
                rsa
            }
        };
        let rsa = if from_envelope.is_null() {
            // SAFETY: reads `der` only; returns an owned RSA or null.
            unsafe {
                if private {
                    ffi::RSA_private_key_from_bytes(der.as_ptr(), der.len())
                } else {
                    ffi::RSA_public_key_from_bytes(der.as_ptr(), der.len())
                }
            }
        } else {
            from_envelope
        };
        // SAFETY: clears this thread's error queue left by a failed parse.
        unsafe { ffi::ERR_clear_error() };
        let rsa = NonNull::new(rsa).map(Rsa).ok_or_else(|| "not an RSA key in DER".to_string())?;
        // SAFETY: `rsa` is a valid key.
        let bits = unsafe { ffi::RSA_bits(rsa.0.as_ptr()) };
        if bits < MIN_BITS {
            return Err(format!("an RSA key of {bits} bits; at least {MIN_BITS} are needed"));
        }
        Ok(rsa)
    }

    fn size(&self) -> usize {
        // SAFETY: a valid key.
        unsafe { ffi::RSA_size(self.0.as_ptr()) as usize }
    }
}

fn md5(content: &[u8]) -> [u8; MD5_LENGTH] {
    let mut out = [0u8; MD5_LENGTH];
    // SAFETY: writes exactly MD5_LENGTH bytes into `out`.
    unsafe { ffi::MD5(content.as_ptr(), content.len(), out.as_mut_ptr()) };
    out
}

/// The DER of a key given as PEM (with any of `labels`) or as bare base64.
fn key_der(text: &str, labels: &[&str], what: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    match labels.iter().find_map(|label| pem_der(text, label)) {
        Some(der) => der,
        None => bare_der(text, what),
    }
}

/// A private key that signs `MD5withRSA` (the merchant's, 1024 or 2048 bits).
pub struct Md5RsaSigningKey {
    rsa: Rsa,
    /// A fingerprint of the public half, to tell keys apart in messages without printing them.
    fingerprint: String,
}

impl std::fmt::Debug for Md5RsaSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Md5RsaSigningKey({})", self.fingerprint)
    }
}

impl Md5RsaSigningKey {
    /// PKCS#8 or PKCS#1 PEM, or the bare base64 of either's DER.
    pub fn from_text(text: &str) -> Result<Md5RsaSigningKey, String> {
        let der = key_der(text, &["PRIVATE KEY", "RSA PRIVATE KEY"], "the private key")?;
        let rsa = Rsa::parse(&der, true).map_err(|error| format!("private key: {error}"))?;
        let fingerprint = hex::encode(&digest(&SHA256, &der).as_ref()[..4]);
        Ok(Md5RsaSigningKey { rsa, fingerprint })
    }

    /// The base64 `MD5withRSA` signature of `content`.
    pub fn sign_base64(&self, content: &[u8]) -> Result<String, String> {
        let digest = md5(content);
        let mut signature = vec![0u8; self.rsa.size()];
        let mut length: std::os::raw::c_uint = 0;
        // SAFETY: `signature` has RSA_size bytes, which RSA_sign writes at most; `length` receives
        // how many it wrote.
        let signed = unsafe {
            ffi::RSA_sign(
                ffi::NID_md5,
                digest.as_ptr(),
                digest.len(),
                signature.as_mut_ptr(),
                &mut length,
                self.rsa.0.as_ptr(),
            )
        };
        if signed != 1 {
            // SAFETY: clears this thread's error queue.
            unsafe { ffi::ERR_clear_error() };
            return Err("MD5withRSA signing failed".into());
        }
        signature.truncate(length as usize);
        Ok(STANDARD.encode(signature))
    }
}

/// A public key that verifies `MD5withRSA` (LianLian's, which is 1024 bits).
pub struct Md5RsaVerifyingKey(Rsa);

impl Md5RsaVerifyingKey {
    /// SubjectPublicKeyInfo or PKCS#1 PEM, or the bare base64 of either's DER.
    pub fn from_text(text: &str) -> Result<Md5RsaVerifyingKey, String> {
        let der = key_der(text, &["PUBLIC KEY", "RSA PUBLIC KEY"], "the public key")?;
        Rsa::parse(&der, false).map(Md5RsaVerifyingKey).map_err(|error| format!("public key: {error}"))
    }

    /// Whether `signature_base64` is this key's `MD5withRSA` signature of `content`.
    pub fn verify_base64(&self, content: &[u8], signature_base64: &str) -> bool {
        let Ok(signature) = STANDARD.decode(strip_whitespace(signature_base64)) else { return false };
        let digest = md5(content);
        // SAFETY: reads `digest` and `signature` within their lengths.
        let verified = unsafe {
            ffi::RSA_verify(
                ffi::NID_md5,
                digest.as_ptr(),
                digest.len(),
                signature.as_ptr(),
                signature.len(),
                self.0 .0.as_ptr(),
            )
        };
        if verified != 1 {
            // SAFETY: clears this thread's error queue.
            unsafe { ffi::ERR_clear_error() };
        }
        verified == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = include_str!("testdata/message.txt");

    /// Signatures made by `openssl dgst -md5 -sign` (Java's `MD5withRSA` is the same scheme).
    #[test]
    fn signatures_are_the_known_answers_for_1024_and_2048_bit_keys() {
        for (private, public, expected) in [
            (
                include_str!("testdata/kat-1024-pkcs8.pem"),
                include_str!("testdata/kat-1024-public.pem"),
                include_str!("testdata/kat-1024-signature.b64"),
            ),
            (
                include_str!("testdata/kat-1024-pkcs1.pem"),
                include_str!("testdata/kat-1024-public.pem"),
                include_str!("testdata/kat-1024-signature.b64"),
            ),
            (
                include_str!("testdata/kat-2048-pkcs8.pem"),
                include_str!("testdata/kat-2048-public.pem"),
                include_str!("testdata/kat-2048-signature.b64"),
            ),
        ] {
            let key = Md5RsaSigningKey::from_text(private).expect("a private key");
            assert_eq!(key.sign_base64(MESSAGE.as_bytes()).expect("signs"), expected.trim());
            let public = Md5RsaVerifyingKey::from_text(public).expect("a public key");
            assert!(public.verify_base64(MESSAGE.as_bytes(), expected));
            assert!(!public.verify_base64(b"another message", expected), "another message");
            assert!(!public.verify_base64(MESSAGE.as_bytes(), "bm90IGEgc2lnbmF0dXJl"), "another signature");
            assert!(!public.verify_base64(MESSAGE.as_bytes(), "%%%"), "not base64");
        }
    }

    #[test]
    fn a_key_reads_from_pem_or_bare_base64_and_another_key_does_not_verify() {
        let public_pem = include_str!("testdata/kat-1024-public.pem");
        let bare: String = public_pem.lines().filter(|line| !line.starts_with("-----")).collect();
        let signature = include_str!("testdata/kat-1024-signature.b64");
        assert!(Md5RsaVerifyingKey::from_text(&bare)
            .expect("bare base64")
            .verify_base64(MESSAGE.as_bytes(), signature));
        let other = Md5RsaVerifyingKey::from_text(include_str!("testdata/kat-2048-public.pem")).unwrap();
        assert!(!other.verify_base64(MESSAGE.as_bytes(), signature), "signed with another key");
        assert!(Md5RsaSigningKey::from_text("not a key").is_err());
        assert!(Md5RsaVerifyingKey::from_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
        let key = Md5RsaSigningKey::from_text(include_str!("testdata/kat-1024-pkcs8.pem")).unwrap();
        assert!(!format!("{key:?}").contains("MII"), "a key is never printed");
    }
}
