//! Configuration from the environment, read once per process. Every variable is checked here, so
//! a bad value stops a function at init with a message naming it.

use crate::adapters::cursor::CursorKey;
use crate::adapters::secrets::Secret;
use crate::domain::counters::MAX_COUNTER_SHARDS;
use crate::domain::state::AfterSalesPolicy;

/// A shop's counter shards when neither `COUNTER_SHARDS` nor an admin says otherwise.
pub const DEFAULT_COUNTER_SHARDS: u32 = 8;
use crate::domain::webhooks::RetrySchedule;

/// Settings every function shares.
#[derive(Debug, Clone)]
pub struct Config {
    /// `TABLE_NAME`: the orders table.
    pub table_name: String,
    /// `PAYMENT_WINDOW_SECONDS`: how long an order may stay unpaid (default 1800, 60 to 30 days).
    pub payment_window_seconds: i64,
    /// `AUTO_CONFIRM_DAYS`: how long after shipping an order completes by itself (default 10, 1 to 365).
    pub auto_confirm_days: i64,
    /// Signs list cursors (at least 32 bytes): `ORDERS_CURSOR_KEY` (local), or the Secrets
    /// Manager secret `ORDERS_CURSOR_KEY_SECRET_ARN` (deployed). Only the list functions have it.
    pub cursor_key: Option<Secret<CursorKey>>,
    /// After-sales limits: `AFTER_SALES_DAYS` (default 15, 1 to 365), `REFUND_AUTO_APPROVE_HOURS`
    /// (48, 1 to 720), `RETURN_SHIP_DAYS` (7, 1 to 60), `RETURN_CONFIRM_DAYS` (10, 1 to 60),
    /// `REFUND_PAYOUT_RETRY_SECONDS` (60, 10 to 3600: the first retry of an unknown payout).
    pub after_sales: AfterSalesPolicy,
    /// Webhook deliveries: `WEBHOOK_TIMEOUT_MS`, `WEBHOOK_RETRY_SECONDS`, `WEBHOOK_ALLOW_LOOPBACK`.
    pub webhooks: WebhookSettings,
    /// `COUNTER_SHARDS` (default 8, 1 to 32): the items a shop's order counters are spread
    /// over, unless an admin set the shop's own.
    pub counter_shards: u32,
}

/// How webhooks are delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `WEBHOOK_TIMEOUT_MS` (default 10000, 100 to 30000): a 2xx within this delivers.
    pub timeout: std::time::Duration,
    /// `WEBHOOK_RETRY_SECONDS` (default 5, 1 to 3600): the first retry delay, scaling the schedule.
    pub retry: RetrySchedule,
    /// `WEBHOOK_ALLOW_LOOPBACK` (`true`/`false`, default false; the dev server's default is true):
    /// loopback endpoints, and `http` to them, are allowed.
    pub allow_loopback: bool,
}

impl Default for WebhookSettings {
    fn default() -> WebhookSettings {
        WebhookSettings {
            timeout: std::time::Duration::from_millis(10_000),
            retry: RetrySchedule { first_delay_seconds: 5 },
            allow_loopback: false,
        }
    }
}

impl WebhookSettings {
    pub fn from_env() -> Result<WebhookSettings, String> {
        let allow_loopback = match var("WEBHOOK_ALLOW_LOOPBACK").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => return Err(format!("WEBHOOK_ALLOW_LOOPBACK must be true or false, got {other:?}")),
        };
        Ok(WebhookSettings {
            timeout: std::time::Duration::from_millis(number_var("WEBHOOK_TIMEOUT_MS", 10_000, 100..=30_000)? as u64),
            retry: RetrySchedule { first_delay_seconds: number_var("WEBHOOK_RETRY_SECONDS", 5, 1..=3600)? },
            allow_loopback,
        })
    }
}

impl Config {
    /// A function's configuration: `TABLE_NAME` must be set.
    pub fn from_env() -> Result<Config, String> {
        let table_name = std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set".to_string())?;
        Config::from_env_for_table(&table_name)
    }

    /// Every variable but `TABLE_NAME`, which the caller chose (the dev server defaults it).
    pub fn from_env_for_table(table_name: &str) -> Result<Config, String> {
        let cursor_key = Secret::from_env(
            "ORDERS_CURSOR_KEY",
            "ORDERS_CURSOR_KEY",
            "ORDERS_CURSOR_KEY_SECRET_ARN",
            None,
            CursorKey::from_secret,
        );
        if let Some(key) = &cursor_key {
            // Text is checked now (a short key stops the function at init); an ARN at first use.
            key.check_now()?;
        }
        Ok(Config {
            table_name: table_name.to_string(),
            payment_window_seconds: number_var("PAYMENT_WINDOW_SECONDS", 1800, 60..=30 * 86_400)?,
            auto_confirm_days: number_var("AUTO_CONFIRM_DAYS", 10, 1..=365)?,
            cursor_key,
            after_sales: AfterSalesPolicy {
                window_seconds: number_var("AFTER_SALES_DAYS", 15, 1..=365)? * 86_400,
                auto_approve_seconds: number_var("REFUND_AUTO_APPROVE_HOURS", 48, 1..=720)? * 3600,
                return_ship_seconds: number_var("RETURN_SHIP_DAYS", 7, 1..=60)? * 86_400,
                return_confirm_seconds: number_var("RETURN_CONFIRM_DAYS", 10, 1..=60)? * 86_400,
                payout_retry_seconds: number_var("REFUND_PAYOUT_RETRY_SECONDS", 60, 10..=3600)?,
            },
            webhooks: WebhookSettings::from_env()?,
            counter_shards: number_var("COUNTER_SHARDS", DEFAULT_COUNTER_SHARDS.into(), 1..=MAX_COUNTER_SHARDS.into())?
                as u32,
        })
    }

