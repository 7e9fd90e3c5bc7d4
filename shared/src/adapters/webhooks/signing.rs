//! Standard Webhooks 1.0 signatures: `webhook-signature: v1,<base64 HMAC-SHA256(key,
//! "{id}.{timestamp}.{body}")>`, one entry per secret, separated by spaces. A secret is `whsec_`
//! and the base64 of its key bytes, as the `standardwebhooks` libraries read it.

use aws_lc_rs::hmac;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const SECRET_PREFIX: &str = "whsec_";
/// Key bytes of a new secret (the specification asks for at least 24).
const SECRET_BYTES: usize = 32;

/// A new secret from the operating system's random source (through AWS-LC).
pub fn generate_secret() -> Result<String, String> {
    let mut key = [0u8; SECRET_BYTES];
    aws_lc_rs::rand::fill(&mut key).map_err(|_| "no random bytes for a webhook secret".to_string())?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// The key bytes of a secret.
fn key_bytes(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    STANDARD.decode(encoded).map_err(|_| "a webhook secret is not base64".to_string())
}

/// The `webhook-signature` header value for `body` sent as event `id` at `timestamp` (Unix
/// seconds), signed with each of `secrets`.
pub fn signature_header(secrets: &[&str], id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let signed = format!("{id}.{timestamp}.{body}");
    let mut entries = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &key_bytes(secret)?);
        entries.push(format!("v1,{}", STANDARD.encode(hmac::sign(&key, signed.as_bytes()).as_ref())));
    }
    Ok(entries.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_specification_example_does() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let header = signature_header(&[secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(header, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_new_secret_has_enough_key_bytes_and_two_secrets_sign_twice() {
        let secret = generate_secret().unwrap();
        assert!(secret.starts_with("whsec_"));
        assert!(key_bytes(&secret).unwrap().len() >= 24);
        assert_ne!(secret, generate_secret().unwrap());
        let both = signature_header(&[&secret, &generate_secret().unwrap()], "evt_1", 1, "{}").unwrap();
        assert_eq!(both.split(' ').filter(|entry| entry.starts_with("v1,")).count(), 2);
    }
}
