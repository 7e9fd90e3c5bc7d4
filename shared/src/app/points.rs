//! A buyer's points balance.

use crate::app::App;
use crate::error::ApiError;

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
