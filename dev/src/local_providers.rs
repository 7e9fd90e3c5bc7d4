//! Each payment provider as `make dev` runs it: the provider's own settings when its variables
//! are set (the functions get them too), else dev keys under `.data/<provider>/` and a stand-in
//! gateway this server serves, so that a whole money flow runs on a laptop. One function per
//! provider, one arm per channel.

use crate::lianlian_keys::{self, MerchantKey};
use crate::{alipay_gateway, alipay_keys, lianlian_gateway, wxpay_gateway, wxpay_keys};
use orders_shared::adapters::alipay::{self, AlipayConfig};
use orders_shared::adapters::config::{self, timeout_var};
use orders_shared::adapters::lianlian::{self, LianlianConfig, LianlianSettings};
use orders_shared::adapters::wxpay::{self, ApiV3Key, WxpayConfig};
use orders_shared::app::provider::PaymentProvider;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::App;
use std::path::Path;
use std::sync::Arc;

/// Builds a stand-in's routes once the `App` exists (the Alipay stand-in reads the orders).
pub type StandInRoutes = Box<dyn FnOnce(&App) -> axum::Router + Send>;

/// One provider, ready for the dev server.
pub struct LocalProvider {
    pub channel: PaymentChannel,
    pub provider: Arc<dyn PaymentProvider>,
    /// The variables the functions get under `cargo lambda watch`.
    pub lambda_env: Vec<(String, String)>,
    /// The stand-in gateway's routes, when it plays the provider.
    pub stand_in: Option<StandInRoutes>,
    /// What the dev server prints about it.
    pub notes: Vec<String>,
}

/// Where the dev server runs.
pub struct Local<'a> {
    pub data: &'a Path,
    pub port: u16,
    /// `PAYMENT_NOTIFY_BASE_URL`: where providers call back.
    pub notify_base: &'a str,
}

impl Local<'_> {
    fn stand_in_url(&self, prefix: &str) -> String {
        format!("http://127.0.0.1:{}{prefix}", self.port)
    }
}

/// `channel` as the dev server runs it; none for points (no provider to configure).
pub async fn local_provider(channel: PaymentChannel, local: &Local<'_>) -> Result<Option<LocalProvider>, String> {
    Ok(Some(match channel {
        PaymentChannel::Alipay => alipay(local).await?,
        PaymentChannel::Wxpay => wxpay(local).await?,
        PaymentChannel::Lianlian => lianlian(local)?,
        PaymentChannel::Points => return Ok(None),
    }))
}

/// The variables among `names` that are set, passed on as they are.
fn passed_on(names: &[&str]) -> Vec<(String, String)> {
    names.iter().filter_map(|name| Some((name.to_string(), one_line(&std::env::var(name).ok()?)))).collect()
}

/// A key as one line: the PEM's base64 without its header lines (the functions read both).
pub fn one_line(text: &str) -> String {
    text.lines().filter(|line| !line.starts_with("-----")).map(str::trim).collect()
}

fn pairs(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.clone())).collect()
}

