//! Fault injection for the tests: DynamoDB Local never throttles, never cancels a transaction for
//! a conflict and never fails half-way, so this SDK interceptor makes chosen calls do so, the way
//! DynamoDB answers them. Only tests attach it (`TestApi::start_with_faults`).
//!
//! Faults that happen before DynamoDB acts (throttling, a transaction conflict, a 500, a failed
//! connection) never reach the table: the request is turned into a harmless `ListTables` and its
//! answer replaced. Faults after it acted (the answer lost, or a 500 that the SDK retries) let the
//! request through first.

use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// `ThrottlingException` (the SDK retries it with backoff).
    Throttle,
    /// A transaction cancelled for `TransactionConflict`; a single write's
    /// `TransactionConflictException`; for reads, a throttle.
    Conflict,
    /// `InternalServerError` before anything was written (the SDK retries it).
    ServerError,
    /// The connection fails before the request leaves (as a timeout would).
    Unreachable,
    /// The request is applied, then its answer is lost.
    LostAnswer,
    /// The request is applied, then DynamoDB answers 500 and the SDK sends it again.
    ServerErrorAfterWrite,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::Throttle,
        Fault::Conflict,
        Fault::ServerError,
        Fault::Unreachable,
        Fault::LostAnswer,
        Fault::ServerErrorAfterWrite,
    ];

    fn applies_first(self) -> bool {
        matches!(self, Fault::LostAnswer | Fault::ServerErrorAfterWrite)
    }
}

/// Which calls fail.
#[derive(Debug, Clone)]
enum Rule {
    /// The next `count` attempts of `operation` (any when None).
    Next { operation: Option<String>, fault: Fault, count: usize },
    /// Every attempt of `operations` (any when empty) fails with `probability`, with one of `faults`.
    Random { probability: f64, faults: Vec<Fault>, operations: Vec<String> },
}

struct Plan {
    rules: Vec<Rule>,
    rng: StdRng,
    injected: BTreeMap<(String, Fault), usize>,
}

/// The interceptor. Cheap to clone; all clones share one plan.
#[derive(Clone)]
pub struct FaultInjector {
    plan: Arc<Mutex<Plan>>,
}

impl Default for FaultInjector {
    fn default() -> Self {
        FaultInjector::seeded(rand::random())
    }
}

impl std::fmt::Debug for FaultInjector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaultInjector")
    }
}

/// The fault chosen for the attempt under way, for the hook after transmission.
#[derive(Debug, Clone)]
struct Injected(Option<(Fault, usize)>);

impl Storable for Injected {
    type Storer = StoreReplace<Self>;
}

impl FaultInjector {
    /// An injector whose random choices follow `seed` (printed by tests that fail).
    pub fn seeded(seed: u64) -> FaultInjector {
        let plan = Plan { rules: Vec::new(), rng: StdRng::seed_from_u64(seed), injected: BTreeMap::new() };
        FaultInjector { plan: Arc::new(Mutex::new(plan)) }
    }

    fn with_plan<T>(&self, change: impl FnOnce(&mut Plan) -> T) -> T {
        let mut plan = self.plan.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut plan)
    }

    /// The next `count` attempts of `operation` (e.g. "TransactWriteItems"; None: any) fail.
    pub fn fail_next(&self, operation: Option<&str>, fault: Fault, count: usize) {
        let rule = Rule::Next { operation: operation.map(str::to_string), fault, count };
        self.with_plan(|plan| plan.rules.push(rule));
    }

    /// From now on, each attempt of `operations` (any when empty) fails with `probability`.
    pub fn fail_randomly(&self, probability: f64, faults: &[Fault], operations: &[&str]) {
        let operations = operations.iter().map(|operation| operation.to_string()).collect();
        let rule = Rule::Random { probability, faults: faults.to_vec(), operations };
        self.with_plan(|plan| plan.rules.push(rule));
    }

    /// No more faults.
    pub fn stop(&self) {
        self.with_plan(|plan| plan.rules.clear());
    }

    /// The faults injected so far, by operation and kind.
    pub fn injected(&self) -> BTreeMap<(String, Fault), usize> {
        self.with_plan(|plan| plan.injected.clone())
    }

    fn decide(&self, operation: &str) -> Option<Fault> {
        self.with_plan(|plan| {
            let mut chosen = None;
            for rule in plan.rules.iter_mut() {
                match rule {
                    Rule::Next { operation: wanted, fault, count } if *count > 0 => {
                        if wanted.as_deref().is_none_or(|wanted| wanted == operation) {
                            *count -= 1;
                            chosen = Some(*fault);
                            break;
                        }
                    }
                    Rule::Random { probability, faults, operations } => {
                        let matches = operations.is_empty() || operations.iter().any(|o| o == operation);
                        if matches && !faults.is_empty() && plan.rng.random_bool(*probability) {
                            chosen = Some(faults[plan.rng.random_range(0..faults.len())]);
                            break;
                        }
                    }
                    Rule::Next { .. } => {}
                }
            }
            if let Some(fault) = chosen {
                *plan.injected.entry((operation.to_string(), fault)).or_default() += 1;
            }
            chosen
        })
    }
}

