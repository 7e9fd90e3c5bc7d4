//! The field rules of the request bodies, as JSON Schema: what `domain::text`, `Address`,
//! `Listing` and the bodies check, so generated clients (and the contract tests) send what is
//! accepted. Fields name them with `#[schema(schema_with = rules::...)]`.

use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};

/// What `validate_text` refuses: control characters, and invisible or text-direction ones.
const ONE_LINE: &str =
    "^[^\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]*$";
/// As `ONE_LINE`, but a line feed is allowed (`validate_multiline_text`).
const LINES: &str =
    "^[^\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]*$";

fn text(min: usize, max: usize, pattern: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(pattern))
        .build()
}

/// One line of `MIN..=MAX` characters.
pub fn line<const MIN: usize, const MAX: usize>() -> Object {
    text(MIN, MAX, ONE_LINE)
}

/// Free text of `MIN..=MAX` characters that may span lines.
pub fn lines<const MIN: usize, const MAX: usize>() -> Object {
    text(MIN, MAX, LINES)
}

/// An id (SKUs, addresses, carriers, tracking numbers): `validate_id`.
pub fn id() -> Object {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[A-Za-z0-9_-]{1,64}$")).build()
}

/// A buyer's or a shop's id: `is_user_id`.
pub fn user_id() -> Object {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[A-Za-z0-9_.:@|+=-]{1,128}$")).build()
}

/// A phone number: `Address::validate`.
pub fn phone() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[0-9+ -]{5,20}$"))
        .examples([serde_json::json!("13800000000")])
        .build()
}

/// A whole number `MIN..=MAX`.
pub fn int<const MIN: i64, const MAX: i64>() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64)))
        .minimum(Some(MIN))
        .maximum(Some(MAX))
        .build()
}

/// A whole number `-MAX..=MAX` but not 0 (a change of stock or of points).
pub fn change<const MAX: i64>() -> Schema {
    let range = |min: i64, max: i64| {
        let mut schema = int::<0, 0>();
        schema.minimum = Some(min.into());
        schema.maximum = Some(max.into());
        schema
    };
    OneOfBuilder::new().item(range(-MAX, -1)).item(range(1, MAX)).build().into()
}

/// Up to `MAX` http(s) image URLs (vouchers).
pub fn urls<const MAX: usize>() -> Schema {
    let url = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(500))
        .pattern(Some("^https?://[^\\s]+$"))
        .examples([serde_json::json!("https://example.com/img/lid.jpg")]);
    ArrayBuilder::new().items(url).max_items(Some(MAX)).build().into()
}

/// A payment channel, or one of its aliases.
pub fn pay_channel() -> Object {
    let names = crate::domain::payment::PaymentChannel::pay_channel_names();
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names)).build()
}

/// What lowers an order's price.
pub fn benefit() -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["discount", "points"])).build()
}

/// The type of an after-sales application.
pub fn refund_type() -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["refund_only", "return_and_refund"])).build()
}

/// `items` of an order: 1 to `MAX` item bodies.
pub fn items<const MAX: usize>() -> Schema {
    ArrayBuilder::new()
        .items(RefOr::Ref(Ref::from_schema_name("ItemBody")))
        .min_items(Some(1))
        .max_items(Some(MAX))
        .build()
        .into()
}