async fn alipay(local: &Local<'_>) -> Result<LocalProvider, String> {
    let notify_url = format!("{}{}", local.notify_base, alipay::NOTIFY_PATH);
    if let Some(mut alipay) = AlipayConfig::from_env()? {
        alipay.notify_url.get_or_insert(notify_url);
        let lambda_env = passed_on(&[
            "ALIPAY_APP_ID",
            alipay::NOTIFY_URL_VARIABLE,
            "ALIPAY_APP_PRIVATE_KEY_PEM",
            "ALIPAY_PUBLIC_KEY_PEM",
            "ALIPAY_SECRET_ARN",
            alipay::GATEWAY_URL_VARIABLE,
            alipay::TIMEOUT_VARIABLE,
        ]);
        return Ok(LocalProvider {
            channel: PaymentChannel::Alipay,
            provider: Arc::new(alipay),
            lambda_env,
            stand_in: None,
            notes: Vec::new(),
        });
    }
    let dir = local.data.join("alipay");
    let (mut alipay, alipay_key) = alipay_keys::load_or_create(&dir)?;
    alipay.notify_url = Some(notify_url);
    let app_key = alipay.signing_key().await.map_err(|error| error.to_string())?;
    let mut lambda_env = pairs(&[
        ("ALIPAY_APP_ID", alipay_keys::DEV_APP_ID.to_string()),
        ("ALIPAY_APP_PRIVATE_KEY_PEM", one_line(&app_key.to_pem()?)),
        ("ALIPAY_PUBLIC_KEY_PEM", one_line(&alipay_keys::stand_in_alipay_key()?.verifying_key()?.to_pem())),
    ]);
    let app_public = app_key.verifying_key()?;
    let mut notes = vec![format!(
        "Alipay: ALIPAY_APP_ID is unset, so dev keys are in {} (app id {}); sign a test notification with\n  \
         cargo run -q -p orders-dev --bin sign-alipay-notify -- <order_no> <amount>",
        dir.display(),
        alipay_keys::DEV_APP_ID
    )];
    let timeout = timeout_var(alipay::TIMEOUT_VARIABLE)?;
    let (url, stand_in) = match config::url_var(alipay::GATEWAY_URL_VARIABLE)? {
        Some(url) => (url, None),
        None => {
            notes.push(format!(
                "Refunds go to the stand-in Alipay gateway at $API{} (what it paid back: $API{}).",
                alipay_gateway::PATH,
                alipay_gateway::LEDGER_PATH
            ));
            let routes: StandInRoutes = Box::new(move |app: &App| {
                alipay_gateway::StandInGateway::new(app.clone(), app_public, alipay_key).router()
            });
            (local.stand_in_url(alipay_gateway::PATH), Some(routes))
        }
    };
    lambda_env.extend(pairs(&[
        (alipay::GATEWAY_URL_VARIABLE, url.clone()),
        (alipay::TIMEOUT_VARIABLE, timeout.as_millis().to_string()),
    ]));
    Ok(LocalProvider {
        channel: PaymentChannel::Alipay,
        provider: Arc::new(alipay.with_gateway(&url, timeout)),
        lambda_env,
        stand_in,
        notes,
    })
}

