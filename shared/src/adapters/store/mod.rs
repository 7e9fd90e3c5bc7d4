//! The DynamoDB store: one table, the layout of `keys`. Each request makes the fewest round
//! trips: reads are one GetItem/Query/BatchGetItem, state changes one conditional write or one
//! TransactWriteItems.

//!
//! By concern: `orders` (an order, its number claim, finding and changing it), `queries` (lists
//! and the due index), `counters`, `points`, `checkout` (the create transaction with stock and
//! the idempotency record), `skus` (listings and stock moves), `addresses`, `import` (bulk loading
//! for the benchmark) and `migrations` (one-time conversions, run by hand). `keys` is the layout.

mod addresses;
mod cart;
mod checkout;
mod counters;
mod deliveries;
mod document;
mod document_migration;
mod freight;
mod import;
pub mod keys;
mod members;
mod migrations;
mod order_item;
mod orders;
mod points;
mod queries;
mod return_address;
mod skus;
mod stock_shards;
mod table;
mod tracking;
mod webhooks;

pub use addresses::AddressBook;
pub use cart::CartWrite;
pub use checkout::{CheckoutReads, CheckoutWants, CreateOutcome, IdempotencyClaim, ShopReads};
pub use counters::Counts;
pub use document_migration::{legacy_order_item, DocumentMigration};
pub use freight::{FreightRefusal, ShopFreight};
pub use migrations::StockMigration;
pub(crate) use order_item::order_from_item;
pub use orders::CommitError;
pub use queries::{OrderPage, OrderQuery, Partition, MAX_QUERY_PAGES};
pub use stock_shards::{SpreadOutcome, StockSpread};
pub use table::{CallCounter, Item, Store};
