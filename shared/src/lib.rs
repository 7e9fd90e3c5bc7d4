//! The common crate of the order service, in three layers that only depend downwards:
//!
//! - `domain`: the business as pure code: money, orders and their state machine, counters,
//!   the catalog and pricing. No DynamoDB, no HTTP.
//! - `app`: the use cases a route or a schedule runs (place an order, start a payment, record a
//!   notification, change an order's state, list orders, sweep deadlines), each taking the
//!   `App` (its dependencies) and domain values.
//! - `adapters`: the outside world: HTTP (envelope, claims, bodies, views, cursors), the
//!   DynamoDB store, Alipay, configuration and the Lambda runtime.
//!
//! `error` is shared by all three: every failure and its envelope code, in one place. `samples`
//! holds the example values the demo shop, the tests and the benchmark share.

pub mod adapters;
pub mod app;
pub mod domain;
pub mod error;
pub mod samples;

pub use adapters::http;
pub use app::App;
pub use error::{ApiError, Lang};
pub use lambda_http;
pub use tracing;
