//! Member levels (an admin's), a buyer's level, and what a buyer sees of itself.

use crate::app::App;
use crate::domain::member::{MemberLevel, MAX_LEVELS};
use crate::error::ApiError;

pub async fn put_level(app: &App, level: &MemberLevel) -> Result<(), ApiError> {
    level.validate()?;
    if app.store.put_member_level(level).await? {
        Ok(())
    } else {
        Err(ApiError::invalid("level", format!("at most {MAX_LEVELS} levels")))
    }
}

pub async fn set_membership(app: &App, buyer_id: &str, level_id: &str) -> Result<(), ApiError> {
    if app.store.set_membership(buyer_id, level_id).await? {
        Ok(())
    } else {
        Err(ApiError::invalid("level", format!("no member level {level_id:?}")))
    }
}

/// `GET /me`: the buyer's level (or none) and points.
pub async fn me(app: &App, buyer_id: &str) -> Result<(Option<MemberLevel>, i64), ApiError> {
    app.store.member_profile(buyer_id).await
}
