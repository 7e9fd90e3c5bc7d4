//! The business as pure code: what an order is, how it moves, how it is priced and counted.

pub mod address;
pub mod cart;
pub mod catalog;
pub mod counters;
pub mod events;
pub mod freight;
pub mod idempotency;
pub mod member;
pub mod money;
pub mod order;
pub mod order_no;
pub mod party;
pub mod pay_password;
pub mod payment;
pub mod pricing;
pub mod refund;
pub mod state;
pub mod stock_shards;
pub mod text;
pub mod time;
pub mod webhooks;
