//! The dev server serves exactly the routes template.yaml deploys, with the same auth.

use orders_dev::{handlers, template, template_path};
use std::collections::BTreeSet;

#[test]
fn every_template_route_has_a_handler_and_every_handler_a_route() {
    let template = template::load(&template_path().unwrap()).expect("template.yaml");
    let routes = template::routes(&template);
    assert!(!routes.is_empty());
    let routed: BTreeSet<&str> = routes.iter().map(|route| route.function.as_str()).collect();
    let handled: BTreeSet<&str> = handlers::ALL.iter().map(|(name, _)| *name).collect();
    assert_eq!(routed, handled);
    let public: BTreeSet<(&str, &str)> =
        routes.iter().filter(|route| !route.needs_token).map(|r| (r.method.as_str(), r.path.as_str())).collect();
    let expected = BTreeSet::from([
        ("GET", "/api/v1/skus/{sku_id}"),
        ("POST", "/api/v1/payments/alipay/notify"),
        ("POST", "/api/v1/payments/lianlian/notify"),
        ("POST", "/api/v1/payments/lianlian/refund-notify"),
        ("POST", "/api/v1/payments/wxpay/notify"),
        ("POST", "/api/v1/payments/wxpay/refund-notify"),
    ]);
    assert_eq!(public, expected, "only these routes go without a token");
}

#[test]
fn every_function_crate_is_deployed_once_and_has_an_event_sample() {
    let template = template::load(&template_path().unwrap()).expect("template.yaml");
    let functions: Vec<String> = template::routes(&template).into_iter().map(|route| route.function).collect();
    let scheduled = template::scheduled_functions(&template);
    let expected = [
        "after-sales-timers",
        "auto-confirm-receipt",
        "close-expired-orders",
        "deliver-webhooks",
        "retry-refund-payouts",
    ];
    assert_eq!(scheduled, expected.map(String::from).to_vec());
    let streamed = template::stream_functions(&template);
    assert_eq!(streamed, vec!["publish-order-events".to_string()]);
    let event: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(orders_dev::repo_root().unwrap().join("events/publish-order-events.json"))
            .expect("the stream sample"),
    )
    .expect("json");
    assert_eq!(event["Records"][0]["eventSource"], "aws:dynamodb");
    for function in &scheduled {
        let path = orders_dev::repo_root().unwrap().join(format!("events/{function}.json"));
        let event: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("event")).expect("json");
        assert_eq!(event["detail-type"], "Scheduled Event");
    }
    let functions: Vec<String> =
        functions.into_iter().chain(scheduled.iter().cloned()).chain(streamed.iter().cloned()).collect();
    let crates: BTreeSet<String> = std::fs::read_dir(orders_dev::repo_root().unwrap().join("functions"))
        .expect("functions/")
        .filter_map(|entry| entry.ok().map(|entry| entry.file_name().to_string_lossy().to_string()))
        .collect();
    assert_eq!(functions.iter().cloned().collect::<BTreeSet<_>>(), crates);
    assert_eq!(functions.len(), crates.len(), "one route per function");
    for function in crates.iter().filter(|name| !scheduled.contains(name) && !streamed.contains(name)) {
        let path = orders_dev::repo_root().unwrap().join(format!("events/{function}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
        let request = orders_shared::lambda_http::request::from_str(&text)
            .unwrap_or_else(|error| panic!("{} is not an HTTP API v2 event: {error}", path.display()));
        assert!(!request.uri().path().is_empty());
    }
}

#[test]
fn the_table_has_the_indexes_the_lists_and_schedules_read() {
    let template = template::load(&template_path().unwrap()).expect("template.yaml");
    let table = template::table_definition(&template).expect("table definition");
    let names: BTreeSet<String> = table.indexes.iter().map(|index| index.index_name().to_string()).collect();
    let expected: BTreeSet<String> = ["seller-orders", "seller-status", "due"].iter().map(|s| s.to_string()).collect();
    assert_eq!(names, expected);
}

#[test]
fn the_openapi_description_has_exactly_the_deployed_routes() {
    let template = template::load(&template_path().unwrap()).expect("template.yaml");
    let deployed: BTreeSet<(String, String, String)> =
        template::routes(&template).into_iter().map(|route| (route.method, route.path, route.function)).collect();
    let description: serde_json::Value =
        serde_json::from_str(&orders_shared::http::openapi::openapi_json().expect("the description")).expect("JSON");
    let mut described = BTreeSet::new();
    for (path, item) in description["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let id = operation["operationId"].as_str().expect("an operation id").to_string();
            described.insert((method.to_uppercase(), path.clone(), id));
        }
    }
    assert_eq!(described, deployed, "each route once, its operation id the function that serves it");
}

#[test]
fn the_committed_openapi_json_is_current() {
    let committed =
        std::fs::read_to_string(orders_dev::repo_root().unwrap().join("docs/openapi.json")).expect("docs/openapi.json");
    let current = orders_shared::http::openapi::openapi_json().expect("the description");
    assert!(
        committed.trim_end() == current.trim_end(),
        "docs/openapi.json is stale: run `make openapi` (cargo run -q -p orders-dev --bin openapi > docs/openapi.json)"
    );
}
