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
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
    budget: Option<WriteBudget>,
}

/// DynamoDB's per-item limit, which DynamoDB Local lacks: one item (its partition) takes about
/// 1,000 write units a second, whatever the table's capacity. Each item here has a bucket of
/// `units_per_second` write units that refills continuously (one second of burst); a write costs
/// 1 unit per item, 2 inside a transaction (as DynamoDB charges them for items up to 1 KB). A
/// request any of whose items is out of units is throttled as DynamoDB does, and costs nothing.
struct WriteBudget {
    units_per_second: f64,
    items: HashMap<String, (f64, Instant)>,
}

impl WriteBudget {
    /// Takes `costs` (item key, units) if every item has them; else the actions whose items have not.
    fn take(&mut self, costs: &[(String, f64)]) -> Result<(), Vec<usize>> {
        let now = Instant::now();
        let rate = self.units_per_second;
        let mut wanted: HashMap<&str, f64> = HashMap::new();
        for (item, units) in costs {
            *wanted.entry(item).or_default() += units;
        }
        for item in wanted.keys() {
            let (left, at) = self.items.entry(item.to_string()).or_insert((rate, now));
            *left = (*left + rate * now.duration_since(*at).as_secs_f64()).min(rate);
            *at = now;
        }
        let over: Vec<usize> = costs
            .iter()
            .enumerate()
            .filter(|(_, (item, _))| self.items.get(item).is_some_and(|(left, _)| *left < wanted[item.as_str()]))
            .map(|(index, _)| index)
            .collect();
        if !over.is_empty() {
            return Err(over);
        }
        for (item, units) in wanted {
            if let Some((left, _)) = self.items.get_mut(item) {
                *left -= units;
            }
        }
        Ok(())
    }
}

/// The items a write request writes, with the units each costs, in the request's order.
fn write_costs(operation: &str, body: Option<&[u8]>) -> Vec<(String, f64)> {
    let Some(value) = body.and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok()) else {
        return Vec::new();
    };
    let item_key = |action: &serde_json::Value| {
        let key = if action["Item"].is_object() { &action["Item"] } else { &action["Key"] };
        format!("{}|{}|{}", action["TableName"], key["PK"], key["SK"])
    };
    match operation {
        "PutItem" | "UpdateItem" | "DeleteItem" => vec![(item_key(&value), 1.0)],
        "TransactWriteItems" => value["TransactItems"]
            .as_array()
            .map(|actions| {
                actions
                    .iter()
                    .filter_map(|action| action.as_object()?.values().next().map(|inner| (item_key(inner), 2.0)))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
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

/// The attempt under way went over the write budget: its actions, and those over.
#[derive(Debug, Clone)]
struct OverBudget(Option<(usize, Vec<usize>)>);

impl Storable for OverBudget {
    type Storer = StoreReplace<Self>;
}

impl Storable for Injected {
    type Storer = StoreReplace<Self>;
}

impl FaultInjector {
    /// An injector whose random choices follow `seed` (printed by tests that fail).
    pub fn seeded(seed: u64) -> FaultInjector {
        let plan =
            Plan { rules: Vec::new(), rng: StdRng::seed_from_u64(seed), injected: BTreeMap::new(), budget: None };
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

    /// From now on every item takes at most `units_per_second` write units a second (DynamoDB's
    /// per-item limit is about 1,000); what goes over is throttled.
    pub fn limit_writes_per_item(&self, units_per_second: u32) {
        let budget = WriteBudget { units_per_second: f64::from(units_per_second), items: HashMap::new() };
        self.with_plan(|plan| plan.budget = Some(budget));
    }

    /// Throttled by the write budget: which actions of the request went over (None: admitted).
    fn over_budget(&self, operation: &str, body: Option<&[u8]>) -> Option<Vec<usize>> {
        self.with_plan(|plan| {
            let budget = plan.budget.as_mut()?;
            let costs = write_costs(operation, body);
            if costs.is_empty() {
                return None;
            }
            let over = budget.take(&costs).err()?;
            *plan.injected.entry((operation.to_string(), Fault::Throttle)).or_default() += 1;
            Some(over)
        })
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

/// DynamoDB's answer to a write over an item's limit: a transaction cancelled with
/// `ThrottlingError` for the items over it, a single write's `ProvisionedThroughputExceededException`.
fn throttled_response(operation: &str, actions: usize, over: &[usize]) -> HttpResponse {
    if operation == "TransactWriteItems" {
        let reasons: Vec<serde_json::Value> = (0..actions)
            .map(|index| {
                if over.contains(&index) {
                    serde_json::json!({"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity for one or more global secondary indexes or the table"})
                } else {
                    serde_json::json!({"Code": "None"})
                }
            })
            .collect();
        return error_response(
            400,
            "TransactionCanceledException",
            serde_json::json!({"CancellationReasons": reasons}),
        );
    }
    error_response(400, "ProvisionedThroughputExceededException", serde_json::json!({}))
}

/// Nothing may be written: a harmless read goes in the request's place.
fn replace_with_harmless_read(context: &mut BeforeTransmitInterceptorContextMut<'_>) {
    let request = context.request_mut();
    request.headers_mut().insert("x-amz-target", "DynamoDB_20120810.ListTables");
    request.headers_mut().insert("content-length", "2");
    *request.body_mut() = SdkBody::from("{}");
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
        let actions = transact_items(context.request().body().bytes());
        let over = self.over_budget(&operation, context.request().body().bytes());
        let fault = if over.is_some() { None } else { self.decide(&operation) };
        cfg.interceptor_state().store_put(OverBudget(over.clone().map(|over| (actions, over))));
        cfg.interceptor_state().store_put(Injected(fault.map(|fault| (fault, actions))));
        if over.is_some() {
            replace_with_harmless_read(context);
            return Ok(());
        }
        match fault {
            None => Ok(()),
            Some(Fault::Unreachable) => Err("injected: the connection failed".into()),
            Some(fault) if fault.applies_first() => Ok(()),
            Some(_) => {
                replace_with_harmless_read(context);
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
        if let Some(OverBudget(Some((actions, over)))) = cfg.load::<OverBudget>().cloned() {
            cfg.interceptor_state().store_put(OverBudget(None));
            let operation = cfg.load::<Metadata>().map(|m| m.name().to_string()).unwrap_or_default();
            *context.response_mut() = throttled_response(&operation, actions, &over);
            return Ok(());
        }
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
