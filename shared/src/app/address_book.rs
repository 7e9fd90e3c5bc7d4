//! The buyer's address book: at most `MAX_ADDRESSES`, one default.

use crate::app::App;
use crate::domain::address::{new_address_id, Address, AddressEntry, MAX_ADDRESSES};
use crate::domain::time::Timestamp;
use crate::error::ApiError;

pub async fn list(app: &App, buyer_id: &str) -> Result<Vec<AddressEntry>, ApiError> {
    app.store.list_addresses(buyer_id).await
}

pub async fn get(app: &App, buyer_id: &str, address_id: &str) -> Result<AddressEntry, ApiError> {
    app.store.get_address(buyer_id, address_id).await?.ok_or_else(|| ApiError::not_found("address", address_id))
}

/// Adds an address; the first one, or one marked default, becomes the default.
pub async fn add(app: &App, buyer_id: &str, address: &Address, make_default: bool) -> Result<AddressEntry, ApiError> {
    let entry = AddressEntry { address_id: new_address_id(), address: address.clone(), is_default: make_default };
    app.store
        .create_address(buyer_id, &entry, Timestamp::now())
        .await?
        .ok_or_else(|| ApiError::invalid("addresses", format!("the address book is full (at most {MAX_ADDRESSES})")))
}

/// Replaces an address; `make_default` moves the default to it, and clearing the flag on the
/// current default leaves the book without one.
pub async fn update(
    app: &App,
    buyer_id: &str,
    address_id: &str,
    address: &Address,
    make_default: bool,
) -> Result<AddressEntry, ApiError> {
    let entry = AddressEntry { address_id: address_id.to_string(), address: address.clone(), is_default: make_default };
    app.store
        .update_address(buyer_id, &entry, Timestamp::now())
        .await?
        .ok_or_else(|| ApiError::not_found("address", address_id))
}

pub async fn remove(app: &App, buyer_id: &str, address_id: &str) -> Result<(), ApiError> {
    if app.store.delete_address(buyer_id, address_id).await? {
        Ok(())
    } else {
        Err(ApiError::not_found("address", address_id))
    }
}