/// How many actions a TransactWriteItems request holds (its cancellation lists a reason each).
fn transact_items(body: Option<&[u8]>) -> usize {
    body.and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok())
        .and_then(|value| value["TransactItems"].as_array().map(Vec::len))
        .unwrap_or(1)
}

/// DynamoDB's JSON error answer.
fn error_response(status: u16, kind: &str, extra: serde_json::Value) -> HttpResponse {
    let mut body = serde_json::json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"), "message": "injected by the test"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let status = StatusCode::try_from(status).unwrap_or_else(|_| StatusCode::try_from(500).expect("500"));
    let mut response = HttpResponse::new(status, SdkBody::from(body.to_string()));
    response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
    response.headers_mut().insert("x-amzn-requestid", "injected");
    response
}

fn fault_response(fault: Fault, operation: &str, actions: usize) -> HttpResponse {
    let is_write = matches!(operation, "PutItem" | "UpdateItem" | "DeleteItem");
    match fault {
        Fault::Conflict if operation == "TransactWriteItems" => {
            let reasons: Vec<serde_json::Value> = (0..actions)
                .map(|index| {
                    if index == 0 {
                        serde_json::json!({"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"})
                    } else {
                        serde_json::json!({"Code": "None"})
                    }
                })
                .collect();
            error_response(400, "TransactionCanceledException", serde_json::json!({"CancellationReasons": reasons}))
        }
        Fault::Conflict if is_write => error_response(400, "TransactionConflictException", serde_json::json!({})),
        Fault::Throttle | Fault::Conflict => error_response(400, "ThrottlingException", serde_json::json!({})),
        _ => error_response(500, "InternalServerError", serde_json::json!({})),
    }
}

impl Intercept for FaultInjector {
    fn name(&self) -> &'static str {
        "FaultInjector"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map(|m| m.name().to_string()).unwrap_or_default();
        let fault = self.decide(&operation);
        let actions = transact_items(context.request().body().bytes());
        cfg.interceptor_state().store_put(Injected(fault.map(|fault| (fault, actions))));
        match fault {
            None => Ok(()),
            Some(Fault::Unreachable) => Err("injected: the connection failed".into()),
            Some(fault) if fault.applies_first() => Ok(()),
            Some(_) => {
                // Nothing may be written: send a harmless read in its place.
                let request = context.request_mut();
                request.headers_mut().insert("x-amz-target", "DynamoDB_20120810.ListTables");
                request.headers_mut().insert("content-length", "2");
                *request.body_mut() = SdkBody::from("{}");
                Ok(())
            }
        }
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Injected(Some((fault, actions)))) = cfg.load::<Injected>().cloned() else {
            return Ok(());
        };
        cfg.interceptor_state().store_put(Injected(None));
        if fault == Fault::LostAnswer {
            return Err("injected: the answer was lost".into());
        }
        let operation = cfg.load::<Metadata>().map(|m| m.name().to_string()).unwrap_or_default();
        *context.response_mut() = fault_response(fault, &operation, actions);
        Ok(())
    }
}
