//! A shop's freight templates and the fee a template charges (`GET /shipping-fee`).

use crate::adapters::store::{FreightRefusal, ShopFreight};
use crate::app::App;
use crate::domain::freight::{FreightTemplate, MAX_TEMPLATES};
use crate::domain::money::Money;
use crate::error::ApiError;

pub async fn put_template(app: &App, seller_id: &str, template: &FreightTemplate) -> Result<(), ApiError> {
    template.validate()?;
    match app.store.put_freight_template(seller_id, template).await? {
        Ok(()) => Ok(()),
        Err(_) => Err(ApiError::invalid("template_id", format!("a shop keeps at most {MAX_TEMPLATES} templates"))),
    }
}

pub async fn templates(app: &App, seller_id: &str) -> Result<ShopFreight, ApiError> {
    app.store.shop_freight(seller_id).await
}

/// Deleted only while no SKU names it (409 says how many do).
pub async fn delete_template(app: &App, seller_id: &str, template_id: &str) -> Result<(), ApiError> {
    match app.store.delete_freight_template(seller_id, template_id).await? {
        Ok(()) => Ok(()),
        Err(FreightRefusal::Missing) => Err(ApiError::not_found("freight template", template_id)),
        Err(FreightRefusal::InUse(uses)) => Err(ApiError::conflict(
            format!("cannot delete freight template {template_id}: {uses} SKUs use it"),
            format!("运费模板 {template_id} 正被 {uses} 个商品使用，不能删除"),
        )),
        Err(FreightRefusal::Full) => Err(ApiError::Internal("a delete found the shop full".into())),
    }
}

/// What `quantity` units cost to ship to `province` with the template: (fee, from province).
pub async fn fee(
    app: &App,
    seller_id: &str,
    template_id: &str,
    province: &str,
    quantity: u32,
) -> Result<(Money, String), ApiError> {
    let shop = app.store.shop_freight(seller_id).await?;
    let template =
        shop.templates.get(template_id).ok_or_else(|| ApiError::not_found("freight template", template_id))?;
    let fee = template
        .fee(quantity, province)
        .map_err(|refused| ApiError::invalid("province", format!("not delivered to {}", refused.province)))?;
    Ok((fee, template.from_province.clone()))
}
