//! Freight templates and shipping fees.

use super::answers::*;
use crate::adapters::http::bodies::FreightTemplateBody;
use crate::adapters::http::views::{FreightTemplateView, FreightTemplatesView, ShippingFeeView};

/// Create or replace a freight template of the shop
#[utoipa::path(put, path = "/api/v1/seller/freight-templates/{template_id}", operation_id = "put-freight-template", tag = "shipping",
    params(("template_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = FreightTemplateBody,
    responses(
        (status = 200, description = "The template", body = Envelope<FreightTemplateView>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn put_freight_template() {}

/// The shop's freight templates
#[utoipa::path(get, path = "/api/v1/seller/freight-templates", operation_id = "list-freight-templates", tag = "shipping",
    responses((status = 200, description = "The templates", body = Envelope<FreightTemplatesView>), TokenErrors, Faults))]
fn list_freight_templates() {}

/// Delete a freight template; refused (409) while a SKU names it
#[utoipa::path(delete, path = "/api/v1/seller/freight-templates/{template_id}", operation_id = "delete-freight-template", tag = "shipping",
    params(("template_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "Gone", body = Envelope<Object>),
        TokenErrors, ParamErrors, NotFound, StateConflict, Faults,
    ))]
fn delete_freight_template() {}

/// What a shop's freight template charges for `quantity` units to `province`. Template ids are a shop's own, so `seller_id` names the shop
#[utoipa::path(get, path = "/api/v1/shipping-fee", operation_id = "get-shipping-fee", tag = "shipping",
    params(
        ("seller_id" = String, Query, pattern = "^[A-Za-z0-9_.:@|+=-]{1,128}$"),
        ("template_id" = String, Query, pattern = "^[A-Za-z0-9_-]{1,64}$"),
        ("province" = String, Query, min_length = 1, max_length = 50),
        ("quantity" = String, Query, pattern = "^[0-9]{1,4}$"),
    ),
    responses(
        (status = 200, description = "The fee", body = Envelope<ShippingFeeView>),
        NoToken, ParamErrors, NotFound, Faults,
    ))]
fn get_shipping_fee() {}
