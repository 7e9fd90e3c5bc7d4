//! Alipay app payment: the RSA2 (SHA256withRSA) signed `order_string` the Alipay app SDK takes,
//! and verification of Alipay's asynchronous notification.
//!
//! By concern: `config` (the merchant's settings), `sign` (RSA2 as the open API signs), `api` (the
//! order string and the open API calls), `notify` (the notification, read and signed).

mod api;
mod config;
mod notify;
mod sign;

pub use api::{app_pay_order_string, close, query, read_refund_answer, refund, RefundAnswer, RefundCall};
pub use config::{
    gateway_from_env, AlipayConfig, DEFAULT_GATEWAY_URL, NOTIFY_PATH, NOTIFY_URL_VARIABLE, SECRET_ALIPAY_KEY_FIELD,
    SECRET_APP_KEY_FIELD,
};
pub use notify::{sign_notification, verify_notification, Notification};
pub use sign::{parse_alipay_time, rsa2_sign, sign_answer, signed_call, signing_content, verify_call};
