//! The common crate of the order service: domain (order, money, state machine), the DynamoDB
//! store, and the HTTP plumbing every function shares.

pub mod address;
pub mod alipay;
pub mod catalog;
pub mod checkout;
pub mod config;
pub mod cursor;
pub mod error;
pub mod http;
pub mod listing;
pub mod money;
pub mod ops;
pub mod order;
pub mod order_no;
pub mod requests;
pub mod runtime;
pub mod state;
pub mod store;
pub mod sweep;
pub mod time;
pub mod tls;
pub mod view;

pub use error::{ApiError, Lang};
pub use lambda_http;
pub use tracing;
