//! A buyer's points balance and points password.

use crate::adapters::crypto::{hash_password, password_matches};
use crate::app::App;
use crate::domain::pay_password::{GivenPassword, PayPassword};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, PasswordRefusal};

pub async fn balance(app: &App, buyer_id: &str) -> Result<i64, ApiError> {
    app.store.points_balance(buyer_id).await
}

/// An admin grants points (or, negative, takes some back; never below zero); `points` is
/// bounded by the body. The new balance.
pub async fn grant(app: &App, admin: &str, buyer_id: &str, points: i64, reason: &str) -> Result<i64, ApiError> {
    match app.store.grant_points(buyer_id, points).await? {
        Some(balance) => {
            tracing::info!(%admin, %buyer_id, points, %reason, "points granted");
            Ok(balance)
        }
        None => Err(ApiError::invalid("points", "would take the balance below zero")),
    }
}

/// Checks a points payment's password against the stored one (none stored: nothing to check).
/// The try is counted before the (slow) check, so parallel tries cannot check more than the
/// lock allows; a right one clears the count.
pub async fn check_password(
    app: &App,
    buyer_id: &str,
    stored: Option<&PayPassword>,
    given: Option<&GivenPassword>,
    now: Timestamp,
) -> Result<(), ApiError> {
    let Some(stored) = stored else { return Ok(()) };
    stored.check_unlocked(now)?;
    let Some(given) = given else {
        return Err(ApiError::invalid("pay_password", "is required: this buyer has a points password"));
    };
    let counted = match app.store.count_pay_password_try(buyer_id, now).await? {
        Ok(counted) => counted,
        Err(until) => return Err(ApiError::PointsPassword(PasswordRefusal::Locked { until })),
    };
    if password_matches(&given.0, &counted.hash) {
        app.store.clear_pay_password_tries(buyer_id, counted.failures).await?;
        return Ok(());
    }
    Err(counted.wrong_password(now))
}

/// `PUT /points/password`: sets it, or changes it given the old one (a wrong old one counts
/// toward the lock like a payment's).
pub async fn set_password(
    app: &App,
    buyer_id: &str,
    password: &GivenPassword,
    old: Option<&GivenPassword>,
) -> Result<(), ApiError> {
    let now = Timestamp::now();
    let stored = app.store.pay_password(buyer_id).await?;
    if let Some(stored) = &stored {
        if old.is_none() {
            return Err(ApiError::invalid("old_password", "is required to change the points password"));
        }
        check_password(app, buyer_id, Some(stored), old, now).await?;
    }
    let hash = hash_password(&password.0).map_err(ApiError::Internal)?;
    if app.store.set_pay_password(buyer_id, &hash, stored.as_ref().map(|stored| stored.hash.as_str())).await? {
        Ok(())
    } else {
        Err(ApiError::Unavailable("the points password changed meanwhile; try again".into()))
    }
}
