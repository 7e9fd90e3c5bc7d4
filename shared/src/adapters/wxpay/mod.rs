//! WeChat Pay API v3 (app payments), as its documentation and official SDKs do it: requests carry
//! `Authorization: WECHATPAY2-SHA256-RSA2048 ...` (SHA256withRSA with the merchant key over
//! `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`); answers and notifications are verified with
//! the WeChat Pay public key whose id is in `Wechatpay-Serial` (over `TIMESTAMP\nNONCE\nBODY\n`);
//! notification resources are AEAD_AES_256_GCM with the APIv3 key. All crypto is aws-lc-rs.
//!
//! By concern: `config` (the merchant's settings), `sign` (the protocol's signatures and
//! encryption), `api` (the calls), `notify` (notifications, read and built), `provider` (all of it behind the payment layer).

mod api;
mod config;
mod notify;
mod provider;
mod sign;

pub use api::{attach_of_buyer, AppPayParams, Transaction, TransactionAmount};
pub use config::{
    ApiV3Key, MerchantIds, WxpayConfig, DEFAULT_GATEWAY_URL, GATEWAY_URL_VARIABLE, NOTIFY_PATH, NOTIFY_URL_VARIABLE,
    REFUND_NOTIFY_PATH, REFUND_NOTIFY_URL_VARIABLE, SECRET_APIV3_KEY_FIELD, SECRET_MCH_KEY_FIELD,
    SECRET_PUBLIC_KEY_FIELD, TIMEOUT_VARIABLE,
};
pub use notify::{build_notification, build_notification_with_nonce, Envelope, Notification, RefundResource, Resource};
pub use sign::{
    answer_message, authorization, beijing_rfc3339, nonce, parse_authorization, request_message, unix_seconds,
    verify_signed, AuthorizationParts, SignedHeaders, MAX_SKEW_SECONDS, SCHEME,
};
