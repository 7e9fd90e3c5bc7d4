//! Where a webhook may be sent. An endpoint is a server-side request forgery risk: its URL must be
//! `https` and its host must resolve only to public addresses, checked when it is saved and again
//! by the connector's resolver at every connection (DNS may change between the two). Loopback
//! (and `http` to it) is allowed only where `WEBHOOK_ALLOW_LOOPBACK` says so (the dev server);
//! private and link-local addresses never are. Redirects are not followed.

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use lambda_http::http::Uri;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Duration;

/// How long a host name may take to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether an address is on the public internet: not loopback, private (10/8, 172.16/12,
/// 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), shared (CGNAT 100.64/10),
/// multicast, unspecified, broadcast, reserved or set aside for documentation and benchmarks.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., high, low] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low)));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00
        || (segments[0] & 0xffc0) == 0xfe80
        || (segments[0] == 0x2001 && segments[1] == 0x0db8)
        || segments[..6] == [0, 0, 0, 0, 0, 0])
}

/// Whether `addresses` may be connected to.
fn refusal(addresses: &[IpAddr], allow_loopback: bool) -> Option<String> {
    if addresses.is_empty() {
        return Some("resolves to no address".into());
    }
    let refused = addresses.iter().find(|ip| !(is_public(**ip) || (allow_loopback && ip.is_loopback())))?;
    Some(format!("resolves to {refused}, which is not a public address"))
}

/// The URL's syntax: `https` (or `http` where loopback is allowed), a host, no user info.
pub fn parse(url: &str, allow_loopback: bool) -> Result<Uri, String> {
    let uri: Uri = url.parse().map_err(|_| "is not a URL".to_string())?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if allow_loopback => {}
        _ => return Err("must be an https URL".into()),
    }
    let authority = uri.authority().ok_or("has no host")?;
    if authority.as_str().contains('@') {
        return Err("must not carry a user name or password".into());
    }
    if authority.host().is_empty() {
        return Err("has no host".into());
    }
    Ok(uri)
}

async fn resolve(host: &str, port: u16) -> Result<Vec<IpAddr>, String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let lookup = tokio::net::lookup_host((host, port));
    let found = tokio::time::timeout(RESOLVE_TIMEOUT, lookup)
        .await
        .map_err(|_| "does not resolve in time".to_string())?
        .map_err(|error| format!("does not resolve: {error}"))?;
    Ok(found.map(|address| address.ip()).collect())
}

/// Whether a webhook may be sent to `url` now: its syntax, and where its host resolves. `http`
/// is taken only to a host that resolves to loopback alone.
pub async fn check(url: &str, allow_loopback: bool) -> Result<Uri, String> {
    let uri = parse(url, allow_loopback)?;
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("http") { 80 } else { 443 });
    let addresses = resolve(host, port).await?;
    if let Some(why) = refusal(&addresses, allow_loopback) {
        return Err(why);
    }
    if uri.scheme_str() == Some("http") && !addresses.iter().all(IpAddr::is_loopback) {
        return Err("must be an https URL (http is for loopback only)".into());
    }
    Ok(uri)
}

/// The connector's resolver: the system's answer, refused whole if any address is not public.
#[derive(Clone, Copy)]
struct PublicOnly {
    allow_loopback: bool,
}

type Resolved = Result<std::vec::IntoIter<SocketAddr>, Box<dyn std::error::Error + Send + Sync>>;

impl tower_service::Service<Name> for PublicOnly {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = Box<dyn std::error::Error + Send + Sync>;
    type Future = Pin<Box<dyn Future<Output = Resolved> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let addresses = resolve(name.as_str(), 0).await?;
            if let Some(why) = refusal(&addresses, allow_loopback) {
                return Err(format!("{} {why}", name.as_str()).into());
            }
            Ok(addresses.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect::<Vec<_>>().into_iter())
        })
    }
}

type Https = hyper_rustls::HttpsConnector<HttpConnector<PublicOnly>>;
type WebhookClient = Client<Https, Full<Bytes>>;
/// One client per process and setting (with and without loopback), built at first use.
static CLIENTS: [OnceLock<Result<WebhookClient, String>>; 2] = [OnceLock::new(), OnceLock::new()];

fn client(allow_loopback: bool) -> Result<&'static WebhookClient, String> {
    CLIENTS[usize::from(allow_loopback)]
        .get_or_init(|| {
            let mut http = HttpConnector::new_with_resolver(PublicOnly { allow_loopback });
            http.enforce_http(false);
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                .map_err(|error| format!("no trust roots for HTTPS: {error}"))?
                .https_or_http()
                .enable_http1()
                .wrap_connector(http);
            Ok(Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(connector))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// What came back from one POST: its status, or why there is none.
pub type PostResult = Result<u16, String>;

/// POSTs `body` to `url` with `headers`, within `timeout`; the answer's body is not read.
pub async fn post(
    url: &str,
    headers: &[(&str, String)],
    body: String,
    timeout: Duration,
    allow_loopback: bool,
) -> PostResult {
    let uri = parse(url, allow_loopback)?;
    // An address written as such never meets the resolver, and http must reach loopback only.
    let literal =
        uri.host().is_some_and(|host| host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok());
    if literal || uri.scheme_str() == Some("http") {
        check(url, allow_loopback).await?;
    }
    let client = client(allow_loopback)?;
    let mut request = lambda_http::http::Request::builder().method("POST").uri(uri);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(Full::new(Bytes::from(body))).map_err(|error| format!("bad request: {error}"))?;
    match tokio::time::timeout(timeout, client.request(request)).await {
        Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
        Ok(Err(error)) => Err(error_chain(&error)),
        Ok(Ok(answer)) => Ok(answer.status().as_u16()),
    }
}

/// An error with its causes, which hyper keeps apart ("client error (Connect)": why?).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "192.0.2.1",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused} is not public");
        }
        for public in ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public} is public");
        }
    }

    #[test]
    fn urls_must_be_https_with_a_host_and_no_credentials() {
        assert!(parse("https://example.com/hook", false).is_ok());
        for refused in
            ["http://example.com/hook", "ftp://example.com", "https://user:pw@example.com/", "not a url", "/relative"]
        {
            assert!(parse(refused, false).is_err(), "{refused}");
        }
        assert!(parse("http://127.0.0.1:9000/hook", true).is_ok(), "http where loopback is allowed");
    }

    #[tokio::test]
    async fn loopback_and_private_hosts_are_refused_and_loopback_only_where_allowed() {
        assert!(check("https://127.0.0.1/hook", false).await.is_err());
        assert!(check("https://[::1]/hook", false).await.is_err());
        assert!(check("https://169.254.169.254/latest/meta-data", true).await.is_err(), "never link-local");
        assert!(check("https://10.0.0.5/hook", true).await.is_err(), "never private");
        assert!(check("http://127.0.0.1:9/hook", true).await.is_ok());
        assert!(check("http://localhost:9/hook", false).await.is_err());
        assert!(check("http://8.8.8.8/hook", true).await.is_err(), "http only to loopback");
        let refused = post("https://127.0.0.1:9/", &[], String::new(), Duration::from_secs(1), false).await;
        assert!(refused.is_err_and(|why| why.contains("not a public address")));
    }
}
