//! Which certificate authorities the DynamoDB client trusts.
//!
//! The SDK's default HTTPS client reads and parses the whole system trust store while the client
//! is built (on Debian the bundle plus every file in `/etc/ssl/certs`), which was most of our
//! cold start (docs/benchmarks.md). DynamoDB's endpoints in the standard `aws` partition carry
//! certificates from Amazon Trust Services, so there we trust only its five roots, embedded in
//! the binary: nothing to read, five certificates to parse. Everywhere we cannot vouch for the
//! endpoint's issuer (China, GovCloud, other partitions, an HTTPS endpoint of your own, a trust
//! store chosen with `SSL_CERT_FILE`/`SSL_CERT_DIR`) the system store is used as before.
//! `ORDERS_TLS_ROOTS=system|amazon` overrides the choice.

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// Amazon Root CA 1–4 and Starfield Services Root CA G2, as published at
/// <https://www.amazontrust.com/repository/> (valid until 2037–2040).
pub const AMAZON_TRUST_SERVICES_ROOTS: &str = include_str!("../../certs/amazon-trust-services.pem");

/// The environment variable that overrides the choice.
pub const TRUST_ROOTS_VAR: &str = "ORDERS_TLS_ROOTS";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustRoots {
    /// The five Amazon Trust Services roots embedded in the binary.
    AmazonTrustServices,
    /// The operating system's store (the SDK's default).
    System,
}

/// Chooses the roots from the environment (`var` reads one variable).
pub fn choose(var: impl Fn(&str) -> Option<String>) -> Result<TrustRoots, String> {
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    match set(TRUST_ROOTS_VAR).as_deref() {
        Some("amazon") => return Ok(TrustRoots::AmazonTrustServices),
        Some("system") => return Ok(TrustRoots::System),
        Some(other) => return Err(format!("{TRUST_ROOTS_VAR} must be \"amazon\" or \"system\", got {other:?}")),
        None => {}
    }
    if set("SSL_CERT_FILE").is_some() || set("SSL_CERT_DIR").is_some() {
        return Ok(TrustRoots::System);
    }
    // An endpoint of your own: over plain HTTP (DynamoDB Local) no certificate is checked, so the
    // cheap store does; over HTTPS its issuer is unknown.
    if let Some(endpoint) = set("AWS_ENDPOINT_URL_DYNAMODB").or_else(|| set("AWS_ENDPOINT_URL")) {
        return Ok(if endpoint.starts_with("http://") { TrustRoots::AmazonTrustServices } else { TrustRoots::System });
    }
    match set("AWS_REGION").or_else(|| set("AWS_DEFAULT_REGION")) {
        Some(region) if in_standard_partition(&region) => Ok(TrustRoots::AmazonTrustServices),
        _ => Ok(TrustRoots::System),
    }
}

/// Whether `region` belongs to the standard `aws` partition (the SDK's own pattern for it:
/// `^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`). `us-gov-west-1`, `cn-north-1`, `us-iso-east-1`
/// and the sovereign partitions do not match.
pub fn in_standard_partition(region: &str) -> bool {
    const AREAS: [&str; 9] = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"];
    let parts: Vec<&str> = region.split('-').collect();
    match parts.as_slice() {
        [area, name, number] => {
            AREAS.contains(area)
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// The HTTPS client for `roots`, or `None` for the SDK's default (the system store).
pub fn https_client(roots: TrustRoots) -> Option<SharedHttpClient> {
    match roots {
        TrustRoots::System => None,
        TrustRoots::AmazonTrustServices => {
            let store = TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES_ROOTS.as_bytes());
            // Building a context from a trust store only fails for options we do not set.
            let context = TlsContext::builder().with_trust_store(store).build().ok()?;
            Some(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
                    .tls_context(context)
                    .build_https(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn choose_with(pairs: &[(&str, &str)]) -> Result<TrustRoots, String> {
        let vars: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        choose(|name| vars.get(name).cloned())
    }

    #[test]
    fn standard_regions_use_the_embedded_roots() {
        for region in ["us-east-1", "eu-central-2", "ap-southeast-5", "me-central-1", "il-central-1", "mx-central-1"] {
            assert_eq!(choose_with(&[("AWS_REGION", region)]), Ok(TrustRoots::AmazonTrustServices), "{region}");
        }
    }

    #[test]
    fn other_partitions_and_unknown_regions_use_the_system_store() {
        for region in [
            "cn-north-1",
            "cn-northwest-1",
            "us-gov-west-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eusc-de-east-1",
            "local",
            "",
        ] {
            assert_eq!(choose_with(&[("AWS_REGION", region)]), Ok(TrustRoots::System), "{region}");
        }
        assert_eq!(choose_with(&[]), Ok(TrustRoots::System));
        assert_eq!(choose_with(&[("AWS_DEFAULT_REGION", "eu-west-1")]), Ok(TrustRoots::AmazonTrustServices));
    }

    #[test]
    fn a_chosen_system_store_or_an_https_endpoint_keeps_the_system_store() {
        let region = ("AWS_REGION", "us-east-1");
        assert_eq!(choose_with(&[region, ("SSL_CERT_FILE", "/etc/my-ca.pem")]), Ok(TrustRoots::System));
        assert_eq!(choose_with(&[region, ("SSL_CERT_DIR", "/etc/my-certs")]), Ok(TrustRoots::System));
        assert_eq!(
            choose_with(&[region, ("AWS_ENDPOINT_URL_DYNAMODB", "https://ddb.internal")]),
            Ok(TrustRoots::System)
        );
        assert_eq!(choose_with(&[region, ("AWS_ENDPOINT_URL", "https://proxy.internal")]), Ok(TrustRoots::System));
        assert_eq!(
            choose_with(&[("AWS_REGION", "cn-north-1"), ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")]),
            Ok(TrustRoots::AmazonTrustServices)
        );
    }

    #[test]
    fn the_override_wins_and_is_checked() {
        assert_eq!(choose_with(&[("AWS_REGION", "us-east-1"), (TRUST_ROOTS_VAR, "system")]), Ok(TrustRoots::System));
        assert_eq!(
            choose_with(&[("AWS_REGION", "cn-north-1"), (TRUST_ROOTS_VAR, "amazon")]),
            Ok(TrustRoots::AmazonTrustServices)
        );
        let error = choose_with(&[(TRUST_ROOTS_VAR, "mozilla")]).unwrap_err();
        assert!(error.contains(TRUST_ROOTS_VAR), "{error}");
    }

    #[test]
    fn the_embedded_roots_are_the_five_amazon_trust_services_certificates() {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::CertificateDer;
        let certificates: Vec<CertificateDer> = CertificateDer::pem_slice_iter(AMAZON_TRUST_SERVICES_ROOTS.as_bytes())
            .collect::<Result<_, _>>()
            .expect("the embedded PEM parses");
        assert_eq!(certificates.len(), 5);
        for certificate in &certificates {
            webpki::anchor_from_trusted_cert(certificate).expect("each certificate is a usable trust anchor");
        }
    }

    #[tokio::test]
    async fn a_client_builds_with_the_embedded_roots() {
        // The SDK parses the store while the client is built and panics on a bad certificate.
        let http = https_client(TrustRoots::AmazonTrustServices).expect("an HTTPS client");
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .http_client(http)
            .build();
        let _client = aws_sdk_dynamodb::Client::from_conf(config);
    }
}
