//! Bodies of freight templates.

#[cfg(feature = "openapi")]
use crate::adapters::http::rules;
use crate::domain::freight::{FreightTemplate, RegionFee};
use crate::domain::money::Money;
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// A region's own fees in a freight template.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionFeeBody {
    #[cfg_attr(feature = "openapi", schema(max_items = 40))]
    pub provinces: Vec<String>,
    pub first_fee: Money,
    pub additional_fee: Money,
}

/// `PUT /seller/freight-templates/{template_id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "Standard parcel", "from_province": "Zhejiang", "first_units": 1, "first_fee": "10.00", "additional_units": 1, "additional_fee": "5.00", "free_over": "299.00", "regions": [{"provinces": ["Xinjiang", "Tibet"], "first_fee": "25.00", "additional_fee": "12.00"}], "excluded_provinces": ["Hong Kong"]}))))]
pub struct FreightTemplateBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::line::<1, 50>))]
    pub from_province: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, 9999>))]
    pub first_units: i64,
    pub first_fee: Money,
    #[cfg_attr(feature = "openapi", schema(schema_with = rules::int::<1, 9999>))]
    pub additional_units: i64,
    pub additional_fee: Money,
    /// Lines using this template ship free when their goods total reaches it.
    #[serde(default)]
    pub free_over: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub regions: Vec<RegionFeeBody>,
    /// Not delivered there: a checkout to one is 400 naming the address.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 40))]
    pub excluded_provinces: Vec<String>,
}

impl FreightTemplateBody {
    pub fn into_template(self, template_id: &str) -> Result<FreightTemplate, ApiError> {
        let units = |field: &str, value: i64| {
            u32::try_from(value)
                .ok()
                .filter(|units| (1..=9999).contains(units))
                .ok_or_else(|| ApiError::invalid(field, "must be 1..=9999"))
        };
        let template = FreightTemplate {
            template_id: template_id.to_string(),
            name: self.name,
            from_province: self.from_province,
            first_units: units("first_units", self.first_units)?,
            first_fee: self.first_fee,
            additional_units: units("additional_units", self.additional_units)?,
            additional_fee: self.additional_fee,
            free_over: self.free_over.map(|money| money.0),
            regions: self
                .regions
                .into_iter()
                .map(|region| RegionFee {
                    provinces: region.provinces,
                    first_fee: region.first_fee,
                    additional_fee: region.additional_fee,
                })
                .collect(),
            excluded_provinces: self.excluded_provinces,
        };
        template.validate()?;
        Ok(template)
    }
}
