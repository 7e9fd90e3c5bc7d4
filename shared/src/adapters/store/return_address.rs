//! A shop's return address: one item beside the shop's counters, where approved returns are sent.

use super::keys::{seller_pk, RETURN_ADDRESS_SK};
use super::table::{decode, encode, key, store_error, Store};
use crate::domain::address::Address;
use crate::error::ApiError;

impl Store {
    pub async fn return_address(&self, seller_id: &str) -> Result<Option<Address>, ApiError> {
        self.get(key(seller_pk(seller_id), RETURN_ADDRESS_SK), false).await?.map(decode).transpose()
    }

    /// Sets (or replaces) the shop's return address.
    pub async fn put_return_address(&self, seller_id: &str, address: &Address) -> Result<(), ApiError> {
        let mut item = encode(address)?;
        item.extend(key(seller_pk(seller_id), RETURN_ADDRESS_SK));
        let put = || self.client.put_item().table_name(&self.table).set_item(Some(item.clone())).send();
        self.write_item(put).await.map_err(store_error)?;
        Ok(())
    }
}
