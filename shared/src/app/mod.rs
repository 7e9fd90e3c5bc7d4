//! The use cases: what a route or a schedule does, as plain async functions taking the `App`
//! (the dependencies, built once per process) and domain values. Handlers parse, call one of
//! these, and render the result.

pub mod address_book;
pub mod after_sales;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod deliveries;
pub mod events;
pub mod freight;
pub mod listing;
pub mod members;
pub mod orders;
pub mod payment;
pub mod points;
pub mod provider;
pub mod shops;
pub mod sweep;
pub mod webhooks;

use crate::adapters::config::Config;
use crate::adapters::events::bus::EventBus;
use crate::adapters::store::Store;
use crate::app::provider::{PaymentProvider, PaymentProviders};
use crate::domain::payment::PaymentChannel;
use crate::error::ApiError;
use std::sync::Arc;

/// The dependencies a use case needs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    pub config: Arc<Config>,
    /// The payment providers this function has, by channel (points always).
    pub providers: PaymentProviders,
    /// The event bus order events go to, when `EVENT_BUS_NAME` names one.
    pub bus: Option<EventBus>,
    /// Shops' settings as this process last read them.
    pub shop_settings: Arc<shops::ShopSettings>,
}

impl App {
    pub fn new(client: aws_sdk_dynamodb::Client, config: Config) -> App {
        App {
            store: Store::new(client, config.table_name.clone()),
            config: Arc::new(config),
            providers: PaymentProviders::points_only(),
            bus: None,
            shop_settings: Arc::default(),
        }
    }

    /// The same dependencies with `provider` serving `channel`.
    pub fn with_provider(mut self, channel: PaymentChannel, provider: Arc<dyn PaymentProvider>) -> App {
        self.providers = self.providers.with(channel, provider);
        self
    }

    /// The provider of `channel`, or a 500 saying it is not configured here.
    pub fn provider(&self, channel: PaymentChannel) -> Result<&dyn PaymentProvider, ApiError> {
        self.providers.get(channel)
    }
}
