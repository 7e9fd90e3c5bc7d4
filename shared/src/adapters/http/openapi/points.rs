//! Points: the balance, an admin's grants, the points password.

use super::answers::*;
use crate::adapters::http::bodies::{GrantPointsBody, PointsPasswordBody};
use crate::adapters::http::views::PointsView;

/// The buyer's points balance
#[utoipa::path(get, path = "/api/v1/points", operation_id = "get-points", tag = "points",
    responses(
        (status = 200, description = "The balance", body = Envelope<PointsView>),
        TokenErrors, Faults,
    ))]
fn get_points() {}

/// An admin grants a buyer points (negative takes some back; never below zero)
#[utoipa::path(post, path = "/api/v1/admin/points", operation_id = "grant-points", tag = "points",
    request_body = GrantPointsBody,
    responses(
        (status = 200, description = "The new balance", body = Envelope<PointsView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn grant_points() {}

/// Set the points password (6 digits), or change it with `old_password`; once set, every points
/// payment carries `pay_password`, and five wrong tries lock points payments for 15 minutes (403)
#[utoipa::path(put, path = "/api/v1/points/password", operation_id = "set-points-password", tag = "points",
    request_body = PointsPasswordBody,
    responses(
        (status = 200, description = "Set", body = Envelope<Object>),
        (status = 403, description = "Wrong old password, or locked (10003, says until when)", body = ErrorEnvelope),
        (status = 401, description = "No or a bad token", body = ErrorEnvelope),
        BodyErrors, Faults,
    ))]
fn set_points_password() {}
