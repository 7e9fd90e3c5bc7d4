//! SKUs and the one-round-trip read a checkout needs.

use super::keys::*;
use super::orders::CreateOutcome;
use super::{decode, encode, key, s, store_error, Item, Store};
use crate::address::AddressEntry;
use crate::catalog::Sku;
use crate::error::ApiError;
use std::collections::BTreeMap;

/// What a checkout reads before it writes.
pub struct CheckoutReads {
    pub skus: BTreeMap<String, Sku>,
    pub address: Option<AddressEntry>,
    /// Set when the Idempotency-Key was used before.
    pub replay: Option<CreateOutcome>,
    /// The buyer's points balance, when asked for.
    pub points: i64,
}

impl Store {
    pub async fn get_sku(&self, sku_id: &str) -> Result<Option<Sku>, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(sku_pk(sku_id), SKU_SK)))
            .send()
            .await
            .map_err(store_error)?;
        output.item.map(decode).transpose()
    }

    /// Creates or replaces a SKU, unless it belongs to another shop. Returns false then.
    pub async fn put_sku(&self, sku: &Sku) -> Result<bool, ApiError> {
        let mut item = encode(sku)?;
        item.extend(key(sku_pk(&sku.sku_id), SKU_SK));
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK) OR seller_id = :seller")
            .expression_attribute_values(":seller", s(sku.seller_id.clone()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(error) => Err(store_error(error)),
        }
    }

    /// SKUs, the address-book entry and the idempotency record of a checkout, in one BatchGetItem.
    pub async fn checkout_reads(
        &self,
        buyer_id: &str,
        sku_ids: &[&str],
        address_id: Option<&str>,
        idempotency: Option<(&str, &str)>,
        with_points: bool,
    ) -> Result<CheckoutReads, ApiError> {
        let mut keys: Vec<Item> = sku_ids.iter().map(|sku_id| key(sku_pk(sku_id), SKU_SK)).collect();
        if let Some(address_id) = address_id {
            keys.push(key(buyer_pk(buyer_id), address_sk(address_id)));
            keys.push(key(buyer_pk(buyer_id), ADDRESS_BOOK_SK));
        }
        if let Some((idempotency_key, _)) = idempotency {
            keys.push(key(buyer_pk(buyer_id), idempotency_sk(idempotency_key)));
        }
        if with_points {
            keys.push(key(buyer_pk(buyer_id), POINTS_SK));
        }
        let items = self.batch_get(keys).await?;
        let mut reads = CheckoutReads { skus: BTreeMap::new(), address: None, replay: None, points: 0 };
        let mut default_address: Option<String> = None;
        let mut stored_address = None;
        for item in items {
            let sk = item.get(SK).and_then(|value| value.as_s().ok()).cloned().unwrap_or_default();
            if sk == SKU_SK {
                let sku: Sku = decode(item)?;
                reads.skus.insert(sku.sku_id.clone(), sku);
            } else if sk == POINTS_SK {
                reads.points = super::orders::balance_of(Some(&item));
            } else if sk == ADDRESS_BOOK_SK {
                default_address = item.get("default_address_id").and_then(|value| value.as_s().ok()).cloned();
            } else if sk.starts_with("ADDR#") {
                stored_address = Some(decode::<super::addresses::StoredAddress>(item)?);
            } else if let (Some((_, fingerprint)), true) = (idempotency, sk.starts_with("IDEM#")) {
                reads.replay = Some(Store::read_idempotency_record(&item, fingerprint));
            }
        }
        reads.address = stored_address.map(|stored| stored.into_entry(default_address.as_deref()));
        Ok(reads)
    }
}
