//! The use cases: what a route or a schedule does, as plain async functions taking the `App`
//! (the dependencies, built once per process) and domain values. Handlers parse, call one of
//! these, and render the result.

pub mod address_book;
pub mod after_sales;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod freight;
pub mod listing;
pub mod members;
pub mod orders;
pub mod payment;
pub mod points;
pub mod provider;
pub mod sweep;

use crate::adapters::alipay::AlipayConfig;
use crate::adapters::config::Config;
use crate::adapters::store::Store;
use crate::adapters::wxpay::WxpayConfig;
use crate::error::ApiError;
use std::sync::Arc;

/// The dependencies a use case needs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    pub config: Arc<Config>,
    /// Alipay merchant settings, where configured.
    pub alipay: Option<Arc<AlipayConfig>>,
    /// WeChat Pay merchant settings, where configured.
    pub wxpay: Option<Arc<WxpayConfig>>,
}

impl App {
    pub fn new(client: aws_sdk_dynamodb::Client, config: Config) -> App {
        App {
            store: Store::new(client, config.table_name.clone()),
            config: Arc::new(config),
            alipay: None,
            wxpay: None,
        }
    }

    pub fn with_alipay(mut self, alipay: AlipayConfig) -> App {
        self.alipay = Some(Arc::new(alipay));
        self
    }

    pub fn with_wxpay(mut self, wxpay: WxpayConfig) -> App {
        self.wxpay = Some(Arc::new(wxpay));
        self
    }

    /// The WeChat Pay settings, or a 500 that says what is missing.
    pub fn wxpay(&self) -> Result<&WxpayConfig, ApiError> {
        self.wxpay.as_deref().ok_or_else(|| ApiError::Internal("WXPAY_MCH_ID and its keys are not configured".into()))
    }

    /// The Alipay settings, or a 500 that says what is missing.
    pub fn alipay(&self) -> Result<&AlipayConfig, ApiError> {
        self.alipay.as_deref().ok_or_else(|| ApiError::Internal("ALIPAY_APP_ID and its keys are not configured".into()))
    }
}
