//! The outside world: HTTP, DynamoDB, the payment providers (Alipay, WeChat Pay, LianLian Pay),
//! configuration, the Lambda runtime.

pub mod alipay;
pub mod aws;
pub mod config;
pub mod crypto;
pub mod cursor;
pub mod events;
pub mod http;
pub mod lianlian;
pub mod metrics;
pub mod outbound;
pub mod providers;
pub mod runtime;
pub mod secrets;
pub mod store;
pub mod store_time;
pub mod tls;
pub mod webhooks;
pub mod wxpay;