    /// Defaults for `table_name`, with a random cursor key (tests, the benchmark).
    pub fn for_table(table_name: impl Into<String>) -> Config {
        Config {
            table_name: table_name.into(),
            payment_window_seconds: 1800,
            auto_confirm_days: 10,
            cursor_key: CursorKey::from_secret(&CursorKey::generate_secret())
                .ok()
                .map(|key| Secret::ready("ORDERS_CURSOR_KEY", key)),
            after_sales: AfterSalesPolicy::default(),
            webhooks: WebhookSettings::default(),
            counter_shards: DEFAULT_COUNTER_SHARDS,
        }
    }
}

/// The variable that says where this API's payment callbacks are served (`https://host`, no
/// trailing slash): the template sets it to the callbacks API's endpoint or a custom domain.
pub const NOTIFY_BASE_VARIABLE: &str = "PAYMENT_NOTIFY_BASE_URL";

/// A provider's notify URL: its own variable `variable` when set, else `PAYMENT_NOTIFY_BASE_URL`
/// followed by the provider's route `path`, else none (payments with it then refuse to start).
/// Only configuration decides where a provider calls back, never a request's Host header.
pub fn notify_url(variable: &str, path: &str) -> Result<Option<String>, String> {
    let url = match (var(variable), var(NOTIFY_BASE_VARIABLE)) {
        (Some(url), _) => (variable, url),
        (None, Some(base)) => (NOTIFY_BASE_VARIABLE, format!("{}{path}", base.trim_end_matches('/'))),
        (None, None) => return Ok(None),
    };
    match url {
        (_, url) if url.starts_with("https://") || url.starts_with("http://") => Ok(Some(url)),
        (name, url) => Err(format!("{name} must be an http(s) URL, got {url:?}")),
    }
}

/// A variable's value, trimmed; none when unset or blank.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|value| value.trim().to_string()).filter(|value| !value.is_empty())
}

/// Where a provider's API is called and how long a call may take before its outcome counts as
/// unknown (asked again later under the same request number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    /// No trailing slash.
    pub url: String,
    pub timeout: std::time::Duration,
}

impl Gateway {
    /// The default every provider starts from: ten seconds.
    pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

    pub fn new(url: &str, timeout: std::time::Duration) -> Gateway {
        Gateway { url: url.trim_end_matches('/').to_string(), timeout }
    }

    /// `url_variable` (an http(s) URL, else `default_url`) and `timeout_variable` (milliseconds,
    /// 100 to 60000, else ten seconds), checked.
    pub fn from_env(url_variable: &str, timeout_variable: &str, default_url: &str) -> Result<Gateway, String> {
        let url = url_var(url_variable)?.unwrap_or_else(|| default_url.to_string());
        Ok(Gateway::new(&url, timeout_var(timeout_variable)?))
    }
}

/// An http(s) URL from `name`, if set.
pub fn url_var(name: &str) -> Result<Option<String>, String> {
    match var(name) {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => Ok(Some(url)),
        Some(url) => Err(format!("{name} must be an http(s) URL, got {url:?}")),
        None => Ok(None),
    }
}

/// A call's time limit from `name` (milliseconds, 100 to 60000), else ten seconds.
pub fn timeout_var(name: &str) -> Result<std::time::Duration, String> {
    match var(name) {
        Some(text) => match text.parse::<u64>() {
            Ok(ms) if (100..=60_000).contains(&ms) => Ok(std::time::Duration::from_millis(ms)),
            _ => Err(format!("{name} must be 100 to 60000, got {text:?}")),
        },
        None => Ok(Gateway::DEFAULT_TIMEOUT),
    }
}

/// A provider's notify URL, or the refusal that names its variable (payments and refunds with
/// the provider cannot start without one).
pub fn configured_notify_url<'a>(url: &'a Option<String>, variable: &str) -> Result<&'a str, crate::error::ApiError> {
    url.as_deref().ok_or_else(|| {
        crate::error::ApiError::Internal(format!(
            "neither {variable} nor {NOTIFY_BASE_VARIABLE} is set: no URL for the provider to notify, so payments with it cannot start"
        ))
    })
}

fn number_var(name: &str, default: i64, allowed: std::ops::RangeInclusive<i64>) -> Result<i64, String> {
    match std::env::var(name) {
        Ok(text) => match text.trim().parse::<i64>() {
            Ok(value) if allowed.contains(&value) => Ok(value),
            _ => Err(format!(
                "{name} must be a whole number from {} to {}, got {text:?}",
                allowed.start(),
                allowed.end()
            )),
        },
        Err(_) => Ok(default),
    }
}
