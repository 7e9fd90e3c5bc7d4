//! Freight templates and shipping fees.

use crate::adapters::store::ShopFreight;
use crate::domain::freight::FreightTemplate;
use crate::domain::money::Money;
use serde::Serialize;

/// A region's own fees.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionFeeView<'a> {
    pub provinces: &'a [String],
    pub first_fee: Money,
    pub additional_fee: Money,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreightTemplateView<'a> {
    pub template_id: &'a str,
    pub name: &'a str,
    pub from_province: &'a str,
    pub first_units: u32,
    pub first_fee: Money,
    pub additional_units: u32,
    pub additional_fee: Money,
    pub free_over: Option<Money>,
    pub regions: Vec<RegionFeeView<'a>>,
    pub excluded_provinces: &'a [String],
    /// How many of the shop's SKUs name it.
    pub used_by_skus: i64,
}

impl<'a> FreightTemplateView<'a> {
    pub fn new(template: &'a FreightTemplate, used_by_skus: i64) -> FreightTemplateView<'a> {
        let FreightTemplate {
            template_id,
            name,
            from_province,
            first_units,
            first_fee,
            additional_units,
            additional_fee,
            free_over,
            regions,
            excluded_provinces,
        } = template;
        FreightTemplateView {
            template_id,
            name,
            from_province,
            first_units: *first_units,
            first_fee: *first_fee,
            additional_units: *additional_units,
            additional_fee: *additional_fee,
            free_over: free_over.map(Money),
            regions: regions
                .iter()
                .map(|region| RegionFeeView {
                    provinces: &region.provinces,
                    first_fee: region.first_fee,
                    additional_fee: region.additional_fee,
                })
                .collect(),
            excluded_provinces,
            used_by_skus,
        }
    }
}

/// `GET /seller/freight-templates`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreightTemplatesView<'a> {
    pub items: Vec<FreightTemplateView<'a>>,
}

impl<'a> FreightTemplatesView<'a> {
    pub fn new(shop: &'a ShopFreight) -> FreightTemplatesView<'a> {
        let items = shop
            .templates
            .values()
            .map(|template| {
                FreightTemplateView::new(template, shop.uses.get(&template.template_id).copied().unwrap_or(0))
            })
            .collect();
        FreightTemplatesView { items }
    }
}

/// `GET /shipping-fee`: what a template charges for some units to a province.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingFeeView<'a> {
    pub fee: Money,
    /// The template's `from_province`.
    pub from: &'a str,
    /// The province asked for.
    pub to: &'a str,
}
