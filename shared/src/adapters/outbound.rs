//! Calls out to payment gateways: one HTTPS client per process (hyper with rustls on aws-lc,
//! the operating system's roots), built at first use so that functions that never call a gateway
//! never pay for it.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::OnceLock;
use std::time::Duration;

type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

static CLIENT: OnceLock<Result<Client<Https, Full<Bytes>>, String>> = OnceLock::new();

fn client() -> Result<&'static Client<Https, Full<Bytes>>, String> {
    CLIENT
        .get_or_init(|| {
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                .map_err(|error| format!("no trust roots for HTTPS: {error}"))?
                .https_or_http()
                .enable_http1()
                .build();
            Ok(Client::builder(TokioExecutor::new()).build(connector))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Why a call has no answer to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No answer within the time allowed: the request may or may not have been acted on.
    Timeout,
    /// The request could not be sent or the answer not read.
    Transport(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Timeout => write!(f, "no answer in time"),
            CallError::Transport(why) => write!(f, "{why}"),
        }
    }
}

/// A gateway's whole answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: lambda_http::http::HeaderMap,
    pub body: Bytes,
}

/// Sends `method url` with `headers` and `body` and reads the whole answer within `timeout`.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
    timeout: Duration,
) -> Result<Answer, CallError> {
    let client = client().map_err(CallError::Transport)?;
    let mut request = lambda_http::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|error| CallError::Transport(format!("bad request to {url}: {error}")))?;
    let call = async {
        let answer = client.request(request).await.map_err(|error| CallError::Transport(format!("{error}")))?;
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let body = answer.into_body().collect().await.map_err(|error| CallError::Transport(format!("{error}")))?;
        Ok(Answer { status, headers, body: body.to_bytes() })
    };
    tokio::time::timeout(timeout, call).await.map_err(|_| CallError::Timeout)?
}

/// POSTs a form (`application/x-www-form-urlencoded; charset=utf-8`) and reads the whole answer:
/// (status, body), within `timeout`.
pub async fn post_form(url: &str, form: String, timeout: Duration) -> Result<(u16, Bytes), CallError> {
    let content_type = [("content-type", "application/x-www-form-urlencoded; charset=utf-8".to_string())];
    let answer = send("POST", url, &content_type, form.into_bytes(), timeout).await?;
    Ok((answer.status, answer.body))
}