async fn wxpay(local: &Local<'_>) -> Result<LocalProvider, String> {
    let notify_url = format!("{}{}", local.notify_base, wxpay::NOTIFY_PATH);
    if let Some(mut wxpay) = WxpayConfig::from_env()? {
        wxpay.notify_url.get_or_insert(notify_url);
        wxpay.refund_notify_url.get_or_insert_with(|| format!("{}{}", local.notify_base, wxpay::REFUND_NOTIFY_PATH));
        let lambda_env = passed_on(&[
            "WXPAY_APP_ID",
            "WXPAY_MCH_ID",
            "WXPAY_MCH_SERIAL_NO",
            "WXPAY_MCH_PRIVATE_KEY_PEM",
            "WXPAY_APIV3_KEY",
            "WXPAY_PUBLIC_KEY_PEM",
            "WXPAY_PUBLIC_KEY_ID",
            "WXPAY_SECRET_ARN",
            wxpay::NOTIFY_URL_VARIABLE,
            wxpay::REFUND_NOTIFY_URL_VARIABLE,
            wxpay::GATEWAY_URL_VARIABLE,
            wxpay::TIMEOUT_VARIABLE,
        ]);
        return Ok(LocalProvider {
            channel: PaymentChannel::Wxpay,
            provider: Arc::new(wxpay),
            lambda_env,
            stand_in: None,
            notes: Vec::new(),
        });
    }
    let dir = local.data.join("wxpay");
    let mch_key = wxpay_keys::merchant_key(&dir)?;
    let mch_public = mch_key.verifying_key()?;
    let mch_key_pem = mch_key.to_pem()?;
    let wxpay_key = wxpay_keys::stand_in_wxpay_key()?;
    let wxpay_public = wxpay_key.verifying_key()?;
    let timeout = timeout_var(wxpay::TIMEOUT_VARIABLE)?;
    let mut notes = vec![format!(
        "WeChat Pay: WXPAY_MCH_ID is unset, so the merchant key is in {} (mchid {}); sign a test notification with\n  \
         cargo run -q -p orders-dev --bin sign-wxpay-notify -- <order_no> <amount in fen>",
        dir.display(),
        wxpay_keys::DEV_MCH_ID
    )];
    let (url, stand_in) = match config::url_var(wxpay::GATEWAY_URL_VARIABLE)? {
        Some(url) => (url, None),
        None => {
            // Payments and refunds go to the stand-in gateway this server runs.
            let keys = wxpay_gateway::StandInKeys {
                mch_id: wxpay_keys::DEV_MCH_ID.into(),
                mch_serial_no: wxpay_keys::DEV_MCH_SERIAL_NO.into(),
                merchant_public_key: mch_public,
                wxpay_key: wxpay_keys::stand_in_wxpay_key()?,
                wxpay_key_id: wxpay_keys::DEV_PUBLIC_KEY_ID.into(),
                apiv3_key: ApiV3Key::from_text(wxpay_keys::DEV_APIV3_KEY)?,
            };
            notes.push(format!(
                "WeChat Pay goes to the stand-in gateway at $API{0}: the buyer pays with POST $API{0}/buyer-pays/<order_no>,\n\
                 a PROCESSING refund completes with POST $API{0}/refunds/<refund_id>/complete (add ?notify=false to lose the notification).",
                wxpay_gateway::PREFIX
            ));
            let routes: StandInRoutes = Box::new(move |_: &App| wxpay_gateway::StandInWxpay::new(keys).router());
            (local.stand_in_url(wxpay_gateway::PREFIX), Some(routes))
        }
    };
    let provider = wxpay_keys::config(mch_key, &wxpay_key, Some(notify_url))?.with_gateway(&url, timeout);
    let lambda_env = pairs(&[
        ("WXPAY_APP_ID", wxpay_keys::DEV_APP_ID.to_string()),
        ("WXPAY_MCH_ID", wxpay_keys::DEV_MCH_ID.to_string()),
        ("WXPAY_MCH_SERIAL_NO", wxpay_keys::DEV_MCH_SERIAL_NO.to_string()),
        ("WXPAY_MCH_PRIVATE_KEY_PEM", one_line(&mch_key_pem)),
        ("WXPAY_APIV3_KEY", wxpay_keys::DEV_APIV3_KEY.to_string()),
        ("WXPAY_PUBLIC_KEY_PEM", one_line(&wxpay_public.to_pem())),
        ("WXPAY_PUBLIC_KEY_ID", wxpay_keys::DEV_PUBLIC_KEY_ID.to_string()),
        (wxpay::GATEWAY_URL_VARIABLE, url),
        (wxpay::TIMEOUT_VARIABLE, timeout.as_millis().to_string()),
    ]);
    Ok(LocalProvider { channel: PaymentChannel::Wxpay, provider: Arc::new(provider), lambda_env, stand_in, notes })
}

