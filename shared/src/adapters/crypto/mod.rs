//! Cryptography, all through aws-lc-rs and AWS-LC (already in every binary for TLS): RSA with
//! SHA-256 (Alipay's RSA2, WeChat Pay), RSA with MD5 (LianLian's `MD5withRSA`), and the points
//! password's argon2id hash. Keys are read from PEM or the bare base64 payment consoles show.

mod md5_rsa;
mod password;
mod pem;
mod rsa_sha256;

pub use md5_rsa::{Md5RsaSigningKey, Md5RsaVerifyingKey};
pub use password::{hash_password, password_matches};
pub use rsa_sha256::{SigningKey, VerifyingKey};
