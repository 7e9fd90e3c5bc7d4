//! The buyer's address book.

use super::answers::*;
use crate::adapters::http::bodies::AddressBody;
use crate::adapters::http::views::{AddressListView, DeletedAddressView};
use crate::domain::address::AddressEntry;

/// The buyer's address book
#[utoipa::path(get, path = "/api/v1/addresses", operation_id = "list-addresses", tag = "addresses",
    responses(
        (status = 200, description = "Default first", body = Envelope<AddressListView>),
        TokenErrors, Faults,
    ))]
fn list_addresses() {}

/// Add an address (at most 20; the first becomes the default)
#[utoipa::path(post, path = "/api/v1/addresses", operation_id = "create-address", tag = "addresses",
    request_body = AddressBody,
    responses(
        (status = 201, description = "The new entry", body = Envelope<AddressEntry>),
        TokenErrors, BodyErrors, Faults,
    ))]
fn create_address() {}

/// One address of the book
#[utoipa::path(get, path = "/api/v1/addresses/{address_id}", operation_id = "get-address", tag = "addresses",
    params(("address_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "The entry", body = Envelope<AddressEntry>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_address() {}

/// Replace an address; `is_default` moves the default
#[utoipa::path(put, path = "/api/v1/addresses/{address_id}", operation_id = "update-address", tag = "addresses",
    params(("address_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = AddressBody,
    responses(
        (status = 200, description = "The entry", body = Envelope<AddressEntry>),
        TokenErrors, BodyErrors, NotFound, Faults,
    ))]
fn update_address() {}

/// Remove an address
#[utoipa::path(delete, path = "/api/v1/addresses/{address_id}", operation_id = "delete-address", tag = "addresses",
    params(("address_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "Removed", body = Envelope<DeletedAddressView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn delete_address() {}
