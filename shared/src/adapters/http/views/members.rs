//! Points and member levels.

use crate::domain::member::MemberLevel;
use serde::Serialize;

/// A buyer's points balance.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct PointsView<'a> {
    pub buyer_id: &'a str,
    pub balance: i64,
}

/// `GET /me`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeView<'a> {
    pub buyer_id: &'a str,
    pub level: Option<MemberLevelView<'a>>,
    pub points: i64,
}

/// A shop's counter shards.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterShardsView<'a> {
    pub seller_id: &'a str,
    pub counter_shards: u32,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberLevelView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub discount_percent: u8,
}

impl<'a> MemberLevelView<'a> {
    pub fn new(level: &'a MemberLevel) -> MemberLevelView<'a> {
        let MemberLevel { level_id, name, discount_percent } = level;
        MemberLevelView { id: level_id, name, discount_percent: *discount_percent }
    }
}
