//! Freight templates: what shipping costs from a shop, by province and number of units. A SKU
//! names its template; an order's shipping is the sum over the templates its lines use.
//!
//! Fee for q units to a province: q ≤ first_units → first_fee; otherwise first_fee +
//! ceil((q − first_units) / additional_units) × additional_fee, with the province's override of
//! the two fees when there is one. A group of lines ships free when its goods total reaches the
//! template's `free_over`. Lines whose SKU has no template ship free.

use crate::domain::money::{as_fen, Money};
use crate::domain::text::{validate_id, validate_text};
use crate::error::ApiError;
use serde::{Deserialize, Serialize};

/// Templates per shop (they live in one item).
pub const MAX_TEMPLATES: usize = 50;
/// Fees are bounded so that sums never overflow.
pub const MAX_FEE_FEN: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionFee {
    pub provinces: Vec<String>,
    #[serde(with = "as_fen")]
    pub first_fee: Money,
    #[serde(with = "as_fen")]
    pub additional_fee: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreightTemplate {
    pub template_id: String,
    pub name: String,
    pub from_province: String,
    pub first_units: u32,
    #[serde(with = "as_fen")]
    pub first_fee: Money,
    pub additional_units: u32,
    #[serde(with = "as_fen")]
    pub additional_fee: Money,
    /// A group of lines whose goods total reaches this ships free.
    #[serde(default)]
    pub free_over: Option<i64>,
    #[serde(default)]
    pub regions: Vec<RegionFee>,
    /// Not delivered there.
    #[serde(default)]
    pub excluded_provinces: Vec<String>,
}

/// Why a template cannot price a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotDelivered {
    pub province: String,
}

fn validate_provinces(field: &str, provinces: &[String]) -> Result<(), ApiError> {
    if provinces.len() > 40 {
        return Err(ApiError::invalid(field, "at most 40 provinces"));
    }
    for (index, province) in provinces.iter().enumerate() {
        validate_text(&format!("{field}[{index}]"), province, 1, 50)?;
    }
    Ok(())
}

fn validate_fee(field: &str, fee: Money) -> Result<(), ApiError> {
    if !(0..=MAX_FEE_FEN).contains(&fee.0) {
        return Err(ApiError::invalid(field, "must be 0.00 to 10000.00"));
    }
    Ok(())
}

impl FreightTemplate {
    pub fn validate(&self) -> Result<(), ApiError> {
        validate_id("template_id", &self.template_id)?;
        validate_text("name", &self.name, 1, 50)?;
        validate_text("from_province", &self.from_province, 1, 50)?;
        if !(1..=9999).contains(&self.first_units) {
            return Err(ApiError::invalid("first_units", "must be 1..=9999"));
        }
        if !(1..=9999).contains(&self.additional_units) {
            return Err(ApiError::invalid("additional_units", "must be 1..=9999"));
        }
        validate_fee("first_fee", self.first_fee)?;
        validate_fee("additional_fee", self.additional_fee)?;
        if let Some(free_over) = self.free_over {
            if !(1..=100_000_000).contains(&free_over) {
                return Err(ApiError::invalid("free_over", "must be 0.01 to 1000000.00 when given"));
            }
        }
        if self.regions.len() > 20 {
            return Err(ApiError::invalid("regions", "at most 20 regions"));
        }
        for (index, region) in self.regions.iter().enumerate() {
            if region.provinces.is_empty() {
                return Err(ApiError::invalid(format!("regions[{index}].provinces"), "must name a province"));
            }
            validate_provinces(&format!("regions[{index}].provinces"), &region.provinces)?;
            validate_fee(&format!("regions[{index}].first_fee"), region.first_fee)?;
            validate_fee(&format!("regions[{index}].additional_fee"), region.additional_fee)?;
        }
        validate_provinces("excluded_provinces", &self.excluded_provinces)
    }

    /// The fee for `units` units to `province` (goods total aside: see `group_fee`).
    pub fn fee(&self, units: u32, province: &str) -> Result<Money, NotDelivered> {
        if self.excluded_provinces.iter().any(|excluded| excluded == province) {
            return Err(NotDelivered { province: province.to_string() });
        }
        let (first, additional) = self
            .regions
            .iter()
            .find(|region| region.provinces.iter().any(|named| named == province))
            .map(|region| (region.first_fee, region.additional_fee))
            .unwrap_or((self.first_fee, self.additional_fee));
        if units <= self.first_units {
            return Ok(first);
        }
        let extra_steps = (units - self.first_units).div_ceil(self.additional_units);
        Ok(Money(first.0 + i64::from(extra_steps) * additional.0))
    }

    /// The fee for a group of lines using this template: free when their goods total reaches
    /// `free_over`.
    pub fn group_fee(&self, units: u32, goods: Money, province: &str) -> Result<Money, NotDelivered> {
        let fee = self.fee(units, province)?;
        if self.free_over.is_some_and(|free_over| goods.0 >= free_over) {
            return Ok(Money::ZERO);
        }
        Ok(fee)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> FreightTemplate {
        FreightTemplate {
            template_id: "std".into(),
            name: "Standard".into(),
            from_province: "Zhejiang".into(),
            first_units: 2,
            first_fee: Money(1000),
            additional_units: 3,
            additional_fee: Money(500),
            free_over: Some(20_000),
            regions: vec![RegionFee {
                provinces: vec!["Xinjiang".into()],
                first_fee: Money(3000),
                additional_fee: Money(1500),
            }],
            excluded_provinces: vec!["Overseas".into()],
        }
    }

    #[test]
    fn fees_follow_the_first_and_additional_steps_with_region_overrides() {
        let t = template();
        assert_eq!(t.fee(1, "Sichuan"), Ok(Money(1000)));
        assert_eq!(t.fee(2, "Sichuan"), Ok(Money(1000)));
        assert_eq!(t.fee(3, "Sichuan"), Ok(Money(1500)), "one step for 1 unit over");
        assert_eq!(t.fee(5, "Sichuan"), Ok(Money(1500)), "one step covers 3 units");
        assert_eq!(t.fee(6, "Sichuan"), Ok(Money(2000)));
        assert_eq!(t.fee(6, "Xinjiang"), Ok(Money(3000 + 2 * 1500)));
        assert_eq!(t.fee(1, "Overseas"), Err(NotDelivered { province: "Overseas".into() }));
        assert_eq!(t.group_fee(6, Money(19_999), "Sichuan"), Ok(Money(2000)));
        assert_eq!(t.group_fee(6, Money(20_000), "Sichuan"), Ok(Money::ZERO), "free over 200.00");
    }
}
