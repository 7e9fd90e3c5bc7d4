//! The smallest Lambda function: answers every event with a fixed JSON. The benchmark compares
//! our functions' cold start and memory with this floor, built with the same release profile.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_event: LambdaEvent<Value>| async {
        Ok::<_, Error>(json!({"statusCode": 200, "body": "{\"code\":0,\"msg\":\"ok\"}"}))
    }))
    .await
}
