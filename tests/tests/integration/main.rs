//! The integration tests, one module per feature, in one test binary: every binary links the
//! whole dependency graph again, so one crate links once (nextest still runs each test in a
//! process of its own).

mod after_sales;
mod authorization;
mod capacity;
mod checkout;
mod concurrency;
mod events;
mod faults;
mod hostile_input;
mod lambda_environment;
mod lianlian;
mod metrics;
mod migration;
mod orders_flow;
mod outage;
mod payment_and_fulfilment;
mod points_password;
mod round_trips;
mod secrets;
mod security;
mod shards;
mod stock;
mod use_cases;
mod validation;
mod webhooks;
mod wxpay;