fn lianlian(local: &Local<'_>) -> Result<LocalProvider, String> {
    let notify_url = format!("{}{}", local.notify_base, lianlian::NOTIFY_PATH);
    let refund_notify_url = format!("{}{}", local.notify_base, lianlian::REFUND_NOTIFY_PATH);
    if let Some(mut lianlian) = LianlianConfig::from_env()? {
        lianlian.notify_url.get_or_insert(notify_url);
        lianlian.refund_notify_url.get_or_insert(refund_notify_url);
        let lambda_env = passed_on(&[
            lianlian::OID_PARTNER_VARIABLE,
            "LIANLIAN_PRIVATE_KEY_PEM",
            "LIANLIAN_PUBLIC_KEY_PEM",
            "LIANLIAN_SECRET_ARN",
            lianlian::WARE_CATEGORY_VARIABLE,
            lianlian::AP_MERCHANT_ID_VARIABLE,
            lianlian::NOTIFY_URL_VARIABLE,
            lianlian::REFUND_NOTIFY_URL_VARIABLE,
            lianlian::GATEWAY_URL_VARIABLE,
            lianlian::TIMEOUT_VARIABLE,
        ]);
        return Ok(LocalProvider {
            channel: PaymentChannel::Lianlian,
            provider: Arc::new(lianlian),
            lambda_env,
            stand_in: None,
            notes: Vec::new(),
        });
    }
    let dir = local.data.join("lianlian");
    let merchant = MerchantKey::load_or_create(&dir)?;
    let timeout = timeout_var(lianlian::TIMEOUT_VARIABLE)?;
    let settings = LianlianSettings {
        oid_partner: lianlian_keys::DEV_OID_PARTNER.into(),
        ware_category: lianlian_keys::DEV_WARE_CATEGORY.into(),
        ap_merchant_id: Some(lianlian_keys::DEV_AP_MERCHANT_ID.into()),
        notify_url: Some(notify_url),
        refund_notify_url: Some(refund_notify_url),
    };
    let mut notes = vec![format!(
        "LianLian Pay: LIANLIAN_OID_PARTNER is unset, so the merchant key is in {} (oid_partner {}); sign a test notification with\n  \
         cargo run -q -p orders-dev --bin sign-lianlian-notify -- <order_no> <amount>",
        dir.display(),
        lianlian_keys::DEV_OID_PARTNER
    )];
    let (url, stand_in) = match config::url_var(lianlian::GATEWAY_URL_VARIABLE)? {
        Some(url) => (url, None),
        None => {
            let (oid_partner, merchant_public) = (settings.oid_partner.clone(), merchant.verifying_key()?);
            let lianlian_key = lianlian_keys::stand_in_lianlian_key()?;
            notes.push(format!(
                "LianLian Pay goes to the stand-in at $API{0}: the buyer pays by posting the lianlian_params to $API{0}/buyer-pays,\n\
                 a refund being paid completes with POST $API{0}/refunds/<no_refund>/complete (add ?notify=false to lose the notification).",
                lianlian_gateway::PREFIX
            ));
            let routes: StandInRoutes = Box::new(move |_: &App| {
                lianlian_gateway::StandInLianlian::new(&oid_partner, merchant_public, lianlian_key).router()
            });
            (local.stand_in_url(lianlian_gateway::PREFIX), Some(routes))
        }
    };
    let lambda_env = pairs(&[
        (lianlian::OID_PARTNER_VARIABLE, settings.oid_partner.clone()),
        ("LIANLIAN_PRIVATE_KEY_PEM", one_line(&merchant.private_pem)),
        ("LIANLIAN_PUBLIC_KEY_PEM", one_line(lianlian_keys::STAND_IN_LIANLIAN_PUBLIC_KEY)),
        (lianlian::WARE_CATEGORY_VARIABLE, settings.ware_category.clone()),
        (lianlian::AP_MERCHANT_ID_VARIABLE, lianlian_keys::DEV_AP_MERCHANT_ID.to_string()),
        (lianlian::GATEWAY_URL_VARIABLE, url.clone()),
        (lianlian::TIMEOUT_VARIABLE, timeout.as_millis().to_string()),
    ]);
    let provider =
        LianlianConfig::with_keys(settings, merchant.signing_key()?, lianlian_keys::stand_in_lianlian_public_key()?)
            .with_gateway(&url, timeout);
    Ok(LocalProvider { channel: PaymentChannel::Lianlian, provider: Arc::new(provider), lambda_env, stand_in, notes })
}
