//! The capacity meter: asks every DynamoDB request for `ReturnConsumedCapacity: INDEXES` and keeps
//! what each answer says (DynamoDB Local prices single requests by DynamoDB's rules), and prices a
//! transaction from the table's stream instead: every item it changed, from its old and new
//! images (`write_charge`, the table's units twice), since DynamoDB Local under-reports transactions.

use aws_sdk_dynamodb::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use orders_dev::event_stream::StreamPump;
use orders_dev::local_db;
use orders_integration_tests::capacity::{write_charge, Charge, Image, Index};
use orders_shared::adapters::store::keys;
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

/// What one DynamoDB request consumed.
#[derive(Debug, Clone, Default)]
pub struct Consumed {
    pub(super) operation: String,
    pub(super) table: f64,
    pub(super) indexes: f64,
    /// The items a write names (PK, SK), in its order: what its stream records are matched by.
    keys: Vec<(String, String)>,
}

impl Consumed {
    pub(super) fn is_write(&self) -> bool {
        matches!(
            self.operation.as_str(),
            "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems"
        )
    }
}

/// The items a request writes, kept from its body to its answer.
#[derive(Debug, Clone)]
struct WrittenKeys(Vec<(String, String)>);

impl Storable for WrittenKeys {
    type Storer = StoreReplace<Self>;
}

/// The (PK, SK) of an item or key in DynamoDB JSON.
fn key_of(attributes: &Value) -> Option<(String, String)> {
    Some((attributes[keys::PK]["S"].as_str()?.to_string(), attributes[keys::SK]["S"].as_str()?.to_string()))
}

/// The items a write request names, in order (a ConditionCheck writes nothing, changes nothing).
fn written_keys(operation: &str, body: &Value) -> Vec<(String, String)> {
    match operation {
        "PutItem" => key_of(&body["Item"]).into_iter().collect(),
        "UpdateItem" | "DeleteItem" => key_of(&body["Key"]).into_iter().collect(),
        "TransactWriteItems" => body["TransactItems"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|action| {
                key_of(&action["Put"]["Item"])
                    .or_else(|| key_of(&action["Update"]["Key"]))
                    .or_else(|| key_of(&action["Delete"]["Key"]))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Asks every request for `ReturnConsumedCapacity: INDEXES` and records what each answer says.
#[derive(Debug, Clone, Default)]
pub struct CapacityMeter {
    consumed: Arc<Mutex<Vec<Consumed>>>,
}

impl CapacityMeter {
    pub fn take(&self) -> Vec<Consumed> {
        self.consumed.lock().map(|mut consumed| std::mem::take(&mut *consumed)).unwrap_or_default()
    }

    /// What was consumed since the last `take` (read units, write units, requests), taken.
    pub fn totals(&self) -> (f64, f64, usize) {
        let all = self.take();
        let (reads, writes) = all.iter().fold((0.0, 0.0), |(reads, writes), consumed| {
            let units = consumed.table + consumed.indexes;
            if consumed.is_write() {
                (reads, writes + units)
            } else {
                (reads + units, writes)
            }
        });
        if all.iter().any(|consumed| consumed.operation == "TransactWriteItems") {
            eprintln!(
                "[bench] a TransactWriteItems is counted as DynamoDB Local reports it (less than DynamoDB charges)"
            );
        }
        (reads, writes, all.len())
    }
}

/// An item before and after one write.
type Images = (Option<Image>, Option<Image>);

/// The meter, with the table's stream: a transaction's charge is computed from the images of the
/// items it changed (`write_charge`, the table's units twice), since DynamoDB Local under-reports
/// transactions.
pub struct Metering {
    meter: CapacityMeter,
    stream: tokio::sync::Mutex<StreamPump>,
    indexes: Vec<Index>,
}

impl Metering {
    pub async fn new(meter: CapacityMeter, endpoint: &str, table: &str) -> Result<Metering, String> {
        let described =
            local_db::client(endpoint).describe_table().table_name(table).send().await.map_err(|e| e.to_string())?;
        let indexes = described.table().map(Index::of_table).unwrap_or_default();
        let mut stream = StreamPump::open(endpoint, table).await?;
        stream.changes().await?;
        Ok(Metering { meter, stream: tokio::sync::Mutex::new(stream), indexes })
    }

    /// What was consumed since the last call, transactions charged as DynamoDB charges them.
    pub(super) async fn take(&self) -> Result<Vec<Consumed>, String> {
        let mut consumed = self.meter.take();
        let mut changes: BTreeMap<(String, String), VecDeque<Images>> = BTreeMap::new();
        for change in self.stream.lock().await.changes().await? {
            let image = change.new.as_ref().or(change.old.as_ref());
            let key = image.and_then(|item| {
                Some((item.get(keys::PK)?.as_s().ok()?.clone(), item.get(keys::SK)?.as_s().ok()?.clone()))
            });
            if let Some(key) = key {
                changes.entry(key).or_default().push_back((change.old, change.new));
            }
        }
        for request in consumed.iter_mut().filter(|request| request.is_write()) {
            let transaction = request.operation == "TransactWriteItems";
            let mut charged = Charge::default();
            for key in &request.keys {
                match changes.get_mut(key).and_then(|queue| queue.pop_front()) {
                    Some((old, new)) => {
                        let charge = write_charge(old.as_ref(), new.as_ref(), &self.indexes);
                        charged.table += charge.table;
                        charged.indexes += charge.indexes;
                    }
                    // A write that changed nothing leaves no record; it still costs a unit.
                    None => charged.table += 1.0,
                }
            }
            if transaction {
                let charged = charged.in_transaction();
                (request.table, request.indexes) = (charged.table, charged.indexes);
            }
        }
        Ok(consumed)
    }
}

const MEASURED: [&str; 9] = [
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
];

fn operation(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>().map(|metadata| metadata.name().to_string()).unwrap_or_default()
}

impl Intercept for CapacityMeter {
    fn name(&self) -> &'static str {
        "CapacityMeter"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !MEASURED.contains(&operation(cfg).as_str()) {
            return Ok(());
        }
        let request = context.request_mut();
        let Some(bytes) = request.body().bytes() else { return Ok(()) };
        let mut body: Value = serde_json::from_slice(bytes)?;
        let written = WrittenKeys(written_keys(&operation(cfg), &body));
        cfg.interceptor_state().store_put(written);
        body["ReturnConsumedCapacity"] = json!("INDEXES");
        let text = body.to_string();
        request.headers_mut().insert("content-length", text.len().to_string());
        *request.body_mut() = SdkBody::from(text);
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = operation(cfg);
        let Some(bytes) = context.response().body().bytes() else { return Ok(()) };
        let Ok(body) = serde_json::from_slice::<Value>(bytes) else { return Ok(()) };
        let entries = match &body["ConsumedCapacity"] {
            Value::Array(entries) => entries.clone(),
            Value::Object(_) => vec![body["ConsumedCapacity"].clone()],
            _ => Vec::new(),
        };
        let mut consumed = Consumed { operation, ..Consumed::default() };
        for entry in entries {
            let total = entry["CapacityUnits"].as_f64().unwrap_or(0.0);
            let table = entry["Table"]["CapacityUnits"].as_f64().unwrap_or(total);
            consumed.table += table;
            consumed.indexes += total - table;
        }
        if let Some(WrittenKeys(keys)) = cfg.load::<WrittenKeys>() {
            consumed.keys = keys.clone();
        }
        if let Ok(mut all) = self.consumed.lock() {
            all.push(consumed);
        }
        Ok(())
    }
}
