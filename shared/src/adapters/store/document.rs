//! How an order is stored: the whole order as one compressed JSON document (zstd with a fixed
//! dictionary of sample orders, so field names and the usual values cost almost nothing), beside
//! the few attributes keys, conditions and filters read (`orders.rs`). An order of a whole life
//! is about 300 bytes this way instead of about 1.5 KB of attributes, so each write of it and of
//! each index entry is one write unit (docs/adr/0009-the-order-as-one-document.md).
//!
//! The format is versioned by its first byte; the dictionary of a version never changes (a test
//! holds its digest), because every stored order needs it to be read.

use crate::domain::order::Order;
use crate::error::ApiError;
use std::cell::RefCell;

/// Version 1: zstd (level 3) with `order_dictionary_v1.jsonl` as a raw-content dictionary.
const FORMAT_V1: u8 = 1;
const LEVEL: i32 = 3;
static DICTIONARY_V1: &[u8] = include_bytes!("order_dictionary_v1.jsonl");
/// No order's JSON comes near this (a DynamoDB item holds 400 KB).
const MAX_JSON: u64 = 400 * 1024;

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

fn corrupt(why: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("corrupt order document: {why}"))
}

/// The order as a stored document.
pub(crate) fn compress(order: &Order) -> Result<Vec<u8>, ApiError> {
    let json =
        serde_json::to_vec(order).map_err(|error| ApiError::Internal(format!("cannot encode order: {error}")))?;
    compress_json(&json)
}

/// JSON (an order, or an event's envelope, which holds one) as a document of this format.
pub(crate) fn compress_json(json: &[u8]) -> Result<Vec<u8>, ApiError> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let compressor = zstd::bulk::Compressor::with_dictionary(LEVEL, DICTIONARY_V1)
                .map_err(|error| ApiError::Internal(format!("zstd: {error}")))?;
            *cell = Some(compressor);
        }
        let compressor = cell.as_mut().ok_or_else(|| ApiError::Internal("zstd compressor".into()))?;
        let body = compressor.compress(json).map_err(|error| ApiError::Internal(format!("zstd: {error}")))?;
        let mut document = Vec::with_capacity(body.len() + 1);
        document.push(FORMAT_V1);
        document.extend_from_slice(&body);
        Ok(document)
    })
}

/// The order a stored document holds.
pub(crate) fn decompress(document: &[u8]) -> Result<Order, ApiError> {
    serde_json::from_slice(&decompress_json(document)?).map_err(corrupt)
}

/// The JSON a document of this format holds.
pub(crate) fn decompress_json(document: &[u8]) -> Result<Vec<u8>, ApiError> {
    let (format, body) = document.split_first().ok_or_else(|| corrupt("empty"))?;
    if *format != FORMAT_V1 {
        return Err(corrupt(format!("unknown format {format}")));
    }
    let size = zstd::zstd_safe::get_frame_content_size(body)
        .map_err(|_| corrupt("not a zstd frame"))?
        .ok_or_else(|| corrupt("no content size"))?;
    if size > MAX_JSON {
        return Err(corrupt(format!("{size} bytes")));
    }
    DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let decompressor = zstd::bulk::Decompressor::with_dictionary(DICTIONARY_V1).map_err(corrupt)?;
            *cell = Some(decompressor);
        }
        let decompressor = cell.as_mut().ok_or_else(|| corrupt("zstd decompressor"))?;
        decompressor.decompress(body, size as usize).map_err(corrupt)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::digest::{digest, SHA256};

    fn sample_orders() -> Vec<Order> {
        std::str::from_utf8(DICTIONARY_V1)
            .expect("UTF-8")
            .lines()
            .map(|line| serde_json::from_str(line).expect("a sample order"))
            .collect()
    }

    #[test]
    fn the_dictionary_of_a_format_never_changes() {
        // Every stored order needs it: a new dictionary is a new format version, never an edit.
        assert_eq!(
            hex::encode(digest(&SHA256, DICTIONARY_V1).as_ref()),
            "1246c6e35f492f1c4fa51b695f174506056fe35ba11aa5b44d3d8521692dd827",
            "order_dictionary_v1.jsonl changed"
        );
    }

    #[test]
    fn an_order_reads_back_as_it_was_written_and_is_small() {
        for mut order in sample_orders() {
            order.order_no = "179650140899999999".into();
            order.buyer_id = "u-8f3a2c19".into();
            let document = compress(&order).expect("compressed");
            assert_eq!(decompress(&document).expect("decompressed"), order);
            let json = serde_json::to_vec(&order).unwrap().len();
            assert!(document.len() * 3 < json, "{} bytes of {json}", document.len());
        }
    }

    #[test]
    fn a_document_that_is_not_one_is_refused() {
        assert!(decompress(&[]).is_err());
        assert!(decompress(&[2, 1, 2, 3]).is_err());
        assert!(decompress(&[FORMAT_V1, 1, 2, 3]).is_err());
    }
}
