//! Alipay app payment: the RSA2 (SHA256withRSA) signed `order_string` the Alipay app SDK takes,
//! verification of Alipay's asynchronous notification, and the open API's query, close and refund.
//!
//! By concern: `config` (the merchant's settings), `sign` (RSA2 as the open API signs), `api` (the
//! order string and the open API calls), `notify` (the notification, read and signed), `provider`
//! (all of it behind the payment layer).

mod api;
mod config;
mod notify;
mod provider;
mod sign;

pub use config::{
    AlipayConfig, DEFAULT_GATEWAY_URL, GATEWAY_URL_VARIABLE, NOTIFY_PATH, NOTIFY_URL_VARIABLE, SECRET_ALIPAY_KEY_FIELD,
    SECRET_APP_KEY_FIELD, TIMEOUT_VARIABLE,
};
pub use notify::{sign_notification, Notification};
pub use sign::{parse_alipay_time, passback, rsa2_sign, sign_answer, signed_call, signing_content, verify_call};
