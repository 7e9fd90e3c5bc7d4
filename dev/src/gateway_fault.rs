//! What the stand-in gateways can be scripted to do wrong with the next refund calls, and how each
//! fault ends a call, the same for every provider.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Something to go wrong with the next refund call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A business refusal with this code (Alipay's sub_code, WeChat Pay's code, LianLian's
    /// ret_code); nothing is paid.
    Refuse(&'static str),
    /// The provider's system error (try again); nothing is paid.
    SystemError,
    /// HTTP 502 without an answer; `paid` says whether the refund happened first.
    BadGateway { paid: bool },
    /// No answer for this long (longer than the caller waits); `paid` likewise.
    Stall { paid: bool, for_: Duration },
    /// Pays, then answers with a signature that does not verify.
    BadSignature,
}

impl Fault {
    /// Whether the refund is taken before the fault strikes.
    pub fn takes_the_refund(fault: Option<&Fault>) -> bool {
        !matches!(fault, Some(Fault::BadGateway { paid: false } | Fault::Stall { paid: false, .. }))
    }

    /// The answer that replaces the gateway's own, when the fault loses it.
    pub async fn lost_answer(fault: Option<&Fault>) -> Option<Response> {
        match fault {
            Some(Fault::BadGateway { .. }) => Some((StatusCode::BAD_GATEWAY, "bad gateway").into_response()),
            Some(Fault::Stall { for_, .. }) => {
                tokio::time::sleep(*for_).await;
                Some((StatusCode::GATEWAY_TIMEOUT, "stalled").into_response())
            }
            _ => None,
        }
    }
}
