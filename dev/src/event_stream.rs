//! The table's stream under `make dev` and in the tests: DynamoDB Local serves DynamoDB Streams,
//! so the dev server reads it with the AWS SDK's Streams client, shard by shard, and hands each
//! batch to the same `publish` the `publish-order-events` function runs in AWS. A batch that
//! reports a failed record is read again from that record, as Lambda's event source mapping does.

use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use orders_shared::adapters::events::stream::{change_records, Change, StreamRecord};
use orders_shared::adapters::outbound::send;
use orders_shared::app::events::publish;
use orders_shared::App;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// Records read per GetRecords call (Lambda's default batch size for streams is 100).
const BATCH: i32 = 100;

pub struct StreamPump {
    client: aws_sdk_dynamodbstreams::Client,
    endpoint: String,
    stream_arn: String,
    /// Per shard: the iterator to read next (None once a closed shard is read to its end).
    shards: BTreeMap<String, Option<String>>,
}

fn streams_client(endpoint: &str) -> aws_sdk_dynamodbstreams::Client {
    use aws_sdk_dynamodbstreams::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_dynamodbstreams::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "orders-dev"))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_dynamodbstreams::Client::from_conf(config)
}

/// DynamoDB Local writes an empty map attribute as `{}` in stream images (DynamoDB writes
/// `{"M": {}}`), which no parser of the format takes; this puts the type back.
fn repair_empty_maps(value: &mut Value) {
    match value {
        Value::Object(map) if map.is_empty() => {
            map.insert("M".into(), Value::Object(serde_json::Map::new()));
        }
        Value::Object(map) => {
            if let Some(Value::Object(inner)) = map.get_mut("M") {
                inner.values_mut().for_each(repair_empty_maps);
            } else if let Some(Value::Array(items)) = map.get_mut("L") {
                items.iter_mut().for_each(repair_empty_maps);
            }
        }
        _ => {}
    }
}

impl StreamPump {
    /// The stream of `table` on the DynamoDB Local at `endpoint`, read from its start.
    pub async fn open(endpoint: &str, table: &str) -> Result<StreamPump, String> {
        let described =
            crate::local_db::client(endpoint).describe_table().table_name(table).send().await.map_err(|error| {
                format!("cannot describe {table}: {}", aws_sdk_dynamodb::error::DisplayErrorContext(error))
            })?;
        let stream_arn = described
            .table()
            .and_then(|table| table.latest_stream_arn())
            .ok_or_else(|| format!("table {table} has no stream (template.yaml's StreamSpecification)"))?
            .to_string();
        Ok(StreamPump {
            client: streams_client(endpoint),
            endpoint: endpoint.to_string(),
            stream_arn,
            shards: BTreeMap::new(),
        })
    }

    async fn iterator(
        &self,
        shard_id: &str,
        kind: ShardIteratorType,
        at: Option<&str>,
    ) -> Result<Option<String>, String> {
        let output = self
            .client
            .get_shard_iterator()
            .stream_arn(&self.stream_arn)
            .shard_id(shard_id)
            .shard_iterator_type(kind)
            .set_sequence_number(at.map(str::to_string))
            .send()
            .await
            .map_err(|error| {
                format!("GetShardIterator: {}", aws_sdk_dynamodbstreams::error::DisplayErrorContext(error))
            })?;
        Ok(output.shard_iterator)
    }

