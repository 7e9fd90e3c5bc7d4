//! Bodies of points and member levels: the admin's grants and levels, the buyer's points password.

#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::member::{discount_percent, validate_level_id, MemberLevel};
use crate::domain::pay_password::{validate as validate_pay_password, GivenPassword};
use crate::domain::pricing::MAX_POINTS;
use crate::domain::text::{validate_multiline_text, validate_user_id};
use crate::error::ApiError;
use serde::Deserialize;

/// `POST /admin/points`: grant (or, negative, take back) a buyer's points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"buyer_id": "buyer-1", "points": 500, "reason": "Welcome gift"}))))]
pub struct GrantPointsBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::user_id))]
    pub buyer_id: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::change::<MAX_POINTS>))]
    pub points: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::lines::<0, 200>))]
    pub reason: String,
}

impl GrantPointsBody {
    pub fn validated(self) -> Result<GrantPointsBody, ApiError> {
        validate_user_id("buyer_id", &self.buyer_id)?;
        if self.points == 0 || !(-MAX_POINTS..=MAX_POINTS).contains(&self.points) {
            return Err(ApiError::invalid("points", format!("must be non-zero and at most {MAX_POINTS} either way")));
        }
        validate_multiline_text("reason", &self.reason, 0, 200)?;
        Ok(self)
    }
}

/// `PUT /admin/shops/{seller_id}/counter-shards`: the items a shop's order counters are spread over.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"counter_shards": 32}))))]
pub struct CounterShardsBody {
    /// 1 to 32; each shard takes about 1,000 writes a second, and the counts are still read in one call.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 32))]
    pub counter_shards: u32,
}

/// `PUT /admin/member-levels/{level}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Gold", "discount_percent": 5}))))]
pub struct MemberLevelBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub name: String,
    /// Percent off goods (at most 99: every order keeps 0.01 to pay).
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<0, 99>))]
    pub discount_percent: i64,
}

impl MemberLevelBody {
    pub fn into_level(self, level_id: &str) -> Result<MemberLevel, ApiError> {
        validate_level_id("level", level_id)?;
        let percent = discount_percent(self.discount_percent)?;
        let level = MemberLevel { level_id: level_id.to_string(), name: self.name, discount_percent: percent };
        level.validate()?;
        Ok(level)
    }
}

/// `PUT /admin/members/{buyer_id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"level": "gold"}))))]
pub struct MembershipBody {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,32}$"))]
    pub level: String,
}

impl MembershipBody {
    pub fn level(self) -> Result<String, ApiError> {
        validate_level_id("level", &self.level)?;
        Ok(self.level)
    }
}

/// `PUT /points/password`: six digits; `old_password` to change one already set.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"password": "246810"}))))]
pub struct PointsPasswordBody {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
    pub password: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{6}$"))]
    pub old_password: Option<String>,
}

impl PointsPasswordBody {
    /// (new, old), checked.
    pub fn passwords(self) -> Result<(GivenPassword, Option<GivenPassword>), ApiError> {
        validate_pay_password("password", &self.password)?;
        if let Some(old) = &self.old_password {
            validate_pay_password("old_password", old)?;
        }
        Ok((GivenPassword(self.password), self.old_password.map(GivenPassword)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pricing::MAX_POINTS;

    #[test]
    fn points_are_bounded_when_the_body_is_read() {
        for points in [0, i64::MIN, i64::MAX, -MAX_POINTS - 1, MAX_POINTS + 1] {
            let body = GrantPointsBody { buyer_id: "b".into(), points, reason: String::new() };
            assert!(matches!(body.validated(), Err(ApiError::Invalid { field, .. }) if field == "points"), "{points}");
        }
        let body = GrantPointsBody { buyer_id: "b".into(), points: -MAX_POINTS, reason: String::new() };
        assert!(body.validated().is_ok());
    }
}
