//! LianLian Pay (连连支付) mobile payment, quick pay and Apple Pay, as LianLian's server SDKs do
//! it: the parameters its app SDK takes, signed `MD5withRSA` with the merchant key; notifications
//! verified with LianLian's (1024-bit) public key; the order query, refund and refund query.
//!
//! By concern: `config` (the merchant's settings), `sign` (the signature and time format), `api`
//! (the app's parameters and the calls), `notify` (notifications, read and signed), `provider`
//! (all of it behind the payment layer).

mod api;
mod config;
mod notify;
mod provider;
mod sign;

pub use api::info_order;
pub use config::{
    LianlianConfig, LianlianSettings, AP_MERCHANT_ID_VARIABLE, GATEWAY_URL_VARIABLE, NOTIFY_PATH, NOTIFY_URL_VARIABLE,
    OID_PARTNER_VARIABLE, ORDER_QUERY_URL, REFUND_NOTIFY_PATH, REFUND_NOTIFY_URL_VARIABLE, REFUND_QUERY_URL,
    REFUND_URL, SECRET_PRIVATE_KEY_FIELD, SECRET_PUBLIC_KEY_FIELD, TIMEOUT_VARIABLE, WARE_CATEGORY_VARIABLE,
};
pub use notify::sign_notification;
pub use sign::{check_signature, lianlian_time, params_of, signed, signing_content, to_json, Params};
