//! What template.yaml must give every function and the stack, checked so that a function added
//! later cannot miss it: its zip, its log group and alarms (the `Fn::ForEach` list), secrets only
//! by ARN with GetSecretValue on that ARN alone, one-at-a-time schedules with a dead-letter
//! queue and its alarm, and a table that outlives the stack.

use orders_dev::{template, template_path};
use std::collections::BTreeSet;
use yaml_serde::Value;

fn load() -> Value {
    template::load(&template_path().unwrap()).expect("template.yaml")
}

fn resources(template: &Value) -> &yaml_serde::Mapping {
    template.get("Resources").and_then(Value::as_mapping).expect("Resources")
}

/// Every string in `value`, however deep (tags like `!Ref` included as their values).
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Sequence(items) => items.iter().for_each(|item| strings(item, out)),
        Value::Mapping(map) => map.iter().for_each(|(key, item)| {
            strings(key, out);
            strings(item, out)
        }),
        Value::Tagged(tagged) => strings(&tagged.value, out),
        _ => {}
    }
}

#[test]
fn every_function_has_its_zip_log_group_and_alarms() {
    let template = load();
    let functions = template::functions(&template);
    assert!(functions.len() >= 31);
    let for_each = resources(&template)
        .get("Fn::ForEach::FunctionOperations")
        .and_then(Value::as_sequence)
        .expect("the per-function Fn::ForEach");
    let listed: BTreeSet<String> = for_each[1]
        .as_sequence()
        .expect("the list of functions")
        .iter()
        .map(|name| format!("{}Function", name.as_str().expect("a name")))
        .collect();
    let ids: BTreeSet<String> = functions.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(listed, ids, "the Fn::ForEach list names every function once");
    let body: BTreeSet<&str> = for_each[2].as_mapping().expect("the body").keys().filter_map(Value::as_str).collect();
    assert_eq!(body, BTreeSet::from(["${Name}Logs", "${Name}ErrorsAlarm", "${Name}ThrottlesAlarm"]));

    for (id, binary) in &functions {
        assert!(!binary.is_empty(), "{id}: CodeUri must be {}", template::code_uri("<binary>"));
        let properties = &resources(&template)[id.as_str()]["Properties"];
        let mut found = Vec::new();
        strings(&properties["LoggingConfig"]["LogGroup"], &mut found);
        assert_eq!(found, vec![format!("{}Logs", id.trim_end_matches("Function"))], "{id}: its own log group");
    }
}

#[test]
fn secrets_are_never_in_the_environment_and_each_read_is_allowed_on_its_arn_only() {
    let template = load();
    let mut all = Vec::new();
    strings(&template, &mut all);
    assert!(!all.iter().any(|text| text.contains("resolve:secretsmanager")), "no secret resolved into a variable");
    for (id, _) in template::functions(&template) {
        let properties = &resources(&template)[id.as_str()]["Properties"];
        let variables = properties["Environment"]["Variables"].as_mapping().cloned().unwrap_or_default();
        let names: BTreeSet<&str> = variables.keys().filter_map(Value::as_str).collect();
        for forbidden in ["ORDERS_CURSOR_KEY", "ALIPAY_APP_PRIVATE_KEY_PEM", "ALIPAY_PUBLIC_KEY_PEM"] {
            assert!(!names.contains(forbidden), "{id} has {forbidden} in its environment");
        }
        let mut policy = Vec::new();
        strings(&properties["Policies"], &mut policy);
        let reads_secrets = policy.iter().any(|text| text == "secretsmanager:GetSecretValue");
        let has_arn = names.iter().any(|name| name.ends_with("_SECRET_ARN"));
        assert_eq!(reads_secrets, has_arn, "{id}: GetSecretValue exactly where a secret ARN is given");
        if reads_secrets {
            assert!(!policy.iter().any(|text| text == "*"), "{id}: no wildcard resource");
        }
    }
}

#[test]
fn schedules_run_one_at_a_time_with_a_dead_letter_queue_and_an_alarm() {
    let template = load();
    let scheduled = template::scheduled_functions(&template);
    assert!(!scheduled.is_empty());
    for (id, binary) in template::functions(&template).into_iter().filter(|(_, binary)| scheduled.contains(binary)) {
        let properties = &resources(&template)[id.as_str()]["Properties"];
        assert_eq!(properties["ReservedConcurrentExecutions"].as_u64(), Some(1), "{binary}");
        for event in properties["Events"].as_mapping().expect("events").values() {
            let queue = event["Properties"]["DeadLetterConfig"]["QueueLogicalId"].as_str().expect("a DLQ");
            let alarm = &resources(&template)[format!("{queue}Alarm").as_str()];
            assert_eq!(alarm["Type"].as_str(), Some("AWS::CloudWatch::Alarm"), "{queue} is alarmed");
        }
    }
}

#[test]
fn the_table_outlives_the_stack_and_is_recoverable_and_encrypted() {
    let template = load();
    let table = &resources(&template)[template::TABLE_RESOURCE];
    assert_eq!(table["DeletionPolicy"].as_str(), Some("Retain"));
    assert_eq!(table["UpdateReplacePolicy"].as_str(), Some("Retain"));
    let properties = &table["Properties"];
    assert_eq!(properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(), Some(true));
    assert_eq!(properties["SSESpecification"]["SSEEnabled"].as_bool(), Some(true));
    let api = &resources(&template)["OrdersApi"]["Properties"];
    for setting in ["CorsConfiguration", "DefaultRouteSettings", "AccessLogSettings"] {
        assert!(!api[setting].is_null(), "the HTTP API sets {setting}");
    }
}
