//! A shop's freight templates, in one item (`SELLER#<seller>` / `FREIGHT`): `templates` maps an
//! id to its template, `uses` an id to the number of the shop's SKUs that name it. A checkout
//! reads the items of the shops it buys from in its one BatchGetItem; a SKU's put moves `uses`
//! in the same transaction, which also checks the template exists.

use super::keys::*;
use super::table::{build_error, decode, key, n, store_error, to_attribute, Item, Store};
use crate::domain::freight::{FreightTemplate, MAX_TEMPLATES};
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use std::collections::BTreeMap;

/// A shop's templates and how many SKUs use each.
#[derive(Debug, Clone, Default)]
pub struct ShopFreight {
    pub templates: BTreeMap<String, FreightTemplate>,
    pub uses: BTreeMap<String, i64>,
}

impl ShopFreight {
    pub(crate) fn from_item(item: &Item) -> Result<ShopFreight, ApiError> {
        let mut freight = ShopFreight::default();
        if let Some(AttributeValue::M(templates)) = item.get("templates") {
            for (id, value) in templates {
                let AttributeValue::M(fields) = value else { continue };
                freight.templates.insert(id.clone(), decode(fields.clone())?);
            }
        }
        if let Some(AttributeValue::M(uses)) = item.get("uses") {
            for (id, value) in uses {
                let count = value.as_n().ok().and_then(|count| count.parse().ok()).unwrap_or(0);
                freight.uses.insert(id.clone(), count);
            }
        }
        Ok(freight)
    }
}

/// Why a template change was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum FreightRefusal {
    /// The shop has `MAX_TEMPLATES` others.
    Full,
    /// SKUs still name it (this many).
    InUse(i64),
    Missing,
}

/// `uses` moved for a SKU that stops naming `old` and starts naming `new` (one action of the
/// SKU's transaction); the new template must exist.
pub(crate) fn uses_update(
    table: &str,
    seller_id: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<TransactWriteItem, ApiError> {
    let mut expression = Vec::new();
    let mut update = Update::builder().table_name(table).set_key(Some(key(seller_pk(seller_id), FREIGHT_SK)));
    if let Some(new) = new {
        expression.push("uses.#new :one");
        update = update
            .expression_attribute_names("#new", new)
            .expression_attribute_values(":one", n(1))
            .condition_expression("attribute_exists(templates.#new)");
    }
    if let Some(old) = old {
        expression.push("uses.#old :minus_one");
        update = update.expression_attribute_names("#old", old).expression_attribute_values(":minus_one", n(-1));
    }
    let update = update.update_expression(format!("ADD {}", expression.join(", "))).build().map_err(build_error)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

impl Store {
    pub async fn shop_freight(&self, seller_id: &str) -> Result<ShopFreight, ApiError> {
        match self.get(key(seller_pk(seller_id), FREIGHT_SK), true).await? {
            Some(item) => ShopFreight::from_item(&item),
            None => Ok(ShopFreight::default()),
        }
    }

    /// Creates or replaces a template (a new one only while the shop has room).
    pub async fn put_freight_template(
        &self,
        seller_id: &str,
        template: &FreightTemplate,
    ) -> Result<Result<(), FreightRefusal>, ApiError> {
        let value = to_attribute(template)?;
        let update = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(seller_pk(seller_id), FREIGHT_SK)))
                .update_expression(
                    "SET templates = if_not_exists(templates, :empty), uses = if_not_exists(uses, :empty), \
                     template_count = if_not_exists(template_count, :zero)",
                )
                .expression_attribute_values(":empty", AttributeValue::M(Default::default()))
                .expression_attribute_values(":zero", n(0))
                .send()
        };
        self.write_item(update).await.map_err(store_error)?;
        // Replacing keeps the count; adding one raises it, within the bound.
        let replace = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(seller_pk(seller_id), FREIGHT_SK)))
                .update_expression("SET templates.#id = :t")
                .condition_expression("attribute_exists(templates.#id)")
                .expression_attribute_names("#id", &template.template_id)
                .expression_attribute_values(":t", value.clone())
                .send()
        };
        match self.write_item(replace).await {
            Ok(_) => return Ok(Ok(())),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
            Err(error) => return Err(store_error(error)),
        }
        let add = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(seller_pk(seller_id), FREIGHT_SK)))
                .update_expression("SET templates.#id = :t ADD template_count :one")
                .condition_expression("attribute_not_exists(templates.#id) AND template_count < :max")
                .expression_attribute_names("#id", &template.template_id)
                .expression_attribute_values(":t", value.clone())
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":max", n(MAX_TEMPLATES))
                .send()
        };
        match self.write_item(add).await {
            Ok(_) => Ok(Ok(())),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                // Added meanwhile by a racing put (then replace it), or the shop is full.
                match self.write_item(replace).await {
                    Ok(_) => Ok(Ok(())),
                    Err(error)
                        if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                    {
                        Ok(Err(FreightRefusal::Full))
                    }
                    Err(error) => Err(store_error(error)),
                }
            }
            Err(error) => Err(store_error(error)),
        }
    }

    /// Deletes a template no SKU names.
    pub async fn delete_freight_template(
        &self,
        seller_id: &str,
        template_id: &str,
    ) -> Result<Result<(), FreightRefusal>, ApiError> {
        let delete = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(seller_pk(seller_id), FREIGHT_SK)))
                .update_expression("REMOVE templates.#id, uses.#id ADD template_count :minus_one")
                .condition_expression(
                    "attribute_exists(templates.#id) AND (attribute_not_exists(uses.#id) OR uses.#id <= :zero)",
                )
                .expression_attribute_names("#id", template_id)
                .expression_attribute_values(":minus_one", n(-1))
                .expression_attribute_values(":zero", n(0))
                .send()
        };
        match self.write_item(delete).await {
            Ok(_) => Ok(Ok(())),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                let freight = self.shop_freight(seller_id).await?;
                match (freight.templates.contains_key(template_id), freight.uses.get(template_id)) {
                    (false, _) => Ok(Err(FreightRefusal::Missing)),
                    (true, Some(uses)) if *uses > 0 => Ok(Err(FreightRefusal::InUse(*uses))),
                    (true, _) => Err(ApiError::Unavailable("the template changed during the delete".into())),
                }
            }
            Err(error) => Err(store_error(error)),
        }
    }
}

/// The key of a shop's freight item (for the checkout's BatchGetItem).
pub(crate) fn freight_key(seller_id: &str) -> Item {
    key(seller_pk(seller_id), FREIGHT_SK)
}

pub(crate) fn is_freight(item: &Item) -> Option<String> {
    let pk = item.get(PK)?.as_s().ok()?;
    let sk = item.get(SK)?.as_s().ok()?;
    (sk == FREIGHT_SK).then(|| seller_of_pk(pk).map(str::to_string)).flatten()
}
