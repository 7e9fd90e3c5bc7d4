//! One-time conversions of stored data, run by hand (`migrate-stock`), never on a request path.

use super::keys::*;
use super::order_item::order_from_item;
use super::table::{key, n, s, store_error, Item, Store};
use crate::domain::order::{Order, OrderStatus};
use crate::error::ApiError;
use std::collections::BTreeMap;

/// What `migrate_legacy_stock` did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StockMigration {
    /// SKUs converted: (sku_id, available, reserved, on_hand).
    pub converted: Vec<(String, i64, i64, i64)>,
    /// SKUs that changed while being converted; run again.
    pub changed_meanwhile: Vec<String>,
}

impl Store {
    /// Every item of the table that `filter` keeps (a full Scan: migrations only).
    async fn scan(&self, filter: &str, values: &[(&str, &str)]) -> Result<Vec<Item>, ApiError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut request = self.client.scan().table_name(&self.table).filter_expression(filter);
            for (name, value) in values {
                request = request.expression_attribute_values(*name, s(*value));
            }
            if filter.contains("#status") {
                request = request.expression_attribute_names("#status", "status");
            }
            let output = request.set_exclusive_start_key(start).send().await.map_err(store_error)?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// Converts SKUs stored with a single `stock` figure (what could be bought) to the three:
    /// available = stock, reserved = the units open (unpaid, or paid and unshipped) orders hold,
    /// on hand = both. Each SKU is converted only if its `stock` is still what was read.
    pub async fn migrate_legacy_stock(&self) -> Result<StockMigration, ApiError> {
        let open = self
            .scan(
                "begins_with(SK, :order) AND #status IN (:pending, :paid)",
                &[
                    (":order", ORDER_SK_PREFIX),
                    (":pending", OrderStatus::PendingPayment.as_str()),
                    (":paid", OrderStatus::Paid.as_str()),
                ],
            )
            .await?;
        let mut held: BTreeMap<String, i64> = BTreeMap::new();
        for item in open {
            let order: Order = order_from_item(item)?;
            for line in &order.lines {
                *held.entry(line.sku_id.clone()).or_default() += i64::from(line.units_kept());
            }
        }
        let legacy = self.scan("SK = :sku AND attribute_exists(stock)", &[(":sku", SKU_SK)]).await?;
        let mut report = StockMigration::default();
        for item in legacy {
            let sku_id = item.get("sku_id").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            let Some(stock) = item.get("stock").and_then(|v| v.as_n().ok()).and_then(|v| v.parse::<i64>().ok()) else {
                continue;
            };
            let reserved = held.get(&sku_id).copied().unwrap_or(0);
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(sku_pk(&sku_id), SKU_SK)))
                .update_expression("SET available = :stock, reserved = :reserved, on_hand = :on_hand REMOVE stock")
                .condition_expression("stock = :stock")
                .expression_attribute_values(":stock", n(stock))
                .expression_attribute_values(":reserved", n(reserved))
                .expression_attribute_values(":on_hand", n(stock + reserved))
                .send()
                .await;
            match result {
                Ok(_) => report.converted.push((sku_id, stock, reserved, stock + reserved)),
                Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                    report.changed_meanwhile.push(sku_id)
                }
                Err(error) => return Err(store_error(error)),
            }
        }
        Ok(report)
    }
}
