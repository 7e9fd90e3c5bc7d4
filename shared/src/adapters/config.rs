//! Configuration from the environment, read once per process.

/// Settings every function shares.
#[derive(Debug, Clone)]
pub struct Config {
    /// `TABLE_NAME`: the orders table.
    pub table_name: String,
    /// `PAYMENT_WINDOW_SECONDS`: how long an order may stay unpaid (default 1800).
    pub payment_window_seconds: i64,
    /// `AUTO_CONFIRM_DAYS`: how long after shipping an order completes by itself (default 10).
    pub auto_confirm_days: i64,
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let table_name = std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set".to_string())?;
        Ok(Config {
            table_name,
            payment_window_seconds: number_var("PAYMENT_WINDOW_SECONDS", 1800)?,
            auto_confirm_days: number_var("AUTO_CONFIRM_DAYS", 10)?,
        })
    }

    pub fn for_table(table_name: impl Into<String>) -> Config {
        Config { table_name: table_name.into(), payment_window_seconds: 1800, auto_confirm_days: 10 }
    }
}

fn number_var(name: &str, default: i64) -> Result<i64, String> {
    match std::env::var(name) {
        Ok(text) => match text.parse::<i64>() {
            Ok(value) if value > 0 => Ok(value),
            _ => Err(format!("{name} must be a positive whole number, got {text:?}")),
        },
        Err(_) => Ok(default),
    }
}
