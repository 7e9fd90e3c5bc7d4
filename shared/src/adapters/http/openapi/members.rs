//! Member levels and a buyer's membership.

use super::answers::*;
use crate::adapters::http::bodies::{CounterShardsBody, MemberLevelBody, MembershipBody};
use crate::adapters::http::views::{CounterShardsView, MeView, MemberLevelView};

/// Spread a shop's order counters over more items (for shops placing hundreds of orders a second)
#[utoipa::path(put, path = "/api/v1/admin/shops/{seller_id}/counter-shards", operation_id = "put-shop-counter-shards", tag = "members",
    params(("seller_id" = String, Path, pattern = "^[A-Za-z0-9_.:@|+=-]{1,128}$")),
    request_body = CounterShardsBody,
    responses(
        (status = 200, description = "The shop's counter shards from now on", body = Envelope<CounterShardsView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_shop_counter_shards() {}

/// Create or replace a member level (percent off goods)
#[utoipa::path(put, path = "/api/v1/admin/member-levels/{level}", operation_id = "put-member-level", tag = "members",
    params(("level" = String, Path, pattern = "^[A-Za-z0-9_-]{1,32}$")),
    request_body = MemberLevelBody,
    responses(
        (status = 200, description = "The level", body = Envelope<MemberLevelView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_member_level() {}

/// Put a buyer in a member level
#[utoipa::path(put, path = "/api/v1/admin/members/{buyer_id}", operation_id = "put-member", tag = "members",
    params(("buyer_id" = String, Path, pattern = "^[A-Za-z0-9_.:@|+=-]{1,128}$")),
    request_body = MembershipBody,
    responses(
        (status = 200, description = "The membership", body = Envelope<Object>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_member() {}

/// The buyer's member level (null when none) and points
#[utoipa::path(get, path = "/api/v1/me", operation_id = "get-me", tag = "members",
    responses((status = 200, description = "The buyer", body = Envelope<MeView>), TokenErrors, Faults))]
fn get_me() {}