    /// GetRecords, read as JSON (the SDK's parser refuses DynamoDB Local's empty maps): the
    /// records, and the iterator to read next (none at the end of a closed shard).
    async fn get_records(&self, iterator: &str) -> Result<(Vec<StreamRecord>, Option<String>), String> {
        let body = serde_json::json!({"ShardIterator": iterator, "Limit": BATCH}).to_string();
        let headers = [
            ("content-type", "application/x-amz-json-1.0".to_string()),
            ("x-amz-target", "DynamoDBStreams_20120810.GetRecords".to_string()),
            // DynamoDB Local wants the shape of a signature, not a valid one.
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
                    .to_string(),
            ),
        ];
        let answer = send("POST", &self.endpoint, &headers, body.into_bytes(), Duration::from_secs(10))
            .await
            .map_err(|error| format!("GetRecords: {error}"))?;
        let mut output: Value =
            serde_json::from_slice(&answer.body).map_err(|error| format!("GetRecords answered no JSON: {error}"))?;
        if answer.status != 200 {
            return Err(format!("GetRecords: HTTP {}: {output}", answer.status));
        }
        let next = output.get("NextShardIterator").and_then(Value::as_str).map(str::to_string);
        let records = output.get_mut("Records").and_then(Value::as_array_mut).map(std::mem::take).unwrap_or_default();
        let records = records
            .into_iter()
            .map(|mut record| {
                for image in ["NewImage", "OldImage"] {
                    if let Some(Value::Object(attributes)) = record.pointer_mut(&format!("/dynamodb/{image}")) {
                        attributes.values_mut().for_each(repair_empty_maps);
                    }
                }
                serde_json::from_value::<StreamRecord>(record).map_err(|error| format!("a stream record: {error}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((records, next))
    }

    /// Reads every record there is now and publishes it; the number of records read.
    pub async fn pump(&mut self, app: &App) -> Result<usize, String> {
        self.find_shards().await?;
        let mut read = 0;
        let shard_ids: Vec<String> = self.shards.keys().cloned().collect();
        for shard_id in shard_ids {
            read += self.pump_shard(app, &shard_id).await?;
        }
        Ok(read)
    }

    /// Every change recorded since the last call, shard by shard (each item's in order), without
    /// publishing: what the benchmark prices writes by.
    pub async fn changes(&mut self) -> Result<Vec<Change>, String> {
        self.find_shards().await?;
        let mut changes = Vec::new();
        let shard_ids: Vec<String> = self.shards.keys().cloned().collect();
        for shard_id in shard_ids {
            while let Some(Some(iterator)) = self.shards.get(&shard_id).cloned() {
                let (records, next) = self.get_records(&iterator).await?;
                self.shards.insert(shard_id.clone(), next);
                if records.is_empty() {
                    break;
                }
                changes.extend(records.into_iter().map(Change::from));
            }
        }
        Ok(changes)
    }

    /// Starts reading, from its start, every shard not seen before.
    async fn find_shards(&mut self) -> Result<(), String> {
        let described = self.client.describe_stream().stream_arn(&self.stream_arn).send().await.map_err(|error| {
            format!("DescribeStream: {}", aws_sdk_dynamodbstreams::error::DisplayErrorContext(error))
        })?;
        let shard_ids: Vec<String> = described
            .stream_description()
            .map(|description| {
                description.shards().iter().filter_map(|shard| shard.shard_id().map(str::to_string)).collect()
            })
            .unwrap_or_default();
        for shard_id in shard_ids {
            if !self.shards.contains_key(&shard_id) {
                let iterator = self.iterator(&shard_id, ShardIteratorType::TrimHorizon, None).await?;
                self.shards.insert(shard_id, iterator);
            }
        }
        Ok(())
    }

    async fn pump_shard(&mut self, app: &App, shard_id: &str) -> Result<usize, String> {
        let mut read = 0;
        while let Some(Some(iterator)) = self.shards.get(shard_id).cloned() {
            let (records, next) = self.get_records(&iterator).await?;
            let changes: Vec<Change> = records.into_iter().map(Change::from).collect();
            let count = changes.len();
            read += count;
            let outcome = publish(app, change_records(changes)).await;
            if let Some(failed) = outcome.failed_from {
                // Given again from the record that failed, next time.
                let again = self.iterator(shard_id, ShardIteratorType::AtSequenceNumber, Some(&failed)).await?;
                self.shards.insert(shard_id.to_string(), again);
                return Err(format!("record {failed} of shard {shard_id} was not published; it is read again"));
            }
            self.shards.insert(shard_id.to_string(), next);
            if count == 0 {
                break;
            }
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_map_gets_its_type_back_at_any_depth() {
        let mut value = serde_json::json!({"M": {"templates": {}, "list": {"L": [{}, {"S": "x"}]}, "ok": {"M": {}}}});
        repair_empty_maps(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"M": {"templates": {"M": {}}, "list": {"L": [{"M": {}}, {"S": "x"}]}, "ok": {"M": {}}}})
        );
    }
}
