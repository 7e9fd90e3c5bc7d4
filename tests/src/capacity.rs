//! What DynamoDB charges for a write, computed from the item before and after it by DynamoDB's
//! rules: the table's write units (1 KB each, of the larger of the two images, rounded up) and
//! each index's (an entry put, deleted, or both when its key changes; rewritten, at the larger
//! size, when a projected attribute changes; nothing when neither). A transaction charges the
//! table's units twice (DynamoDB prepares and commits every item) and the indexes' once: they are
//! written after the commit, as the same write alone would write them.
//!
//! The benchmark needs this for transactions: DynamoDB Local reports single writes by these
//! rules but not transactions (measured: three, five or eight actions of small items are all
//! reported as 2 units; a 2 KB order with one counter as 8 table units; `integration::capacity`
//! compares both and fails when DynamoDB Local changes).

use aws_sdk_dynamodb::types::{AttributeValue, KeyType, ProjectionType, TableDescription};
use std::collections::HashMap;

pub type Image = HashMap<String, AttributeValue>;

/// The table's write units of a transactional action are twice those of the same write alone;
/// its index writes cost what they cost alone.
const TRANSACTION_FACTOR: f64 = 2.0;

/// One global secondary index: its keys and what it projects.
#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    keys: Vec<String>,
    /// None: every attribute (ALL); else the table's keys, the index's and these.
    projected: Option<Vec<String>>,
}

impl Index {
    /// The indexes of a table, as DescribeTable gives them.
    pub fn of_table(table: &TableDescription) -> Vec<Index> {
        let table_keys: Vec<String> = table.key_schema().iter().map(|key| key.attribute_name().to_string()).collect();
        table
            .global_secondary_indexes()
            .iter()
            .map(|index| {
                let keys: Vec<String> = index
                    .key_schema()
                    .iter()
                    .filter(|key| matches!(key.key_type(), KeyType::Hash | KeyType::Range))
                    .map(|key| key.attribute_name().to_string())
                    .collect();
                let index_keys = keys.clone();
                let projection = index.projection();
                let projected = match projection.and_then(|p| p.projection_type()) {
                    Some(ProjectionType::All) | None => None,
                    Some(_) => {
                        let mut names = table_keys.clone();
                        names.extend(index_keys);
                        names.extend(projection.map(|p| p.non_key_attributes().to_vec()).unwrap_or_default());
                        Some(names)
                    }
                };
                Index { name: index.index_name().unwrap_or_default().to_string(), keys, projected }
            })
            .collect()
    }

    /// The item's entry in this index, if the item carries the index's keys.
    fn entry(&self, item: &Image) -> Option<Image> {
        if !self.keys.iter().all(|key| item.contains_key(key)) {
            return None;
        }
        Some(match &self.projected {
            None => item.clone(),
            Some(names) => {
                item.iter().filter(|(name, _)| names.contains(name)).map(|(k, v)| (k.clone(), v.clone())).collect()
            }
        })
    }
}

/// Write units: for the table, and for all indexes together.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Charge {
    pub table: f64,
    pub indexes: f64,
}

impl Charge {
    /// What the same write costs as an action of a TransactWriteItems.
    pub fn in_transaction(self) -> Charge {
        Charge { table: self.table * TRANSACTION_FACTOR, indexes: self.indexes }
    }
}

/// Units of an item of `bytes`: 1 KB each, rounded up, at least 1.
fn units(bytes: usize) -> f64 {
    bytes.div_ceil(1024).max(1) as f64
}

/// What one write (alone, not in a transaction) of an item from `old` to `new` costs.
pub fn write_charge(old: Option<&Image>, new: Option<&Image>, indexes: &[Index]) -> Charge {
    let larger = old.map(item_size).unwrap_or(0).max(new.map(item_size).unwrap_or(0));
    let mut charge = Charge { table: units(larger), indexes: 0.0 };
    for index in indexes {
        let before = old.and_then(|item| index.entry(item));
        let after = new.and_then(|item| index.entry(item));
        let same_key = |a: &Image, b: &Image| index.keys.iter().all(|key| a.get(key) == b.get(key));
        charge.indexes += match (before, after) {
            (None, None) => 0.0,
            (None, Some(entry)) | (Some(entry), None) => units(item_size(&entry)),
            (Some(before), Some(after)) if !same_key(&before, &after) => {
                units(item_size(&before)) + units(item_size(&after))
            }
            (Some(before), Some(after)) if before != after => units(item_size(&before).max(item_size(&after))),
            _ => 0.0,
        };
    }
    charge
}

/// DynamoDB's size of an item: every attribute's name and value.
pub fn item_size(item: &Image) -> usize {
    item.iter().map(|(name, value)| name.len() + value_size(value)).sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::N(number) => number_size(number),
        AttributeValue::B(bytes) => bytes.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(texts) => texts.iter().map(String::len).sum(),
        AttributeValue::Ns(numbers) => numbers.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(blobs) => blobs.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(values) => 3 + values.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => 3 + map.iter().map(|(k, v)| 1 + k.len() + value_size(v)).sum::<usize>(),
        _ => 0,
    }
}

/// A number: one byte per two significant digits, and one.
fn number_size(number: &str) -> usize {
    let mantissa = number.split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    significant.len().div_ceil(2) + 1
}
