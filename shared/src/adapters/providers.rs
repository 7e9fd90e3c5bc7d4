//! The registry's one arm per channel: which provider serves it, from the environment. Adding a
//! provider is its adapter module, a `PaymentChannel` variant and an arm here.

use crate::adapters::alipay::AlipayConfig;
use crate::adapters::lianlian::LianlianConfig;
use crate::adapters::wxpay::WxpayConfig;
use crate::app::provider::{PaymentProvider, PaymentProviders, Points};
use crate::domain::payment::PaymentChannel;
use std::sync::Arc;

/// The provider of `channel` as this function's environment configures it; none when it is off.
pub fn provider_from_env(channel: PaymentChannel) -> Result<Option<Arc<dyn PaymentProvider>>, String> {
    fn shared<P: PaymentProvider + 'static>(provider: Option<P>) -> Option<Arc<dyn PaymentProvider>> {
        provider.map(|provider| Arc::new(provider) as Arc<dyn PaymentProvider>)
    }
    Ok(match channel {
        PaymentChannel::Alipay => shared(AlipayConfig::from_env()?),
        PaymentChannel::Wxpay => shared(WxpayConfig::from_env()?),
        PaymentChannel::Lianlian => shared(LianlianConfig::from_env()?),
        PaymentChannel::Points => shared(Some(Points)),
    })
}

/// Every provider the environment configures.
pub fn providers_from_env() -> Result<PaymentProviders, String> {
    let mut providers = PaymentProviders::default();
    for channel in PaymentChannel::ALL {
        if let Some(provider) = provider_from_env(channel)? {
            providers = providers.with(channel, provider);
        }
    }
    Ok(providers)
}
