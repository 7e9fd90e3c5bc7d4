//! The buyer's address book.

use crate::domain::address::AddressEntry;
use serde::Serialize;

/// The buyer's address book, default first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct AddressListView<'a> {
    pub items: &'a [AddressEntry],
    pub total: usize,
}

/// An address removed from the book.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Serialize)]
pub struct DeletedAddressView<'a> {
    pub address_id: &'a str,
    pub deleted: bool,
}
